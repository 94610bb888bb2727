/**
 * The signature of a webhook body: HMAC-SHA256 with the shared secret, as
 * `X-BBB-Capture-Signature: sha256=<hex>` (the GitHub convention, so receivers' code carries over).
 * The receiver recomputes it over the raw body and compares in constant time.
 */
import { createHmac } from 'node:crypto';

/** Header carrying the signature. */
export const SIGNATURE_HEADER = 'X-BBB-Capture-Signature';

/** `sha256=<hex HMAC-SHA256 of body>` for `secret`. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}
