/**
 * A throwaway redis-server for tests: 127.0.0.1, a free port, a temporary directory, no
 * persistence; stopped (by its own pid) and removed afterwards. Missing redis-server is an error,
 * not a skip: the queue tests are worthless without it (Debian: apt-get install redis-server).
 *
 * Spawned directly rather than through src/process/run-process.ts because it is test
 * infrastructure, not something bbb-capture itself runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const CANDIDATES = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'].filter((p): p is string => !!p);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PEM files for a TLS-only server (`tls-auth-clients yes` when `ca` is given: clients need a certificate it signed). */
export interface TestRedisTls {
  cert: string;
  key: string;
  ca: string;
}

/** Starts redis-server and resolves once it accepts connections (TLS only, on `rediss://localhost`, with `tls`). */
export async function startTestRedis(options: { tls?: TestRedisTls } = {}): Promise<TestRedis> {
  const binary = CANDIDATES.find((p) => existsSync(p));
  if (!binary) throw new Error(`redis-server not found (looked at ${CANDIDATES.join(', ')}): install it (apt-get install redis-server) or set REDIS_SERVER`);
  const dir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-redis-'));
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const tls = options.tls;
    const listen = tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'yes']
      : ['--port', String(port)];
    const child: ChildProcess = spawn(binary, [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ready) {
      let stopped: Promise<void> | undefined;
      return {
        url: tls ? `rediss://localhost:${port}` : `redis://127.0.0.1:${port}`,
        port,
        stop: () =>
          (stopped ??= (async () => {
            if (child.exitCode === null && child.signalCode === null) {
              const exited = new Promise((r) => child.once('exit', r));
              child.kill('SIGTERM');
              await exited;
            }
            await rm(dir, { recursive: true, force: true });
          })()),
      };
    }
    if (child.exitCode === null) child.kill('SIGKILL');
    // Another process may have taken the port between our probe and redis binding it.
    if (tries >= 3 || !/Address already in use/.test(log)) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start:\n${log}`);
    }
  }
}
