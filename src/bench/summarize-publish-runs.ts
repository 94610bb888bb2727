/**
 * The figures of `npm run bench:publish`: per run, when the recording was published (its
 * metadata.xml written), when watch started exporting it, when watch said it was done and when
 * the object was in the store, beside what `record` alone took for the same recording; medians
 * of them, and whether the target holds (uploaded within the export's own time + 10 s).
 */
import { median } from './stats.js';

/** One publication, times in ms since it was published. */
export interface PublishRun {
  /** watch's `started` event: the --stable wait and the metadata read. */
  startedMs: number;
  /** watch's `done` event: export and upload finished. */
  doneMs: number;
  /** The first HeadObject that found the object. */
  presentMs: number;
  /** The same recording exported by `record` alone (no watch, no upload), wall ms. */
  recordMs: number;
}

/** What the latency beyond the export itself may be, ms. */
export const PUBLISH_OVERHEAD_TARGET_MS = 10_000;

/** Medians of the runs, in seconds, and whether the median latency meets the target. */
export function summarizePublishRuns(runs: readonly PublishRun[]): {
  runs: number;
  latencyS: number;
  recordS: number;
  overheadS: number;
  startS: number;
  exportAndUploadS: number;
  withinTarget: boolean;
} {
  if (runs.length === 0) throw new RangeError('no runs to summarize');
  const m = (pick: (r: PublishRun) => number) => median(runs.map(pick))! / 1000;
  const latencyS = m((r) => r.presentMs);
  const recordS = m((r) => r.recordMs);
  // Per run, then the median: the same run's export against its own latency.
  const overheadS = m((r) => r.presentMs - r.recordMs);
  return {
    runs: runs.length,
    latencyS,
    recordS,
    overheadS,
    startS: m((r) => r.startedMs),
    exportAndUploadS: m((r) => r.doneMs - r.startedMs),
    withinTarget: overheadS * 1000 <= PUBLISH_OVERHEAD_TARGET_MS,
  };
}
