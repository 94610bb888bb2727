import { describe, expect, it } from 'vitest';
import { captureJobId, captureJobOptions, checkJobData, formatJobFailure, parseJobFailure, type CaptureJobData, type JobSettings } from '../../../src/worker/capture-queue.js';
import { checkRedisUrl, redactRedisUrl } from '../../../src/worker/open-redis.js';

const RECORD = 'a'.repeat(40) + '-1700000000000';
const settings: JobSettings = { from: 0, to: null, layout: 'player', resolution: '1920x1080', format: 'mp4' };

describe('captureJobId', () => {
  it('is the record id plus a hash of the settings: same work, same id', () => {
    const id = captureJobId(RECORD, settings);
    expect(id).toMatch(new RegExp(`^${RECORD}-[0-9a-f]{12}$`));
    expect(captureJobId(RECORD, { ...settings })).toBe(id);
    expect(new Set([id, captureJobId(RECORD, { ...settings, layout: 'content' }), captureJobId(RECORD, { ...settings, to: 60 }), captureJobId(RECORD, { ...settings, resolution: '1280x720' })]).size).toBe(4);
    // BullMQ uses ids in Redis keys: no ':' and never a bare integer.
    expect(id).not.toContain(':');
  });

  it('describes retries as data', () => {
    expect(captureJobOptions('x', { attempts: 3, backoffMs: 5000 })).toMatchObject({ jobId: 'x', attempts: 3, backoff: { type: 'exponential', delay: 5000 } });
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

describe('checkJobData', () => {
  const good: CaptureJobData = { version: 1, url: 'http://h/playback/presentation/2.3/x', recordId: RECORD, output: 'Talk.mp4', settings, source: 'argument 1', enqueuedAt: '' };
  it('accepts what enqueue writes', () => {
    expect(checkJobData(good)).toBe(good);
  });
  it.each([
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
