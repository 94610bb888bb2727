/**
 * `npm run bench:soak`: many short recordings with faults mixed in, through `batch` (in this
 * process, automatic concurrency) and through the farm (two `worker` processes on a loopback
 * redis-server, one SIGKILLed and restarted half-way). What must hold after a long unattended run:
 * every good recording exported and its file sound; every broken one failed with its own error
 * code; no `.partial` or staging file left; no Chromium or ffmpeg left running; no job done twice.
 *
 *   node dist/bench/bench-soak.js [--count 200] [--mode batch|farm|both] [--fault-every 10] [--json]
 *
 * Recordings: a few synthetic ones (2-5 s, src/sample) copied under new record ids. Faults, one
 * item in every --fault-every: a missing recording (404), webcams.webm cut in half, garbage
 * metadata.xml, the server killed while the item downloads (a proxy in front of it dies at the
 * first GET of the media, so the moment is the job's own in both modes), a
 * server that trickles the slides, the item's Chromium SIGKILLed while it renders. As root the
 * output directory is also a small tmpfs that is full for the first seconds of the run, then grown.
 */
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, truncate, stat, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { autoConcurrency, machineResources } from '../batch/auto-concurrency.js';
import { runBatch } from '../batch/run-batch.js';
import { addCaptureOptions, resolveCaptureOptions } from '../cli/commands/record.js';
import { CaptureError, toCaptureError, type ErrorCode } from '../errors.js';
import type { RecordEvent } from '../progress/record-event.js';
import { runJob } from '../job/run-job.js';
import { runProcess, startProcess, type StreamingProcess } from '../process/run-process.js';
import { generateRecording, type GeneratedRecording } from '../sample/generate-recording.js';
import type { SampleVariant } from '../sample/sample-truth.js';
import { startServer, type RunningServer } from '../server/start-server.js';
import { verifyOutput } from '../verify/verify-output.js';
import { startFaultProxy, type FaultProxy } from './start-fault-proxy.js';

type CaptureFlags = Parameters<typeof resolveCaptureOptions>[0];
type Mode = 'batch' | 'farm';

interface SoakFlags extends CaptureFlags {
  count: number;
  mode: Mode | 'both';
  faultEvery: number;
  workDir?: string;
}

/** The faults mixed in, in the order they are handed out. */
const FAULTS = ['missing', 'garbage', 'truncated', 'trickle', 'server-killed', 'chromium-killed'] as const;
type Fault = (typeof FAULTS)[number] | 'none';

/**
 * What each item must end as. A media file cut in half is refused before the export
 * (MEDIA_TRUNCATED, permanent); a killed Chromium is a transient failure, and the retry exports it.
 */
const EXPECTED: Record<Fault, ReadonlyArray<ErrorCode | 'done'>> = {
  none: ['done'],
  missing: ['RECORDING_NOT_FOUND'],
  garbage: ['NOT_A_BBB_RECORDING'],
  truncated: ['MEDIA_TRUNCATED'],
  trickle: ['PLAYER_TIMEOUT'],
  'server-killed': ['HOST_UNREACHABLE', 'SERVER_LOST'],
  'chromium-killed': ['done'],
};

/** The recording's own media (webcams video, or the sound of an audio-only one). */
const MEDIA_PATH = /\/(video\/webcams|audio\/audio)\.(webm|mp4)$/;

/** How long processes of a finished run may take to exit before they count as orphans. */
const ORPHAN_GRACE_MS = 30_000;

/** The distinct recordings generated; the items are copies of them. */
const SOURCES: ReadonlyArray<{ variant: SampleVariant; seconds: number }> = [
  { variant: 'full', seconds: 3 },
  { variant: 'audioonly', seconds: 3 },
  { variant: 'full', seconds: 4 },
  { variant: 'full', seconds: 5 },
];

interface SoakItem {
  index: number;
  recordId: string;
  fault: Fault;
  seconds: number;
  url: string;
  proxy?: FaultProxy;
  /** The fault has been set off (once per item). */
  fired: boolean;
}

/** One mode's figures. */
export interface SoakReport {
  mode: Mode;
  items: number;
  faults: number;
  exported: number;
  verified: number;
  failedAsExpected: number;
  wrongOutcome: Array<{ recordId: string; fault: Fault; expected: ReadonlyArray<string>; got: string }>;
  partialFiles: string[];
  orphans: string[];
  doneTwice: string[];
  diskFullPhase: boolean;
  workerKilled: boolean;
  wallS: number;
  recordingsPerHour: number;
}

