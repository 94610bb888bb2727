import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCredentials, type CredentialFlags } from '../../../../src/cli/commands/credential-options.js';
import { CaptureError } from '../../../../src/errors.js';

const ORIGIN = 'https://bbb.example.org';

function usage(fn: () => unknown): CaptureError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).code).toBe('USAGE');
    return error as CaptureError;
  }
  throw new Error('no error');
}

describe('resolveCredentials', () => {
  it('reads repeatable --cookie and --header and --basic-auth', () => {
    const c = resolveCredentials({ cookie: ['a=1', 'b=x.y'], header: ['X-Token: t0k en'], basicAuth: 'ann:p:w' }, { env: {} });
    expect(c.bind(ORIGIN)?.values).toEqual({
      cookies: [
        { name: 'a', value: '1' },
        { name: 'b', value: 'x.y' },
      ],
      headers: [['X-Token', 't0k en']],
      basicAuth: { username: 'ann', password: 'p:w' },
    });
  });

  it('falls back to BBB_CAPTURE_COOKIE, BBB_CAPTURE_HEADER and BBB_CAPTURE_BASIC_AUTH', () => {
    const c = resolveCredentials({}, { env: { BBB_CAPTURE_COOKIE: 'a=1; b=2', BBB_CAPTURE_HEADER: 'X-A: 1\nX-B: 2', BBB_CAPTURE_BASIC_AUTH: 'u:p' } });
    expect(c.bind(ORIGIN)?.values).toEqual({
      cookies: [
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
      ],
      headers: [
        ['X-A', '1'],
        ['X-B', '2'],
      ],
      basicAuth: { username: 'u', password: 'p' },
    });
    expect(resolveCredentials({}, { env: {} }).empty).toBe(true);
  });

  it('refuses malformed values naming the option, never the value', () => {
    for (const [flags, where] of [
      [{ cookie: ['no-equals-S3CRET'] }, '--cookie #1'],
      [{ cookie: ['a=has space S3CRET'] }, '--cookie #1'],
      [{ header: ['no colon S3CRET'] }, '--header #1'],
      [{ header: ['Authorization: Bearer S3CRET'] }, '--header #1'],
      [{ basicAuth: 'S3CRET' }, '--basic-auth'],
    ] as Array<[CredentialFlags, string]>) {
      const error = usage(() => resolveCredentials(flags, { env: {} }));
      expect(error.message).toContain(where);
      expect(error.message).not.toContain('S3CRET');
    }
  });

  it('reads a credentials file keyed by origin', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-cred-'));
    try {
      const file = path.join(dir, 'credentials.json');
      await writeFile(file, JSON.stringify({ 'https://bbb.example.org/': { cookies: { s: 'v' }, headers: { 'X-T': 'h' }, basicAuth: 'u:p' } }));
      const c = resolveCredentials({ credentialsFile: file }, { env: {} });
      expect(c.bind(ORIGIN)?.values).toEqual({ cookies: [{ name: 's', value: 'v' }], headers: [['X-T', 'h']], basicAuth: { username: 'u', password: 'p' } });
      expect(c.bind('https://elsewhere.example')).toBeUndefined();
      await writeFile(file, JSON.stringify({ 'https://bbb.example.org/path': { cookies: { s: 'v' } } }));
      expect(usage(() => resolveCredentials({ credentialsFile: file }, { env: {} })).message).toMatch(/not an origin/);
      await writeFile(file, JSON.stringify({ [ORIGIN]: { cookies: { s: 'bad value S3CRET' } } }));
      expect(usage(() => resolveCredentials({ credentialsFile: file }, { env: {} })).message).not.toContain('S3CRET');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
