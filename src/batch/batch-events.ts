/** Progress of a batch as typed events; the CLI draws bars (TTY) or prints JSON lines. */
import type { ErrorCode } from '../errors.js';
import type { RecordEvent } from '../progress/record-event.js';

/** What the report says of an item at the end. */
export type ItemOutcome = 'done' | 'failed' | 'interrupted' | 'pending' | 'duplicate';

export type BatchEvent =
  | { type: 'batch-start'; total: number; toRun: number; alreadyDone: number; concurrency: number; outDir: string }
  /** An item found done by an earlier run (its file exists), or listed twice. */
  | { type: 'item-skipped'; index: number; url: string; output: string | null; reason: 'done' | 'duplicate'; duplicateOf?: number }
  | { type: 'item-start'; index: number; url: string; output: string; attempt: number }
  /** A record event of the item's capture (stage, progress, warning, log). */
  | { type: 'item-event'; index: number; output: string; event: RecordEvent }
  | { type: 'item-retry'; index: number; url: string; attempt: number; delayMs: number; code: ErrorCode; message: string }
  | { type: 'item-done'; index: number; url: string; output: string; attempt: number; durationS: number; wallMs: number }
  | { type: 'item-failed'; index: number; url: string; output: string | null; attempts: number; code: ErrorCode; message: string }
  | { type: 'item-interrupted'; index: number; url: string; output: string | null }
  | { type: 'batch-end'; counts: Record<ItemOutcome, number>; stopped: 'signal' | 'fail-fast' | null; wallMs: number };
