/**
 * Certificates are checked by default, by Node's requests and by Chromium alike; `--insecure`
 * opts out and says so once. Also checks that, run as root, the capture says once that Chromium
 * runs without its sandbox. The recording is served over HTTPS with a throw-away self-signed
 * certificate, through the same confinement proxy a real HTTPS server is reached through.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPlayer } from '../../src/player/open-player.js';
import { parsePlaybackUrl } from '../../src/recording/parse-playback-url.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { selfSignedCert } from '../support/self-signed-cert.js';
import { runCli } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';

let outDir: string;
let httpsServer: RunningServer | undefined;

test.beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-tls-'));
});

test.afterAll(async () => {
  await httpsServer?.close();
  await rm(outDir, { recursive: true, force: true });
});

async function servedOverHttps(recordingsDir: string, playerDir: string): Promise<RunningServer> {
  httpsServer ??= await startServer({ recordingsDir, playerDir, tls: await selfSignedCert() });
  return httpsServer;
}

test('record refuses a self-signed certificate (TLS_ERROR) and accepts it with --insecure, saying so once', async ({ sample, recordingsDir, player }) => {
  const rec = await sample('full', 4);
  const server = await servedOverHttps(recordingsDir, player.dir);
  const url = server.playbackUrl(rec.recordId);

  const refused = await runCli(['record', url, '-o', path.join(outDir, 'refused.mp4'), '--json']);
  expect(refused.exitCode, refused.stderr).toBe(21);
  expect(refused.stderr).toMatch(/^bbb-capture: error TLS_ERROR: the TLS certificate of 127\.0\.0\.1:\d+ was not accepted .*--insecure/m);

  const file = path.join(outDir, 'insecure.mp4');
  const accepted = await runCli(['record', url, '-o', file, '--json', '--insecure']);
  expect(accepted.exitCode, accepted.stderr).toBe(0);
  expect((await stat(file)).size).toBeGreaterThan(10_000);
  const warnings = accepted.events.filter((e) => e.type === 'warning').map((e) => String(e.message));
  expect(warnings.filter((m) => m.includes('--insecure'))).toHaveLength(1);
  // Tests run as root here: Chromium then runs without its sandbox, and the user is told once.
  const asRoot = process.getuid?.() === 0;
  expect(warnings.filter((m) => m.includes('--no-sandbox'))).toHaveLength(asRoot ? 1 : 0);
});

test('the player page itself refuses a self-signed certificate unless insecure', async ({ browser, sample, recordingsDir, player }) => {
  const rec = await sample('full', 4);
  const server = await servedOverHttps(recordingsDir, player.dir);
  const options = (insecure: boolean) => ({
    target: parsePlaybackUrl(server.playbackUrl(rec.recordId)),
    width: 1280,
    height: 720,
    layout: 'player' as const,
    eventRate: 15,
    fontFile: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    localResources: new Map(),
    readyTimeoutMs: 30_000,
    insecure,
    onLog: () => undefined,
  });
  await expect(openPlayer(browser, options(false))).rejects.toMatchObject({ code: 'TLS_ERROR' });
  const { context, media } = await openPlayer(browser, options(true));
  expect(media).toBe('video');
  await context.close();
});
