/**
 * Where and how finished files go to object storage, resolved once at the CLI edge (flags over
 * the AWS_* environment variables); nothing below reads the environment.
 */
import { CaptureError } from '../errors.js';

/** An S3-compatible store and the place in it (`--upload s3://bucket/prefix/`). */
export interface UploadOptions {
  bucket: string;
  /** Key prefix, '' or ending in '/'; the object is `<prefix><file name>`. */
  prefix: string;
  /** Custom endpoint (MinIO, Ceph, Garage, another cloud); undefined: AWS's own for the region. */
  endpoint: string | undefined;
  region: string;
  /** Path-style URLs (http://host/bucket/key), which most self-hosted stores need. */
  forcePathStyle: boolean;
  /** Explicit credentials; undefined: the SDK's default chain (profile, instance role). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined } | undefined;
  /** Bytes per part of a multipart upload (at least 5 MiB, S3's minimum); smaller files go in one PUT. */
  partSize: number;
  /** Parts in flight at once. */
  queueSize: number;
  /** Tries of each request (the SDK's standard retry mode: backoff with jitter on retryable errors). */
  maxAttempts: number;
  /** Remove the local file once the object is verified. */
  removeLocal: boolean;
}

/** S3's smallest part (every part but the last). */
export const MIN_PART_SIZE = 5 * 2 ** 20;

/** Defaults: 16 MiB parts allow 160 GB objects within S3's 10,000 parts. */
export const DEFAULT_UPLOAD_TUNING = { partSize: 16 * 2 ** 20, queueSize: 4, maxAttempts: 4 } as const;

/** Splits `s3://bucket/prefix/` into bucket and key prefix; throws USAGE for anything else. */
export function parseUploadTarget(target: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(target.trim());
  // S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens.
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[1]!))
    throw new CaptureError('USAGE', `--upload "${target}" is not s3://BUCKET/PREFIX/ (bucket: 3-63 lower-case letters, digits, dots or hyphens)`);
  let prefix = m[2] ?? '';
  if (prefix.startsWith('/') || prefix.includes('//')) throw new CaptureError('USAGE', `--upload "${target}": the key prefix may not contain empty path parts`);
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  return { bucket: m[1]!, prefix };
}
