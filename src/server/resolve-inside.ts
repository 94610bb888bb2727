/**
 * Maps the raw (still percent-encoded) path segments of a request onto a regular file inside a
 * root directory, refusing anything that could leave it: `..` in any spelling, encoded slashes or
 * backslashes, NUL bytes, drive letters, and symlinks whose target lies outside the root.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Why a path was not served: `bad-request` for undecodable input, `refused` for a path that tries
 * to leave the root, `not-found` when no such regular file exists.
 */
export type ResolveFailure = 'bad-request' | 'refused' | 'not-found';

/** A file that may be served: the real root and the file's decoded path below it. */
export interface ResolvedFile {
  realRoot: string;
  /** Segments relative to realRoot, with no `.`/`..` and no separators inside any of them. */
  segments: string[];
  size: number;
}

/** Decodes one URL path segment into a file-name component ('' for an empty segment). */
export function decodeSegment(raw: string): { name: string } | { failure: Exclude<ResolveFailure, 'not-found'> } {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return { failure: 'bad-request' };
  }
  // Decoding once is what every web server does: `%252e%252e` stays the literal name `%2e%2e`,
  // which is harmless. Anything that is a relative step or holds a separator after decoding is an
  // attempt to leave the directory; no recording file has such a name.
  if (name === '.' || name === '..') return { failure: 'refused' };
  if (/[/\\\0]/.test(name)) return { failure: 'refused' };
  // A drive prefix ("C:") would make path.join absolute on Windows.
  if (/^[a-zA-Z]:/.test(name)) return { failure: 'refused' };
  return { name };
}

/**
 * Resolves `rawSegments` (the URL path split on `/`, not yet decoded) under `root`. Returns the
 * file only if it exists, is a regular file, and its real path (symlinks followed) is inside the
 * real root.
 */
export async function resolveInside(root: string, rawSegments: readonly string[]): Promise<ResolvedFile | ResolveFailure> {
  const names: string[] = [];
  for (const raw of rawSegments) {
    const decoded = decodeSegment(raw);
    if ('failure' in decoded) return decoded.failure;
    // Empty segments (`a//b`, a trailing slash) are merged away, as nginx does.
    if (decoded.name !== '') names.push(decoded.name);
  }
  if (names.length === 0) return 'not-found';
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await realpath(root);
    realFile = await realpath(path.join(realRoot, ...names));
  } catch {
    return 'not-found';
  }
  const relative = path.relative(realRoot, realFile);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return 'refused';
  try {
    const info = await stat(realFile);
    if (!info.isFile()) return 'not-found';
    return { realRoot, segments: relative.split(path.sep), size: info.size };
  } catch {
    return 'not-found';
  }
}
