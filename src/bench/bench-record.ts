/**
 * `npm run bench`: records the synthetic `full` recording (60 s by default) at 1080p and 720p,
 * several runs each, measures every output with the fidelity meter and prints medians:
 * wall ÷ duration, delivered webcam frames, longest freeze, A/V sync, leading, end error, CPU
 * seconds per recording minute, peak memory of the tool and of Chromium.
 *   node dist/bench/bench-record.js [--duration 60] [--runs 3] [--resolutions 1920x1080,1280x720] [--player DIR] [--variant full]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findFfmpeg } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';
import { generateRecording } from '../sample/generate-recording.js';
import type { SampleVariant } from '../sample/sample-truth.js';
import { startServer } from '../server/start-server.js';
import { measureFidelity } from '../verify/measure-fidelity.js';
import { parseGnuTime } from './gnu-time.js';
import { medianTable, type MetricColumn } from './stats.js';
import { sampleMemory } from './proc-sampler.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    runs: { type: 'string', default: '3' },
    resolutions: { type: 'string', default: '1920x1080,1280x720' },
    variant: { type: 'string', default: 'full' },
    player: { type: 'string' },
    dir: { type: 'string', default: '.bench' },
    extra: { type: 'string', default: '' },
  },
});

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);

interface Run {
  resolution: string;
  run: number;
  wallRatio: number;
  deliveredPct: number;
  longestFreezeMs: number;
  avSyncMs: number;
  leadingMs: number;
  endErrorMs: number;
  cpuSecondsPerMinute: number;
  toolMiB: number;
  chromiumMiB: number;
}

async function main(): Promise<void> {
  const duration = Number(values.duration);
  const benchDir = path.resolve(values.dir);
  const samples = path.join(benchDir, 'samples');
  await mkdir(samples, { recursive: true });
  const recording = await generateRecording({ root: samples, variant: values.variant as SampleVariant, duration, ffmpeg: tools });
  const server = await startServer({ recordingsDir: samples, playerDir: values.player ?? process.env.BBB_CAPTURE_PLAYER });
  const runs: Run[] = [];
  try {
    for (const resolution of values.resolutions.split(',')) {
      for (let i = 1; i <= Number(values.runs); i++) {
        const output = path.join(benchDir, `record-${values.variant}-${resolution}-${i}.mp4`);
        await rm(output, { force: true });
        // The tool's command line names the output, which finds it (and its Chromium) in /proc.
        const memory = sampleMemory(output);
        const args = ['-v', process.execPath, path.join(ROOT, 'bin', 'bbb-capture.js'), 'record', server.playbackUrl(recording.recordId), '-o', output, '--resolution', resolution, '--quiet', ...values.extra.split(' ').filter(Boolean)];
        const result = await runProcess('/usr/bin/time', args, { label: 'bbb-capture record', failureCode: 'INTERNAL', missingCode: 'INTERNAL' });
        const peaks = await memory.stop();
        const { wall, cpu } = parseGnuTime(result.stderr);
        const report = await measureFidelity({ video: output, recordingDir: recording.dir, tools });
        const camera = report.cameras[0];
        runs.push({
          resolution,
          run: i,
          wallRatio: wall / duration,
          deliveredPct: (camera?.deliveredRatio ?? NaN) * 100,
          longestFreezeMs: camera?.longestFreezeMs ?? NaN,
          avSyncMs: report.avSyncMs ?? NaN,
          leadingMs: report.leadingMs ?? NaN,
          endErrorMs: report.end.endErrorMs ?? NaN,
          // /usr/bin/time counts bbb-capture, ffmpeg and what they reap; Chromium's renderer and GPU processes are sampled from /proc.
          cpuSecondsPerMinute: ((cpu + peaks.chromiumCpuSeconds) / duration) * 60,
          toolMiB: peaks.toolBytes / 2 ** 20,
          chromiumMiB: peaks.chromiumBytes / 2 ** 20,
        });
        console.error(JSON.stringify(runs.at(-1)));
      }
    }
  } finally {
    await server.close();
  }
  const columns: Array<MetricColumn<Run>> = [
    ['wallRatio', 'wall/duration', 2],
    ['deliveredPct', 'delivered %', 1],
    ['longestFreezeMs', 'longest freeze ms', 0],
    ['avSyncMs', 'A/V ms', 1],
    ['leadingMs', 'leading ms', 1],
    ['endErrorMs', 'end error ms', 1],
    ['cpuSecondsPerMinute', 'CPU s/rec-min', 1],
    ['toolMiB', 'tool MiB', 0],
    ['chromiumMiB', 'Chromium MiB', 0],
  ];
  const groups = values.resolutions.split(',').map((resolution) => ({ cells: [resolution], runs: runs.filter((r) => r.resolution === resolution) }));
  const table = medianTable(['resolution'], groups, columns);
  console.log(`bbb-capture record benchmark: ${values.variant} sample, ${duration} s, medians\n\n${table}`);
  await writeFile(path.join(benchDir, 'bench-record.json'), `${JSON.stringify({ duration, runs }, null, 2)}\n`);
}

await main();
