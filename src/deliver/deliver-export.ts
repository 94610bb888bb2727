/**
 * The step after a job: its file to object storage (when asked) and a webhook saying it is done.
 * Failures are the caller's to report (it knows whether a retry follows); see webhookPayload.
 */
import type { JobResult } from '../job/run-job.js';
import type { WebhookOptions, WebhookSender } from './create-webhook-sender.js';
import type { Delivery } from './deliver-output.js';
import type { UploadOptions } from './upload-options.js';
import { webhookPayload, type ExportFacts } from './webhook-payload.js';

/** Where finished exports go and who hears of them, resolved at the CLI edge. */
export interface DeliveryOptions {
  upload: UploadOptions | null;
  webhook: WebhookOptions | null;
}

/** The facts a webhook carries, from what the job returned (the test seams return less). */
export function exportFacts(source: string, sender: string, output: string, result: Partial<JobResult>): ExportFacts {
  return {
    source,
    sender,
    output,
    recordingId: result.recording?.recordId,
    meetingName: result.recording?.meetingName,
    duration: result.duration,
    engine: result.engine,
    checks: result.checks,
  };
}

/** Uploads `file` (with `upload`), then fires the done webhook; returns the upload's report. */
export async function deliverExport(
  file: string,
  facts: ExportFacts,
  options: { upload: UploadOptions | null; webhook: WebhookSender | null; signal: AbortSignal | undefined },
): Promise<Delivery | null> {
  // The AWS SDK (a large load) only when there is something to upload.
  const delivery = options.upload ? await (await import('./deliver-output.js')).deliverOutput(file, { upload: options.upload, signal: options.signal }) : null;
  options.webhook?.send(webhookPayload(facts, { delivery }));
  return delivery;
}
