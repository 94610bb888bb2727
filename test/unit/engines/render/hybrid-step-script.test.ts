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
  // The page's DOM, as far as the wait sees it: mutations the test makes, reported to the observer.
  const observers = new Set<() => void>();
  const mutate = () => {
    for (const notify of observers) queueMicrotask(notify);
  };
  class MutationObserver {
    constructor(private readonly callback: () => void) {}
    observe() {
      observers.add(this.callback);
    }
    disconnect() {
      observers.delete(this.callback);
    }
  }
  // One task queue, first in first out, as the page's event loop runs MessageChannel messages
  // (the player's own updates are queued on it too, as React's scheduler does); microtasks,
  // mutation records among them, run after each task.
  const tasks: Array<() => void> = [];
  const pump = () =>
    setImmediate(() => {
      tasks.shift()?.();
      if (tasks.length > 0) pump();
    });
  const queueTask = (task: () => void) => {
    tasks.push(task);
    if (tasks.length === 1) pump();
  };
  class FakeMessageChannel {
    readonly port1: { onmessage: (() => void) | null; close: () => void } = { onmessage: null, close: () => undefined };
    readonly port2 = {
      postMessage: () => {
        calls.push('turn');
        queueTask(() => this.port1.onmessage?.());
      },
    };
  }
  Object.assign(document, { documentElement: {} });
  return {
    calls,
    mutate,
    queueTask,
    context: { document, window: {}, CustomEvent, requestAnimationFrame, setTimeout, Promise, Array, MutationObserver, MessageChannel: FakeMessageChannel },
  };
}

describe('hybridStepScript', () => {
  it('dispatches the time, waits for its paint and returns the video boxes, in one evaluation', async () => {
    const { calls, context } = fakePage();
    const probe = await runInNewContext(hybridStepScript(12.3405), context);
    // Two quiet task turns and no animation frame: the screenshot draws the only frame.
    expect(calls).toEqual(['bbbplaybacktimeupdate 12.3405', 'turn', 'turn']);
    expect(JSON.parse(JSON.stringify(probe))).toEqual({ layers: [], pageOnly: null });
  });

  it('waits while the page keeps changing: two task turns in a row without a DOM mutation', async () => {
    const { calls, mutate, queueTask, context } = fakePage();
    // The player's update lands in a later task, its effect in the one after (React 18), and that
    // effect's own update and effect in two more: a fixed number of turns would stop too soon.
    let updates = 4;
    const document = {
      ...context.document,
      dispatchEvent: (event: { type: string }) => {
        calls.push(event.type);
        const next = () =>
          queueTask(() => {
            mutate();
            if (--updates > 0) next();
          });
        next();
        return true;
      },
    };
    await runInNewContext(hybridStepScript(1), { ...context, document });
    expect(updates).toBe(0);
    const turns = calls.filter((c) => c === 'turn').length;
    expect(turns).toBeGreaterThanOrEqual(6);
    expect(calls).not.toContain('frame');
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
    expect(calls.slice(0, 4)).toEqual(['pause', 'seek 12.3405', 'poll 12.3405', 'turn']);
    expect(calls).not.toContainEqual(expect.stringMatching(/bbbplaybacktimeupdate/));
  });

  it('refuses a time that is not a number of seconds', () => {
    expect(() => hybridStepScript(Number.NaN)).toThrow(RangeError);
  });
});
