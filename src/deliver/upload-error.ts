/**
 * What went wrong with an upload, as a CaptureError a user can act on: the store could not be
 * reached, refused the credentials, has no such bucket, or failed otherwise. Transient when the
 * SDK (or the network) says a retry may help; the SDK has already retried those by then.
 */
import { CaptureError } from '../errors.js';

/** Node's network errors a later try may get past. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE', 'ECONNABORTED']);
/** S3 error names that mean the access key, secret or token is wrong or not allowed. */
const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
  errors?: unknown[];
}

/** The network error code under an SDK error (it may be wrapped, or an AggregateError of tries). */
function networkCode(error: SdkError | undefined, depth = 0): string | undefined {
  if (!error || depth > 4) return undefined;
  if (error.code && NETWORK_CODES.has(error.code)) return error.code;
  for (const inner of [error.cause, ...(error.errors ?? [])]) {
    const found = networkCode(inner as SdkError, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Maps an SDK or network error of an upload to `s3://bucket/key` into UPLOAD_FAILED. */
export function uploadError(error: unknown, where: { url: string; endpoint: string | undefined }): CaptureError {
  if (error instanceof CaptureError) return error;
  const e = (error ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  const store = where.endpoint ?? 'the AWS endpoint of the region';
  const net = networkCode(e);
  if (net || e.name === 'TimeoutError' || e.name === 'RequestTimeout') {
    return new CaptureError(
      'UPLOAD_FAILED',
      `cannot reach the object store at ${store} (${net ?? e.name}) to upload ${where.url}: check --s3-endpoint / AWS_ENDPOINT_URL and that the store is up; the local file is kept`,
      { cause: error, transient: true },
    );
  }
  if ((e.name && CREDENTIAL_ERRORS.has(e.name)) || status === 403) {
    return new CaptureError(
      'UPLOAD_FAILED',
      `the object store at ${store} refused the credentials for ${where.url} (${e.name ?? status}: ${e.message ?? ''}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the SDK's profile) and that they may write there; the local file is kept`,
      { cause: error, transient: false },
    );
  }
  if (e.name === 'NoSuchBucket') {
    return new CaptureError('UPLOAD_FAILED', `no bucket for ${where.url} at ${store}: create it first; the local file is kept`, { cause: error, transient: false });
  }
  const retryable = !!e.$retryable || (status !== undefined && (status >= 500 || status === 429));
  return new CaptureError(
    'UPLOAD_FAILED',
    `upload of ${where.url} to ${store} failed (${e.name ?? 'error'}${status ? ` ${status}` : ''}: ${e.message ?? String(error)}); the local file is kept`,
    { cause: error, transient: retryable },
  );
}