const BIN = fileURLToPath(new URL('../../bin/bbb-capture.js', import.meta.url));
const say = (line: string) => process.stderr.write(`bench-soak: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number ≥ 1`);
  return n;
}

/** Tags the Chromium of a chromium-killed batch item (and this bench's pid: another bench may run beside it). */
const soakItemTag = (item: SoakItem) => `--bbb-soak-item=${process.pid}-${item.recordId}`;

const recordIdOf = (n: number) => `${n.toString(16).padStart(8, '0').repeat(5)}-${1700000000000 + n}`;

/** Which fault item `index` carries: one in every `every`, the kinds taken in turn. */
function faultOf(index: number, every: number): Fault {
  if (index % every !== every - 1) return 'none';
  return FAULTS[Math.floor(index / every) % FAULTS.length]!;
}

/** Copies `source` under a new record id, rewriting the ids in metadata.xml, and breaks it as the fault says. */
async function makeItem(source: GeneratedRecording, dir: string, index: number, fault: Fault, base: string): Promise<SoakItem> {
  const recordId = recordIdOf(index + 1);
  const itemDir = path.join(dir, recordId);
  const item: SoakItem = { index, recordId, fault, seconds: source.truth.duration, url: `${base}/playback/presentation/2.3/${recordId}`, fired: false };
  if (fault === 'missing') return item;
  await cp(source.dir, itemDir, { recursive: true });
  const metadata = path.join(itemDir, 'metadata.xml');
  await writeFile(metadata, (await readFile(metadata, 'utf8')).replaceAll(source.recordId, recordId));
  if (fault === 'garbage') await writeFile(metadata, '<html><body>Welcome</body></html>');
  if (fault === 'truncated') {
    // The webcams video, or the audio of an audio-only recording.
    for (const media of [path.join(itemDir, 'video', 'webcams.webm'), path.join(itemDir, 'audio', 'audio.webm')]) {
      const size = await stat(media).then(
        (s) => s.size,
        () => null,
      );
      if (size !== null) await truncate(media, Math.floor(size / 2));
    }
  }
  return item;
}

/** Files a finished run must not have left: `.partial` files and anything in a staging directory. */
async function leftovers(outDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, staging: boolean): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      const inStaging = staging || entry.name === '.bbb-capture-staging' || entry.name === '.bbb-capture-jobs';
      if (entry.isDirectory()) await walk(full, inStaging);
      else if (inStaging || entry.name.includes('.partial')) found.push(path.relative(outDir, full));
    }
  };
  await walk(outDir, false);
  return found;
}

