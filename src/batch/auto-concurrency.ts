/**
 * `--concurrency auto`: how many captures one machine runs at once without losing frames.
 *
 * A capture is a real-time job: Chromium must decode the webcams video, paint the player and
 * encode the tab at the recording's own pace, or frames are dropped. Its cost grows with the
 * number of pixels painted and encoded, so the estimate is
 *
 *     cores per capture  = max(1, CORES_PER_720P_CAPTURE × pixels / 1280×720)
 *     memory per capture = MEMORY_BASE + MEMORY_PER_MEGAPIXEL × megapixels
 *     concurrency        = max(1, min(floor(cores / cores per capture),
 *                                     floor((memory − MEMORY_RESERVE) / memory per capture)))
 *
 * which gives 720p: one capture per core; 1080p: one per 2.25 cores (one on a 2-core machine,
 * where two 1080p captures at once delivered 16–72 % of the frames, docs/bbb-playback.md §8);
 * 1440p: one per 4 cores; 2160p: one per 9. The constants are measured guesses; `npm run
 * bench:farm` measures the real largest concurrency that still meets the fidelity targets on a
 * given machine, and `--concurrency N` overrides the estimate.
 *
 * A render job (`--engine render`) does not race a clock: more jobs than cores only share them,
 * the output is the same. One job keeps CORES_PER_RENDER_JOB cores busy (its two segment
 * encoders), so more at once would gain nothing; memory is estimated as for a capture (a 1080p
 * render measured ~0.7 GiB: Chromium 535 MiB PSS, the tool 160 MiB, plus the encoders).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Cores one render job keeps busy, whatever its size (see the module comment). */
export const CORES_PER_RENDER_JOB = 2;
/** Cores one 1280×720 capture needs to keep up in real time. */
export const CORES_PER_720P_CAPTURE = 1.0;
/** Resident memory of one capture (Chromium tree, ffmpeg, buffers; bench:farm measured 1.2 GiB RSS at 720p), bytes: fixed part… */
export const MEMORY_BASE = 900 * 2 ** 20;
/** …and the part that grows with the picture. */
export const MEMORY_PER_MEGAPIXEL = 350 * 2 ** 20;
/** Left for the system, Node and the page cache. */
export const MEMORY_RESERVE = 1024 * 2 ** 20;

const PIXELS_720P = 1280 * 720;

/** What the machine offers. */
export interface MachineResources {
  cores: number;
  memoryBytes: number;
}

/** The estimate and how it was reached (printed by the CLI so the number is not magic). */
export interface ConcurrencyEstimate {
  concurrency: number;
  coresPerCapture: number;
  memoryPerCapture: number;
  limitedBy: 'cpu' | 'memory';
}

/** The number of simultaneous captures at width×height on a machine (see the module comment). */
export function autoConcurrency(machine: MachineResources, size: { width: number; height: number }, engine: 'capture' | 'render' = 'capture'): ConcurrencyEstimate {
  const pixels = size.width * size.height;
  const coresPerCapture = engine === 'render' ? CORES_PER_RENDER_JOB : Math.max(1, CORES_PER_720P_CAPTURE * (pixels / PIXELS_720P));
  const memoryPerCapture = MEMORY_BASE + MEMORY_PER_MEGAPIXEL * (pixels / 1e6);
  const byCpu = Math.floor(machine.cores / coresPerCapture + 1e-9);
  const byMemory = Math.floor(Math.max(0, machine.memoryBytes - MEMORY_RESERVE) / memoryPerCapture);
  return {
    concurrency: Math.max(1, Math.min(byCpu, byMemory)),
    coresPerCapture,
    memoryPerCapture,
    limitedBy: byMemory < byCpu ? 'memory' : 'cpu',
  };
}

function readCgroup(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Cores and memory this process may use: the machine's, narrowed by a cgroup v2 limit when one is
 * set (a container started with --cpus or --memory), since os.availableParallelism() and
 * os.totalmem() see the whole host.
 */
export function machineResources(cgroupDir = '/sys/fs/cgroup'): MachineResources {
  let cores = os.availableParallelism();
  let memoryBytes = os.totalmem();
  const cpuMax = readCgroup(`${cgroupDir}/cpu.max`)?.split(/\s+/);
  if (cpuMax && cpuMax[0] !== 'max') {
    const quota = Number(cpuMax[0]);
    const period = Number(cpuMax[1] ?? 100_000);
    if (quota > 0 && period > 0) cores = Math.min(cores, quota / period);
  }
  const memoryMax = readCgroup(`${cgroupDir}/memory.max`);
  if (memoryMax && memoryMax !== 'max' && Number(memoryMax) > 0) memoryBytes = Math.min(memoryBytes, Number(memoryMax));
  return { cores, memoryBytes };
}
