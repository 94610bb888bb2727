/** Reads the ground truth a synthetic recording carries (written by the sample generator). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError } from '../errors.js';
import { SAMPLE_TRUTH_FILE, type SampleTruth } from '../sample/sample-truth.js';

/** Loads `<recordingDir>/bbb-capture-sample.json`; throws USAGE when it is absent or not version 1. */
export async function readSampleTruth(recordingDir: string): Promise<SampleTruth> {
  const file = path.join(recordingDir, SAMPLE_TRUTH_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CaptureError('USAGE', `no ${SAMPLE_TRUTH_FILE} in ${recordingDir}: the meter needs a synthetic recording made by \`bbb-capture sample\``, { cause: error });
  }
  let truth: SampleTruth;
  try {
    truth = JSON.parse(text) as SampleTruth;
  } catch (error) {
    throw new CaptureError('USAGE', `${file} is not valid JSON`, { cause: error });
  }
  if (truth.version !== 1 || typeof truth.duration !== 'number' || !truth.tones) {
    throw new CaptureError('USAGE', `${file} is not a version 1 sample truth file`);
  }
  return truth;
}
