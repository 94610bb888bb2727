/**
 * The TLS material for a `rediss://` queue: a CA to verify the server by (a private CA, as
 * managed and self-hosted Redis usually have) and a client certificate and key for servers that
 * require one (`tls-auth-clients yes`). Read once, at the CLI edge, and handed to ioredis `tls`.
 */
import { readFile } from 'node:fs/promises';
import { CaptureError } from '../errors.js';

/** One file, and what named it (an option or an environment variable), for messages. */
export interface TlsFileSource {
  path: string;
  from: string;
}

/** What ioredis passes to tls.connect (PEM contents). */
export interface RedisTls {
  ca?: Buffer | undefined;
  cert?: Buffer | undefined;
  key?: Buffer | undefined;
}

/** Checks and reads the files; undefined when none is given. Throws USAGE naming the bad one. */
export async function readRedisTls(
  url: string,
  files: { ca?: TlsFileSource | undefined; cert?: TlsFileSource | undefined; key?: TlsFileSource | undefined },
): Promise<RedisTls | undefined> {
  const given = [files.ca, files.cert, files.key].filter((f): f is TlsFileSource => !!f);
  if (!given.length) return undefined;
  if (!/^rediss:/i.test(url)) {
    throw new CaptureError(
      'USAGE',
      `${given.map((f) => f.from).join(', ')} ${given.length > 1 ? 'are' : 'is'} for TLS: use a rediss:// URL (the queue URL is redis://, without TLS)`,
    );
  }
  if (!!files.cert !== !!files.key) {
    const [has, lacks] = files.cert ? [files.cert.from, 'a client key (--redis-key)'] : [files.key!.from, 'a client certificate (--redis-cert)'];
    throw new CaptureError('USAGE', `${has} needs ${lacks} too`);
  }
  const read = async (file: TlsFileSource | undefined): Promise<Buffer | undefined> => {
    if (!file) return undefined;
    let pem: Buffer;
    try {
      pem = await readFile(file.path);
    } catch (error) {
      throw new CaptureError('USAGE', `${file.from} ${file.path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
    // A DER file or a wrong path to some other file would otherwise fail as a vague handshake error.
    if (!pem.includes('-----BEGIN ')) throw new CaptureError('USAGE', `${file.from} ${file.path}: not a PEM file (expected -----BEGIN …-----)`);
    return pem;
  };
  const [ca, cert, key] = await Promise.all([read(files.ca), read(files.cert), read(files.key)]);
  return { ca, cert, key };
}
