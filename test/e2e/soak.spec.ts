/**
 * A short run of the soak benchmark (src/bench/bench-soak.ts): short recordings with every kind
 * of fault mixed in, through `batch` and through the farm (a worker SIGKILLed half-way). Good ones
 * are exported and sound, broken ones fail with their own code, and nothing is left behind: no
 * partial file, no Chromium or ffmpeg, no job done twice.
 */
import { execa } from 'execa';
import path from 'node:path';
import type { SoakReport } from '../../src/bench/bench-soak.js';
import { ROOT } from './support/cli.js';
import { expect, test } from '@playwright/test';

test('soak: faults mixed in, batch and farm, nothing left behind', async () => {
  test.setTimeout(600_000);
  // 12 recordings a mode, one in two with a fault: each kind of fault once per mode.
  const run = await execa(process.execPath, [path.join(ROOT, 'dist', 'bench', 'bench-soak.js'), '--count', '12', '--fault-every', '2', '--mode', 'both', '--json'], {
    reject: false,
    timeout: 580_000,
  });
  expect(run.exitCode, run.stderr).toBe(0);
  const { reports } = JSON.parse(String(run.stdout).trim().split('\n').at(-1)!) as { reports: SoakReport[] };
  expect(reports.map((r) => r.mode)).toEqual(['batch', 'farm']);
  for (const report of reports) {
    expect(report.wrongOutcome, report.mode).toEqual([]);
    expect(report.partialFiles, report.mode).toEqual([]);
    expect(report.orphans, report.mode).toEqual([]);
    expect(report.doneTwice, report.mode).toEqual([]);
    expect(report.faults).toBe(6);
    // The chromium-killed item is retried and exported; the truncated one may be.
    expect(report.exported).toBeGreaterThanOrEqual(7);
    expect(report.verified).toBe(report.exported);
    expect(report.failedAsExpected + report.exported).toBe(report.items);
  }
  expect(reports[1]!.workerKilled).toBe(true);
});
