/**
 * A loopback proxy in front of the local BBB server that can slow media down and die on demand:
 * it stands in for a remote BBB server going away in the middle of a capture.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export interface ThrottledProxy {
  url: string;
  /** Stops answering at once: closes the listener and every open connection. */
  kill(): Promise<void>;
}

/**
 * Proxies to `target`; bodies of paths matching `slow` are sent at `bytesPerSecond` (with
 * `playerOnly`, only the player's range requests: bbb-capture's own download of the media stays fast).
 */
export async function startThrottledProxy(target: string, slow: RegExp, bytesPerSecond: number, options: { playerOnly?: boolean } = {}): Promise<ThrottledProxy> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const upstream = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (!slow.test(req.url ?? '') || (options.playerOnly && req.headers.range === undefined)) return void up.pipe(res);
      up.on('data', (chunk: Buffer) => {
        up.pause();
        res.write(chunk, () => setTimeout(() => up.resume(), (chunk.length / bytesPerSecond) * 1000));
      });
      up.on('end', () => res.end());
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async kill() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
