/**
 * A throwaway S3-compatible store for tests: s3rver in this process, on 127.0.0.1 and a free
 * port, one bucket, data in a temporary directory removed afterwards. Its only account is
 * S3RVER / S3RVER; any other key is refused with InvalidAccessKeyId, as S3 would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** Starts s3rver with `bucket` (on `atPort`, to bring a stopped store back; else a free one) and resolves once it listens. */
export async function startTestS3(bucket = 'archive', atPort = 0): Promise<TestS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'bbb-capture-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: atPort, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
