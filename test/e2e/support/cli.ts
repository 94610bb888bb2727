/**
 * Runs the built CLI (bin/bbb-capture.js) as a child process, the way users do, and collects
 * its exit code and output. Also finds processes a capture may have left behind.
 */
import { execa, type ResultPromise } from 'execa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'bbb-capture.js');

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Parsed JSON lines of stdout (with --json). */
  events: Array<Record<string, unknown>>;
}

/** The JSON-lines events of --json output; other output (a pretty-printed document) gives none. */
function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{') && l.endsWith('}'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Starts the CLI; await `finished(child)` for the result. */
export function startCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): ResultPromise {
  return execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs ?? 180_000,
    stdin: 'ignore',
  });
}

export async function finished(child: ResultPromise): Promise<CliRun> {
  const r = await child;
  const stdout = String(r.stdout ?? '');
  return { exitCode: r.exitCode ?? -1, stdout, stderr: String(r.stderr ?? ''), events: jsonLines(stdout) };
}

/** Runs the CLI to completion. */
export async function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  return finished(startCli(args, options));
}

/** Resolves when the child prints a line containing `needle` (stdout stays buffered for finished()). */
export function waitForOutput(child: ResultPromise, needle: string, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${needle}" in the output after ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-10_000);
      if (seen.includes(needle)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.then(() => reject(new Error(`exited before printing "${needle}"`)), reject);
  });
}

/** Command lines of running processes that mention `needle` (orphan checks). */
export async function processesMentioning(needle: string): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,args='], { reject: false });
  return String(stdout)
    .split('\n')
    .filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}
