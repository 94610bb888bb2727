import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSegment, resolveInside } from '../../../src/server/resolve-inside.js';

let tmp: string;
let root: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'bbb-capture-resolve-'));
  root = path.join(tmp, 'root');
  await mkdir(path.join(root, 'a'), { recursive: true });
  await writeFile(path.join(root, 'a', 'b.txt'), 'b');
  await writeFile(path.join(root, '..x'), 'dots are fine inside a name');
  await writeFile(path.join(tmp, 'outside.txt'), 'outside');
  await symlink(path.join(tmp, 'outside.txt'), path.join(root, 'out-link'));
  await symlink(path.join(root, 'a', 'b.txt'), path.join(root, 'in-link'));
});

afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('decodeSegment', () => {
  it.each([
    ['b.txt', { name: 'b.txt' }],
    ['', { name: '' }],
    ['%252e%252e', { name: '%2e%2e' }],
    ['..', { failure: 'refused' }],
    ['%2e%2E', { failure: 'refused' }],
    ['.', { failure: 'refused' }],
    ['a%2fb', { failure: 'refused' }],
    ['a%5cb', { failure: 'refused' }],
    ['a\\b', { failure: 'refused' }],
    ['a%00', { failure: 'refused' }],
    ['C:', { failure: 'refused' }],
    ['%E0%A4%A', { failure: 'bad-request' }],
  ])('%s', (raw, expected) => {
    expect(decodeSegment(raw)).toEqual(expected);
  });
});

describe('resolveInside', () => {
  it('finds regular files and names their path under the real root', async () => {
    const found = await resolveInside(root, ['a', 'b.txt']);
    expect(found).toMatchObject({ segments: ['a', 'b.txt'], size: 1 });
  });

  it('accepts names that merely start with two dots', async () => {
    expect(await resolveInside(root, ['..x'])).toMatchObject({ segments: ['..x'] });
  });

  it('follows symlinks inside the root and refuses those leading out', async () => {
    expect(await resolveInside(root, ['in-link'])).toMatchObject({ segments: ['a', 'b.txt'] });
    expect(await resolveInside(root, ['out-link'])).toBe('refused');
  });

  it('does not serve directories, missing files or the root itself', async () => {
    expect(await resolveInside(root, ['a'])).toBe('not-found');
    expect(await resolveInside(root, ['a', 'nope'])).toBe('not-found');
    expect(await resolveInside(root, [])).toBe('not-found');
    expect(await resolveInside(root, ['', ''])).toBe('not-found');
  });

  it('refuses relative steps however they are spelt', async () => {
    for (const segments of [['..', 'outside.txt'], ['%2e%2e', 'outside.txt'], ['..%2foutside.txt'], ['a', '..', '..', 'outside.txt']]) {
      expect(await resolveInside(root, segments)).toBe('refused');
    }
  });
});
