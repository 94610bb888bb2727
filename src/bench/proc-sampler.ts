/**
 * Samples memory of a process tree from /proc while a benchmark runs: the peak of one process
 * (the tool) and the peak of the summed proportional set size (PSS, so shared pages count once)
 * of the Chromium processes tagged with --bbb-capture-owner=<pid>.
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
}

/** Starts sampling every `intervalMs`; stop() returns the peaks. */
export function sampleMemory(toolNeedle: string, intervalMs = 250): { stop(): Promise<MemoryPeaks> } {
  const peaks: MemoryPeaks = { toolBytes: 0, chromiumBytes: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const tool = await findProcess(toolNeedle);
      if (tool) {
        peaks.toolBytes = Math.max(peaks.toolBytes, await pss(tool));
        let sum = 0;
        for (const pid of await readdir('/proc')) {
          if (/^\d+$/.test(pid) && (await cmdline(pid)).includes(`--bbb-capture-owner=${tool}`)) sum += await pss(pid);
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
      return peaks;
    },
  };
}
