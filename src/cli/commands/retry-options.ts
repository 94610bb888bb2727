/**
 * `--retries` and `--retry-delay` of `watch`: the same options, defaults and policy as `batch`
 * (src/batch/retry-policy.ts), resolved once into a RetryPolicy.
 */
import { type Command, Option } from 'commander';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../batch/retry-policy.js';
import { parseTime } from '../../options/parse-values.js';
import { parseCount } from './batch.js';

export interface RetryFlags {
  retries: number;
  retryDelay: number;
}

/** Adds --retries and --retry-delay with batch's defaults. */
export function addRetryOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--retries <n>', 'retries of an export or upload that failed for a transient reason (network, crash, stall, store unreachable)')
        .argParser(parseCount)
        .default(DEFAULT_RETRY_POLICY.retries),
    )
    .addOption(new Option('--retry-delay <s>', 'wait before the first retry; each next wait is 4 times longer').argParser(parseTime).default(DEFAULT_RETRY_POLICY.delayMs / 1000));
}

/** The retry policy the flags ask for. */
export function resolveRetryPolicy(flags: RetryFlags): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, retries: flags.retries, delayMs: flags.retryDelay * 1000 };
}
