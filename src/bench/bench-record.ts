/**
 * `npm run bench`: the engines side by side on the same synthetic recordings. For each sample
 * (the `full` variant at each webcam rate: BBB's default 15 fps and 30 fps), each load (quiet,
 * and beside two CPU hogs: a busy loop per core) and each engine (`capture`, `render`, and
 * `auto`, the default), records at 1080p under `/usr/bin/time -v`, measures the output with the
 * fidelity meter and prints medians: × realtime, the ratio to the encoder-only limit, webcam and
 * screen-share frames delivered, A/V, drift, CPU seconds per recording minute, peak memory of the
 * tool and of Chromium. The encoder-only limit is ffmpeg alone compositing the same webcams and
 * screen-share videos over a still picture with the compositor's encoder settings: what no
 * engine can beat on this machine. All cells of one run are measured in one process, one after
 * another, so they are comparable with each other (not with another day's run).
 *   node dist/bench/bench-record.js [--durations 60] [--fps 15,30] [--engines capture,render,auto] [--loads quiet,hogs] [--runs 1] [--resolution 1920x1080] [--player DIR]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encoderArgs } from '../compose/build-composite-args.js';
import { findFfmpeg } from '../process/find-ffmpeg.js';
import { runProcess, startProcess } from '../process/run-process.js';
import { generateRecording } from '../sample/generate-recording.js';
import { startServer } from '../server/start-server.js';
import { measureFidelity } from '../verify/measure-fidelity.js';
import { parseGnuTime } from './gnu-time.js';
import { sampleMemory } from './proc-sampler.js';
import { medianTable, type MetricColumn } from './stats.js';

const { values } = parseArgs({
  options: {
    durations: { type: 'string', default: '60' },
    fps: { type: 'string', default: '15,30' },
    engines: { type: 'string', default: 'capture,render,auto' },
    loads: { type: 'string', default: 'quiet,hogs' },
    runs: { type: 'string', default: '1' },
    resolution: { type: 'string', default: '1920x1080' },
    player: { type: 'string' },
    dir: { type: 'string', default: '.bench' },
  },
});

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

interface Cell {
  sample: string;
  load: string;
  engine: string;
}

interface Run extends Cell {
  /** The engine auto chose (or the one asked for). */
  ran: string;
  realtime: number;
  overLimit: number;
  webcamPct: number;
  screensharePct: number;
  avSyncMs: number;
  driftMs: number;
  cpuSecondsPerMinute: number;
  toolMiB: number;
  chromiumMiB: number;
}

/** Two busy loops, one per core of the reference machine, until stopped. */
function startHogs(): { stop: () => Promise<void> } {
  const abort = new AbortController();
  const hogs = [0, 1].map(() =>
    startProcess(process.execPath, ['-e', 'for (;;) {}'], { signal: abort.signal, label: 'cpu hog', failureCode: 'INTERNAL', missingCode: 'INTERNAL', killGraceMs: 0 }),
  );
  return {
    async stop() {
      abort.abort();
      await Promise.all(hogs.map((h) => h.done.catch(() => undefined)));
    },
  };
}

/**
 * The encoder-only limit: the recording's webcams and screen share overlaid on a still picture
 * at the output size, encoded with the compositor's settings, as fast as ffmpeg can. Wall seconds.
 */
