/**
 * The flags that open every ffmpeg command whose stderr is read only when it fails: run-process.ts
 * keeps stderr's tail for the error it raises, so it should hold the errors and nothing else.
 */

/** ffmpeg quiet: no banner, no key reading, no progress lines, errors only on stderr. */
export const FFMPEG_QUIET = [
  '-hide_banner', // no build banner in the error tail
  '-nostdin', // never read keys from stdin (a stray `q` would stop the encode)
  '-nostats', // no progress lines on stderr
  '-loglevel',
  'error',
] as const;
