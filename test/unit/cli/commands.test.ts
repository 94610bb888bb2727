/**
 * The CLI's command definitions are cheap: registering every command (what `--help` and the start
 * of every command pay) loads none of the heavy packages; each command loads its own when it runs.
 */
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => new Set<string>());
// Each heavy package records that it was loaded (and is otherwise the real one).
vi.mock('playwright', async (real) => {
  loaded.add('playwright');
  return real();
});
vi.mock('bullmq', async (real) => {
  loaded.add('bullmq');
  return real();
});
vi.mock('ioredis', async (real) => {
  loaded.add('ioredis');
  return real();
});
vi.mock('@aws-sdk/client-s3', async (real) => {
  loaded.add('@aws-sdk/client-s3');
  return real();
});
vi.mock('@aws-sdk/lib-storage', async (real) => {
  loaded.add('@aws-sdk/lib-storage');
  return real();
});
vi.mock('hono', async (real) => {
  loaded.add('hono');
  return real();
});
vi.mock('@hono/node-server', async (real) => {
  loaded.add('@hono/node-server');
  return real();
});
vi.mock('@bull-board/api', async (real) => {
  loaded.add('@bull-board/api');
  return real();
});
vi.mock('prom-client', async (real) => {
  loaded.add('prom-client');
  return real();
});
vi.mock('chokidar', async (real) => {
  loaded.add('chokidar');
  return real();
});

describe('registerCommands', () => {
  it('defines every command without loading Playwright, BullMQ, Redis, the AWS SDK or Hono', async () => {
    const { registerCommands } = await import('../../../src/cli/commands.js');
    const program = new Command('bbb-capture');
    registerCommands(program, { signal: new AbortController().signal, env: {}, stdout: process.stdout, stderr: process.stderr });
    expect(program.commands.map((c) => c.name())).toContain('record');
    expect([...loaded]).toEqual([]);
  });
});
