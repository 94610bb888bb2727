import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpoolEntry } from '../../../src/watch/read-spool-entry.js';

const ID = `${'a'.repeat(40)}-1735766832000`;

async function spoolFile(content: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'spool-')), `${ID}.json`);
  await writeFile(file, content);
  return file;
}

describe('readSpoolEntry', () => {
  it('reads what the hook writes', async () => {
    const dir = `/var/bigbluebutton/published/presentation/${ID}`;
    expect(await readSpoolEntry(await spoolFile(JSON.stringify({ version: 1, recordId: ID, dir, publishedAt: '2026-01-01T00:00:00Z' })))).toEqual({ recordId: ID, dir });
  });

  it.each([
    ['not JSON', '{"recordId":', /not JSON/],
    ['no id', JSON.stringify({ dir: `/p/${ID}` }), /recordId/],
    ['an id with a path in it', JSON.stringify({ recordId: '../x', dir: '/p/x' }), /recordId/],
    ['a relative directory', JSON.stringify({ recordId: ID, dir: `p/${ID}` }), /absolute/],
    ["another recording's directory", JSON.stringify({ recordId: ID, dir: '/p/other' }), /not the directory/],
  ])('refuses %s', async (_what, content, reason) => {
    const entry = await readSpoolEntry(await spoolFile(content));
    expect('reason' in entry && entry.reason).toMatch(reason);
  });

  it('says nothing about a file that is gone (taken by another watch)', async () => {
    expect(await readSpoolEntry('/nonexistent/x.json')).toEqual({ reason: null });
  });
});
