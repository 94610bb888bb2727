import { describe, expect, it } from 'vitest';
import { chooseEngine } from '../../../src/job/choose-engine.js';

const facts = { format: 'mp4' as const, externalVideos: false, clockContract: 'event' as const };

describe('chooseEngine', () => {
  it('auto renders where the player keeps the clock contract and the recording allows it', () => {
    expect(chooseEngine('auto', facts)).toEqual({ engine: 'render', reason: expect.stringMatching(/clock contract/) });
  });

  it('auto captures WebM and recordings with external videos without waiting for the player', () => {
    expect(chooseEngine('auto', { ...facts, format: 'webm', clockContract: undefined })?.engine).toBe('capture');
    expect(chooseEngine('auto', { ...facts, externalVideos: true, clockContract: undefined })).toEqual({ engine: 'capture', reason: expect.stringMatching(/external videos/) });
  });

  it('auto needs the player before it can say render, and captures a player without the clock contract', () => {
    expect(chooseEngine('auto', { ...facts, clockContract: undefined })).toBeUndefined();
    expect(chooseEngine('auto', { ...facts, clockContract: 'none' })).toEqual({
      engine: 'capture',
      reason: expect.stringMatching(/neither keeps time by bbbplaybacktimeupdate nor polls its webcams media/),
    });
  });

  it('auto renders a player that polls its webcams media for its time (bbb-playback 2.3.x), naming that clock', () => {
    expect(chooseEngine('auto', { ...facts, clockContract: 'polled' })).toEqual({ engine: 'render', reason: expect.stringMatching(/polled media clock/) });
    expect(chooseEngine('render', { ...facts, clockContract: 'polled' })?.engine).toBe('render');
  });

  it('render on a player without the clock contract is an error naming what is missing', () => {
    expect(() => chooseEngine('render', { ...facts, clockContract: 'none' })).toThrow(
      expect.objectContaining({ code: 'NOT_A_BBB_PLAYER', message: expect.stringMatching(/bbbplaybacktimeupdate.*poll of its webcams media/) }),
    );
    expect(chooseEngine('render', facts)?.engine).toBe('render');
  });

  it('capture is capture, whatever the player', () => {
    expect(chooseEngine('capture', { ...facts, clockContract: undefined })?.engine).toBe('capture');
  });

  it('audio-only formats need no engine and no browser, whatever engine was named', () => {
    for (const format of ['m4a', 'mp3', 'opus'] as const) {
      expect(chooseEngine('auto', { ...facts, format, clockContract: undefined })).toEqual({ engine: 'none', reason: 'audio only: no browser' });
      expect(chooseEngine('render', { ...facts, format, clockContract: 'none' })).toEqual({ engine: 'none', reason: expect.stringMatching(/^audio only: no browser/) });
      expect(chooseEngine('capture', { ...facts, format, clockContract: undefined })?.engine).toBe('none');
    }
  });
});
