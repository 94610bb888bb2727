/**
 * Tells a refused TLS certificate apart from other network failures, for Node's fetch and for
 * Chromium, so the user hears "certificate" and about --insecure instead of "unreachable".
 */
import { CaptureError } from '../errors.js';

/**
 * OpenSSL's verify codes as Node reports them (`cause.code` of a failed fetch), e.g.
 * DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, and Node's
 * own ERR_TLS_CERT_ALTNAME_INVALID; and Chromium's net errors, e.g. net::ERR_CERT_AUTHORITY_INVALID,
 * which Playwright only gives as text.
 */
const NODE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;
const CHROMIUM_ERROR = /net::ERR_(CERT_[A-Z_]+|SSL_[A-Z_]+|BAD_SSL_CLIENT_AUTH_CERT)/;

/** A TLS_ERROR for `host` when `error` is a refused certificate; undefined otherwise. */
export function tlsFailure(error: unknown, host: string): CaptureError | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  // Playwright reports navigation failures as text only: the net error name is its stable part.
  const chromium = error instanceof Error ? CHROMIUM_ERROR.exec(error.message)?.[0] : undefined;
  const why = code !== undefined && NODE_CODE.test(code) ? code : chromium;
  if (why === undefined) return undefined;
  return new CaptureError('TLS_ERROR', `the TLS certificate of ${host} was not accepted (${why}); if you trust the network path to it, --insecure skips the check`, {
    cause: error,
  });
}