/** Command lines of running processes that match any of `needles` (orphan checks). */
async function processesMatching(needles: readonly RegExp[]): Promise<string[]> {
  const { stdout } = await runProcess('ps', ['-eo', 'pid=,args='], { label: 'ps', failureCode: 'INTERNAL', missingCode: 'INTERNAL' });
  return stdout.split('\n').filter((line) => needles.some((n) => n.test(line)) && !line.includes('ps -eo'));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Chromium's processes of one bbb-capture process: its pid whole (owner 12 is not owner 123). */
const ownerTag = (pid: number) => new RegExp(`--bbb-capture-owner=${pid}(?!\\d)`);

/**
 * The processes matching `needles` that are still there after `graceMs`. A worker SIGKILLed
 * mid-job leaves its Chromium and ffmpeg to notice on their own (a closed pipe) and a stopped
 * worker's last ones may still be exiting: on a slow machine that takes seconds, so only what
 * outlives the grace is an orphan.
 */
async function orphansAfter(needles: readonly RegExp[], graceMs: number): Promise<string[]> {
  const until = Date.now() + graceMs;
  for (;;) {
    const left = await processesMatching(needles);
    if (left.length === 0 || Date.now() >= until) return left;
    await sleep(500);
  }
}

/** SIGKILLs the Chromium browser process whose command line carries `tag` (its renderers die with it). */
async function killChromium(tag: RegExp): Promise<boolean> {
  for (let tries = 0; tries < 20; tries++) {
    const lines = await processesMatching([tag]);
    const browser = lines.find((l) => !l.includes('--type=') && /chrom/i.test(l));
    if (browser) {
      process.kill(Number(browser.trim().split(/\s+/)[0]), 'SIGKILL');
      return true;
    }
    await sleep(250);
  }
  return false;
}

/** Sets off an item's fault at the right moment of its job (a stage event). */
async function fireFault(item: SoakItem, event: RecordEvent, chromiumTag: RegExp): Promise<void> {
  if (item.fired || event.type !== 'stage') return;
  if (item.fault === 'chromium-killed' && event.stage === 'capture') {
    item.fired = true;
    if (!(await killChromium(chromiumTag))) say(`item ${item.recordId}: no Chromium found to kill`);
  }
}

/** As root: a small tmpfs on `dir`, full for `fullMs`, then grown. Returns how to unmount it (or null). */
async function diskFullPhase(dir: string, fullMs: number, signal: AbortSignal): Promise<{ grown: Promise<void>; unmount: () => Promise<void> } | null> {
  if (process.getuid?.() !== 0) return null;
  const mount = (args: string[]) => runProcess('mount', args, { label: 'mount', failureCode: 'INTERNAL', missingCode: 'INTERNAL', signal });
  // 16 MiB: less than a job's minimum free space (run-job.ts) and a worker's --min-free below.
  await mount(['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir]);
  const grown = sleep(fullMs)
    .then(() => mount(['-o', 'remount,size=4g', dir]))
    .then(() => void say('the output disk has room again'));
  grown.catch(() => undefined);
  return { grown, unmount: async () => void (await runProcess('umount', [dir], { label: 'umount', failureCode: 'INTERNAL', missingCode: 'INTERNAL' }).catch(() => undefined)) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new CaptureError('INTERNAL', `redis-server did not listen on ${port}`);
    await sleep(100);
  }
}

/** JSON lines of a child's stdout, each handed to `onLine`. */
function readJsonLines(child: StreamingProcess, onLine: (event: Record<string, unknown>) => void): void {
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (raw) => {
    const line = raw.trim();
    if (!line.startsWith('{')) return;
    try {
      onLine(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not an event.
    }
  });
}

interface ModeContext {
  mode: Mode;
  items: SoakItem[];
  outDir: string;
  base: ReturnType<typeof resolveCaptureOptions>;
  captureArgs: string[];
  signal: AbortSignal;
}

/** What each item ended as: 'done' or its error code; and how often each output was completed. */
interface Outcomes {
  final: Map<string, string>;
  completions: Map<string, number>;
  workerKilled: boolean;
  extraOwners: RegExp[];
}

async function runBatchMode(ctx: ModeContext): Promise<Outcomes> {
  const byUrl = new Map(ctx.items.map((i) => [i.url, i]));
  const completions = new Map<string, number>();
  const wrappers = new Map<string, string>();
  // The Chromium of a chromium-killed item is started through a script that tags its command line.
  for (const item of ctx.items.filter((i) => i.fault === 'chromium-killed')) {
    const wrapper = path.join(path.dirname(ctx.outDir), `chromium-${item.recordId}`);
    await writeFile(wrapper, `#!/bin/sh\nexec "${ctx.base.chromiumPath}" ${soakItemTag(item)} "$@"\n`);
    await chmod(wrapper, 0o755);
    wrappers.set(item.recordId, wrapper);
  }
  const concurrency = autoConcurrency(machineResources(), { width: ctx.base.width, height: ctx.base.height }, 'render').concurrency;
  say(`batch: ${ctx.items.length} items, concurrency ${concurrency} (auto)`);
  const report = await runBatch({
    items: ctx.items.map((item, index) => ({ index, source: `item ${index + 1}`, url: item.url, settings: {} })),
    outDir: ctx.outDir,
    concurrency,
    base: ctx.base,
    nameTemplate: '{recordId}',
    retry: { retries: 2, delayMs: 3000, factor: 2, maxDelayMs: 30_000 },
    failFast: false,
    signal: ctx.signal,
    onEvent: () => undefined,
    record: async (options) => {
      const item = byUrl.get(options.url)!;
      const tag = new RegExp(escapeRegExp(soakItemTag(item)));
      const result = await runJob({
        ...options,
        chromiumPath: wrappers.get(item.recordId) ?? options.chromiumPath,
        onEvent: (event) => {
          options.onEvent(event);
          void fireFault(item, event, tag);
        },
      });
      completions.set(item.recordId, (completions.get(item.recordId) ?? 0) + 1);
      return result;
    },
  });
  const final = new Map<string, string>();
  for (const r of report.items) final.set(ctx.items[r.index]!.recordId, r.status === 'done' ? 'done' : (r.error?.code ?? r.status));
  return { final, completions, workerKilled: false, extraOwners: [] };
}

async function runFarmMode(ctx: ModeContext): Promise<Outcomes> {
  const port = await freePort();
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const redis = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    label: 'redis-server',
    failureCode: 'INTERNAL',
    missingCode: 'INTERNAL',
    signal,
  });
  redis.done.catch(() => undefined);
  const redisUrl = `redis://127.0.0.1:${port}`;
  const byUrl = new Map(ctx.items.map((i) => [i.url, i]));
  const jobItem = new Map<string, SoakItem>();
  const final = new Map<string, string>();
  const completions = new Map<string, number>();
  const workers: Array<{ child: StreamingProcess; pid: number }> = [];
  const owners: RegExp[] = [];
  try {
    await waitForPort(port, 10_000);
    const listFile = path.join(path.dirname(ctx.outDir), 'farm-list.txt');
    await writeFile(listFile, `${ctx.items.map((i) => i.url).join('\n')}\n`);
    const startWorker = (name: string) => {
      const child = startProcess(
        process.execPath,
        [
          BIN,
          'worker',
          '--redis',
          redisUrl,
          '-d',
          ctx.outDir,
          '--json',
          '--name',
          name,
          '--lock-duration',
          '10',
          '--stalled-interval',
          '5',
          '--min-free',
          '64M',
          ...ctx.captureArgs,
        ],
        { label: `worker ${name}`, failureCode: 'INTERNAL', missingCode: 'INTERNAL', signal },
      );
      child.done.catch(() => undefined);
      const pid = child.child.pid!;
      owners.push(ownerTag(pid));
      readJsonLines(child, (event) => {
        const jobId = String(event.jobId ?? '');
        if (event.type === 'job-start') {
          const item = byUrl.get(String(event.url));
          if (item) jobItem.set(jobId, item);
        }
        const item = jobItem.get(jobId);
        if (!item) return;
        // The worker prints a job's own events flattened: {jobId, output, type: 'stage', ...}.
        if (event.type === 'stage') void fireFault(item, event as unknown as RecordEvent, ownerTag(pid));
        if (event.type === 'job-done') {
          completions.set(item.recordId, (completions.get(item.recordId) ?? 0) + 1);
          final.set(item.recordId, 'done');
        }
        if (event.type === 'job-failed' && event.willRetry === false) final.set(item.recordId, String(event.code));
      });
      workers.push({ child, pid });
      return child;
    };
    const enqueueArgs = [
      BIN,
      'enqueue',
      '--redis',
      redisUrl,
      '--engine',
      'render',
      '--name-template',
      '{recordId}',
      '--attempts',
      '3',
      '--backoff',
      '3',
      '--resolution',
      `${ctx.base.width}x${ctx.base.height}`,
    ];
    // enqueue reads each recording's metadata first: a 404 or a garbage metadata.xml is refused
    // there, with its code, and never becomes a job (exit 3 then, which is expected here).
    const enqueue = startProcess(process.execPath, [...enqueueArgs, '--json', listFile], { label: 'enqueue', failureCode: 'INTERNAL', missingCode: 'INTERNAL', signal });
    readJsonLines(enqueue, (event) => {
      const item = byUrl.get(String(event.url));
      if (item && event.status === 'refused') final.set(item.recordId, String(event.code));
    });
    enqueue.stdin.end();
    await enqueue.done.catch(() => undefined);
    const first = startWorker('soak-1');
    startWorker('soak-2');
    say(`farm: ${ctx.items.length} jobs, 2 workers`);
    let workerKilled = false;
    const deadline = Date.now() + ctx.items.length * 90_000 + 120_000;
    while (final.size < ctx.items.length && Date.now() < deadline) {
      if (!workerKilled && final.size >= ctx.items.length / 3) {
        // Mid-run: one worker dies without a word; its job is taken over once its lock expires.
        workerKilled = true;
        say(`SIGKILL worker soak-1 (pid ${first.child.pid}) after ${final.size} items`);
        first.child.kill('SIGKILL');
        await sleep(2000);
        startWorker('soak-3');
      }
      await sleep(500);
      if (ctx.signal.aborted) throw toCaptureError(ctx.signal.reason);
    }
    return { final, completions, workerKilled, extraOwners: owners };
  } finally {
    for (const { child } of workers) child.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.child.done.catch(() => undefined)));
    stop.abort();
    await redis.done.catch(() => undefined);
  }
}

