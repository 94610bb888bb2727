/** Reading `/usr/bin/time -v` output, shared by the benchmarks. */

/** Wall seconds and CPU seconds (user + system, of the process and the children it reaped). */
export function parseGnuTime(stderr: string): { wall: number; cpu: number } {
  const user = Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? NaN);
  const system = Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? NaN);
  const wallText = /Elapsed \(wall clock\) time.*: ([\d:.]+)/.exec(stderr)?.[1] ?? '';
  const wall = wallText.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  return { wall, cpu: user + system };
}
