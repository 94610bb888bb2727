import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBbbRecordings, type BbbApiQuery } from '../../../src/bbb-api/list-bbb-recordings.js';
import { CaptureError } from '../../../src/errors.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';

const SECRET = 'serve-secret';
const ids = [
  '1111111111111111111111111111111111111111-1700000000000',
  '2222222222222222222222222222222222222222-1710000000000',
  '3333333333333333333333333333333333333333-1720000000000',
];

function metadata(id: string, externalId: string, state: string): string {
  const start = Number(id.split('-')[1]);
  return `<?xml version="1.0"?><recording><id>${id}</id><state>${state}</state><published>${state === 'published'}</published><start_time>${start}</start_time><end_time>${start + 5000}</end_time>
<meeting id="${id}" externalId="${externalId}" name="Talk ${externalId}"/><meta><meetingName>Talk ${externalId}</meetingName><meetingId>${externalId}</meetingId></meta>
<playback><format>presentation</format><duration>5000</duration></playback></recording>`;
}

let tmp: string;
let server: RunningServer;
const query = (over: Partial<BbbApiQuery> = {}): BbbApiQuery => ({
  url: `${server.url}/bigbluebutton/`,
  secret: SECRET,
  checksum: 'sha1',
  meetingIds: [],
  states: ['published'],
  fromMs: undefined,
  toMs: undefined,
  ...over,
});

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'bbb-capture-api-'));
  const states = ['published', 'published', 'unpublished'];
  for (const [i, id] of ids.entries()) {
    await mkdir(path.join(tmp, id), { recursive: true });
    await writeFile(path.join(tmp, id, 'metadata.xml'), metadata(id, `meeting-${i + 1}`, states[i]!));
  }
  server = await startServer({ recordingsDir: tmp, bbbSecret: SECRET });
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('listBbbRecordings against serve', () => {
  it('lists the published recordings as batch items with their player URLs, page by page', async () => {
    const requests: string[] = [];
    const fetchFn = (url: string, init: RequestInit) => {
      requests.push(url);
      return fetch(url, init);
    };
    const { items, skipped } = await listBbbRecordings(query(), { fetchFn, pageSize: 1 });
    expect(skipped).toEqual([]);
    expect(items).toEqual([
      { index: 0, source: `getRecordings ${ids[0]}`, url: server.playbackUrl(ids[0]!), settings: {} },
      { index: 1, source: `getRecordings ${ids[1]}`, url: server.playbackUrl(ids[1]!), settings: {} },
    ]);
    // Two pages of one, and it stopped at totalElements (2) without asking for a third.
    expect(requests.map((u) => new URL(u).searchParams.get('offset'))).toEqual(['0', '1']);
  });

  it('filters by meeting id, state (any) and start date', async () => {
    expect((await listBbbRecordings(query({ meetingIds: ['meeting-2'] }))).items.map((i) => i.source)).toEqual([`getRecordings ${ids[1]}`]);
    expect((await listBbbRecordings(query({ states: ['any'] }))).items).toHaveLength(3);
    expect((await listBbbRecordings(query({ states: ['unpublished'], checksum: 'sha256' }))).items.map((i) => i.source)).toEqual([`getRecordings ${ids[2]}`]);
    expect((await listBbbRecordings(query({ fromMs: 1_705_000_000_000 }))).items.map((i) => i.source)).toEqual([`getRecordings ${ids[1]}`]);
    expect((await listBbbRecordings(query({ toMs: 1_705_000_000_000 }))).items.map((i) => i.source)).toEqual([`getRecordings ${ids[0]}`]);
  });

  it('gives an empty listing when nothing matches', async () => {
    expect(await listBbbRecordings(query({ meetingIds: ['nobody'] }))).toEqual({ items: [], skipped: [] });
  });

  it('reports a wrong secret as BBB_API_REFUSED (checksumError), naming the call but not the secret', async () => {
    const error = await listBbbRecordings(query({ secret: 'wrong-secret' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).code).toBe('BBB_API_REFUSED');
    expect((error as CaptureError).message).toContain('checksumError');
    expect((error as CaptureError).message).not.toContain('wrong-secret');
  });

  it('reports a server without a secret as BBB_API_REFUSED', async () => {
    const off = await startServer({ recordingsDir: tmp });
    try {
      const error = await listBbbRecordings({ ...query(), url: `${off.url}/bigbluebutton/` }).catch((e: unknown) => e);
      expect((error as CaptureError).code).toBe('BBB_API_REFUSED');
      expect((error as CaptureError).message).toContain('without --bbb-secret');
    } finally {
      await off.close();
    }
  });

  it('reports an address that is not the API as BBB_API_REFUSED, and no server as HOST_UNREACHABLE', async () => {
    expect(((await listBbbRecordings({ ...query(), url: `${server.url}/elsewhere/` }).catch((e: unknown) => e)) as CaptureError).code).toBe('BBB_API_REFUSED');
    const closed = await startServer({ recordingsDir: tmp });
    await closed.close();
    expect(((await listBbbRecordings({ ...query(), url: `${closed.url}/bigbluebutton/` }).catch((e: unknown) => e)) as CaptureError).code).toBe('HOST_UNREACHABLE');
  });
});

describe('listBbbRecordings paging', () => {
  const recording = (n: number) =>
    `<recording><recordID>${String(n).repeat(40).slice(0, 40)}-1700000000000</recordID><meetingID>m${n}</meetingID><state>published</state><startTime>1700000000000</startTime><playback><format><type>presentation</type><url>https://bbb.example.org/playback/presentation/2.3/${String(n).repeat(40).slice(0, 40)}-1700000000000</url></format></playback></recording>`;
  const answer = (body: string) => Promise.resolve(new Response(`<response><returncode>SUCCESS</returncode>${body}</response>`, { status: 200 }));

  it('stops after one answer from a server that ignores offset/limit (no totalElements)', async () => {
    let calls = 0;
    const fetchFn = () => {
      calls++;
      return answer(`<recordings>${[1, 2, 3].map(recording).join('')}</recordings>`);
    };
    const { items } = await listBbbRecordings(
      { url: 'https://bbb.example.org/bigbluebutton/', secret: 's', checksum: 'sha1', meetingIds: [], states: ['published'], fromMs: undefined, toMs: undefined },
      { fetchFn, pageSize: 1 },
    );
    expect(items).toHaveLength(3);
    expect(calls).toBe(1);
  });

  it('stops when a paging server repeats a page instead of moving on', async () => {
    let calls = 0;
    const fetchFn = () => {
      calls++;
      return answer(`<recordings>${recording(1)}</recordings><totalElements>5</totalElements>`);
    };
    const { items } = await listBbbRecordings(
      { url: 'https://bbb.example.org/bigbluebutton/', secret: 's', checksum: 'sha1', meetingIds: [], states: ['published'], fromMs: undefined, toMs: undefined },
      { fetchFn, pageSize: 1 },
    );
    expect(items).toHaveLength(1);
    expect(calls).toBe(2);
  });
});
