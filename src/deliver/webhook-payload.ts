/**
 * What a webhook says about one export, done or failed for good: the same shape from record,
 * batch and the worker, so one receiver serves them all.
 */
import type { CaptureError, ErrorCode } from '../errors.js';
import { parsePlaybackUrl } from '../recording/parse-playback-url.js';
import type { Delivery } from './deliver-output.js';

/** The JSON body of a webhook POST. */
export interface WebhookPayload {
  event: 'export.done' | 'export.failed';
  status: 'done' | 'failed';
  /** The playback URL exported. */
  source: string;
  recordingId: string | null;
  meetingName: string | null;
  /** The local file, while it exists (null once removed after upload, or when none was written). */
  output: string | null;
  /** `s3://bucket/key` of the verified object, with --upload. */
  uploadUrl: string | null;
  /** Length of the export, seconds. */
  duration: number | null;
  engine: string | null;
  /** What verify found in the written file (duration, streams, peak level, black start); empty with --no-verify. */
  checks: unknown[];
  error: { code: ErrorCode; message: string } | null;
  /** Who sent it: `record`, `batch`, `watch`, or the worker's name. */
  sender: string;
  time: string;
}

/** What the caller knows about an export. */
export interface ExportFacts {
  source: string;
  sender: string;
  recordingId?: string | undefined;
  meetingName?: string | undefined;
  output?: string | undefined;
  duration?: number | undefined;
  engine?: string | undefined;
  checks?: unknown[] | undefined;
}

/** The payload for a finished export (`delivery` with --upload) or one that failed for good. */
export function webhookPayload(facts: ExportFacts, outcome: { delivery: Delivery | null } | { error: CaptureError }): WebhookPayload {
  const failed = 'error' in outcome;
  let recordingId = facts.recordingId ?? null;
  if (recordingId === null) {
    try {
      recordingId = parsePlaybackUrl(facts.source).recordId;
    } catch {
      // A local directory, or a URL that never parsed: the failure says why.
    }
  }
  const delivery = failed ? null : outcome.delivery;
  return {
    event: failed ? 'export.failed' : 'export.done',
    status: failed ? 'failed' : 'done',
    source: facts.source,
    recordingId,
    meetingName: facts.meetingName ?? null,
    output: delivery?.removedLocal ? null : (facts.output ?? null),
    uploadUrl: delivery?.url ?? null,
    duration: facts.duration ?? null,
    engine: facts.engine ?? null,
    checks: facts.checks ?? [],
    error: failed ? { code: outcome.error.code, message: outcome.error.message } : null,
    sender: facts.sender,
    time: new Date().toISOString(),
  };
}
