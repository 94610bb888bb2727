/**
 * `npm run bench:publish`: how long after BBB publishes a recording its video is in object
 * storage. One `bbb-capture watch --upload` (the built CLI, its default --stable 5 s and engine)
 * runs against a published directory and an S3-compatible store on loopback (s3rver, a
 * devDependency: the bench runs from a checkout); each run publishes a copy of a generated
 * recording under a new record id, metadata.xml written last as BBB does, and polls the store
 * until the object is there. The clock starts when metadata.xml is written. Each run is followed
 * by `record` of the same recording alone, so the latency can be set against the export's own
 * time (the target: within it + 10 s). Prints medians.
 *   node dist/bench/bench-publish.js [--duration 60] [--variant full] [--runs 3] [--resolution 1920x1080] [--player DIR] [--dir .bench]
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { findFfmpeg } from '../process/find-ffmpeg.js';
import { runProcess, startProcess } from '../process/run-process.js';
import { generateRecording } from '../sample/generate-recording.js';
import type { SampleVariant } from '../sample/sample-truth.js';
import { type PublishRun, summarizePublishRuns } from './summarize-publish-runs.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    variant: { type: 'string', default: 'full' },
    runs: { type: 'string', default: '3' },
    resolution: { type: 'string', default: '1920x1080' },
    player: { type: 'string' },
    dir: { type: 'string', default: '.bench' },
  },
});

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'bbb-capture.js');
const BUCKET = 'archive';
const PREFIX = 'published/';
/** Longest one run may take (a 60 s recording exports in well under this on 2 cores). */
const RUN_DEADLINE_MS = 15 * 60_000;

/** A BBB-shaped record id no earlier run used. */
const freshRecordId = () => `${randomBytes(20).toString('hex')}-${Date.now()}`;

/** Copies the recording to `<published>/<id>` without metadata.xml (renamed in whole, as BBB moves it); returns that file's text for the new id. */
async function stageCopy(source: string, published: string, id: string): Promise<string> {
  const temp = path.join(published, `.${id}.copying`);
  await cp(source, temp, { recursive: true, filter: (src) => path.basename(src) !== 'metadata.xml' });
  await rename(temp, path.join(published, id));
  return (await readFile(path.join(source, 'metadata.xml'), 'utf8')).replaceAll(path.basename(source), id);
}

async function main(): Promise<void> {
  const duration = Number(values.duration);
  const runCount = Number(values.runs);
  const benchDir = path.resolve(values.dir, 'publish');
  await rm(benchDir, { recursive: true, force: true });
  const published = path.join(benchDir, 'published');
  const outDir = path.join(benchDir, 'out');
  await mkdir(published, { recursive: true });
  await mkdir(outDir, { recursive: true });
  const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
  const recording = await generateRecording({ root: path.join(benchDir, 'samples'), variant: values.variant as SampleVariant, duration, ffmpeg: tools });

  const store = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(benchDir, 's3'), configureBuckets: [{ name: BUCKET }] });
  const { port } = await store.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  const player = values.player ? ['--player', values.player] : [];
  const stop = new AbortController();
  // Children inherit this process's environment: the store's settings go to watch through it.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  });
  const watch = startProcess(
    process.execPath,
    [
      BIN,
      'watch',
      '--published',
      published,
      '--out-dir',
      outDir,
      '--upload',
      `s3://${BUCKET}/${PREFIX}`,
      '--s3-path-style',
      '--resolution',
      values.resolution,
      '--json',
      ...player,
    ],
    { label: 'bbb-capture watch', failureCode: 'INTERNAL', missingCode: 'INTERNAL', signal: stop.signal },
  );
  watch.done.catch(() => undefined);
  watch.stdin.end();
  // Each watch event as it comes, with the time it arrived.
  const seen: Array<{ at: number; event: Record<string, unknown> }> = [];
  createInterface({ input: watch.stdout }).on('line', (line) => {
    if (line.startsWith('{')) seen.push({ at: performance.now(), event: JSON.parse(line) as Record<string, unknown> });
  });
  const waitFor = async (what: string, match: (e: Record<string, unknown>) => boolean, since = 0): Promise<number> => {
    const deadline = performance.now() + RUN_DEADLINE_MS;
    for (;;) {
      const hit = seen.find((s) => s.at >= since && match(s.event));
      if (hit) return hit.at;
      const failed = seen.find((s) => s.at >= since && s.event.event === 'failed');
      if (failed) throw new Error(`watch: ${JSON.stringify(failed.event)}`);
      if (performance.now() > deadline) throw new Error(`no ${what} within ${RUN_DEADLINE_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const runs: PublishRun[] = [];
  // On a shared machine the figures move with the load: it is printed beside them.
  const loads: number[] = [os.loadavg()[0]!];
  try {
    await waitFor('"watching"', (e) => e.event === 'watching');
    for (let i = 0; i < runCount; i++) {
      const id = freshRecordId();
      const metadata = await stageCopy(recording.dir, published, id);
      await writeFile(path.join(published, id, 'metadata.xml'), metadata);
      const t0 = performance.now();
      const startedAt = await waitFor('"started"', (e) => e.event === 'started' && e.recordId === id, t0);
      // The output name is known once the export starts; nothing can be in the store before.
      const output = seen.find((s) => s.event.event === 'started' && s.event.recordId === id)!.event.output as string;
      // The store's view, not watch's: polled (every 200 ms) while the export runs, until the object answers.
      const present = (async () => {
        for (;;) {
          const found = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}${output}` })).then(
            () => true,
            () => false,
          );
          const at = performance.now();
          if (found) return at;
          if (at - t0 > RUN_DEADLINE_MS || stop.signal.aborted) throw new Error(`${PREFIX}${output} never appeared in the store`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      present.catch(() => undefined);
      const doneAt = await waitFor('"done"', (e) => e.event === 'done' && e.recordId === id, t0);
      const presentAt = await present;
      const recordStart = performance.now();
      await runProcess(
        process.execPath,
        [BIN, 'record', path.join(published, id), '-o', path.join(benchDir, `record-${i}.mp4`), '--resolution', values.resolution, '--quiet', ...player],
        { label: 'bbb-capture record', failureCode: 'INTERNAL', missingCode: 'INTERNAL', signal: stop.signal },
      );
      const run: PublishRun = { startedMs: startedAt - t0, doneMs: doneAt - t0, presentMs: presentAt - t0, recordMs: performance.now() - recordStart };
      runs.push(run);
      loads.push(os.loadavg()[0]!);
      console.error(JSON.stringify({ run: i + 1, recordId: id, ...run }));
    }
  } finally {
    stop.abort();
    await watch.done.catch(() => undefined);
    client.destroy();
    await store.close();
  }
  const s = summarizePublishRuns(runs);
  console.log(
    [
      `published → uploaded, ${values.variant} ${duration} s sample at ${values.resolution}, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, medians of ${s.runs} runs:`,
      '',
      '| published → in the store | `record` alone | difference | published → export started (--stable 5 s) | export + upload in watch |',
      '|---|---|---|---|---|',
      `| ${s.latencyS.toFixed(1)} s | ${s.recordS.toFixed(1)} s | ${s.overheadS.toFixed(1)} s | ${s.startS.toFixed(1)} s | ${s.exportAndUploadS.toFixed(1)} s |`,
      '',
      `target (within the export's own time + 10 s): ${s.withinTarget ? 'met' : 'MISSED'}; load average (1 min) ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
