/**
 * Seconds as BBB writes them in its XML and JSON: one decimal when the time is on the 0.1 s grid
 * (as all planned events are), otherwise milliseconds.
 */
export function formatSeconds(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return ms % 100 === 0 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(3);
}
