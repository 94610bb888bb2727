/**
 * The end of a batch, for people and for programs: a summary for stderr (one line per item that
 * needs attention, then the counts) and the `--report` JSON document.
 */
import type { BatchResult } from './run-batch.js';

export const REPORT_FORMAT = 'bbb-capture-batch-report';

/** The `--report` document: the batch result with a format tag. */
export function batchReport(result: BatchResult, listFile: string): Record<string, unknown> {
  return { format: REPORT_FORMAT, version: 1, list: listFile, ...result };
}

const seconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

/** Human summary: every item's outcome, failures with code and message, then the counts. */
export function formatBatchSummary(result: BatchResult): string {
  const lines: string[] = [];
  for (const item of result.items) {
    const name = item.output ?? item.url;
    switch (item.status) {
      case 'done':
        lines.push(
          item.alreadyDone
            ? `  done     ${name} (earlier run)`
            : `  done     ${name} (${item.durationS?.toFixed(1) ?? '?'} s in ${seconds(item.wallMs)}, attempt ${item.attempts})`,
        );
        break;
      case 'failed':
        lines.push(`  FAILED   ${name} [${item.source}] ${item.error?.code}: ${item.error?.message} (${item.attempts} ${item.attempts === 1 ? 'attempt' : 'attempts'})`);
        break;
      case 'interrupted':
        lines.push(`  stopped  ${name} [${item.source}] (interrupted; run the batch again to finish it)`);
        break;
      case 'pending':
        lines.push(`  not run  ${name} [${item.source}]`);
        break;
      case 'duplicate':
        lines.push(`  skipped  ${item.url} [${item.source}] (same as item ${(item.duplicateOf ?? 0) + 1})`);
        break;
    }
  }
  const c = result.counts;
  const parts = [`${c.done} done`, `${c.failed} failed`];
  if (c.interrupted) parts.push(`${c.interrupted} interrupted`);
  if (c.pending) parts.push(`${c.pending} not run`);
  if (c.duplicate) parts.push(`${c.duplicate} duplicate`);
  const why = result.stopped === 'signal' ? ' (stopped by a signal)' : result.stopped === 'fail-fast' ? ' (stopped by --fail-fast)' : '';
  lines.push(`batch: ${parts.join(', ')} of ${result.items.length} in ${seconds(result.wallMs)}${why}; output in ${result.outDir}`);
  return `${lines.join('\n')}\n`;
}
