import { describe, expect, it } from 'vitest';
import { validateJobOptions, type JobOptions } from '../../../src/job/job-options.js';

const base = { engine: 'auto', format: 'mp4', workers: 1, from: 0, to: undefined, fps: undefined, videoOnly: false, compose: null } as unknown as JobOptions;

describe('validateJobOptions', () => {
  it('accepts the defaults', () => {
    expect(() => validateJobOptions(base)).not.toThrow();
  });

  it.each([
    [{ workers: 0 }, /--workers/],
    [{ from: -1 }, /--from/],
    [{ from: 5, to: 5 }, /--to 5 must be after --from 5/],
    [{ fps: 0 }, /--fps/],
    [{ engine: 'render', format: 'webm' }, /render engine writes H\.264/],
    [{ videoOnly: true, engine: 'capture' }, /video-only part/],
  ])('refuses %o with USAGE', (change, message) => {
    expect(() => validateJobOptions({ ...base, ...change } as JobOptions)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(message) }));
  });
});
