import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptAnyCertificate } from '../../../src/recording/accept-any-certificate.js';
import { fetchRecordingInfo } from '../../../src/recording/fetch-recording-info.js';
import { parsePlaybackUrl } from '../../../src/recording/parse-playback-url.js';
import { tlsFailure } from '../../../src/recording/tls-failure.js';
import { defaultPlayerDir } from '../../../src/server/default-player-dir.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import { selfSignedCert } from '../../support/self-signed-cert.js';

const ID = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3-1700000000000';
let tmp: string;
let server: RunningServer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'bbb-capture-tls-'));
  await mkdir(path.join(tmp, ID, 'video'), { recursive: true });
  await writeFile(path.join(tmp, ID, 'metadata.xml'), `<recording><id>${ID}</id><meeting id="${ID}" name="TLS"/><playback><duration>5000</duration></playback></recording>`);
  await writeFile(path.join(tmp, ID, 'video', 'webcams.webm'), 'not really a video');
  server = await startServer({ recordingsDir: tmp, playerDir: defaultPlayerDir(), tls: await selfSignedCert() });
});

afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

// In this order: accepting any certificate is process-wide, as --insecure is for a run.
describe('a server with a self-signed certificate', () => {
  it('is refused with TLS_ERROR, naming --insecure', async () => {
    const attempt = fetchRecordingInfo(parsePlaybackUrl(server.playbackUrl(ID)), { timeoutMs: 5000 });
    await expect(attempt).rejects.toMatchObject({ code: 'TLS_ERROR', message: expect.stringMatching(/--insecure/) });
  });

  it('is accepted once acceptAnyCertificate() ran (--insecure)', async () => {
    acceptAnyCertificate();
    const info = await fetchRecordingInfo(parsePlaybackUrl(server.playbackUrl(ID)), { timeoutMs: 5000 });
    expect(info).toMatchObject({ recordId: ID, meetingName: 'TLS', media: 'video' });
  });
});

describe('tlsFailure', () => {
  it("recognises Chromium's certificate errors and Node's verify codes, and nothing else", () => {
    expect(tlsFailure(new Error('page.goto: net::ERR_CERT_AUTHORITY_INVALID at https://x/'), 'x')?.code).toBe('TLS_ERROR');
    expect(tlsFailure(Object.assign(new TypeError('fetch failed'), { cause: { code: 'CERT_HAS_EXPIRED' } }), 'x')?.code).toBe('TLS_ERROR');
    expect(tlsFailure(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), 'x')).toBeUndefined();
    expect(tlsFailure(new Error('page.goto: net::ERR_CONNECTION_REFUSED'), 'x')).toBeUndefined();
  });
});
