/**
 * Peak memory of each capture's Chromium, read from /proc while captures run. A capture's browser
 * is the process tagged `--bbb-capture-owner=<our pid>` without a `--type=` switch (the browser
 * process; renderers, GPU and utility processes have a type); its tree is it and every process
 * descending from it. The tree's resident set (sum of VmRSS) is sampled every interval and the
 * peak kept per browser. RSS counts pages shared between processes once per process, so the
 * figure is an upper bound of what the tree really adds.
 */
import { readdir, readFile } from 'node:fs/promises';

interface ProcInfo {
  pid: number;
  ppid: number;
  rssBytes: number;
  cmdline: string;
}

async function readProc(pid: number): Promise<ProcInfo | undefined> {
  try {
    const [status, cmdline] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/cmdline`, 'utf8')]);
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    return { pid, ppid, rssBytes: rssKb * 1024, cmdline: cmdline.replace(/\0/g, ' ') };
  } catch {
    // Gone between readdir and read: processes come and go all the time.
    return undefined;
  }
}

/** One snapshot: resident bytes of each browser tree of `ownerPid`, by browser pid. */
export async function browserTreeRss(ownerPid: number): Promise<Map<number, number>> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const procs = (await Promise.all(pids.map(readProc))).filter((p): p is ProcInfo => p !== undefined);
  const children = new Map<number, ProcInfo[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const tag = `--bbb-capture-owner=${ownerPid}`;
  const trees = new Map<number, number>();
  for (const root of procs) {
    if (!root.cmdline.includes(tag) || root.cmdline.includes('--type=')) continue;
    let sum = 0;
    const stack = [root];
    while (stack.length > 0) {
      const p = stack.pop()!;
      sum += p.rssBytes;
      stack.push(...(children.get(p.pid) ?? []));
    }
    trees.set(root.pid, sum);
  }
  return trees;
}

/** Samples until stop(); returns each browser's peak tree RSS, bytes. */
export function sampleBrowserTrees(ownerPid: number, intervalMs = 500): { stop(): Promise<number[]> } {
  const peaks = new Map<number, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const [pid, bytes] of await browserTreeRss(ownerPid)) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, bytes));
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...peaks.values()];
    },
  };
}
