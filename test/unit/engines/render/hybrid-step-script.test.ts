import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { hybridStepScript } from '../../../../src/engines/render/hybrid-step-script.js';

/** The least of a page the step touches: a player with no videos, no images and its fonts loaded. */
function fakePage() {
  const calls: string[] = [];
  const document = {
    images: [],
    fonts: { status: 'loaded', ready: Promise.resolve() },
    querySelector: () => null,
    querySelectorAll: () => [],
    dispatchEvent: (event: { type: string; detail: { time: number } }) => {
      calls.push(`${event.type} ${event.detail.time}`);
      return true;
    },
  };
  class CustomEvent {
    constructor(
      readonly type: string,
      init: { detail: unknown },
    ) {
      Object.assign(this, init);
    }
  }
  const requestAnimationFrame = (callback: () => void) => {
    calls.push('frame');
    setTimeout(callback, 0);
  };
  return { calls, context: { document, window: {}, CustomEvent, requestAnimationFrame, setTimeout, Promise, Array } };
}

describe('hybridStepScript', () => {
  it('dispatches the time, waits for its paint and returns the video boxes, in one evaluation', async () => {
    const { calls, context } = fakePage();
    const probe = await runInNewContext(hybridStepScript(12.3405), context);
    expect(calls).toEqual(['bbbplaybacktimeupdate 12.3405', 'frame', 'frame']);
    expect(JSON.parse(JSON.stringify(probe))).toEqual({ layers: [], pageOnly: null });
  });

  it('on a polled media clock (bbb-playback 2.3) seeks the webcams media and runs its polls at once instead of dispatching the time event', async () => {
    const { calls, context } = fakePage();
    let seekedListener: (() => void) | undefined;
    const media = {
      seeking: false,
      time: 3,
      get currentTime() {
        return this.time;
      },
      set currentTime(value: number) {
        calls.push(`seek ${value}`);
        this.time = value;
        setTimeout(() => seekedListener?.(), 0);
      },
      pause: () => calls.push('pause'),
      addEventListener: (type: string, listener: () => void) => {
        if (type === 'seeked') seekedListener = listener;
      },
    };
    const poll = () => calls.push(`poll ${media.currentTime}`);
    const page = {
      ...context,
      document: { ...context.document, querySelector: (selector: string) => (selector.startsWith('#webcams') ? media : null) },
      window: { __bbbPolledClock: { polls: [poll], kept: [poll], held: true } },
    };
    await runInNewContext(hybridStepScript(12.3405), page);
    expect(calls.slice(0, 4)).toEqual(['pause', 'seek 12.3405', 'poll 12.3405', 'frame']);
    expect(calls).not.toContainEqual(expect.stringMatching(/bbbplaybacktimeupdate/));
  });

  it('refuses a time that is not a number of seconds', () => {
    expect(() => hybridStepScript(Number.NaN)).toThrow(RangeError);
  });
});
