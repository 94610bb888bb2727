/** WebVTT's `hh:mm:ss.ttt` of a time in seconds, whole milliseconds (negative times are 0). */
export function webVttTimestamp(value: number): string {
  const ms = Math.max(0, Math.round(value * 1000));
  const pad = (v: number, n = 2) => String(v).padStart(n, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}
