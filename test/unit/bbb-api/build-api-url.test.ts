import { describe, expect, it } from 'vitest';
import { apiChecksum, checksumValid } from '../../../src/bbb-api/api-checksum.js';
import { buildApiUrl, normaliseApiBase } from '../../../src/bbb-api/build-api-url.js';
import { CaptureError } from '../../../src/errors.js';

const SECRET = '639259d4-9dd8-4b25-bf01-95f9567eaf4b';
// From `printf 'getRecordingsmeetingID=m%201&state=published<secret>' | sha1sum` (and sha256sum).
const SHA1 = '7d6522f5a1ea1c92068d08f18e01f92ce339e25b';
const SHA256 = '761e57f2e14e82fa18203b1fd1d8f2c6b902e2a5bd09af673f80f98ed3b26ec5';

describe('apiChecksum', () => {
  it('hashes call name, query string and secret as BBB does', () => {
    expect(apiChecksum('getRecordings', 'meetingID=m%201&state=published', SECRET)).toBe(SHA1);
    expect(apiChecksum('getRecordings', 'meetingID=m%201&state=published', SECRET, 'sha256')).toBe(SHA256);
    expect(apiChecksum('getRecordings', '', SECRET, 'sha512')).toHaveLength(128);
  });
});

describe('buildApiUrl', () => {
  it('builds <base>api/<call>?<query>&checksum=<hash>, values encoded as in the hashed string', () => {
    expect(
      buildApiUrl(
        'https://bbb.example.org/bigbluebutton/',
        'getRecordings',
        [
          ['meetingID', 'm 1'],
          ['state', 'published'],
        ],
        SECRET,
      ),
    ).toBe(`https://bbb.example.org/bigbluebutton/api/getRecordings?meetingID=m%201&state=published&checksum=${SHA1}`);
    expect(
      buildApiUrl(
        'https://bbb.example.org/bigbluebutton',
        'getRecordings',
        [
          ['meetingID', 'm 1'],
          ['state', 'published'],
        ],
        SECRET,
        'sha256',
      ),
    ).toBe(`https://bbb.example.org/bigbluebutton/api/getRecordings?meetingID=m%201&state=published&checksum=${SHA256}`);
  });

  it('takes a call without parameters', () => {
    expect(buildApiUrl('http://127.0.0.1:8080/bigbluebutton/', 'getRecordings', [], 's')).toBe(
      `http://127.0.0.1:8080/bigbluebutton/api/getRecordings?checksum=${apiChecksum('getRecordings', '', 's')}`,
    );
  });

  it('normalises the base: trailing slash added, a base down to /api/ taken back', () => {
    expect(normaliseApiBase('https://h/bigbluebutton')).toBe('https://h/bigbluebutton/');
    expect(normaliseApiBase('https://h/bigbluebutton/api')).toBe('https://h/bigbluebutton/');
    expect(normaliseApiBase('https://h/bigbluebutton/api/')).toBe('https://h/bigbluebutton/');
    expect(() => normaliseApiBase('bbb.example.org')).toThrow(CaptureError);
    expect(() => normaliseApiBase('https://h/bigbluebutton/?x=1')).toThrow(/without a query/);
  });
});

describe('checksumValid', () => {
  const query = 'meetingID=m%201&state=published';
  it('accepts each algorithm by the checksum length, and only the right secret', () => {
    expect(checksumValid('getRecordings', `${query}&checksum=${SHA1}`, SECRET)).toBe(true);
    expect(checksumValid('getRecordings', `checksum=${SHA256}&${query}`, SECRET)).toBe(true);
    expect(checksumValid('getRecordings', `${query}&checksum=${SHA1}`, 'wrong')).toBe(false);
    expect(checksumValid('getRecordings', `${query}&checksum=${SHA256}`, SECRET, ['sha1'])).toBe(false);
    expect(checksumValid('getMeetings', `${query}&checksum=${SHA1}`, SECRET)).toBe(false);
  });
  it('refuses a missing, repeated or malformed checksum, and a changed query', () => {
    expect(checksumValid('getRecordings', query, SECRET)).toBe(false);
    expect(checksumValid('getRecordings', `${query}&checksum=${SHA1}&checksum=${SHA1}`, SECRET)).toBe(false);
    expect(checksumValid('getRecordings', `${query}&checksum=${'z'.repeat(40)}`, SECRET)).toBe(false);
    expect(checksumValid('getRecordings', `meetingID=m%202&state=published&checksum=${SHA1}`, SECRET)).toBe(false);
  });
});
