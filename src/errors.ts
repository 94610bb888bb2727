/**
 * Every failure bbb-capture reports is a CaptureError with a stable `code` and an exit code.
 * The CLI maps them in one place (cli/main.ts); nothing branches on message text.
 * `transient` tells batch/worker whether a retry can help (network, crash, stall) or not (404, bad input).
 */

/** Stable error codes, each with its process exit code and whether a retry may succeed. */
export const ERROR_CODES = {
  USAGE: { exit: 2, transient: false },
  /** A batch, enqueue or farm run in which some recordings failed (each has its own code in the report). */
  BATCH_FAILED: { exit: 3, transient: false },
  BAD_URL: { exit: 10, transient: false },
  HOST_UNREACHABLE: { exit: 11, transient: true },
  RECORDING_NOT_FOUND: { exit: 12, transient: false },
  NOT_A_BBB_RECORDING: { exit: 13, transient: false },
  NOT_A_BBB_PLAYER: { exit: 14, transient: false },
  PLAYER_ERROR_SCREEN: { exit: 15, transient: false },
  MEDIA_MISSING: { exit: 16, transient: false },
  PLAYER_TIMEOUT: { exit: 17, transient: true },
  PLAYBACK_STALLED: { exit: 18, transient: true },
  PLAYBACK_ENDED_EARLY: { exit: 19, transient: true },
  SERVER_LOST: { exit: 20, transient: true },
  /** The server's TLS certificate was refused (self-signed, expired, another host's); --insecure skips the check. */
  TLS_ERROR: { exit: 21, transient: false },
  /** The BBB API answered FAILED (a wrong secret: checksumError) or did not answer as a BBB API does. */
  BBB_API_REFUSED: { exit: 22, transient: false },
  /** The recording's server asked for credentials (HTTP 401/403): --cookie, --header or --basic-auth. */
  AUTH_REQUIRED: { exit: 23, transient: false },
  /** The recording's media file ends well before the recording does (cut short); --allow-truncated-media exports it anyway. */
  MEDIA_TRUNCATED: { exit: 24, transient: false },
  CHROMIUM_MISSING: { exit: 30, transient: false },
  CHROMIUM_CRASHED: { exit: 31, transient: true },
  CAPTURE_FAILED: { exit: 32, transient: true },
  /** The player page stopped answering during capture or render (a busy loop, a hung renderer). */
  PAGE_HUNG: { exit: 33, transient: true },
  /** The job ran past its wall-clock limit (--job-timeout, or derived from the recording's duration). */
  JOB_TIMEOUT: { exit: 34, transient: true },
  FFMPEG_MISSING: { exit: 40, transient: false },
  FFMPEG_FAILED: { exit: 41, transient: false },
  OUTPUT_NOT_WRITABLE: { exit: 50, transient: false },
  /** Transient: space can come back (files moved away, other captures finishing); a farm worker pauses until it does. */
  DISK_FULL: { exit: 51, transient: true },
  /** A farm job's output name is taken by a file already there; it is never overwritten. */
  OUTPUT_EXISTS: { exit: 52, transient: false },
  /** A title or credits card template failed to load or render within its deadline (--intro/--outro). */
  CARD_FAILED: { exit: 55, transient: false },
  /** `-o -`: whatever reads the output (a pipe) closed it before the end. */
  OUTPUT_CLOSED: { exit: 53, transient: false },
  /** `--rtmp`: the server refused the stream or kept dropping it, after the retries. */
  RTMP_FAILED: { exit: 54, transient: true },
  /**
   * The finished file could not be put in object storage (unreachable endpoint, refused
   * credentials, missing bucket, a checksum that did not match). Transient per error: the one
   * raising it says so when the SDK called the failure retryable; the local file is kept.
   */
  UPLOAD_FAILED: { exit: 56, transient: false },
  VERIFY_FAILED: { exit: 60, transient: false },
  BAD_LAYOUT: { exit: 61, transient: false },
  ABORTED: { exit: 130, transient: false },
  INTERNAL: { exit: 70, transient: false },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A failure with a code, a one-line message a user can act on, and optional detail (logs). */
export class CaptureError extends Error {
  readonly code: ErrorCode;
  /** Extra lines for --verbose output: ffmpeg's stderr tail, Chromium's console. */
  readonly detail: string | undefined;
  /** Overrides the code's own transient flag, for codes whose failures differ (UPLOAD_FAILED). */
  readonly #transient: boolean | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; detail?: string; transient?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CaptureError';
    this.code = code;
    this.detail = options.detail;
    this.#transient = options.transient;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get transient(): boolean {
    return this.#transient ?? ERROR_CODES[this.code].transient;
  }
}

/** Wraps anything thrown into a CaptureError; an abort becomes ABORTED. */
export function toCaptureError(error: unknown): CaptureError {
  if (error instanceof CaptureError) return error;
  if (error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR')) {
    return new CaptureError('ABORTED', 'stopped by the user', { cause: error });
  }
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOSPC') return new CaptureError('DISK_FULL', 'the disk is full', { cause: error });
  if (errno === 'EACCES' || errno === 'EROFS' || errno === 'EPERM') {
    return new CaptureError('OUTPUT_NOT_WRITABLE', `cannot write: ${(error as Error).message}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CaptureError('INTERNAL', message, { cause: error });
}

/** Throws ABORTED if the signal has fired; call between steps of long operations. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** The error for an aborted signal: its reason when that is a CaptureError ("stopped by SIGINT"). */
export function abortError(signal: AbortSignal): CaptureError {
  return signal.reason instanceof CaptureError ? signal.reason : new CaptureError('ABORTED', 'stopped by the user', { cause: signal.reason });
}
