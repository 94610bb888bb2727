/** The ground truth (bbb-capture-sample.json) of a plan: what the meter compares exports with. */
import { cameraCodeBox, CAMERA_COLORS, deskshareCodeBox, SLIDE_CODE_BOX } from './draw-sample-pictures.js';
import { DESKSHARE_FPS, DESKSHARE_HEIGHT, DESKSHARE_WIDTH, SLIDE_HEIGHT, SLIDE_WIDTH, type SamplePlan } from './plan-sample.js';
import type { CameraTruth, SampleTruth } from './sample-truth.js';
import { CAPTION_LOCALE } from './captions-vtt.js';
import { slideHref } from './shapes-svg.js';

export const WEBCAMS_FILE = 'video/webcams.webm';
export const AUDIO_ONLY_FILE = 'audio/audio.webm';
export const DESKSHARE_FILE = 'deskshare/deskshare.webm';

export function sampleTruthFromPlan(plan: SamplePlan): SampleTruth {
  const { webcams, audio } = plan;
  const cameras: CameraTruth[] = (webcams?.cameras ?? []).map((camera) => ({
    channel: camera.channel,
    color: [...CAMERA_COLORS[camera.channel % CAMERA_COLORS.length]!] as [number, number, number],
    intervals: webcams!.segments.flatMap((segment) =>
      segment.cameras
        .filter((c) => c.channel === camera.channel)
        .map((c) => ({ start: segment.startFrame / webcams!.fps, end: segment.endFrame / webcams!.fps, box: c.box, codeBox: cameraCodeBox(c.box) })),
    ),
  }));
  // Neighbouring segments with the same box are one interval for the meter.
  for (const camera of cameras) {
    camera.intervals = camera.intervals.reduce<CameraTruth['intervals']>((merged, interval) => {
      const last = merged.at(-1);
      if (last && last.end === interval.start && JSON.stringify(last.box) === JSON.stringify(interval.box)) last.end = interval.end;
      else merged.push(interval);
      return merged;
    }, []);
  }
  return {
    version: 1,
    variant: plan.variant,
    recordId: plan.recordId,
    meetingName: plan.meetingName,
    startTimeMs: plan.startTimeMs,
    presentationId: plan.presentationId,
    whiteboard: plan.whiteboard,
    duration: plan.duration,
    audio: { file: webcams ? WEBCAMS_FILE : AUDIO_ONLY_FILE, codec: 'opus', sampleRate: audio.sampleRate, channels: audio.channels },
    ...(webcams ? { webcams: { file: WEBCAMS_FILE, width: webcams.width, height: webcams.height, fps: webcams.fps, frameCount: webcams.frameCount, cameras } } : {}),
    tones: {
      frequency: audio.tone.frequency,
      lengthMs: (audio.tone.lengthSamples / audio.sampleRate) * 1000,
      times: audio.toneStarts.map((s) => s / audio.sampleRate),
      amplitude: audio.tone.amplitude,
      sampleRate: audio.sampleRate,
    },
    slides: plan.images.flatMap((image) => (image.slide === null ? [] : [{ start: image.start, end: image.end, index: image.slide, file: slideHref(plan, image.slide) }])),
    slidePicture: { width: SLIDE_WIDTH, height: SLIDE_HEIGHT, codeBox: SLIDE_CODE_BOX },
    ...(plan.screenshare
      ? {
          screenshare: {
            file: DESKSHARE_FILE,
            fps: DESKSHARE_FPS,
            width: DESKSHARE_WIDTH,
            height: DESKSHARE_HEIGHT,
            intervals: [{ start: plan.screenshare.start, end: plan.screenshare.end }],
            frameCount: plan.screenshare.frameCount,
            codeBox: deskshareCodeBox(DESKSHARE_WIDTH, DESKSHARE_HEIGHT),
          },
        }
      : {}),
    shapes: plan.shapes.map((s) => ({
      id: `shape${s.id}`,
      kind: s.kind,
      start: s.versions[0]!.time,
      end: s.undo,
      slide: s.slide,
      box: s.box,
      ...(s.text === undefined ? {} : { text: s.text }),
    })),
    cursor: plan.cursor.map((c) => ({ ...c })),
    chat: plan.chat.map((c) => ({ time: c.time, name: c.name, message: c.message })),
    panzooms: plan.panzooms.map((p) => ({ time: p.time, viewBox: [...p.viewBox] as [number, number, number, number] })),
    captions: { locale: CAPTION_LOCALE.locale, file: `caption_${CAPTION_LOCALE.locale}.vtt`, cues: plan.captions.map((c) => ({ ...c })) },
    polls: plan.polls.map((p) => ({ time: p.time, question: p.question })),
  };
}
