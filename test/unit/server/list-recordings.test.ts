import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RECORD_ID_PATTERN } from '../../../src/recording/parse-playback-url.js';
import { listRecordings } from '../../../src/server/list-recordings.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

it('lists sub-directories holding metadata.xml and flags ids the player would reject', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-list-'));
  dirs.push(dir);
  const good = `${'b'.repeat(40)}-1700000000000`;
  for (const name of [good, 'my-recording', 'empty']) await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, good, 'metadata.xml'), '<recording/>');
  await writeFile(path.join(dir, 'my-recording', 'metadata.xml'), '<recording/>');
  await writeFile(path.join(dir, 'stray.txt'), '');
  const found = await listRecordings(dir);
  expect(found.map((r) => [r.recordId, r.validId])).toEqual([
    [good, true],
    ['my-recording', false],
  ]);
});

it('matches the 2.3 player record id rule', () => {
  expect(RECORD_ID_PATTERN.test(`${'0a'.repeat(20)}-1234567890123`)).toBe(true);
  expect(RECORD_ID_PATTERN.test(`${'0A'.repeat(20)}-1234567890123`)).toBe(false);
  expect(RECORD_ID_PATTERN.test(`${'0a'.repeat(20)}-123456789012`)).toBe(false);
});
