import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../../src/batch/batch-events.js';
import { JOURNAL_FILE } from '../../../src/batch/batch-journal.js';
import type { BaseCaptureOptions } from '../../../src/batch/capture-settings.js';
import type { BatchItem } from '../../../src/batch/parse-batch-list.js';
import { runBatch, STAGING_DIR, type RunBatchOptions } from '../../../src/batch/run-batch.js';
import { CaptureError, type ErrorCode } from '../../../src/errors.js';
import type { JobOptions } from '../../../src/job/job-options.js';
import type { RecordingInfo } from '../../../src/recording/fetch-recording-info.js';
import { spyOnFsync } from '../staging/sync-spy.js';
import { BASE_CAPTURE_OPTIONS } from '../../support/base-capture-options.js';

const base = { ...BASE_CAPTURE_OPTIONS, width: 1280, height: 720, videoBitrate: 2_700_000 } satisfies BaseCaptureOptions;

const id = (n: number) => `${String(n).repeat(40).slice(0, 40)}-17000000000${String(n).padStart(2, '0')}`;
const url = (n: number) => `http://127.0.0.1:1/playback/presentation/2.3/${id(n)}`;
const item = (n: number, index: number, extra: Partial<BatchItem> = {}): BatchItem => ({ index, source: `list line ${index + 1}`, url: url(n), settings: {}, ...extra });

/** What the fake capture does for a URL, attempt by attempt ("ok" once it runs out). */
type Behaviour = Array<'ok' | 'hang' | ErrorCode>;

function fakes(behaviour: Record<string, Behaviour>, infos: Record<string, Partial<RecordingInfo> | ErrorCode>) {
  const calls: string[] = [];
  const started: string[] = [];
  let hanging = 0;
  const record = async (options: JobOptions) => {
    calls.push(options.url);
    started.push(options.url);
    const plan = behaviour[options.url] ?? [];
    const step = plan.shift() ?? 'ok';
    options.onEvent({ type: 'stage', stage: 'capture', message: 'capturing' });
    if (step === 'hang') {
      hanging++;
      await new Promise((_, reject) => {
        const stop = () => reject(new CaptureError('ABORTED', 'stopped by the user'));
        if (options.signal?.aborted) stop();
        options.signal?.addEventListener('abort', stop, { once: true });
      });
    }
    if (step !== 'ok' && step !== 'hang') throw new CaptureError(step, `fake ${step}`);
    // Like recordRecording: the file appears under its final name only when complete.
    await writeFile(options.output!, `video of ${options.url} ${options.width}x${options.height} ${options.layout}`);
    return { duration: 4, wallMs: 10 };
  };
  const fetchInfo = async (u: string): Promise<RecordingInfo> => {
    const info = infos[u];
    if (typeof info === 'string') throw new CaptureError(info, `fake ${info}`);
    const recordId = u.split('/').at(-1)!;
    return { recordId, meetingId: recordId, meetingName: 'Lecture', startTime: Date.UTC(2024, 0, 1, 10, 0), duration: 4, media: 'video', mediaUrl: '', ...info };
  };
  return { record, fetchInfo, calls, started, hanging: () => hanging };
}

async function batch(outDir: string, items: BatchItem[], f: ReturnType<typeof fakes>, extra: Partial<RunBatchOptions> = {}) {
  const events: BatchEvent[] = [];
  const result = await runBatch({
    items,
    outDir,
    concurrency: 2,
    base,
    nameTemplate: undefined,
    retry: { retries: 2, delayMs: 5, factor: 2, maxDelayMs: 100 },
    failFast: false,
    signal: undefined,
    onEvent: (e) => events.push(e),
    record: f.record,
    fetchInfo: f.fetchInfo,
    ...extra,
  });
  return { result, events };
}

const files = async (dir: string) => (await readdir(dir)).sort();

