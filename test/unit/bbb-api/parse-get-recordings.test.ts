import { describe, expect, it } from 'vitest';
import { parseGetRecordings } from '../../../src/bbb-api/parse-get-recordings.js';
import { CaptureError } from '../../../src/errors.js';

const SRC = 'https://bbb.example.org/bigbluebutton/api/getRecordings';

// As BBB 2.6 answers (trimmed): one recording with two formats, one without presentation.
const TWO = `<?xml version="1.0"?>
<response>
  <returncode>SUCCESS</returncode>
  <recordings>
    <recording>
      <recordID>ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124</recordID>
      <meetingID>0077</meetingID>
      <internalMeetingID>ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124</internalMeetingID>
      <name><![CDATA[Fred's <Room>]]></name>
      <published>true</published>
      <state>published</state>
      <startTime>1530718721134</startTime>
      <endTime>1530718810456</endTime>
      <metadata><meetingName>Fred's Room</meetingName></metadata>
      <playback>
        <format><type>podcast</type><url>https://bbb.example.org/podcast/x/audio.ogg</url></format>
        <format><type>presentation</type><url>https://bbb.example.org/playback/presentation/2.3/ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124</url><length>0</length></format>
      </playback>
    </recording>
    <recording>
      <recordID>a94a8fe5ccb19ba61c4c0873d391e987982fbbd3-1700000000000</recordID>
      <meetingID>m2</meetingID>
      <name>Only video</name>
      <published>false</published>
      <startTime>1700000000000</startTime>
      <playback><format><type>video</type><url>https://bbb.example.org/playback/video/x/</url></format></playback>
    </recording>
  </recordings>
  <totalElements>7</totalElements>
</response>`;

describe('parseGetRecordings', () => {
  it('reads each recording, its presentation URL, and the total of a paging server', () => {
    const page = parseGetRecordings(TWO, SRC);
    expect(page.totalElements).toBe(7);
    expect(page.recordings).toEqual([
      {
        recordId: 'ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124',
        meetingId: '0077',
        name: "Fred's <Room>",
        state: 'published',
        startTime: 1530718721134,
        presentationUrl: 'https://bbb.example.org/playback/presentation/2.3/ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124',
      },
      {
        recordId: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3-1700000000000',
        meetingId: 'm2',
        name: 'Only video',
        state: 'unpublished',
        startTime: 1700000000000,
        presentationUrl: undefined,
      },
    ]);
  });

  it('takes a server without paging (no totalElements) and a single recording', () => {
    const one = TWO.replace(/<recording>\s*<recordID>a94a[\s\S]*?<\/recording>/, '').replace('<totalElements>7</totalElements>', '');
    const page = parseGetRecordings(one, SRC);
    expect(page.totalElements).toBeUndefined();
    expect(page.recordings.map((r) => r.meetingId)).toEqual(['0077']);
  });

  it('reads an empty answer (messageKey noRecordings) as no recordings', () => {
    const page = parseGetRecordings(
      '<response><returncode>SUCCESS</returncode><recordings/><messageKey>noRecordings</messageKey><message>There are no recordings for the meeting(s).</message></response>',
      SRC,
    );
    expect(page).toEqual({ recordings: [], totalElements: undefined });
  });

  it('reports a FAILED answer as BBB_API_REFUSED with its messageKey and message', () => {
    const failed = '<response><returncode>FAILED</returncode><messageKey>checksumError</messageKey><message>You did not pass the checksum security check</message></response>';
    let error: unknown;
    try {
      parseGetRecordings(failed, SRC);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).code).toBe('BBB_API_REFUSED');
    expect((error as CaptureError).exitCode).toBe(22);
    expect((error as CaptureError).message).toContain('FAILED checksumError: You did not pass the checksum security check');
    expect((error as CaptureError).message).toContain('--bbb-secret');
  });

  it('refuses what is not a BBB API answer (an HTML page, not XML)', () => {
    for (const body of ['<!doctype html><html><body>Welcome</body></html>', 'not xml at all <', '{"a":1}']) {
      expect(() => parseGetRecordings(body, SRC)).toThrow(/did not answer as a BBB API does/);
    }
  });
});
