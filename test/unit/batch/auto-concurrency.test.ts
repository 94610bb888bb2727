import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { autoConcurrency, machineResources } from '../../../src/batch/auto-concurrency.js';

const GiB = 2 ** 30;
const P720 = { width: 1280, height: 720 };
const P1080 = { width: 1920, height: 1080 };
const P2160 = { width: 3840, height: 2160 };

describe('autoConcurrency', () => {
  it('runs one 720p capture per core', () => {
    expect(autoConcurrency({ cores: 2, memoryBytes: 24 * GiB }, P720)).toMatchObject({ concurrency: 2, coresPerCapture: 1, limitedBy: 'cpu' });
    expect(autoConcurrency({ cores: 16, memoryBytes: 64 * GiB }, P720).concurrency).toBe(16);
  });

  it('gives 1080p 2.25 cores each: one on a 2-core machine, three on 8 cores', () => {
    expect(autoConcurrency({ cores: 2, memoryBytes: 24 * GiB }, P1080)).toMatchObject({ concurrency: 1, coresPerCapture: 2.25 });
    expect(autoConcurrency({ cores: 8, memoryBytes: 24 * GiB }, P1080).concurrency).toBe(3);
  });

  it('gives a render job two cores at any size (its two encoders), still bounded by memory', () => {
    expect(autoConcurrency({ cores: 2, memoryBytes: 24 * GiB }, P1080, 'render')).toMatchObject({ concurrency: 1, coresPerCapture: 2 });
    expect(autoConcurrency({ cores: 16, memoryBytes: 64 * GiB }, P2160, 'render').concurrency).toBe(8);
    expect(autoConcurrency({ cores: 32, memoryBytes: 4 * GiB }, P1080, 'render').limitedBy).toBe('memory');
  });

  it('never goes below one, even when a capture wants more than the machine has', () => {
    expect(autoConcurrency({ cores: 1, memoryBytes: 1 * GiB }, P2160).concurrency).toBe(1);
  });

  it('is limited by memory when memory is short', () => {
    const estimate = autoConcurrency({ cores: 32, memoryBytes: 4 * GiB }, P720);
    expect(estimate.limitedBy).toBe('memory');
    expect(estimate.concurrency).toBe(Math.floor((3 * GiB) / estimate.memoryPerCapture));
    expect(estimate.concurrency).toBeLessThan(32);
  });
});

describe('machineResources', () => {
  it('narrows cores and memory to a cgroup v2 limit', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cgroup-'));
    writeFileSync(path.join(dir, 'cpu.max'), '150000 100000\n');
    writeFileSync(path.join(dir, 'memory.max'), `${2 * GiB}\n`);
    const limited = machineResources(dir);
    expect(limited.cores).toBeLessThanOrEqual(1.5);
    expect(limited.memoryBytes).toBeLessThanOrEqual(2 * GiB);
  });

  it('ignores "max" and missing files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cgroup-'));
    writeFileSync(path.join(dir, 'cpu.max'), 'max 100000\n');
    writeFileSync(path.join(dir, 'memory.max'), 'max\n');
    const free = machineResources(dir);
    expect(free.cores).toBeGreaterThanOrEqual(1);
    expect(free.memoryBytes).toBeGreaterThan(0);
    expect(machineResources(path.join(dir, 'none'))).toEqual(free);
  });
});
