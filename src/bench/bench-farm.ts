/**
 * `npm run bench:farm`: how many captures (exports, with the engine `--engine` names: auto, the
 * default, chosen as a worker chooses) one machine runs at once and still meets the fidelity
 * targets.
 * Generates the synthetic `full` recording (60 s by default), serves it locally, and for each
 * resolution runs 1, 2, … N captures at the same time (each in its own Chromium, as `batch`
 * and `worker` do), a few runs each; every output is measured with the fidelity meter and checked
 * against the targets (delivered ≥ 98 %, |A/V| ≤ 40 ms, leading ≤ 1 frame, end within 100 ms).
 * Prints a table of medians and, per resolution, the largest concurrency that met the targets,
 * its throughput (recording minutes per wall minute) and the memory of one capture (peak RSS of
 * its Chromium process tree, from /proc).
 *
 *   node dist/bench/bench-farm.js [--duration 60] [--runs 3] [--max-concurrency N]
 *     [--resolutions 1280x720,1920x1080] [--json-out FILE] [--keep-going] [capture flags of `record`]
 *
 * A concurrency "meets the targets" when most of its runs (median) have every capture passing.
 * Higher concurrencies are not tried after the first that fails, unless --keep-going.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeJsonAtomic } from '../batch/write-json-atomic.js';
import { addCaptureOptions, resolveCaptureOptions } from '../cli/commands/record.js';
import { CaptureError, toCaptureError } from '../errors.js';
import { RESOLUTIONS, type Resolution } from '../options/record-options.js';
import { runJob } from '../job/run-job.js';
import { generateRecording } from '../sample/generate-recording.js';
import { startServer } from '../server/start-server.js';
import { checkTargets, DEFAULT_TARGETS } from '../verify/check-targets.js';
import { measureFidelity } from '../verify/measure-fidelity.js';
import { sampleBrowserTrees } from './sample-browser-trees.js';
import { median } from './stats.js';

type CaptureFlags = Parameters<typeof resolveCaptureOptions>[0];

interface BenchFlags extends CaptureFlags {
  duration: number;
  runs: number;
  maxConcurrency: number;
  resolutions: Resolution[];
  jsonOut?: string;
  keepGoing: boolean;
  workDir?: string;
}

/** One capture of one run. */
interface CaptureOutcome {
  ok: boolean;
  failed: string[];
  delivered: number | null;
  avSyncMs: number | null;
  leadingMs: number | null;
  endErrorMs: number | null;
}

/** One run: `concurrency` captures started together. */
interface RunOutcome {
  pass: boolean;
  wallS: number;
  captures: CaptureOutcome[];
  rssPerCaptureBytes: number[];
}

/** The medians of a (resolution, concurrency) cell. */
export interface FarmCell {
  resolution: Resolution;
  concurrency: number;
  runs: number;
  passedRuns: number;
  meets: boolean;
  /** Worst capture of each run, median over runs. */
  minDelivered: number | null;
  maxAbsAvSyncMs: number | null;
  maxLeadingMs: number | null;
  maxAbsEndErrorMs: number | null;
  wallS: number;
  /** Recording minutes exported per wall-clock minute. */
  throughput: number;
  rssPerCaptureMiB: number | null;
  failures: string[];
}