/** Runs one mode over fresh copies of the recordings and reports its figures. */
async function soak(
  mode: Mode,
  flags: SoakFlags,
  work: string,
  sources: GeneratedRecording[],
  base: ReturnType<typeof resolveCaptureOptions>,
  captureArgs: string[],
  signal: AbortSignal,
): Promise<SoakReport> {
  const root = path.join(work, mode);
  const recordings = path.join(root, 'recordings');
  const outDir = path.join(root, 'out');
  await mkdir(recordings, { recursive: true });
  await mkdir(outDir, { recursive: true });
  const server: RunningServer = await startServer({ recordingsDir: recordings, playerDir: flags.player ?? process.env.BBB_CAPTURE_PLAYER, signal });
  const trickle = await startFaultProxy(server.url, { trickle: /\/slide-\d+\.png$/ });
  const proxies: FaultProxy[] = [trickle];
  let disk: Awaited<ReturnType<typeof diskFullPhase>> = null;
  try {
    const items: SoakItem[] = [];
    for (let i = 0; i < flags.count; i++) {
      const fault = faultOf(i, flags.faultEvery);
      const item = await makeItem(sources[i % sources.length]!, recordings, i, fault, server.url);
      if (fault === 'trickle') item.url = item.url.replace(server.url, trickle.url);
      if (fault === 'server-killed') {
        // Killed by the bench on seeing the job's stage event, the proxy died at a moment that
        // depended on how fast a worker's stdout reached the bench: before the download (then
        // SERVER_LOST), or after it, while the player loaded (then whatever code the half-loaded
        // player gave, permanent ones too), or after the job had everything (then done).
        item.proxy = await startFaultProxy(server.url, { dieOn: MEDIA_PATH });
        proxies.push(item.proxy);
        item.url = item.url.replace(server.url, item.proxy.url);
      }
      items.push(item);
    }
    // The batch retries a DISK_FULL item (3 s, then 6 s later); the farm's workers start slower and
    // pause while the disk is full (--min-free), so theirs lasts longer.
    disk = await diskFullPhase(outDir, mode === 'batch' ? 8000 : 20_000, signal);
    const started = Date.now();
    const ctx: ModeContext = { mode, items, outDir, base, captureArgs, signal };
    const outcomes = mode === 'batch' ? await runBatchMode(ctx) : await runFarmMode(ctx);
    const wallS = (Date.now() - started) / 1000;
    say(`${mode}: ran in ${wallS.toFixed(0)} s; checking`);

    const wrongOutcome: SoakReport['wrongOutcome'] = [];
    let exported = 0;
    let verified = 0;
    let failedAsExpected = 0;
    for (const item of items) {
      let got = outcomes.final.get(item.recordId) ?? 'lost';
      if (got === 'done') {
        exported++;
        const file = path.join(outDir, `${item.recordId}.${base.format}`);
        const check = await verifyOutput({ video: file, expectedDuration: item.seconds, expectAudio: true, tools: base.tools, signal }).catch((error: unknown) =>
          toCaptureError(error),
        );
        if (check instanceof CaptureError) got = `done but ${check.code}: ${check.message}`;
        else verified++;
      } else if (EXPECTED[item.fault].includes(got as ErrorCode)) {
        failedAsExpected++;
      }
      if (!(EXPECTED[item.fault] as readonly string[]).includes(got)) wrongOutcome.push({ recordId: item.recordId, fault: item.fault, expected: EXPECTED[item.fault], got });
    }
    const doneTwice = Array.from(outcomes.completions.entries())
      .filter(([, n]) => n > 1)
      .map(([id, n]) => `${id} x${n}`);
    const orphans = await orphansAfter(
      [ownerTag(process.pid), new RegExp(`--bbb-soak-item=${process.pid}-`), new RegExp(escapeRegExp(outDir)), ...outcomes.extraOwners],
      ORPHAN_GRACE_MS,
    );
    return {
      mode,
      items: items.length,
      faults: items.filter((i) => i.fault !== 'none').length,
      exported,
      verified,
      failedAsExpected,
      wrongOutcome,
      partialFiles: await leftovers(outDir),
      orphans,
      doneTwice,
      diskFullPhase: disk !== null,
      workerKilled: outcomes.workerKilled,
      wallS,
      recordingsPerHour: (items.length / wallS) * 3600,
    };
  } finally {
    await Promise.all(proxies.map((p) => p.kill()));
    await server.close();
    await disk?.grown.catch(() => undefined);
    await disk?.unmount();
  }
}

