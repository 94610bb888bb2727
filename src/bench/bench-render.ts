/**
 * `npm run bench:render`: renders synthetic recordings with `record --engine render` at 1080p
 * with 1 and 2 workers, several runs each, and prints medians: speed as a multiple of realtime,
 * pictures the page rendered, CPU seconds per recording minute, peak memory of the tool and of
 * Chromium, and the fidelity meter's numbers. Samples: `full` (a 30 fps webcam, screen share,
 * slides, whiteboard, chat) and `lecture` (slides, whiteboard, cursor, one camera), each with its
 * own length. Then, per sample, one more 1-worker render beside two CPU hogs: its decoded frames
 * (ffmpeg framemd5: every pixel and timestamp) are compared with the first quiet run's. The load
 * average is printed too: on a busy machine the speed drops, the output must not change.
 *   node dist/bench/bench-render.js [--variants full:60,lecture:600] [--workers 1,2] [--runs 3] [--no-hog] [--resolution 1920x1080] [--player DIR] [--hybrid true|false]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findFfmpeg } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';
import { generateRecording } from '../sample/generate-recording.js';
import type { SampleVariant } from '../sample/sample-truth.js';
import { startServer } from '../server/start-server.js';
import { measureFidelity } from '../verify/measure-fidelity.js';
import { parseGnuTime } from './gnu-time.js';
import { sampleMemory } from './proc-sampler.js';
import { medianTable, type MetricColumn } from './stats.js';

const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: 'full:60,lecture:600' },
    workers: { type: 'string', default: '1,2' },
    runs: { type: 'string', default: '3' },
    'no-hog': { type: 'boolean', default: false },
    hybrid: { type: 'string', default: 'true' },
    resolution: { type: 'string', default: '1920x1080' },
    player: { type: 'string' },
    dir: { type: 'string', default: '.bench' },
  },
});

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);

interface Run {
  variant: string;
  duration: number;
  workers: number;
  /** Recording seconds rendered per wall second. */
  speedX: number;
  frames: number;
  cpuSecondsPerMinute: number;
  toolMiB: number;
  chromiumMiB: number;
  deliveredPct: number;
  avSyncMs: number;
  /** Audio against the truth (to the sample). */
  audioOffsetMs: number;
  leadingMs: number;
  durationErrorMs: number;
  loadBefore: number;
  loadAfter: number;
}

