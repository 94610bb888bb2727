/** slides_new.xml: the public chat as BBB's popcorn timeline. */
import { escapeXml } from './escape-xml.js';
import { formatSeconds } from './format-seconds.js';
import type { SamplePlan } from './plan-sample.js';

export function chatXml(plan: SamplePlan): string {
  const lines = plan.chat.map(
    (c) =>
      `  <chattimeline in="${formatSeconds(c.time)}" direction="down" name="${escapeXml(c.name)}" chatEmphasizedText="false" senderRole="${c.role}" message="${escapeXml(c.message)}" target="chat"/>`,
  );
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<popcorn>', ...lines, '</popcorn>', ''].join('\n');
}
