/**
 * A loopback proxy in front of a recording server that misbehaves on demand, for the soak
 * benchmark and the fault tests: it trickles chosen files forever (all but their last byte, one
 * byte a second, so the response never completes whatever its Content-Length says) and can die
 * at once, as a remote server that goes away in the middle of a job: when told to, or by itself at
 * the first GET of a chosen path (the moment is then the job's own, whoever watches it).
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export interface FaultProxy {
  url: string;
  /** Stops answering at once: closes the listener and every open connection. */
  kill(): Promise<void>;
}

/** Bytes sent before the trickle starts: enough for the headers of an image to be parsed. */
const TRICKLE_HEAD_BYTES = 512;

/**
 * Proxies to `target` (an origin); bodies of paths matching `trickle` never finish arriving; the
 * first GET of a path matching `dieOn` kills the proxy before it answers.
 */
export async function startFaultProxy(target: string, options: { trickle?: RegExp; dieOn?: RegExp } = {}): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let kill: () => Promise<void> = async () => undefined;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && options.dieOn?.test(req.url ?? '')) return void kill();
    const upstream = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (up) => {
      if (!options.trickle?.test(req.url ?? '')) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        return void up.pipe(res);
      }
      const chunks: Buffer[] = [];
      up.on('data', (chunk: Buffer) => chunks.push(chunk));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(up.statusCode ?? 502, { ...up.headers, 'content-length': String(body.length) });
        let sent = Math.min(TRICKLE_HEAD_BYTES, body.length - 1);
        res.write(body.subarray(0, sent));
        const timer = setInterval(() => {
          if (sent < body.length - 1) res.write(body.subarray(sent, ++sent));
        }, 1000);
        timers.add(timer);
        res.on('close', () => {
          clearInterval(timer);
          timers.delete(timer);
        });
      });
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
  let closed: Promise<void> | undefined;
  kill = () => {
    closed ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
    return closed;
  };
  return { url: `http://127.0.0.1:${port}`, kill };
}
