/**
 * `npm run bench:render`: renders synthetic recordings with `record --engine render` at 1080p
 * with 1 and 2 workers and prints, per run: speed as a multiple of realtime, pictures rendered,
 * CPU seconds per recording minute, peak memory of the tool and of Chromium, and the fidelity
 * meter's numbers. Samples: `full` (a 30 fps webcam, screen share, slides, whiteboard: the worst
 * case, every webcam frame is a picture) and `audioonly` (the lecture case: slides, whiteboard and
 * a voice, no camera). The machine's load average is printed too: on a busy machine the speed
 * numbers drop, the meter's numbers must not.
 *   node dist/bench/bench-render.js [--duration 60] [--variants full,audioonly] [--workers 1,2] [--resolution 1920x1080] [--player DIR]
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

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    variants: { type: 'string', default: 'full,audioonly' },
    workers: { type: 'string', default: '1,2' },
    resolution: { type: 'string', default: '1920x1080' },
    player: { type: 'string' },
    dir: { type: 'string', default: '.bench' },
  },
});

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);

interface Run {
  variant: string;
  workers: number;
  /** Recording seconds rendered per wall second. */
  speedX: number;
  frames: number;
  cpuSecondsPerMinute: number;
  toolMiB: number;
  chromiumMiB: number;
  deliveredPct: number;
  avSyncMs: number;
  /** Audio against the truth; the A/V number of recordings without a camera (audio-only). */
  audioOffsetMs: number;
  leadingMs: number;
  durationErrorMs: number;
  loadBefore: number;
  loadAfter: number;
}

async function main(): Promise<void> {
  const duration = Number(values.duration);
  const benchDir = path.resolve(values.dir);
  const samples = path.join(benchDir, 'samples');
  await mkdir(samples, { recursive: true });
  const server = await startServer({ recordingsDir: samples, playerDir: values.player ?? process.env.BBB_CAPTURE_PLAYER });
  const runs: Run[] = [];
  try {
    for (const variant of values.variants.split(',') as SampleVariant[]) {
      const recording = await generateRecording({ root: samples, variant, duration, ffmpeg: tools });
      for (const workers of values.workers.split(',').map(Number)) {
        const output = path.join(benchDir, `render-${variant}-${workers}w.mp4`);
        await rm(output, { force: true });
        const loadBefore = loadavg()[0]!;
        // The tool's command line names the output, which finds it (and its Chromium) in /proc.
        const memory = sampleMemory(output);
        const args = ['-v', process.execPath, path.join(ROOT, 'bin', 'bbb-capture.js'), 'record', server.playbackUrl(recording.recordId), '-o', output, '--engine', 'render', '--workers', String(workers), '--resolution', values.resolution, '--json'];
        const result = await runProcess('/usr/bin/time', args, { label: 'bbb-capture record', failureCode: 'INTERNAL', missingCode: 'INTERNAL' });
        const peaks = await memory.stop();
        const loadAfter = loadavg()[0]!;
        const { wall, cpu } = parseGnuTime(result.stderr);
        const summary = result.stdout.split('\n').filter((l) => l.includes('"type":"result"')).map((l) => JSON.parse(l) as { frames: number })[0];
        const report = await measureFidelity({ video: output, recordingDir: recording.dir, tools });
        const delivered = [...report.cameras.map((c) => c.deliveredRatio), report.screenshare?.deliveredRatio].filter((r): r is number => typeof r === 'number');
        runs.push({
          variant,
          workers,
          speedX: duration / wall,
          frames: summary?.frames ?? NaN,
          cpuSecondsPerMinute: (cpu / duration) * 60,
          toolMiB: peaks.toolBytes / 2 ** 20,
          chromiumMiB: peaks.chromiumBytes / 2 ** 20,
          deliveredPct: delivered.length ? Math.min(...delivered) * 100 : NaN,
          avSyncMs: report.avSyncMs ?? NaN,
          audioOffsetMs: report.audio.offsetMs ?? NaN,
          leadingMs: report.leadingMs ?? NaN,
          durationErrorMs: report.durationErrorMs,
          loadBefore,
          loadAfter,
        });
        console.error(JSON.stringify(runs.at(-1)));
      }
    }
  } finally {
    await server.close();
  }
  const columns: Array<[keyof Run, string, number]> = [
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
  const lines = [`| sample | workers | ${columns.map((c) => c[1]).join(' | ')} |`, `|---|---|${columns.map(() => '---').join('|')}|`];
  for (const run of runs) lines.push(`| ${run.variant} | ${run.workers} | ${columns.map(([key, , digits]) => (run[key] as number).toFixed(digits)).join(' | ')} |`);
  console.log(`bbb-capture render benchmark: ${duration} s samples at ${values.resolution}\n\n${lines.join('\n')}`);
  await writeFile(path.join(benchDir, 'bench-render.json'), `${JSON.stringify({ duration, resolution: values.resolution, runs }, null, 2)}\n`);
}

await main();
