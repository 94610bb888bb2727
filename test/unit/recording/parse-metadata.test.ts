import { describe, expect, it } from 'vitest';
import { parseMetadata } from '../../../src/recording/fetch-recording-info.js';

const ID = 'a'.repeat(40) + '-1700000000000';

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
    ['an HTML page', '<html><body>Welcome</body></html>'],
    ['no duration', `<recording><id>${ID}</id></recording>`],
    ['not XML at all', '{"json": true}'],
  ])('rejects %s', (_what, xml) => {
    expect(parseMetadata(xml)).toBeUndefined();
  });
});
