/**
 * The digests a store may report for an uploaded file, computed in one read of it: SHA-256 of the
 * whole (a single PUT), the composite SHA-256 of a multipart upload (SHA-256 of the parts' raw
 * SHA-256 digests, "-N" appended: what S3 reports for ChecksumType COMPOSITE), and, for stores
 * that keep no checksums, the MD5 forms of the ETag (whole file; MD5 of the parts' MD5s + "-N").
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** What fileChecksums found. */
export interface FileChecksums {
  size: number;
  parts: number;
  /** Base64 SHA-256 as S3 reports it: whole file for one part, "<composite>-N" for N > 1. */
  sha256: string;
  /** ETag forms (hex, no quotes): whole-file MD5, and MD5-of-part-MD5s + "-N" for N > 1. */
  md5: string;
  multipartEtag: string | null;
}

/** Digests of `file` as uploaded in parts of `partSize` bytes (one part when it is no larger). */
export async function fileChecksums(file: string, partSize: number, signal?: AbortSignal): Promise<FileChecksums> {
  const wholeSha = createHash('sha256');
  const wholeMd5 = createHash('md5');
  const partShas: Buffer[] = [];
  const partMd5s: Buffer[] = [];
  let partSha: Hash = createHash('sha256');
  let partMd5: Hash = createHash('md5');
  let inPart = 0;
  let size = 0;
  for await (const chunk of createReadStream(file, { signal, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    wholeSha.update(chunk);
    wholeMd5.update(chunk);
    size += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(partSize - inPart, chunk.length - offset);
      const piece = chunk.subarray(offset, offset + take);
      partSha.update(piece);
      partMd5.update(piece);
      inPart += take;
      offset += take;
      if (inPart === partSize) {
        partShas.push(partSha.digest());
        partMd5s.push(partMd5.digest());
        partSha = createHash('sha256');
        partMd5 = createHash('md5');
        inPart = 0;
      }
    }
  }
  if (inPart > 0 || partShas.length === 0) {
    partShas.push(partSha.digest());
    partMd5s.push(partMd5.digest());
  }
  const parts = partShas.length;
  // Matches the upload: lib-storage sends a file of at most one part as a single PutObject.
  const single = size <= partSize;
  return {
    size,
    parts: single ? 1 : parts,
    sha256: single ? wholeSha.digest('base64') : `${createHash('sha256').update(Buffer.concat(partShas)).digest('base64')}-${parts}`,
    md5: wholeMd5.digest('hex'),
    multipartEtag: single ? null : `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${parts}`,
  };
}