async function encoderLimit(dir: string, duration: number, fps: number, width: number, height: number): Promise<number> {
  const output = path.join(path.dirname(dir), 'encoder-limit.mp4');
  const ffmpeg = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    // The still at the webcams' rate: a frame for every webcam frame, as the compositor writes.
    '-f',
    'lavfi',
    '-i',
    `color=c=0xf0f0f0:s=${width}x${height}:r=${fps}:d=${duration}`,
    '-i',
    path.join(dir, 'video', 'webcams.webm'),
    '-i',
    path.join(dir, 'deskshare', 'deskshare.webm'),
    '-filter_complex',
    `[1:v]scale=${Math.round(width * 0.2)}:-2:flags=area[w];[2:v]scale=${Math.round(width * 0.7)}:-2:flags=area[s];[0:v][s]overlay=${Math.round(width * 0.28)}:60:eof_action=repeat[a];[a][w]overlay=0:0:eof_action=repeat,format=yuv420p[v]`,
    '-map',
    '[v]',
    '-map',
    '1:a:0',
    ...encoderArgs('mp4'),
    '-c:a',
    'aac',
    '-t',
    String(duration),
    output,
  ];
  const { stderr } = await runProcess('/usr/bin/time', ['-v', tools.ffmpeg, ...ffmpeg], { label: 'encoder limit', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  await rm(output, { force: true });
  return parseGnuTime(stderr).wall;
}

async function main(): Promise<void> {
  const benchDir = path.resolve(values.dir);
  const samples = path.join(benchDir, 'samples');
  await mkdir(samples, { recursive: true });
  const [width, height] = values.resolution.split('x').map(Number) as [number, number];
  const runs: Run[] = [];
  const limits: Record<string, number> = {};
  const server = await startServer({ recordingsDir: samples, playerDir: values.player ?? process.env.BBB_CAPTURE_PLAYER });
  try {
    for (const duration of list(values.durations).map(Number)) {
      for (const fps of list(values.fps).map(Number)) {
        const sample = `${duration} s, ${fps} fps webcam`;
        const recording = await generateRecording({ root: samples, variant: 'full', duration, fps, ffmpeg: tools });
        for (const load of list(values.loads)) {
          const hogs = load === 'hogs' ? startHogs() : undefined;
          try {
            limits[`${sample} ${load}`] = await encoderLimit(recording.dir, duration, fps, width, height);
            for (const engine of list(values.engines)) {
              for (let i = 1; i <= Number(values.runs); i++) {
                const output = path.join(benchDir, `bench-${duration}-${fps}-${load}-${engine}-${i}.mp4`);
                await rm(output, { force: true });
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
                  '--resolution',
                  values.resolution,
                  '--engine',
                  engine,
                  '--captions',
                  'off',
                  '--no-chapters',
                  '--json',
                ];
                const result = await runProcess('/usr/bin/time', args, { label: 'bbb-capture record', failureCode: 'INTERNAL', missingCode: 'INTERNAL' });
                const peaks = await memory.stop();
                const { wall, cpu } = parseGnuTime(result.stderr);
                const ran = /"type":"engine","engine":"(\w+)"/.exec(result.stdout)?.[1] ?? engine;
                const report = await measureFidelity({ video: output, recordingDir: recording.dir, tools });
                runs.push({
                  sample,
                  load,
                  engine,
                  ran,
                  realtime: duration / wall,
                  overLimit: wall / limits[`${sample} ${load}`]!,
                  webcamPct: Math.min(...report.cameras.map((c) => (c.deliveredRatio ?? NaN) * 100)),
                  screensharePct: (report.screenshare?.deliveredRatio ?? NaN) * 100,
                  avSyncMs: report.avSyncMs ?? NaN,
                  driftMs: report.videoDriftMs ?? NaN,
                  // /usr/bin/time counts bbb-capture, ffmpeg and what they reap; Chromium's renderer and GPU processes are sampled from /proc.
                  cpuSecondsPerMinute: ((cpu + peaks.chromiumCpuSeconds) / duration) * 60,
                  toolMiB: peaks.toolBytes / 2 ** 20,
                  chromiumMiB: peaks.chromiumBytes / 2 ** 20,
                });
                console.error(JSON.stringify(runs.at(-1)));
                await rm(output, { force: true });
              }
            }
          } finally {
            await hogs?.stop();
          }
        }
      }
    }
  } finally {
    await server.close();
  }
  const columns: Array<MetricColumn<Run>> = [
    ['realtime', '× realtime', 2],
    ['overLimit', '÷ encoder limit', 2],
    ['webcamPct', 'webcam %', 1],
    ['screensharePct', 'screen share %', 1],
    ['avSyncMs', 'A/V ms', 1],
    ['driftMs', 'drift ms', 1],
    ['cpuSecondsPerMinute', 'CPU s/rec-min', 1],
    ['toolMiB', 'tool MiB', 0],
    ['chromiumMiB', 'Chromium MiB', 0],
  ];
  const cells = new Map<string, Run[]>();
  for (const run of runs) {
    const key = JSON.stringify([run.sample, run.load, run.engine === 'auto' ? `auto (${run.ran})` : run.engine]);
    cells.set(key, [...(cells.get(key) ?? []), run]);
  }
  const groups = [...cells].map(([key, group]) => ({ cells: JSON.parse(key) as string[], runs: group }));
  const table = medianTable(['sample', 'load', 'engine'], groups, columns);
  const limitLines = Object.entries(limits).map(([cell, wall]) => `- encoder-only limit, ${cell}: ${wall.toFixed(1)} s`);
  console.log(`bbb-capture engines side by side, ${values.resolution}, medians of ${values.runs} run(s)\n\n${table}\n\n${limitLines.join('\n')}`);
  await writeFile(path.join(benchDir, 'bench-record.json'), `${JSON.stringify({ resolution: values.resolution, limits, runs }, null, 2)}\n`);
}

await main();
