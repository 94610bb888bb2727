/** caption_en.vtt: WebVTT cues of the plan's captions. */
import { formatClock, type SamplePlan } from './plan-sample.js';

export const CAPTION_LOCALE = { locale: 'en', localeName: 'English' } as const;

export function captionsVtt(plan: SamplePlan): string {
  const cues = plan.captions.map((c, i) => `${i + 1}\n${formatClock(c.start)} --> ${formatClock(c.end)}\n${c.text}\n`);
  return ['WEBVTT', '', ...cues].join('\n');
}
