/**
 * The command line: parses arguments with commander, resolves options once, runs one command,
 * and maps every failure to its exit code in one place. Ctrl-C (or SIGTERM) aborts the running
 * command cleanly; a second one exits at once.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CaptureError, toCaptureError } from '../errors.js';
import type { CliContext } from './cli-context.js';
import { registerCommands } from './commands.js';

function installSignalHandlers(controller: AbortController, stderr: NodeJS.WriteStream): () => void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      stderr.write(`\nbbb-capture: ${signal}: stopping and cleaning up (again to kill)\n`);
      controller.abort(new CaptureError('ABORTED', `stopped by ${signal}`));
    } else {
      stderr.write(`bbb-capture: ${signal} again: killing\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Runs the CLI; never returns normally (sets the exit code). */
export async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  const uninstall = installSignalHandlers(controller, process.stderr);
  const context: CliContext = { signal: controller.signal, env: process.env, stdout: process.stdout, stderr: process.stderr };
  const program = new Command('bbb-capture')
    .description("Turn BigBlueButton recordings into video files that look and sound like BBB's own player.")
    .version((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program, context);
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    await program.parseAsync(argv);
    process.exitCode = 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end up here with exit code 0.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
    } else {
      const failure = toCaptureError(error);
      const json = argv.includes('--json');
      // `-o -`: stdout carries the file, so the error line goes with the other JSON lines, to stderr.
      const piped = argv.some((arg, i) => arg === '--output=-' || ((arg === '-o' || arg === '--output') && argv[i + 1] === '-'));
      if (json) {
        (piped ? process.stderr : process.stdout).write(`${JSON.stringify({ type: 'error', code: failure.code, exitCode: failure.exitCode, message: failure.message })}\n`);
      }
      process.stderr.write(`bbb-capture: error ${failure.code}: ${failure.message}\n`);
      verbose ||= failure.code === 'INTERNAL';
      if (verbose && failure.detail) process.stderr.write(`${failure.detail.replace(/^/gm, '  | ')}\n`);
      if (verbose && failure.code === 'INTERNAL' && failure.cause instanceof Error) process.stderr.write(`${failure.cause.stack}\n`);
      process.exitCode = failure.exitCode;
    }
  } finally {
    uninstall();
  }
}