describe('runBatch', () => {
  it('captures, names by list order, retries transient failures only, and reports each item', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'batch-'));
    const f = fakes(
      { [url(3)]: ['CHROMIUM_CRASHED', 'ok'], [url(4)]: ['MEDIA_MISSING'], [url(6)]: ['PLAYBACK_STALLED', 'PLAYBACK_STALLED', 'PLAYBACK_STALLED'] },
      { [url(5)]: 'RECORDING_NOT_FOUND' },
    );
    const items = [item(1, 0), item(2, 1), item(3, 2), item(4, 3), item(5, 4), item(6, 5), item(1, 6), item(7, 7, { output: '../x/Talk.mkv', settings: { layout: 'content' } })];
    const { result, events } = await batch(outDir, items, f);
    const byIndex = result.items.map((i) => [i.status, i.output, i.attempts, i.error?.code ?? null]);
    expect(byIndex).toEqual([
      ['done', 'Lecture 2024-01-01 10-00.mp4', 1, null],
      ['done', 'Lecture 2024-01-01 10-00-2.mp4', 1, null],
      ['done', 'Lecture 2024-01-01 10-00-3.mp4', 2, null],
      ['failed', 'Lecture 2024-01-01 10-00-4.mp4', 1, 'MEDIA_MISSING'],
      ['failed', null, 1, 'RECORDING_NOT_FOUND'],
      ['failed', 'Lecture 2024-01-01 10-00-5.mp4', 3, 'PLAYBACK_STALLED'],
      ['duplicate', 'Lecture 2024-01-01 10-00.mp4', 0, null],
      ['done', 'x Talk.mkv', 1, null],
    ]);
    expect(result.counts).toEqual({ done: 4, failed: 3, interrupted: 0, pending: 0, duplicate: 1 });
    expect(result.stopped).toBeNull();
    expect(f.calls.filter((u) => u === url(4))).toHaveLength(1);
    expect(f.calls.filter((u) => u === url(5))).toHaveLength(0);
    expect(events.filter((e) => e.type === 'item-retry').map((e) => e.type === 'item-retry' && [e.index, e.code, e.delayMs])).toEqual([
      [2, 'CHROMIUM_CRASHED', 5],
      [5, 'PLAYBACK_STALLED', 5],
      [5, 'PLAYBACK_STALLED', 10],
    ]);
    // Finished files only, under their final names; per-item settings reached the capture.
    expect(await files(outDir)).toEqual([JOURNAL_FILE, 'Lecture 2024-01-01 10-00-2.mp4', 'Lecture 2024-01-01 10-00-3.mp4', 'Lecture 2024-01-01 10-00.mp4', 'x Talk.mkv']);
    expect(await readFile(path.join(outDir, 'x Talk.mkv'), 'utf8')).toBe(`video of ${url(7)} 1280x720 content`);

    // Again: done items are skipped, failures are tried again, names stay.
    const again = await batch(outDir, items, f);
    expect(again.result.items.map((i) => [i.status, i.alreadyDone, i.attemptsThisRun])).toEqual([
      ['done', true, 0],
      ['done', true, 0],
      ['done', true, 0],
      ['done', false, 1],
      ['failed', false, 1],
      ['done', false, 1],
      ['duplicate', false, 0],
      ['done', true, 0],
    ]);
    expect(again.result.items[3]!.output).toBe('Lecture 2024-01-01 10-00-4.mp4');
    expect(again.result.items[3]!.attempts).toBe(2);
  });

  it('redoes a done item whose file is gone', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'batch-'));
    const f = fakes({}, {});
    await batch(outDir, [item(1, 0), item(2, 1)], f);
    await rm(path.join(outDir, 'Lecture 2024-01-01 10-00-2.mp4'));
    const { result } = await batch(outDir, [item(1, 0), item(2, 1)], f);
    expect(result.items.map((i) => [i.alreadyDone, i.output])).toEqual([
      [true, 'Lecture 2024-01-01 10-00.mp4'],
      [false, 'Lecture 2024-01-01 10-00-2.mp4'],
    ]);
  });

  it('after a power cut, redoes a done item whose file is empty, truncated or of another size than journaled', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'batch-'));
    const f = fakes({}, {});
    const items = [1, 2, 3, 4].map((n, i) => item(n, i, { output: `talk ${n}.mp4` }));
    await batch(outDir, items, f);
    const journal = JSON.parse(await readFile(path.join(outDir, JOURNAL_FILE), 'utf8'));
    const sizes = await Promise.all(items.map(async (_, i) => (await stat(path.join(outDir, `talk ${i + 1}.mp4`))).size));
    expect(journal.items.map((e: { outputBytes: number }) => e.outputBytes)).toEqual(sizes);
    // What a power cut can leave under a final name: nothing written, half of it, or other bytes.
    await writeFile(path.join(outDir, 'talk 2.mp4'), '');
    await writeFile(path.join(outDir, 'talk 3.mp4'), 'video of');
    await writeFile(path.join(outDir, 'talk 4.mp4'), `${await readFile(path.join(outDir, 'talk 4.mp4'), 'utf8')} and more`);
    const before = f.calls.length;
    const { result } = await batch(outDir, items, f);
    expect(result.items.map((i) => [i.status, i.alreadyDone])).toEqual([
      ['done', true],
      ['done', false],
      ['done', false],
      ['done', false],
    ]);
    expect(f.calls.slice(before).sort()).toEqual([url(2), url(3), url(4)].sort());
    expect(await readFile(path.join(outDir, 'talk 3.mp4'), 'utf8')).toBe(`video of ${url(3)} 1280x720 player`);
  });

  it('a journal of an older version (no sizes) still redoes an empty file and keeps a whole one', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'batch-'));
    const f = fakes({}, {});
    const items = [item(1, 0, { output: 'a.mp4' }), item(2, 1, { output: 'b.mp4' })];
    await batch(outDir, items, f);
    const file = path.join(outDir, JOURNAL_FILE);
    const journal = JSON.parse(await readFile(file, 'utf8'));
    for (const entry of journal.items) delete entry.outputBytes;
    await writeFile(file, JSON.stringify(journal));
    await writeFile(path.join(outDir, 'b.mp4'), '');
    const { result } = await batch(outDir, items, f);
    expect(result.items.map((i) => i.alreadyDone)).toEqual([true, false]);
  });

  it('on a stop: takes no new items, interrupts the running ones, keeps the journal right; the next run finishes', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'batch-'));
    const f = fakes({ [url(2)]: ['hang'], [url(3)]: ['hang'] }, {});
    const controller = new AbortController();
    const items = [1, 2, 3, 4, 5].map((n, i) => item(n, i));
    const pending = batch(outDir, items, f, { signal: controller.signal });
    while (f.hanging() < 2) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const { result } = await pending;
    expect(result.stopped).toBe('signal');
    expect(result.items.map((i) => i.status)).toEqual(['done', 'interrupted', 'interrupted', 'pending', 'pending']);
    const journal = JSON.parse(await readFile(path.join(outDir, JOURNAL_FILE), 'utf8'));
    expect(journal.items.map((e: { state: string }) => e.state)).toEqual(['done', 'interrupted', 'interrupted', 'pending', 'pending']);
    expect(await files(outDir)).toEqual([JOURNAL_FILE, 'Lecture 2024-01-01 10-00.mp4']);

    const before = f.calls.length;
    const next = await batch(outDir, items, f);
    expect(next.result.items.map((i) => [i.status, i.alreadyDone])).toEqual([
      ['done', true],
      ['done', false],
      ['done', false],
      ['done', false],
      ['done', false],
    ]);
    expect(f.calls.slice(before).sort()).toEqual([url(2), url(3), url(4), url(5)].sort());
    expect(await files(outDir)).not.toContain(STAGING_DIR);
  });

  it('--fail-fast stops at the first item that fails for good', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'batch-'));
    const f = fakes({ [url(1)]: ['NOT_A_BBB_RECORDING'], [url(2)]: ['hang'] }, {});
    const { result } = await batch(outDir, [item(1, 0), item(2, 1), item(3, 2)], f, { failFast: true });
    expect(result.stopped).toBe('fail-fast');
    expect(result.items.map((i) => i.status)).toEqual(['failed', 'interrupted', 'pending']);
  });

  it('refuses a second batch in the same directory while one runs', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'batch-'));
    const f = fakes({ [url(1)]: ['hang'] }, {});
    const controller = new AbortController();
    const first = batch(outDir, [item(1, 0)], f, { signal: controller.signal });
    while (f.hanging() === 0) await new Promise((r) => setTimeout(r, 5));
    await expect(batch(outDir, [item(2, 0)], fakes({}, {}))).rejects.toThrow(/another batch|is working in/);
    controller.abort();
    await first;
  });

  it('flushes a finished file before it takes its name, and the directory after', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'batch-'));
    const final = path.join(outDir, 'Lecture 2024-01-01 10-00.mp4');
    const spy = await spyOnFsync(() => existsSync(final));
    try {
      await batch(outDir, [item(1, 0)], fakes({}, {}));
    } finally {
      spy.restore();
    }
    expect(spy.synced).toContainEqual({ ino: (await stat(final)).ino, at: false });
    expect(spy.synced).toContainEqual({ ino: (await stat(outDir)).ino, at: true });
  });

  it('fails only the item whose metadata.xml has an impossible start_time; the others complete', async () => {
    // A real server and the real metadata reader: the bad value is caught where metadata.xml is read.
    const metadata = (n: number, start: string) =>
      `<recording><id>${id(n)}</id><start_time>${start}</start_time><meeting id="${id(n)}"/><meta><meetingName>Lecture ${n}</meetingName></meta><playback><duration>4000</duration></playback></recording>`;
    const starts: Record<string, string> = { [id(1)]: '1704103200000', [id(2)]: '1e20', [id(3)]: '1704106800000' };
    const server = createServer((req, res) => {
      const match = /^\/presentation\/([^/]+)\/(.*)$/.exec(req.url ?? '');
      if (match && match[2] === 'metadata.xml' && starts[match[1]!]) res.writeHead(200, { 'content-type': 'text/xml' }).end(metadata(Number(match[1]![0]), starts[match[1]!]!));
      else if (match && match[2] === 'video/webcams.webm') res.writeHead(200).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const at = (n: number, index: number): BatchItem => ({
        index,
        source: `list line ${index + 1}`,
        url: `http://127.0.0.1:${port}/playback/presentation/2.3/${id(n)}`,
        settings: {},
      });
      const outDir = await mkdtemp(path.join(tmpdir(), 'batch-'));
      const f = fakes({}, {});
      const { result } = await batch(outDir, [at(1, 0), at(2, 1), at(3, 2)], f, { fetchInfo: undefined });
      expect(result.items.map((i) => [i.status, i.output, i.error?.code ?? null])).toEqual([
        ['done', 'Lecture 1 2024-01-01 10-00.mp4', null],
        ['failed', null, 'NOT_A_BBB_RECORDING'],
        ['done', 'Lecture 3 2024-01-01 11-00.mp4', null],
      ]);
      expect(result.items[1]!.error!.message).toMatch(/metadata\.xml: start_time "1e20" is not a plausible time/);
      expect(f.calls).toHaveLength(2);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
