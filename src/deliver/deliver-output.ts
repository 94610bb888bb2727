/**
 * Where a finished file goes after the job: to object storage (`--upload s3://bucket/prefix/`),
 * verified there, and the local copy then kept or removed. Called by record, batch and the
 * worker once the file has its final local name — never inside an engine.
 *
 * Never a partial object under the final key: a file of at most one part goes in one PutObject,
 * and a larger one as a multipart upload, which S3 (and every S3-compatible store) makes visible
 * only at CompleteMultipartUpload, all parts at once; a failed or aborted upload is aborted
 * (lib-storage does so, leaving no parts behind) and nothing appears. Each request carries the
 * SHA-256 of its bytes (ChecksumAlgorithm), which a store that keeps checksums checks before
 * accepting it, so a completed object is what was sent. A temporary key and CopyObject would add
 * nothing to that and would fail beyond 5 GB (a single CopyObject's limit).
 * After the upload, HeadObject's size and checksum are compared with the file's: the composite
 * SHA-256 of the parts when the store reports checksums (a multipart ETag is not an MD5), else the
 * ETag's MD5 forms; a mismatch removes the object and fails the delivery.
 */
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, S3Client, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { abortError, CaptureError, throwIfAborted } from '../errors.js';
import { fileChecksums, type FileChecksums } from '../staging/file-checksums.js';
import { uploadError } from './upload-error.js';
import type { UploadOptions } from './upload-options.js';

/** What deliverOutput did. */
export interface Delivery {
  /** `s3://bucket/key` of the verified object. */
  url: string;
  bucket: string;
  key: string;
  bytes: number;
  /** What the object was checked against besides its size. */
  verifiedBy: 'sha256' | 'md5-etag';
  /** The local file was removed (`--upload-remove-local`). */
  removedLocal: boolean;
}

/** How long a connection to the store may take to open before the try counts as failed, ms. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Longest silence on a request (one part in flight on a slow link), ms. */
const REQUEST_TIMEOUT_MS = 300_000;

/** An S3 client for the options (the SDK retries retryable failures `maxAttempts` times in all). */
function s3Client(options: UploadOptions): S3Client {
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  });
}

/** Which of the store's answers vouches for the content; null when one contradicts the file. */
function checkHead(head: HeadObjectCommandOutput, sums: FileChecksums): 'sha256' | 'md5-etag' | null | 'none' {
  if (head.ChecksumSHA256) return head.ChecksumSHA256 === sums.sha256 ? 'sha256' : null;
  const etag = (head.ETag ?? '').replace(/"/g, '').toLowerCase();
  // Stores that keep no checksums: a plain ETag is the MD5 of the whole (some compute that for
  // multipart too), a "-N" one the MD5 of the part MD5s.
  if (/^[0-9a-f]{32}$/.test(etag)) return etag === sums.md5 ? 'md5-etag' : null;
  if (/^[0-9a-f]{32}-\d+$/.test(etag)) return etag === sums.multipartEtag ? 'md5-etag' : null;
  return 'none';
}

/** Uploads `file` as `<prefix><file name>`, verifies it, and removes the local file if asked. */
export async function deliverOutput(
  file: string,
  options: { upload: UploadOptions; signal?: AbortSignal | undefined; onProgress?: ((sentBytes: number, totalBytes: number) => void) | undefined },
): Promise<Delivery> {
  const { upload, signal } = options;
  throwIfAborted(signal);
  const key = `${upload.prefix}${path.basename(file)}`;
  const url = `s3://${upload.bucket}/${key}`;
  const where = { url, endpoint: upload.endpoint };
  const { size } = await stat(file);
  const client = s3Client(upload);
  try {
    // Read while the upload runs; both are I/O-bound.
    const sums = fileChecksums(file, upload.partSize, signal);
    sums.catch(() => undefined);
    const body = createReadStream(file);
    const transfer = new Upload({
      client,
      params: { Bucket: upload.bucket, Key: key, Body: body, ContentLength: size, ChecksumAlgorithm: 'SHA256' },
      partSize: upload.partSize,
      queueSize: upload.queueSize,
      // Aborted uploads leave no parts behind (they would be billed and never seen).
      leavePartsOnError: false,
    });
    if (options.onProgress) transfer.on('httpUploadProgress', (p) => options.onProgress!(p.loaded ?? 0, size));
    const onAbort = () => void transfer.abort().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await transfer.done();
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      throw uploadError(error, where);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      body.destroy();
    }
    const head = await client.send(new HeadObjectCommand({ Bucket: upload.bucket, Key: key, ChecksumMode: 'ENABLED' }), { abortSignal: signal }).catch((error: unknown) => {
      throw signal?.aborted ? abortError(signal) : uploadError(error, where);
    });
    const local = await sums;
    const verdict = head.ContentLength === local.size ? checkHead(head, local) : null;
    if (verdict === null) {
      // Not what was sent: it must not stay under the final name.
      await client.send(new DeleteObjectCommand({ Bucket: upload.bucket, Key: key })).catch(() => undefined);
      throw new CaptureError(
        'UPLOAD_FAILED',
        `${url} does not match the local file after upload (store: ${head.ContentLength} bytes, ${head.ChecksumSHA256 ? `SHA-256 ${head.ChecksumSHA256}` : `ETag ${head.ETag}`}; local: ${local.size} bytes, SHA-256 ${local.sha256}); the object was removed and the local file is kept`,
        { transient: true },
      );
    }
    if (verdict === 'none') {
      // No store we know of says neither; refuse rather than call a size match verified.
      await client.send(new DeleteObjectCommand({ Bucket: upload.bucket, Key: key })).catch(() => undefined);
      throw new CaptureError(
        'UPLOAD_FAILED',
        `the store reports no checksum for ${url} and its ETag (${head.ETag}) is not an MD5, so the upload cannot be verified; the object was removed and the local file is kept`,
        { transient: false },
      );
    }
    if (upload.removeLocal) await rm(file, { force: true });
    return { url, bucket: upload.bucket, key, bytes: local.size, verifiedBy: verdict, removedLocal: upload.removeLocal };
  } finally {
    client.destroy();
  }
}
