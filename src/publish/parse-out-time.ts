/** Reads ffmpeg's `-progress` output. */

/** The output position, seconds, of one `-progress` line; undefined for other lines and N/A. */
export function parseOutTime(line: string): number | undefined {
  // out_time_us is microseconds (out_time_ms is too, misnamed, in ffmpeg 4 and 5).
  const us = /^out_time_us=(-?\d+)\s*$/.exec(line);
  if (us) return Number(us[1]) / 1e6;
  const clock = /^out_time=(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)\s*$/.exec(line);
  if (clock) return (clock[1] ? -1 : 1) * (Number(clock[2]) * 3600 + Number(clock[3]) * 60 + Number(clock[4]));
  return undefined;
}
