/**
 * The Redis connection behind the queue. BullMQ needs a driver; ioredis is the one it was built
 * on (and the one it would load itself, except that its CommonJS `require` is not available to
 * ESM callers), so we create the client and hand it over.
 */
import type { Redis } from 'ioredis';
import { CaptureError } from '../errors.js';
import type { RedisTls } from './read-redis-tls.js';

/** Checks a `redis://` or `rediss://` URL; throws USAGE naming what is wrong. */
export function checkRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CaptureError('USAGE', `--redis "${url}" is not a URL (expected redis://HOST:PORT or rediss://HOST:PORT, optionally with /DB and user:password@)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CaptureError('USAGE', `--redis "${url}": unsupported scheme ${parsed.protocol} (expected redis:// or rediss://)`);
  }
  if (!parsed.hostname) throw new CaptureError('USAGE', `--redis "${url}" has no host`);
  return parsed;
}

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * Connects and waits until Redis answers (`tls`: see readRedisTls); throws HOST_UNREACHABLE when it does not within
 * `timeoutMs`. Afterwards the client reconnects by itself (a worker rides out a Redis restart).
 * `maxRetriesPerRequest: null` is what BullMQ requires of connections that block on the queue.
 */
export async function openRedis(url: string, options: { name: string; timeoutMs?: number; tls?: RedisTls | undefined }): Promise<Redis> {
  checkRedisUrl(url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  // rediss:// alone means TLS verified against the system's CAs; `tls` adds a private CA and a
  // client certificate (the host name is still checked against the server's certificate).
  const tls = options.tls ? Object.fromEntries(Object.entries(options.tls).filter(([, v]) => v !== undefined)) : undefined;
  // Loaded here, not at the top: checkRedisUrl and redactRedisUrl serve option parsing, which must stay cheap.
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectionName: options.name, connectTimeout: timeoutMs, ...(tls ? { tls } : {}) });
  let lastError: Error | undefined;
  // Without a listener ioredis prints every failed reconnect; BullMQ reports what matters.
  redis.on('error', (error: Error) => (lastError = error));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await redis.connect();
      await redis.ping();
      return redis;
    } catch (error) {
      // The 'error' event has the cause (ECONNREFUSED); connect() only says the connection closed.
      lastError ??= error as Error;
      if (Date.now() >= deadline) {
        redis.disconnect();
        const why = (lastError as NodeJS.ErrnoException | undefined)?.code ?? lastError?.message ?? 'no answer';
        throw new CaptureError('HOST_UNREACHABLE', `cannot reach Redis at ${redactRedisUrl(url)}: ${why}`, { cause: lastError });
      }
      redis.disconnect();
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
