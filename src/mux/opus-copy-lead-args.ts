/**
 * Arguments for a WebM whose streams are all copied (not re-encoded): the publishing remux. A
 * copied Opus stream comes out of its WebM its CodecDelay before 0 (6.5 ms, -7 on WebM's 1 ms
 * clock), and two things would each move the video 7 ms later at every copy: ffmpeg
 * starts an input at its earliest timestamp unless told to keep them (`-copyts`), and a muxer
 * before ffmpeg 6.0 moves every stream past a negative one (see probe-webm-opus-shift.ts); there
 * the Opus packets are moved back to 0 instead, which the demuxer's CodecDelay takes off again.
 */

/** Input and output arguments of a WebM copy; `samples` from probeWebmOpusShift (0: the muxer moves nothing). */
export function opusCopyLeadArgs(samples: number): { input: string[]; output: string[] } {
  return {
    input: ['-copyts'], // the file's own timestamps: the video at 0, the sound's first packet before it
    // WebM's 1 ms ticks, rounded as the demuxer rounds CodecDelay (6.5 → 7). ffmpeg 5.1 hands setts
    // the muxer's time base in TS (see mux/build-mux-args.ts): WebM's here.
    output: samples > 0 ? ['-bsf:a', `setts=ts=TS+${Math.round((samples * 1000) / 48_000)}`] : [],
  };
}