const worst = (xs: ReadonlyArray<number | null>, pick: (a: number, b: number) => number): number | null =>
  // reduce's callback also gets (index, array): Math.min/max must see only the two values.
  xs.some((x) => x === null) ? null : xs.length === 0 ? null : (xs as number[]).reduce((a, b) => pick(a, b));

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number ≥ 1`);
  return n;
}

function resolutionList(value: string): Resolution[] {
  const list = value.split(',').map((v) => v.trim());
  for (const r of list) if (!(r in RESOLUTIONS)) throw new InvalidArgumentError(`"${r}" is not one of ${Object.keys(RESOLUTIONS).join(', ')}`);
  return list as Resolution[];
}

/** Summarises the runs of one cell. */
export function summariseCell(resolution: Resolution, concurrency: number, duration: number, runs: RunOutcome[]): FarmCell {
  const passedRuns = runs.filter((r) => r.pass).length;
  const wallS = median(runs.map((r) => r.wallS)) ?? NaN;
  return {
    resolution,
    concurrency,
    runs: runs.length,
    passedRuns,
    meets: passedRuns * 2 > runs.length,
    minDelivered: median(
      runs.map((r) =>
        worst(
          r.captures.map((c) => c.delivered),
          Math.min,
        ),
      ),
    ),
    maxAbsAvSyncMs: median(
      runs.map((r) =>
        worst(
          r.captures.map((c) => (c.avSyncMs === null ? null : Math.abs(c.avSyncMs))),
          Math.max,
        ),
      ),
    ),
    maxLeadingMs: median(
      runs.map((r) =>
        worst(
          r.captures.map((c) => c.leadingMs),
          Math.max,
        ),
      ),
    ),
    maxAbsEndErrorMs: median(
      runs.map((r) =>
        worst(
          r.captures.map((c) => (c.endErrorMs === null ? null : Math.abs(c.endErrorMs))),
          Math.max,
        ),
      ),
    ),
    wallS,
    throughput: (concurrency * duration) / wallS,
    rssPerCaptureMiB: (() => {
      const m = median(runs.flatMap((r) => r.rssPerCaptureBytes));
      return m === null ? null : m / 2 ** 20;
    })(),
    failures: [...new Set(runs.flatMap((r) => r.captures.flatMap((c) => c.failed)))],
  };
}

const fmt = (x: number | null, digits = 0, suffix = '') => (x === null || !Number.isFinite(x) ? '-' : `${x.toFixed(digits)}${suffix}`);

/** The table, one line per cell. */
export function formatFarmTable(cells: readonly FarmCell[]): string {
  const header = ['resolution', 'conc', 'passed', 'min delivered', 'max |A/V|', 'max leading', 'max |end|', 'wall', 'rec-min/wall-min', 'RSS/capture'];
  const rows = cells.map((c) => [
    c.resolution,
    String(c.concurrency),
    `${c.passedRuns}/${c.runs}${c.meets ? '' : ' ✗'}`,
    fmt(c.minDelivered === null ? null : c.minDelivered * 100, 1, ' %'),
    fmt(c.maxAbsAvSyncMs, 1, ' ms'),
    fmt(c.maxLeadingMs, 1, ' ms'),
    fmt(c.maxAbsEndErrorMs, 1, ' ms'),
    fmt(c.wallS, 1, ' s'),
    fmt(c.throughput, 2),
    fmt(c.rssPerCaptureMiB, 0, ' MiB'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new CaptureError('ABORTED', 'stopped by SIGINT')));
  process.once('SIGTERM', () => controller.abort(new CaptureError('ABORTED', 'stopped by SIGTERM')));
  const signal = controller.signal;
  const program = new Command('bench-farm')
    .description('largest concurrency meeting the fidelity targets, throughput and memory per capture')
    .addOption(new Option('--duration <s>', 'length of the generated recording').argParser(positiveInt).default(60))
    .addOption(new Option('--runs <n>', 'runs per concurrency (medians)').argParser(positiveInt).default(3))
    .addOption(new Option('--max-concurrency <n>', 'highest concurrency tried').argParser(positiveInt).default(Math.max(2, os.availableParallelism())))
    .addOption(new Option('--resolutions <list>', 'comma-separated').argParser(resolutionList).default(['1280x720', '1920x1080'] as Resolution[], '1280x720,1920x1080'))
    .option('--json-out <file>', 'write every cell and run as JSON')
    .option('--keep-going', 'try higher concurrencies after one fails', false)
    .option('--work-dir <dir>', 'where the recording and the outputs go (default: a temporary directory, removed after)');
  addCaptureOptions(program);
  program.parse(argv);
  const flags = program.opts<BenchFlags>();
  const context = { env: process.env };
  const base = resolveCaptureOptions(flags, context as Parameters<typeof resolveCaptureOptions>[1]);

  const work = flags.workDir ? path.resolve(flags.workDir) : await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-bench-farm-'));
  await mkdir(work, { recursive: true });
  const say = (line: string) => process.stderr.write(`${line}\n`);
  try {
    say(`generating the ${flags.duration} s full sample in ${work}`);
    const recording = await generateRecording({ root: path.join(work, 'recordings'), variant: 'full', duration: flags.duration, ffmpeg: base.tools, signal });
    const server = await startServer({ recordingsDir: path.join(work, 'recordings'), playerDir: flags.player ?? process.env.BBB_CAPTURE_PLAYER, signal });
    const url = server.playbackUrl(recording.recordId);
    const cells: FarmCell[] = [];
    const allRuns: Record<string, RunOutcome[]> = {};
    try {
      for (const resolution of flags.resolutions) {
        const { width, height } = RESOLUTIONS[resolution];
        const options = { ...base, width, height, videoBitrate: Math.round(base.videoBitrate * ((width * height) / (base.width * base.height))) };
        for (let concurrency = 1; concurrency <= flags.maxConcurrency; concurrency++) {
          const runs: RunOutcome[] = [];
          for (let run = 1; run <= flags.runs; run++) {
            const outDir = path.join(work, 'out', `${resolution}-x${concurrency}-run${run}`);
            await mkdir(outDir, { recursive: true });
            const memory = sampleBrowserTrees(process.pid);
            const started = Date.now();
            const results = await Promise.allSettled(
              Array.from({ length: concurrency }, (_, i) =>
                runJob({
                  ...options,
                  engine: base.engine,
                  url,
                  output: path.join(outDir, `capture-${i + 1}.${options.format}`),
                  workers: 1,
                  hybrid: true,
                  videoOnly: false,
                  compose: null,
                  replace: true,
                  signal,
                  onEvent: () => undefined,
                }),
              ),
            );
            const wallS = (Date.now() - started) / 1000;
            const rss = await memory.stop();
            if (signal.aborted) throw new CaptureError('ABORTED', 'stopped');
            const captures: CaptureOutcome[] = [];
            // Measured after the run, one at a time, so the meter does not compete with captures.
            for (const result of results) {
              if (result.status === 'rejected') {
                const error = toCaptureError(result.reason);
                captures.push({ ok: false, failed: [`capture: ${error.code}: ${error.message}`], delivered: null, avSyncMs: null, leadingMs: null, endErrorMs: null });
                continue;
              }
              const report = await measureFidelity({ video: result.value.output, recordingDir: recording.dir, tools: base.tools, signal });
              const failed = checkTargets(report, DEFAULT_TARGETS);
              const delivered = report.cameras.map((c) => c.deliveredRatio).filter((r): r is number => r !== null);
              captures.push({
                ok: failed.length === 0,
                failed: failed.map((f) => f.check),
                delivered: delivered.length ? Math.min(...delivered) : null,
                avSyncMs: report.avSyncMs,
                leadingMs: report.leadingMs,
                endErrorMs: report.end.endErrorMs,
              });
            }
            await rm(outDir, { recursive: true, force: true });
            const outcome: RunOutcome = { pass: captures.every((c) => c.ok), wallS, captures, rssPerCaptureBytes: rss };
            runs.push(outcome);
            say(
              `${resolution} x${concurrency} run ${run}/${flags.runs}: ${outcome.pass ? 'meets the targets' : `misses ${[...new Set(captures.flatMap((c) => c.failed))].join(', ')}`} (${wallS.toFixed(1)} s)`,
            );
          }
          allRuns[`${resolution}-x${concurrency}`] = runs;
          const cell = summariseCell(resolution, concurrency, recording.truth.duration, runs);
          cells.push(cell);
          if (!cell.meets && !flags.keepGoing) break;
        }
      }
    } finally {
      await server.close();
    }

    const lines = [formatFarmTable(cells), ''];
    const best: Record<string, FarmCell | null> = {};
    for (const resolution of flags.resolutions) {
      const ok = cells.filter((c) => c.resolution === resolution && c.meets);
      const top = ok.length ? ok.reduce((a, b) => (b.concurrency > a.concurrency ? b : a)) : null;
      best[resolution] = top;
      lines.push(
        top
          ? `${resolution}: largest concurrency meeting the targets ${top.concurrency}; throughput ${top.throughput.toFixed(2)} recording min per wall min; ${fmt(top.rssPerCaptureMiB, 0, ' MiB')} per capture (Chromium tree peak RSS)`
          : `${resolution}: even one capture at a time misses the targets on this machine`,
      );
    }
    lines.push(`(${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; ${flags.duration} s recording; medians of ${flags.runs} runs)`);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (flags.jsonOut) {
      await writeJsonAtomic(path.resolve(flags.jsonOut), {
        machine: { cores: os.availableParallelism(), memoryBytes: os.totalmem() },
        duration: flags.duration,
        runs: flags.runs,
        targets: DEFAULT_TARGETS,
        cells,
        best,
        allRuns,
      });
    }
  } finally {
    if (!flags.workDir) await rm(work, { recursive: true, force: true });
  }
}

main(process.argv).catch((error: unknown) => {
  const failure = toCaptureError(error);
  process.stderr.write(`bench-farm: error ${failure.code}: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
});
