import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { fetchRecordingInfo } from '../../../src/recording/fetch-recording-info.js';
import { downloadFile } from '../../../src/recording/fetch-recording-files.js';
import { fetchWithCredentials } from '../../../src/recording/fetch-with-credentials.js';
import { parsePlaybackUrl } from '../../../src/recording/parse-playback-url.js';
import { credentialHeaders, RecordingCredentials, type OriginCredentials } from '../../../src/recording/recording-credentials.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';

const VALUES: OriginCredentials = {
  cookies: [{ name: 'sess', value: 'c00kie-S3CRET' }],
  headers: [['X-Token', 'h3ader-S3CRET']],
  basicAuth: { username: 'ann', password: 'pa55-S3CRET' },
};

describe('RecordingCredentials', () => {
  it('never shows its values in JSON or inspect output, nested in options too', () => {
    const credentials = new RecordingCredentials(VALUES, new Map([['https://other.example', VALUES]]));
    const options = { url: 'https://bbb.example/x', credentials };
    expect(JSON.stringify(options)).toBe('{"url":"https://bbb.example/x","credentials":"[redacted]"}');
    for (const shown of [inspect(options, { depth: 10, showHidden: true }), String(credentials), JSON.stringify({ ...options })]) expect(shown).not.toMatch(/S3CRET|sess|ann/);
  });

  it("binds the values for the recording's origin: the per-origin entry first, else the general ones", () => {
    const special: OriginCredentials = { cookies: [], headers: [['X-Other', '1']], basicAuth: undefined };
    const credentials = new RecordingCredentials(VALUES, new Map([['https://other.example', special]]));
    expect(credentials.bind('https://bbb.example')).toEqual({ origin: 'https://bbb.example', values: VALUES });
    expect(credentials.bind('https://other.example')?.values).toBe(special);
    expect(new RecordingCredentials(undefined, new Map([['https://other.example', special]])).bind('https://bbb.example')).toBeUndefined();
    expect(new RecordingCredentials({ cookies: [], headers: [], basicAuth: undefined }).empty).toBe(true);
  });

  it('turns values into Cookie, Authorization and the extra headers', () => {
    expect(credentialHeaders(VALUES)).toEqual({
      'x-token': 'h3ader-S3CRET',
      cookie: 'sess=c00kie-S3CRET',
      authorization: `Basic ${Buffer.from('ann:pa55-S3CRET').toString('base64')}`,
    });
  });
});

describe('fetchWithCredentials', () => {
  let elsewhere: Server;
  let elsewhereUrl: string;
  const seenElsewhere: IncomingHttpHeaders[] = [];
  let home: Server;
  let homeUrl: string;
  const seenHome: IncomingHttpHeaders[] = [];
  const listen = (server: Server) =>
    new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
  beforeAll(async () => {
    elsewhere = createServer((req, res) => {
      seenElsewhere.push(req.headers);
      res.end('elsewhere');
    });
    elsewhereUrl = await listen(elsewhere);
    home = createServer((req, res) => {
      seenHome.push(req.headers);
      if (req.url === '/away') res.writeHead(302, { location: `${elsewhereUrl}/landing` }).end();
      else if (req.url === '/here') res.writeHead(302, { location: '/final' }).end();
      else res.end('home');
    });
    homeUrl = await listen(home);
  });
  afterAll(() => {
    elsewhere.close();
    home.close();
  });

  it('sends the credentials to their origin on every hop, and not to the host a redirect leads to', async () => {
    const bound = new RecordingCredentials(VALUES).bind(homeUrl);
    expect(await (await fetchWithCredentials(`${homeUrl}/here`, {}, bound)).text()).toBe('home');
    expect(seenHome.map((h) => [h.cookie, h['x-token'], h.authorization !== undefined])).toEqual([
      ['sess=c00kie-S3CRET', 'h3ader-S3CRET', true],
      ['sess=c00kie-S3CRET', 'h3ader-S3CRET', true],
    ]);
    expect(await (await fetchWithCredentials(`${homeUrl}/away`, {}, bound)).text()).toBe('elsewhere');
    expect(seenElsewhere).toHaveLength(1);
    expect([seenElsewhere[0]!.cookie, seenElsewhere[0]!['x-token'], seenElsewhere[0]!.authorization]).toEqual([undefined, undefined, undefined]);
  });
});

describe("the recording's own fetches behind authentication", () => {
  const ID = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3-1700000000000';
  let tmp: string;
  let server: RunningServer;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'bbb-capture-auth-'));
    await mkdir(path.join(tmp, ID, 'audio'), { recursive: true });
    await writeFile(
      path.join(tmp, ID, 'metadata.xml'),
      `<recording><id>${ID}</id><start_time>1700000000000</start_time><meeting id="${ID}" name="n"/><playback><duration>5000</duration></playback></recording>`,
    );
    await writeFile(path.join(tmp, ID, 'audio', 'audio.webm'), Buffer.alloc(1000, 7));
    server = await startServer({
      recordingsDir: tmp,
      requireAuth: {
        cookie: { name: 'sess', value: 'c00kie-S3CRET' },
        header: { name: 'X-Token', value: 'h3ader-S3CRET' },
        basicAuth: { username: 'ann', password: 'pa55-S3CRET' },
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('metadata: AUTH_REQUIRED (exit 23) without credentials or with some missing, the info with them', async () => {
    const target = parsePlaybackUrl(server.playbackUrl(ID));
    for (const credentials of [
      undefined,
      new RecordingCredentials({ ...VALUES, basicAuth: undefined }).bind(target.origin),
      new RecordingCredentials({ ...VALUES, cookies: [] }).bind(target.origin),
    ]) {
      const error = (await fetchRecordingInfo(target, { credentials }).catch((e: unknown) => e)) as CaptureError;
      expect(error).toBeInstanceOf(CaptureError);
      expect([error.code, error.exitCode]).toEqual(['AUTH_REQUIRED', 23]);
      expect(error.message).not.toMatch(/S3CRET/);
    }
    const info = await fetchRecordingInfo(target, { credentials: new RecordingCredentials(VALUES).bind(target.origin) });
    expect([info.recordId, info.media]).toEqual([ID, 'audio']);
  });

  it('downloads: AUTH_REQUIRED without credentials, the file with them', async () => {
    const url = `${server.url}/presentation/${ID}/audio/audio.webm`;
    const file = path.join(tmp, 'download.webm');
    expect(((await downloadFile(url, file, undefined).catch((e: unknown) => e)) as CaptureError).code).toBe('AUTH_REQUIRED');
    expect(await downloadFile(url, file, undefined, {}, new RecordingCredentials(VALUES).bind(server.url))).toBe(true);
  });
});
