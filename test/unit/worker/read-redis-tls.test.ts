/**
 * The TLS files of a rediss:// queue: checked and read (messages name the option or variable),
 * then used for real against a TLS-only redis-server that requires a client certificate
 * (certificates made here with openssl).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedis } from '../../../src/worker/open-redis.js';
import { readRedisTls } from '../../../src/worker/read-redis-tls.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';

const run = promisify(execFile);
let dir: string;
const pem = (name: string) => path.join(dir, name);

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate, all signed by it. */
async function makeCertificates(): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', pem('ca.key'), '-out', pem('ca.pem'), '-days', '2', '-subj', '/CN=test CA']);
  for (const [name, ext] of [
    ['server', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    await run('openssl', ['req', ...ec, '-keyout', pem(`${name}.key`), '-out', pem(`${name}.csr`), '-subj', `/CN=${name}`]);
    await writeFile(pem(`${name}.ext`), `${ext}\n`);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      pem(`${name}.csr`),
      '-CA',
      pem('ca.pem'),
      '-CAkey',
      pem('ca.key'),
      '-CAcreateserial',
      '-out',
      pem(`${name}.pem`),
      '-days',
      '2',
      '-extfile',
      pem(`${name}.ext`),
    ]);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'redis-tls-'));
  await makeCertificates();
  await writeFile(pem('not-pem.der'), Buffer.from([0x30, 0x82, 0x01, 0x0a]));
}, 30_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = (name: string, from: string) => ({ path: pem(name), from });

describe('readRedisTls', () => {
  it('is nothing without files, and reads the PEM files it is given', async () => {
    expect(await readRedisTls('rediss://q:6380', {})).toBeUndefined();
    const tls = await readRedisTls('rediss://q:6380', { ca: file('ca.pem', '--redis-ca'), cert: file('client.pem', '--redis-cert'), key: file('client.key', '--redis-key') });
    expect(tls?.ca?.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(tls?.cert?.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(tls?.key?.toString()).toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(await readRedisTls('rediss://q:6380', { ca: file('ca.pem', '--redis-ca') })).toEqual({ ca: expect.any(Buffer), cert: undefined, key: undefined });
  });

  it('refuses TLS files with a redis:// URL, a certificate without its key, unreadable and non-PEM files', async () => {
    await expect(readRedisTls('redis://q:6379', { ca: file('ca.pem', 'BBB_CAPTURE_REDIS_CA') })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/^BBB_CAPTURE_REDIS_CA is for TLS: use a rediss:\/\/ URL/),
    });
    await expect(readRedisTls('rediss://q:6380', { cert: file('client.pem', '--redis-cert') })).rejects.toMatchObject({
      code: 'USAGE',
      message: '--redis-cert needs a client key (--redis-key) too',
    });
    await expect(readRedisTls('rediss://q:6380', { key: file('client.key', 'BBB_CAPTURE_REDIS_KEY') })).rejects.toMatchObject({
      code: 'USAGE',
      message: 'BBB_CAPTURE_REDIS_KEY needs a client certificate (--redis-cert) too',
    });
    await expect(readRedisTls('rediss://q:6380', { ca: file('missing.pem', '--redis-ca') })).rejects.toMatchObject({
      code: 'USAGE',
      message: `--redis-ca ${pem('missing.pem')}: cannot read it (ENOENT)`,
    });
    await expect(readRedisTls('rediss://q:6380', { ca: file('not-pem.der', '--redis-ca') })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('not a PEM file'),
    });
  });
});

describe('openRedis over TLS', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis({ tls: { cert: pem('server.pem'), key: pem('server.key'), ca: pem('ca.pem') } });
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('connects to a server of a private CA that requires a client certificate', async () => {
    const tls = await readRedisTls(redis.url, { ca: file('ca.pem', '--redis-ca'), cert: file('client.pem', '--redis-cert'), key: file('client.key', '--redis-key') });
    const client = await openRedis(redis.url, { name: 'tls-test', tls });
    try {
      expect(await client.ping()).toBe('PONG');
      // What BullMQ's Worker does for its blocking connection keeps the TLS options.
      const blocking = client.duplicate();
      expect(await blocking.ping()).toBe('PONG');
      blocking.disconnect();
    } finally {
      await client.quit();
    }
  });

  it('fails to connect without the client certificate, or without the CA', async () => {
    const caOnly = await readRedisTls(redis.url, { ca: file('ca.pem', '--redis-ca') });
    await expect(openRedis(redis.url, { name: 'tls-test', tls: caOnly, timeoutMs: 1500 })).rejects.toMatchObject({ code: 'HOST_UNREACHABLE' });
    const clientOnly = await readRedisTls(redis.url, { cert: file('client.pem', '--redis-cert'), key: file('client.key', '--redis-key') });
    await expect(openRedis(redis.url, { name: 'tls-test', tls: clientOnly, timeoutMs: 1500 })).rejects.toMatchObject({
      code: 'HOST_UNREACHABLE',
      message: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_GET_ISSUER|unable to get|self.signed/i),
    });
  });
});
