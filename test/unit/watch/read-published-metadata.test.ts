import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPublishedMetadata } from '../../../src/watch/read-published-metadata.js';

const ID = `${'a'.repeat(40)}-1735766832000`;
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<recording>
  <id>${ID}</id>
  <start_time>1735766832000</start_time>
  <meeting id="${ID}" name="Lecture"/>
  <meta><meetingName>Lecture</meetingName></meta>
  <playback>
    <format>presentation</format>
    <duration>4000</duration>
    <extensions><preview><images><image width="176" height="136" alt="Slide 1">http://h/presentation/${ID}/thumb-1.png</image></images></preview></extensions>
  </playback>
</recording>
`;

async function recording(content: string | null): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'published-')), ID);
  await mkdir(dir);
  if (content !== null) await writeFile(path.join(dir, 'metadata.xml'), content);
  return dir;
}

describe('readPublishedMetadata', () => {
  it('reads a whole metadata.xml and hashes its bytes', async () => {
    const meta = await readPublishedMetadata(await recording(XML));
    expect(meta).toMatchObject({ state: 'ready', info: { recordId: ID, meetingName: 'Lecture', duration: 4 } });
    const other = await readPublishedMetadata(await recording(XML.replace('Lecture</meetingName>', 'Renamed</meetingName>')));
    expect(meta.state === 'ready' && other.state === 'ready' && meta.hash !== other.hash).toBe(true);
  });

  // Its last part (preview images) says nothing parseMetadata needs: only whole-XML validation catches a cut there.
  it('calls a metadata.xml cut anywhere incomplete, never ready', async () => {
    for (let cut = 1; cut < XML.trimEnd().length; cut += 3) {
      const meta = await readPublishedMetadata(await recording(XML.slice(0, cut)));
      expect(meta.state, `cut at ${cut}: ${XML.slice(0, cut)}`).toBe('incomplete');
    }
  });

  it('tells a directory without metadata.xml (not yet published, or unpublished)', async () => {
    expect(await readPublishedMetadata(await recording(null))).toEqual({ state: 'missing' });
    expect(await readPublishedMetadata('/nonexistent/dir')).toEqual({ state: 'missing' });
  });

  it('refuses a metadata.xml of another recording than its directory', async () => {
    const meta = await readPublishedMetadata(await recording(XML.replaceAll(ID, `${'b'.repeat(40)}-1735766832000`)));
    expect(meta.state).toBe('incomplete');
  });
});
