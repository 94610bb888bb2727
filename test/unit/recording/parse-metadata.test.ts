import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { MAX_DURATION_S, MAX_START_TIME_MS, parseMetadata } from '../../../src/recording/fetch-recording-info.js';

const ID = `${'a'.repeat(40)}-1700000000000`;

describe('parseMetadata', () => {
  it('reads id, meeting id and name, start and duration', () => {
    const xml = `<?xml version="1.0"?><recording><id>${ID}</id><state>published</state><start_time>1700000000000</start_time><end_time>1700003600000</end_time>
      <meeting id="${ID}" externalId="x" name="Meeting &amp; Co" breakout="false"/><meta><meetingName>Physics 101</meetingName></meta>
      <playback><format>presentation</format><link>https://h/playback/presentation/2.3/${ID}</link><duration>3599500</duration></playback></recording>`;
    expect(parseMetadata(xml)).toEqual({ recordId: ID, meetingId: ID, meetingName: 'Physics 101', startTime: 1700000000000, duration: 3599.5 });
  });

  it('falls back to the meeting name attribute, and to the record id for media', () => {
    const xml = `<recording><id>${ID}</id><meeting name="Only attr"/><playback><duration>1000</duration></playback></recording>`;
    expect(parseMetadata(xml)).toMatchObject({ meetingId: ID, meetingName: 'Only attr', duration: 1 });
  });

  it.each([
    ['an HTML page', '<html><body>Welcome</body></html>', /no <recording>/],
    ['no duration', `<recording><id>${ID}</id></recording>`, /no <playback><duration>/],
    ['not XML at all', '{"json": true}', /not a BBB recording/],
  ])('rejects %s', (_what, xml, message) => {
    expect(() => parseMetadata(xml)).toThrowError(message);
  });
});

/** metadata.xml with these start_time and duration texts. */
const withValues = (start: string, durationMs: string, id = ID) =>
  `<recording><id>${id}</id><start_time>${start}</start_time><meeting id="${id}"/><playback><duration>${durationMs}</duration></playback></recording>`;

function refusal(xml: string, expected: { recordId?: string } = {}): CaptureError {
  try {
    parseMetadata(xml, { source: 'https://h/presentation/x/metadata.xml', ...expected });
  } catch (error) {
    expect(error).toBeInstanceOf(CaptureError);
    return error as CaptureError;
  }
  throw new Error('parseMetadata accepted it');
}

describe('parseMetadata bounds', () => {
  it.each([
    ['a start_time past 2200', '1e20', '1000', /start_time "1e20" is not a plausible time/],
    ['a start_time of 0', '0', '1000', /start_time "0"/],
    ['a negative start_time', '-5', '1000', /start_time "-5"/],
    ['a start_time that is no number', 'yesterday', '1000', /start_time "yesterday"/],
    ['a duration of a billion ms', '1700000000000', '1000000000', /playback duration "1000000000" ms is not a plausible length .*at most 172800000 ms, 48 h/],
    ['a zero duration', '1700000000000', '0', /playback duration "0" ms/],
    ['a negative duration', '1700000000000', '-1', /playback duration "-1" ms/],
    ['a duration that is no number', '1700000000000', 'long', /playback duration "long" ms/],
  ])('refuses %s as NOT_A_BBB_RECORDING, naming the field and value', (_what, start, duration, message) => {
    const error = refusal(withValues(start, duration));
    expect(error.code).toBe('NOT_A_BBB_RECORDING');
    expect(error.message).toMatch(/^https:\/\/h\/presentation\/x\/metadata.xml: /);
    expect(error.message).toMatch(message);
  });

  it('accepts the edges: 48 h exactly, a start in 2199, no start_time at all', () => {
    expect(parseMetadata(withValues(String(Date.UTC(2199, 11, 31)), String(MAX_DURATION_S * 1000))).duration).toBe(172800);
    expect(parseMetadata(`<recording><id>${ID}</id><playback><duration>1000</duration></playback></recording>`).startTime).toBe(0);
    expect(MAX_START_TIME_MS).toBe(Date.UTC(2200, 0, 1));
  });

  it("refuses metadata whose <id> is not the URL's record id, naming both", () => {
    const other = `${'b'.repeat(40)}-1700000000000`;
    const error = refusal(withValues('1700000000000', '1000', other), { recordId: ID });
    expect(error.code).toBe('NOT_A_BBB_RECORDING');
    expect(error.message).toContain(`<id> is "${other}", but the URL names recording ${ID}`);
    expect(parseMetadata(withValues('1700000000000', '1000'), { recordId: ID }).recordId).toBe(ID);
  });
});