async function framemd5(file: string): Promise<string[]> {
  const { stdout } = await runProcess(tools.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:v', '-f', 'framemd5', '-'], {
    label: 'ffmpeg',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  return stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

async function main(): Promise<void> {
  const benchDir = path.resolve(values.dir);
  const samples = path.join(benchDir, 'samples');
  await mkdir(samples, { recursive: true });
  const server = await startServer({ recordingsDir: samples, playerDir: values.player ?? process.env.BBB_CAPTURE_PLAYER });
  const runs: Run[] = [];
  const hogChecks: Array<{ variant: string; frames: number; identical: boolean; firstDifference: string | null }> = [];
  const runCount = Number(values.runs);
  try {
    for (const item of values.variants.split(',')) {
      const [variant, seconds] = item.split(':') as [SampleVariant, string | undefined];
      const duration = Number(seconds ?? 60);
      const recording = await generateRecording({ root: samples, variant, duration, ffmpeg: tools });
      const render = async (workers: number, name: string): Promise<{ output: string; run: Run }> => {
        const output = path.join(benchDir, `render-${variant}-${name}.mp4`);
        await rm(output, { force: true });
        const loadBefore = loadavg()[0]!;
        // The tool's command line names the output, which finds it (and its Chromium) in /proc.
        const memory = sampleMemory(output);
        const args = [
          '-v',
          process.execPath,
          path.join(ROOT, 'bin', 'bbb-capture.js'),
          'record',
          server.playbackUrl(recording.recordId),
          '-o',
          output,
          '--engine',
          'render',
          '--workers',
          String(workers),
          '--resolution',
          values.resolution,
          '--json',
          ...(values.hybrid === 'false' ? ['--no-hybrid'] : []),
        ];
        const result = await runProcess('/usr/bin/time', args, { label: 'bbb-capture record', failureCode: 'INTERNAL', missingCode: 'INTERNAL' });
        const peaks = await memory.stop();
        const loadAfter = loadavg()[0]!;
        const { wall, cpu } = parseGnuTime(result.stderr);
        const summary = result.stdout
          .split('\n')
          .filter((l) => l.includes('"type":"result"'))
          .map((l) => JSON.parse(l) as { frames: number })[0];
        const report = await measureFidelity({ video: output, recordingDir: recording.dir, tools });
        const delivered = [...report.cameras.map((c) => c.deliveredRatio), report.screenshare?.deliveredRatio].filter((r): r is number => typeof r === 'number');
        const run: Run = {
          variant,
          duration,
          workers,
          speedX: duration / wall,
          frames: summary?.frames ?? NaN,
          // /usr/bin/time counts bbb-capture, ffmpeg and what they reap; Chromium's renderer and GPU processes are sampled from /proc.
          cpuSecondsPerMinute: ((cpu + peaks.chromiumCpuSeconds) / duration) * 60,
          toolMiB: peaks.toolBytes / 2 ** 20,
          chromiumMiB: peaks.chromiumBytes / 2 ** 20,
          deliveredPct: delivered.length ? Math.min(...delivered) * 100 : NaN,
          avSyncMs: report.avSyncMs ?? NaN,
          audioOffsetMs: report.audio.offsetMs ?? NaN,
          leadingMs: report.leadingMs ?? NaN,
          durationErrorMs: report.durationErrorMs,
          loadBefore,
          loadAfter,
        };
        console.error(JSON.stringify(run));
        return { output, run };
      };
      let reference: string | undefined;
      for (let i = 0; i < runCount; i++) {
        for (const workers of values.workers.split(',').map(Number)) {
          const { output, run } = await render(workers, `${workers}w-${i + 1}`);
          runs.push(run);
          if (i === 0 && workers === 1) reference = output;
        }
      }
      if (!values['no-hog'] && reference) {
        const stopHogs = new AbortController();
        const hogs = [0, 1].map(() =>
          runProcess(process.execPath, ['-e', 'for(;;){}'], { signal: stopHogs.signal, label: 'CPU hog', failureCode: 'INTERNAL', missingCode: 'INTERNAL' }).catch(() => undefined),
        );
        let loaded: string;
        try {
          ({ output: loaded } = await render(1, '1w-hog'));
        } finally {
          stopHogs.abort();
          await Promise.all(hogs);
        }
        const [a, b] = [await framemd5(reference), await framemd5(loaded)];
        const at = a.findIndex((line, k) => line !== b[k]);
        hogChecks.push({ variant, frames: a.length, identical: at === -1 && a.length === b.length, firstDifference: at === -1 ? null : `${a[at]} vs ${b[at] ?? 'nothing'}` });
        console.error(JSON.stringify(hogChecks.at(-1)));
      }
    }
  } finally {
    await server.close();
  }
  const columns: Array<MetricColumn<Run>> = [
    ['speedX', '× realtime', 2],
    ['frames', 'pictures', 0],
    ['cpuSecondsPerMinute', 'CPU s/rec-min', 1],
    ['toolMiB', 'tool MiB', 0],
    ['chromiumMiB', 'Chromium MiB', 0],
    ['deliveredPct', 'delivered % (min)', 1],
    ['avSyncMs', 'A/V ms', 1],
    ['audioOffsetMs', 'audio ms', 1],
    ['leadingMs', 'leading ms', 1],
    ['durationErrorMs', 'length error ms', 0],
    ['loadBefore', 'load avg before', 1],
  ];
  const cellOf = (r: Run) => `${r.variant}:${r.duration}:${r.workers}`;
  const groups = [...new Set(runs.map(cellOf))].map((cell) => {
    const mine = runs.filter((r) => cellOf(r) === cell);
    return { cells: [`${mine[0]!.variant} ${mine[0]!.duration} s`, String(mine[0]!.workers)], runs: mine };
  });
  const hogLines = hogChecks.map(
    (h) => `- ${h.variant}: beside two CPU hogs, ${h.identical ? `all ${h.frames} frames identical (framemd5)` : `DIFFERENT from frame ${h.firstDifference}`}`,
  );
  console.log(
    `bbb-capture render benchmark at ${values.resolution}${values.hybrid === 'false' ? ' (videos drawn by the page)' : ''}, medians\n\n${medianTable(['sample', 'workers'], groups, columns)}\n\n${hogLines.join('\n')}`,
  );
  await writeFile(path.join(benchDir, 'bench-render.json'), `${JSON.stringify({ resolution: values.resolution, runs, hogChecks }, null, 2)}\n`);
  if (hogChecks.some((h) => !h.identical)) process.exitCode = 1;
}

await main();
