/**
 * Samples memory of a process tree from /proc while a benchmark runs: the peak of one process
 * (the tool) and the peak of the summed proportional set size (PSS, so shared pages count once)
 * of the Chromium processes below it, and their CPU time.
 */
import { readdir, readFile } from 'node:fs/promises';

async function pss(pid: string): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const m = /^Pss:\s+(\d+) kB/m.exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function cmdline(pid: string): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Finds the pid of the Node process whose command line contains `needle` (not a wrapper such as time). */
export async function findProcess(needle: string): Promise<string | undefined> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const line = await cmdline(pid);
    if (line.includes(needle) && line.startsWith(process.execPath)) return pid;
  }
  return undefined;
}

export interface MemoryPeaks {
  toolBytes: number;
  chromiumBytes: number;
  /** CPU seconds of the Chromium processes (last reading of each), which /usr/bin/time misses: Chromium's zygote, not our process, reaps them. */
  chromiumCpuSeconds: number;
}

const TICKS_PER_SECOND = 100;

/** Parent pid and CPU ticks (utime + stime) of a process. */
async function procStat(pid: string): Promise<{ ppid: string; ticks: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): ppid is field 4, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: fields[1]!, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** Every process below `root` (Chromium's browser, zygotes, renderers, GPU process; ffmpeg). */
async function descendants(root: string): Promise<Map<string, { ticks: number; line: string }>> {
  const parents = new Map<string, string[]>();
  const stats = new Map<string, number>();
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const st = await procStat(pid);
    if (!st) continue;
    stats.set(pid, st.ticks);
    parents.set(st.ppid, [...(parents.get(st.ppid) ?? []), pid]);
  }
  const found = new Map<string, { ticks: number; line: string }>();
  const queue = [...(parents.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    found.set(pid, { ticks: stats.get(pid) ?? 0, line: await cmdline(pid) });
    queue.push(...(parents.get(pid) ?? []));
  }
  return found;
}

/**
 * Starts sampling every `intervalMs`; stop() returns the peaks. Once a second: each sample reads
 * every process's stat and the Chromium processes' smaps_rollup, which cost 15 % of a core at
 * 250 ms and slowed the very job it measured (a 60 s render took ~1 s longer).
 */
export function sampleMemory(toolNeedle: string, intervalMs = 1000): { stop(): Promise<MemoryPeaks> } {
  const peaks: MemoryPeaks = { toolBytes: 0, chromiumBytes: 0, chromiumCpuSeconds: 0 };
  const ticks = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const tool = await findProcess(toolNeedle);
      if (tool) {
        peaks.toolBytes = Math.max(peaks.toolBytes, await pss(tool));
        let sum = 0;
        // Chromium passes its unknown switches (our owner tag) to the browser process only, so
        // its renderers and GPU process are found as descendants of the tool instead.
        for (const [pid, info] of await descendants(tool)) {
          if (!/chrom/.test(info.line)) continue;
          sum += await pss(pid);
          ticks.set(pid, Math.max(ticks.get(pid) ?? 0, info.ticks));
        }
        peaks.chromiumBytes = Math.max(peaks.chromiumBytes, sum);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      peaks.chromiumCpuSeconds = [...ticks.values()].reduce((a, b) => a + b, 0) / TICKS_PER_SECOND;
      return peaks;
    },
  };
}