/** Whether a mode's run holds: every outcome right, nothing left behind, nothing done twice. */
function reportPassed(r: SoakReport): boolean {
  return r.wrongOutcome.length + r.partialFiles.length + r.orphans.length + r.doneTwice.length === 0;
}

function formatReport(r: SoakReport): string {
  const zero = (xs: readonly unknown[]) => (xs.length === 0 ? '0' : `${xs.length} ✗`);
  return [
    `${r.mode}: ${r.items} recordings (${r.faults} with faults${r.diskFullPhase ? ', output disk full at first' : ''}${r.workerKilled ? ', a worker SIGKILLed and restarted' : ''})`,
    `  exported ${r.exported}, verified ${r.verified}; failed with the expected code ${r.failedAsExpected}; wrong outcome ${zero(r.wrongOutcome)}`,
    ...r.wrongOutcome.map((w) => `    ${w.recordId} (${w.fault}): expected ${w.expected.join(' or ')}, got ${w.got}`),
    `  partial files left ${zero(r.partialFiles)}; orphan Chromium/ffmpeg ${zero(r.orphans)}; jobs done twice ${zero(r.doneTwice)}`,
    ...[...r.partialFiles, ...r.orphans, ...r.doneTwice].map((x) => `    ${x}`),
    `  wall ${r.wallS.toFixed(0)} s, ${r.recordingsPerHour.toFixed(0)} recordings per hour`,
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new CaptureError('ABORTED', 'stopped by SIGINT')));
  process.once('SIGTERM', () => controller.abort(new CaptureError('ABORTED', 'stopped by SIGTERM')));
  const signal = controller.signal;
  const program = new Command('bench-soak')
    .description('many short recordings with faults mixed in, through batch and the farm: outcomes, leftovers, orphans, duplicates, throughput')
    .addOption(new Option('--count <n>', 'recordings per mode').argParser(positiveInt).default(200))
    .addOption(new Option('--mode <mode>', 'batch, farm or both').choices(['batch', 'farm', 'both']).default('both'))
    .addOption(new Option('--fault-every <n>', 'one item in every n carries a fault').argParser(positiveInt).default(10))
    .option('--work-dir <dir>', 'where the recordings and outputs go (default: a temporary directory, removed after)');
  addCaptureOptions(program);
  program.parse(argv);
  const flags = program.opts<SoakFlags>();
  // Short recordings at 720p through the render engine; a trickling slide fails in seconds.
  const source = program.getOptionValueSource.bind(program);
  if (source('engine') === 'default') flags.engine = 'render';
  if (source('resolution') === 'default') flags.resolution = '1280x720';
  if (source('readyTimeout') === 'default') flags.readyTimeout = 10;
  const base = resolveCaptureOptions(flags, { env: process.env } as Parameters<typeof resolveCaptureOptions>[1]);
  const captureArgs = [
    '--engine',
    flags.engine,
    '--resolution',
    flags.resolution,
    '--ready-timeout',
    String(flags.readyTimeout),
    ...(flags.chromium ? ['--chromium', flags.chromium] : []),
    ...(flags.ffmpeg ? ['--ffmpeg', flags.ffmpeg] : []),
  ];

  const work = flags.workDir ? path.resolve(flags.workDir) : await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-bench-soak-'));
  await mkdir(work, { recursive: true });
  try {
    say(`generating ${SOURCES.length} recordings in ${work}`);
    // One at a time: generations running side by side in one root were seen to lose a media file.
    const sources: GeneratedRecording[] = [];
    for (const s of SOURCES) sources.push(await generateRecording({ root: path.join(work, 'sources'), variant: s.variant, duration: s.seconds, ffmpeg: base.tools, signal }));
    const reports: SoakReport[] = [];
    for (const mode of flags.mode === 'both' ? (['batch', 'farm'] as const) : [flags.mode]) {
      const report = await soak(mode, flags, work, sources, base, captureArgs, signal);
      reports.push(report);
      if (!flags.json) process.stdout.write(`${formatReport(report)}\n`);
      // With --json the report goes to stdout as data only; a failed check must still say which
      // one and why where a person (or a CI log) reads it.
      else if (!reportPassed(report)) process.stderr.write(`${formatReport(report)}\n`);
    }
    if (flags.json) process.stdout.write(`${JSON.stringify({ machine: { cores: os.availableParallelism(), memoryBytes: os.totalmem() }, reports })}\n`);
    if (!reports.every(reportPassed)) process.exitCode = 1;
  } finally {
    if (!flags.workDir) await rm(work, { recursive: true, force: true });
  }
}

main(process.argv).catch((error: unknown) => {
  const failure = toCaptureError(error);
  process.stderr.write(`bench-soak: error ${failure.code}: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
});
