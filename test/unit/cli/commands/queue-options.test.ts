import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addQueueOptions, resolveRedisTls, type QueueFlags } from '../../../../src/cli/commands/queue-options.js';
import type { CliContext } from '../../../../src/cli/cli-context.js';

const context = (env: NodeJS.ProcessEnv) => ({ signal: new AbortController().signal, env, stdout: process.stdout, stderr: process.stderr }) as CliContext;

/** Parses argv the way a queue command does. */
function flags(argv: string[]): QueueFlags {
  const command = addQueueOptions(new Command('x').exitOverride());
  command.parse(argv, { from: 'user' });
  return command.opts<QueueFlags>();
}

describe('the TLS files of a rediss:// queue', () => {
  it('come from --redis-ca/--redis-cert/--redis-key, else from BBB_CAPTURE_REDIS_CA/_CERT/_KEY', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'queue-options-'));
    for (const name of ['flag-ca', 'env-ca', 'env-cert', 'env-key']) await writeFile(path.join(dir, name), `-----BEGIN X-----\n${name}\n-----END X-----\n`);
    const env = { BBB_CAPTURE_REDIS_CA: path.join(dir, 'env-ca'), BBB_CAPTURE_REDIS_CERT: path.join(dir, 'env-cert'), BBB_CAPTURE_REDIS_KEY: path.join(dir, 'env-key') };
    const tls = await resolveRedisTls(flags(['--redis-ca', path.join(dir, 'flag-ca')]), context(env), 'rediss://q:6380');
    expect([tls?.ca, tls?.cert, tls?.key].map((b) => b?.toString().split('\n')[1])).toEqual(['flag-ca', 'env-cert', 'env-key']);
    expect(await resolveRedisTls(flags([]), context({}), 'rediss://q:6380')).toBeUndefined();
    // An environment meant for a TLS Redis with a plain URL is a mistake worth stopping for.
    await expect(resolveRedisTls(flags([]), context({ BBB_CAPTURE_REDIS_CA: env.BBB_CAPTURE_REDIS_CA }), 'redis://q:6379')).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/^BBB_CAPTURE_REDIS_CA is for TLS/),
    });
  });
});
