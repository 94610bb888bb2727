import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiChecksum } from '../../../src/bbb-api/api-checksum.js';
import { answerGetRecordings } from '../../../src/server/answer-get-recordings.js';
import { listRecordings, type FoundRecording } from '../../../src/server/list-recordings.js';

const ID = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3-1700000000000';
let tmp: string;
let recordings: FoundRecording[];
const signed = (query: string, secret = 's') => `${query}${query ? '&' : ''}checksum=${apiChecksum('getRecordings', query, secret)}`;
const answer = (query: string, secret: string | null = 's') =>
  answerGetRecordings(query, { secret: secret ?? undefined, recordings, playerUrl: (id) => `http://h/playback/presentation/2.3/${id}` });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'bbb-capture-api-answer-'));
  await mkdir(path.join(tmp, ID));
  await writeFile(
    path.join(tmp, ID, 'metadata.xml'),
    `<recording><id>${ID}</id><state>published</state><published>true</published><start_time>1700000000000</start_time><end_time>1700000005000</end_time><meeting id="${ID}" externalId="ext &amp; 1" name="A &lt;talk&gt;"/><meta><meetingName>A &lt;talk&gt;</meetingName><meetingId>ext &amp; 1</meetingId></meta><playback><duration>5000</duration></playback></recording>`,
  );
  recordings = await listRecordings(tmp);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('answerGetRecordings', () => {
  it('lists a recording from its metadata.xml as BBB does, names escaped, with the total', async () => {
    const xml = await answer(signed(''));
    expect(xml).toContain('<returncode>SUCCESS</returncode>');
    expect(xml).toContain(`<recordID>${ID}</recordID><meetingID>ext &amp; 1</meetingID><internalMeetingID>${ID}</internalMeetingID><name>A &lt;talk&gt;</name>`);
    expect(xml).toContain('<state>published</state><startTime>1700000000000</startTime><endTime>1700000005000</endTime>');
    expect(xml).toContain(`<format><type>presentation</type><url>http://h/playback/presentation/2.3/${ID}</url>`);
    expect(xml).toContain('<totalElements>1</totalElements>');
  });

  it('answers an empty page (past the end, or no match) with messageKey noRecordings', async () => {
    for (const q of ['offset=1&limit=10', 'meetingID=other', 'state=unpublished']) {
      const xml = await answer(signed(q));
      expect(xml, q).toContain('<recordings></recordings>');
      expect(xml, q).toContain('<messageKey>noRecordings</messageKey>');
    }
    expect(await answer(signed('meetingID=ext%20%26%201'))).toContain(ID);
  });

  it('answers FAILED checksumError to a wrong checksum, and to every call without a secret', async () => {
    expect(await answer(signed('', 'other'))).toContain('<returncode>FAILED</returncode><messageKey>checksumError</messageKey>');
    expect(await answer(signed(''), null)).toContain('<returncode>FAILED</returncode><messageKey>checksumError</messageKey>');
    expect(await answer(signed('offset=x'))).toContain('<messageKey>validationError</messageKey>');
  });
});
