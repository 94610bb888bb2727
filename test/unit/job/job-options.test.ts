import { describe, expect, it } from 'vitest';
import { validateJobOptions, type JobOptions } from '../../../src/job/job-options.js';

const base = { engine: 'auto', format: 'mp4', workers: 1, from: 0, to: undefined, fps: undefined, videoOnly: false, compose: null } as unknown as JobOptions;

describe('validateJobOptions', () => {
  it('accepts the defaults', () => {
    expect(() => validateJobOptions(base)).not.toThrow();
    expect(() => validateJobOptions({ ...base, workers: 'auto' })).not.toThrow();
  });

  it.each([
    [{ workers: 0 }, /--workers/],
    [{ workers: 1.5 }, /--workers must be auto or a whole number/],
    [{ from: -1 }, /--from/],
    [{ from: 5, to: 5 }, /--to 5 must be after --from 5/],
    [{ fps: 0 }, /--fps/],
    [{ engine: 'render', format: 'webm' }, /render engine writes H\.264/],
    [{ videoOnly: true, engine: 'capture' }, /video-only part/],
    [{ format: 'mp3', compose: { layout: { kind: 'presenters' }, split: false } }, /sound only: composed layouts/],
    [{ format: 'opus', compose: { layout: { kind: 'presenters' }, split: true } }, /sound only: composed layouts and --split/],
    [{ format: 'm4a', videoOnly: true, engine: 'render' }, /sound only/],
    [{ format: 'mp3', poster: { file: 'talk.jpg', at: undefined } }, /sound only: --poster needs a video format/],
    [{ format: 'opus', captions: 'burn' }, /sound only: --captions burn needs a video format/],
    [{ pipe: { stream: {}, workRoot: '/tmp' }, compose: { layout: { kind: 'presenters' }, split: true } }, /-o - writes one stream/],
    [{ rtmpUrl: 'rtmp://h/app/key', format: 'webm' }, /--rtmp sends H\.264/],
    [{ rtmpUrl: 'rtmp://h/app/key', format: 'm4a' }, /--rtmp sends H\.264/],
    [{ rtmpUrl: 'http://h/app/key' }, /rtmp:\/\/ or rtmps:\/\//],
  ])('refuses %o with USAGE', (change, message) => {
    expect(() => validateJobOptions({ ...base, ...change } as JobOptions)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(message) }));
  });

  it('accepts audio-only formats with any engine choice (none is started)', () => {
    for (const format of ['m4a', 'mp3', 'opus']) {
      for (const engine of ['auto', 'render', 'capture']) expect(() => validateJobOptions({ ...base, format, engine } as JobOptions)).not.toThrow();
    }
    expect(() => validateJobOptions({ ...base, rtmpUrl: 'rtmp://127.0.0.1:1935/live/key' } as JobOptions)).not.toThrow();
  });
});
