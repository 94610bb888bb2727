/**
 * A short run of the soak benchmark (src/bench/bench-soak.ts): short recordings with every kind
 * of fault mixed in, through `batch` and through the farm (a worker SIGKILLed a third of the way
 * in). Good ones are exported and sound, broken ones fail with their own code, and nothing is left
 * behind: no partial file, no Chromium or ffmpeg, no job done twice.
 */
import { execa } from 'execa';
import path from 'node:path';
import type { SoakReport } from '../../src/bench/bench-soak.js';
import { ROOT } from './support/cli.js';
import { expect, test } from '@playwright/test';

test('soak: faults mixed in, batch and farm, nothing left behind', async () => {
  test.setTimeout(900_000);
  // 20 recordings a mode, one in two with a fault: the six kinds in turn, so each at least once.
  const run = await execa(process.execPath, [path.join(ROOT, 'dist', 'bench', 'bench-soak.js'), '--count', '20', '--fault-every', '2', '--mode', 'both', '--json'], {
    reject: false,
    timeout: 870_000,
  });
  // A failed check prints the bench's own report (which items, which processes, which files) on
  // stderr, --json or not: it is what every message below shows.
  const why = `bench-soak stderr:\n${run.stderr}`;
  expect(run.exitCode, why).toBe(0);
  const { reports } = JSON.parse(String(run.stdout).trim().split('\n').at(-1)!) as { reports: SoakReport[] };
  expect(reports.map((r) => r.mode)).toEqual(['batch', 'farm']);
  for (const report of reports) {
    const about = `${report.mode}: ${JSON.stringify(report, null, 1)}\n${why}`;
    expect(report.wrongOutcome, about).toEqual([]);
    expect(report.partialFiles, about).toEqual([]);
    expect(report.orphans, about).toEqual([]);
    expect(report.doneTwice, about).toEqual([]);
    expect(report.faults, about).toBe(10);
    // The ten good ones and the chromium-killed one (retried); the truncated one is refused.
    expect(report.exported, about).toBe(11);
    expect(report.verified, about).toBe(report.exported);
    expect(report.failedAsExpected + report.exported, about).toBe(report.items);
  }
  expect(reports[1]!.workerKilled).toBe(true);
});
