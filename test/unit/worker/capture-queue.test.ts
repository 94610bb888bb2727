import { describe, expect, it } from 'vitest';
import {
  captureJobId,
  captureJobOptions,
  checkJobData,
  formatJobFailure,
  parseJobFailure,
  MAX_PARTS,
  planParts,
  type CaptureJobData,
  type JobSettings,
} from '../../../src/worker/capture-queue.js';
import { checkRedisUrl, redactRedisUrl } from '../../../src/worker/open-redis.js';

const RECORD = `${'a'.repeat(40)}-1700000000000`;
const settings: JobSettings = { from: 0, to: null, layout: 'player', resolution: '1920x1080', format: 'mp4' };

describe('captureJobId', () => {
  it('is the record id plus a hash of the settings: same work, same id', () => {
    const id = captureJobId(RECORD, settings);
    expect(id).toMatch(new RegExp(`^${RECORD}-[0-9a-f]{12}$`));
    expect(captureJobId(RECORD, { ...settings })).toBe(id);
    expect(
      new Set([
        id,
        captureJobId(RECORD, { ...settings, layout: 'content' }),
        captureJobId(RECORD, { ...settings, to: 60 }),
        captureJobId(RECORD, { ...settings, resolution: '1280x720' }),
      ]).size,
    ).toBe(4);
    // BullMQ uses ids in Redis keys: no ':' and never a bare integer.
    expect(id).not.toContain(':');
  });

  it('describes retries as data', () => {
    expect(captureJobOptions('x', { attempts: 3, backoffMs: 5000 })).toMatchObject({ jobId: 'x', attempts: 3, backoff: { type: 'exponential', delay: 5000 } });
    // Finished jobs do not pile up in Redis forever: a month, at most 1000 done and 5000 failed.
    expect(captureJobOptions('x', { attempts: 3, backoffMs: 5000 })).toMatchObject({
      removeOnComplete: { count: 1000, age: 30 * 86_400 },
      removeOnFail: { count: 5000, age: 30 * 86_400 },
    });
  });
});

describe('job failures', () => {
  it('round-trips CODE: message, and leaves other reasons without a code', () => {
    expect(parseJobFailure(formatJobFailure('MEDIA_MISSING', 'no media: a: b'))).toEqual({ code: 'MEDIA_MISSING', message: 'no media: a: b' });
    expect(parseJobFailure('job stalled more than allowable limit')).toEqual({ code: null, message: 'job stalled more than allowable limit' });
    expect(parseJobFailure('NOT_A_CODE: x')).toEqual({ code: null, message: 'NOT_A_CODE: x' });
    expect(parseJobFailure(undefined)).toEqual({ code: null, message: '' });
  });
});

describe('planParts', () => {
  it('cuts a long recording into parts, the last up to 1.5 parts long, ending where the whole does', () => {
    expect(planParts(0, null, 3600, 600)).toEqual([
      { from: 0, to: 600 },
      { from: 600, to: 1200 },
      { from: 1200, to: 1800 },
      { from: 1800, to: 2400 },
      { from: 2400, to: 3000 },
      { from: 3000, to: null },
    ]);
    expect(planParts(100, 1400, 3600, 600)).toEqual([
      { from: 100, to: 700 },
      { from: 700, to: 1400 },
    ]);
    expect(planParts(0, null, 890, 600)).toEqual([{ from: 0, to: null }]);
    expect(() => planParts(0, null, 10, 0)).toThrow(/positive/);
  });
  it(`never makes more than ${MAX_PARTS} parts: longer recordings get longer parts`, () => {
    // 48 h (the longest metadata.xml is believed) in 10 s parts would be 17 280 jobs.
    const twoDays = planParts(0, null, 48 * 3600, 10);
    expect(twoDays.length).toBeLessThanOrEqual(MAX_PARTS);
    expect(twoDays.length).toBeGreaterThan(MAX_PARTS - 5);
    expect(twoDays[0]).toEqual({ from: 0, to: 173 });
    expect(twoDays.at(-1)!.to).toBeNull();
    // Even a duration no metadata check would pass stays bounded.
    expect(planParts(0, null, 1e6, 10).length).toBeLessThanOrEqual(MAX_PARTS);
    expect(planParts(0, null, Number.POSITIVE_INFINITY, 10)).toEqual([{ from: 0, to: null }]);
    expect(planParts(100, 100 + 50_000, 200_000, 10).length).toBeLessThanOrEqual(MAX_PARTS);
    // Below the cap the part length is the one asked for.
    expect(planParts(0, null, 3600, 600)).toHaveLength(6);
  });
  it('gives the render engine its own job id', () => {
    expect(captureJobId(RECORD, { ...settings, engine: 'render' })).not.toBe(captureJobId(RECORD, settings));
    expect(captureJobId(RECORD, { ...settings, engine: 'capture' })).toBe(captureJobId(RECORD, settings));
  });
});

describe('checkJobData', () => {
  const good: CaptureJobData = { version: 1, url: 'http://h/playback/presentation/2.3/x', recordId: RECORD, output: 'Talk.mp4', settings, source: 'argument 1', enqueuedAt: '' };
  it('accepts what enqueue writes', () => {
    expect(checkJobData(good)).toBe(good);
    const render = { ...good, settings: { ...settings, engine: 'render' as const } };
    expect(checkJobData({ ...render, part: { index: 1, count: 3, from: 600, to: 1200, dir: 'abc-123' } })).toBeTruthy();
    expect(checkJobData({ ...render, join: { count: 3, dir: 'abc-123' } })).toBeTruthy();
  });
  it.each([
    ['an unknown engine', { ...good, settings: { ...settings, engine: 'warp' } }],
    ['a part directory that is a path', { ...good, part: { index: 0, count: 2, from: 0, to: 10, dir: '../x' } }],
    ['a join of no parts', { ...good, join: { count: 0, dir: 'a' } }],
    ['a path as output', { ...good, output: '../etc/x.mp4' }],
    ['a hidden output', { ...good, output: '.x.mp4' }],
    ['another version', { ...good, version: 2 }],
    ['an unknown layout', { ...good, settings: { ...settings, layout: 'sideways' } }],
    ['nothing', null],
  ])('refuses %s', (_what, data) => {
    expect(() => checkJobData(data)).toThrow(/job data not understood/);
  });
});

describe('Redis URLs', () => {
  it('accepts redis:// and rediss://, names what is wrong otherwise', () => {
    expect(checkRedisUrl('redis://127.0.0.1:6379/2').port).toBe('6379');
    expect(checkRedisUrl('rediss://user:pw@redis.example:6380').hostname).toBe('redis.example');
    expect(() => checkRedisUrl('127.0.0.1:6379')).toThrow(/unsupported scheme|not a URL/);
    expect(() => checkRedisUrl('http://127.0.0.1:6379')).toThrow(/unsupported scheme http:/);
    expect(() => checkRedisUrl('nonsense')).toThrow(/not a URL/);
  });
  it('hides passwords in messages', () => {
    expect(redactRedisUrl('redis://user:secret@h:1/0')).toBe('redis://user:***@h:1/0');
  });
});
