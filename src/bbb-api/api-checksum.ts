/**
 * The checksum BBB's API asks of every call: the hash of the call's name, its query string (without
 * the checksum) and the shared secret, in hex. sha1 is what every BBB version accepts; 2.6 and later
 * also take sha256, sha384 and sha512 where `supportedChecksumAlgorithms` allows, telling them apart
 * by the checksum's length.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Hashes BBB servers accept for API checksums. */
export const CHECKSUM_ALGORITHMS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Hex length of each algorithm's checksum: how a server knows which one a client used. */
const HEX_LENGTH: Record<ChecksumAlgorithm, number> = { sha1: 40, sha256: 64, sha384: 96, sha512: 128 };

/** The checksum of `call` with `query` (the query string exactly as sent, without `checksum=`). */
export function apiChecksum(call: string, query: string, secret: string, algorithm: ChecksumAlgorithm = 'sha1'): string {
  return createHash(algorithm).update(`${call}${query}${secret}`, 'utf8').digest('hex');
}

/**
 * Whether `rawQuery` (as received, checksum included) carries a valid checksum for `call`, as BBB
 * checks it: the checksum parameter is taken out of the raw string and the rest hashed as it came.
 */
export function checksumValid(call: string, rawQuery: string, secret: string, algorithms: readonly ChecksumAlgorithm[] = CHECKSUM_ALGORITHMS): boolean {
  const parts = rawQuery === '' ? [] : rawQuery.split('&');
  const given = parts.filter((p) => p.startsWith('checksum='));
  if (given.length !== 1) return false;
  const checksum = given[0]!.slice('checksum='.length).toLowerCase();
  const algorithm = algorithms.find((a) => HEX_LENGTH[a] === checksum.length);
  if (!algorithm || !/^[0-9a-f]+$/.test(checksum)) return false;
  const expected = apiChecksum(call, parts.filter((p) => !p.startsWith('checksum=')).join('&'), secret, algorithm);
  return timingSafeEqual(Buffer.from(expected), Buffer.from(checksum));
}
