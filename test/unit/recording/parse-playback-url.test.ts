import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { parsePlaybackUrl } from '../../../src/recording/parse-playback-url.js';

const ID = `${'a'.repeat(40)}-1700000000000`;

describe('parsePlaybackUrl', () => {
  it('accepts the 2.3 player URL on any host and port, with or without a query', () => {
    const t = parsePlaybackUrl(`https://bbb.example.org:8443/playback/presentation/2.3/${ID}?t=10s`);
    expect(t).toEqual({
      origin: 'https://bbb.example.org:8443',
      recordId: ID,
      playerUrl: `https://bbb.example.org:8443/playback/presentation/2.3/${ID}`,
      filesUrl: `https://bbb.example.org:8443/presentation/${ID}/`,
    });
  });

  it('normalises the legacy 2.0 URL to the same recording', () => {
    const legacy = parsePlaybackUrl(`http://127.0.0.1:8080/playback/presentation/2.0/playback.html?meetingId=${ID}`);
    expect(legacy.playerUrl).toBe(`http://127.0.0.1:8080/playback/presentation/2.3/${ID}`);
  });

  it.each([
    ['not a url', 'not a URL'],
    [`ftp://host/playback/presentation/2.3/${ID}`, 'unsupported scheme'],
    ['https://host/some/page', 'not a BBB playback URL'],
    ['https://host/playback/presentation/2.3/short-123', 'is not a BBB recording id'],
    ['https://host/playback/presentation/2.0/playback.html', 'without meetingId'],
  ])('rejects %s with BAD_URL', (input, message) => {
    try {
      parsePlaybackUrl(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CaptureError);
      expect((error as CaptureError).code).toBe('BAD_URL');
      expect((error as CaptureError).message).toContain(message);
    }
  });
});
