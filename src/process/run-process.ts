/**
 * The one place bbb-capture starts child processes (ffmpeg, ffprobe, redis in tests go elsewhere).
 * Built on execa: it kills the child when we are aborted (SIGTERM, then SIGKILL after a grace period),
 * when our own process exits, and keeps stderr so failures carry the tail of what the tool said.
 */
import { execa, ExecaError, type ResultPromise } from 'execa';
import { CaptureError, type ErrorCode } from '../errors.js';

/** How a child is started and what its failure is called. */
export interface ProcessOptions {
  /** Stops the child: SIGTERM, then SIGKILL after `killGraceMs`. */
  signal?: AbortSignal | undefined;
  /** Short name used in messages ("ffmpeg"). */
  label: string;
  /** Code of the CaptureError thrown when the child fails (exit != 0). */
  failureCode: ErrorCode;
  /** Code thrown when the executable does not exist. */
  missingCode: ErrorCode;
  /** Data for stdin. */
  input?: string | Buffer | undefined;
  cwd?: string | undefined;
  /** Time limit; on expiry the child is killed and a failure thrown. */
  timeoutMs?: number | undefined;
  killGraceMs?: number | undefined;
}

const STDERR_TAIL_LINES = 25;

/** The last lines of a tool's stderr, for error detail. */
export function tailLines(text: string, lines = STDERR_TAIL_LINES): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n');
}

function toProcessError(error: unknown, file: string, options: ProcessOptions): CaptureError {
  if (error instanceof ExecaError) {
    if (error.isCanceled) return new CaptureError('ABORTED', 'stopped by the user', { cause: error });
    if (error.code === 'ENOENT' || error.code === 'EACCES') {
      return new CaptureError(options.missingCode, `${options.label} not found or not executable at ${file}`, { cause: error });
    }
    const raw: unknown = error.stderr;
    const stderr = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString() : '';
    const tail = tailLines(stderr);
    const lastLine = tail.split('\n').at(-1) ?? '';
    const how = error.timedOut ? 'timed out' : error.signal ? `was killed by ${error.signal}` : `exited with code ${error.exitCode}`;
    if (/No space left on device/i.test(stderr)) {
      return new CaptureError('DISK_FULL', `${options.label} ${how}: the disk is full`, { cause: error, detail: tail });
    }
    return new CaptureError(options.failureCode, `${options.label} ${how}${lastLine ? `: ${lastLine}` : ''}`, { cause: error, detail: tail });
  }
  return error instanceof CaptureError ? error : new CaptureError(options.failureCode, String(error), { cause: error });
}

function execaOptions(options: ProcessOptions) {
  return {
    cancelSignal: options.signal,
    forceKillAfterDelay: options.killGraceMs ?? 3000,
    timeout: options.timeoutMs,
    cwd: options.cwd,
    // The child dies with us even on an uncaught crash.
    cleanup: true,
    stripFinalNewline: false,
    maxBuffer: 256 * 1024 * 1024,
  } as const;
}

/** Runs a command to completion and returns its text output; throws a CaptureError on failure. */
export async function runProcess(file: string, args: readonly string[], options: ProcessOptions): Promise<{ stdout: string; stderr: string }> {
  try {
    const result = await execa(file, args, { ...execaOptions(options), input: options.input });
    return { stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    throw toProcessError(error, file, options);
  }
}

/** Runs a command and returns its stdout as bytes (decoded frames, PCM). */
export async function runProcessBinary(file: string, args: readonly string[], options: ProcessOptions): Promise<Buffer> {
  try {
    const result = await execa(file, args, { ...execaOptions(options), input: options.input, encoding: 'buffer' });
    return Buffer.from(result.stdout);
  } catch (error) {
    throw toProcessError(error, file, options);
  }
}

/** Runs a command and returns binary stdout and text stderr (for filters that report on stderr). */
export async function runProcessCapturing(file: string, args: readonly string[], options: ProcessOptions): Promise<{ stdout: Buffer; stderr: string }> {
  try {
    const result = await execa(file, args, { ...execaOptions(options), input: options.input, encoding: 'buffer' });
    return { stdout: Buffer.from(result.stdout), stderr: Buffer.from(result.stderr).toString() };
  } catch (error) {
    throw toProcessError(error, file, options);
  }
}

/** A running child whose stdin/stdout are streams (ffmpeg reading frames or writing raw video). */
export interface StreamingProcess {
  readonly child: ResultPromise<{ buffer: { stdout: false; stderr: true }; stdin: 'pipe'; stdout: 'pipe'; encoding: 'buffer' }>;
  readonly stdin: NodeJS.WritableStream;
  readonly stdout: NodeJS.ReadableStream;
  /** Resolves when the child exits 0; rejects with a CaptureError otherwise. */
  readonly done: Promise<void>;
}

/** Starts a command with piped stdin/stdout for streaming work. Await `done` for the outcome. */
export function startProcess(file: string, args: readonly string[], options: ProcessOptions): StreamingProcess {
  const child = execa(file, args, {
    ...execaOptions(options),
    stdin: 'pipe',
    stdout: 'pipe',
    encoding: 'buffer',
    buffer: { stdout: false, stderr: true },
  });
  const done = child.then(
    () => undefined,
    (error: unknown) => {
      throw toProcessError(error, file, options);
    },
  );
  // Avoid an unhandled rejection when the caller only looks at the streams first.
  done.catch(() => undefined);
  if (!child.stdin || !child.stdout) throw new CaptureError('INTERNAL', `${options.label}: no pipes`);
  return { child, stdin: child.stdin, stdout: child.stdout, done };
}
