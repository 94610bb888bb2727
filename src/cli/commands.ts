/** The list of subcommands; each lives in its own file under commands/. */
import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { registerSample } from './commands/sample.js';
import { registerServe } from './commands/serve.js';
import { registerVerify } from './commands/verify.js';
import { registerRecord } from './commands/record.js';
import { registerProbe } from './commands/probe.js';
import { registerBatch } from './commands/batch.js';
import { registerEnqueue } from './commands/enqueue.js';
import { registerStatus } from './commands/status.js';
import { registerWorker } from './commands/worker.js';
import { registerHook } from './commands/hook.js';
import { registerWatch } from './commands/watch.js';
import { registerDashboard } from './commands/dashboard.js';

export function registerCommands(program: Command, context: CliContext): void {
  registerRecord(program, context);
  registerProbe(program, context);
  registerBatch(program, context);
  registerWorker(program, context);
  registerEnqueue(program, context);
  registerStatus(program, context);
  registerWatch(program, context);
  registerHook(program, context);
  registerDashboard(program, context);
  registerSample(program, context);
  registerServe(program, context);
  registerVerify(program, context);
}
