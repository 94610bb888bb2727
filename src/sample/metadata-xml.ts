/** metadata.xml of a sample, laid out as BBB's publish step writes it. */
import { escapeXml } from './escape-xml.js';
import { TLDRAW_BBB_VERSION, type SamplePlan } from './plan-sample.js';

/** The address the sample claims to be published at; nothing fetches it. */
export const SAMPLE_HOST = 'http://localhost';

export function metadataXml(plan: SamplePlan): string {
  const durationMs = Math.round(plan.duration * 1000);
  const name = escapeXml(plan.meetingName);
  const participants = (plan.webcams?.cameras.length ?? 1) + 1;
  const thumb = plan.slideCount > 0 ? `${SAMPLE_HOST}/presentation/${plan.recordId}/presentation/${plan.presentationId}/thumbnails/thumb-1.png` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<recording>
  <id>${plan.recordId}</id>
  <state>published</state>
  <published>true</published>
  <start_time>${plan.startTimeMs}</start_time>
  <end_time>${plan.startTimeMs + durationMs}</end_time>
  <participants>${participants}</participants>
  <rawSize>0</rawSize>
  <meeting id="${plan.recordId}" externalId="${escapeXml(plan.externalId)}" name="${name}" breakout="false"/>
  <meta>
    <isBreakout>false</isBreakout>
    <meetingId>${escapeXml(plan.externalId)}</meetingId>
    <meetingName>${name}</meetingName>
    <bbb-origin-version>${plan.whiteboard === 'tldraw' ? TLDRAW_BBB_VERSION : '2.5.0'}</bbb-origin-version>
  </meta>
  <breakout parentMeetingId="" sequence="0" freeJoin="false"/>
  <playback>
    <format>presentation</format>
    <link>${SAMPLE_HOST}/playback/presentation/2.3/${plan.recordId}</link>
    <processing_time>0</processing_time>
    <duration>${durationMs}</duration>
    <extensions>
      <preview>
        <images>
          <image width="176" height="136" alt="Slide 1">${thumb}</image>
        </images>
      </preview>
    </extensions>
  </playback>
</recording>
`;
}
