/** deskshare.xml: the screen-share interval and the share's picture size. */
import { formatSeconds } from './format-seconds.js';
import { DESKSHARE_HEIGHT, DESKSHARE_WIDTH, type SamplePlan } from './plan-sample.js';

export function deskshareXml(plan: SamplePlan): string {
  const share = plan.screenshare;
  const events = share
    ? [
        `  <event start_timestamp="${formatSeconds(share.start)}" stop_timestamp="${formatSeconds(share.end)}" video_width="${DESKSHARE_WIDTH}" video_height="${DESKSHARE_HEIGHT}"/>`,
      ]
    : [];
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<recording id="deskshare_events">', ...events, '</recording>', ''].join('\n');
}
