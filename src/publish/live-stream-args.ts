/**
 * The ffmpeg run that sends the live stream: the parts, as MPEG-TS on its stdin, read at their
 * own pace and copied into FLV at the RTMP URL.
 */

/** ffmpeg arguments streaming MPEG-TS from stdin to `url` at real-time pace. */
export function liveStreamArgs(url: string): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    // key=value blocks on stdout twice a second: out_time_us is how far the server has been sent.
    '-progress',
    'pipe:1',
    // Read at the stream's own pace: a live stream, not a download. A part not rendered yet
    // blocks the read, so the stream waits for it rather than skipping anything.
    '-re',
    // Look at the first second only: the codecs are known from the first packets, and the default
    // 5 s would hold the stream back until a second part is rendered.
    '-analyzeduration',
    '1000000',
    '-f',
    'mpegts',
    // stdin is the stream (ffmpeg reads no keys from a pipe: input, so no -nostdin here).
    '-i',
    'pipe:0',
    '-map',
    '0:v:0',
    '-map',
    '0:a:0',
    '-c',
    'copy', // H.264 + AAC already, what FLV carries: no second encode
    // The server cannot seek back to patch FLV's header with the length and size.
    '-flvflags',
    'no_duration_filesize',
    '-f',
    'flv',
    url,
  ];
}
