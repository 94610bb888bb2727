/**
 * The timeline of a synthetic recording, decided once and in one place: which slide shows when,
 * where the cameras sit, when the screen share, zoom, shapes, cursor, chat and captions happen.
 * Every file of the recording and the ground-truth JSON are rendered from this plan, so they can
 * never disagree. Pure: the same options always give the same plan.
 *
 * Events follow fractions of the duration (so a 4 s and a 1 h sample have the same story) and
 * fall on 0.1 s steps, as BBB rounds its event times and as the player's 10 Hz clock sees them.
 */
import type { Box } from '../frame-code/raster.js';
import { layoutCameraGrid } from '../layout/layout-camera-grid.js';
import type { ResolvedSampleOptions } from './sample-options.js';
import { sampleIdentity } from './sample-identity.js';
import type { SampleVariant } from './sample-truth.js';
import { TONE_SCHEDULE, toneStartSamples, type ToneSchedule } from './tone-schedule.js';

export const WEBCAMS_WIDTH = 640;
export const WEBCAMS_HEIGHT = 480;
export const SLIDE_WIDTH = 1600;
export const SLIDE_HEIGHT = 1200;
export const DESKSHARE_WIDTH = 1280;
export const DESKSHARE_HEIGHT = 720;
export const DESKSHARE_FPS = 15;
export const SLIDE_COUNT = 4;
/** The BBB version a tldraw sample claims (≥ 3.0.0 makes the player use tldraw v2). */
export const TLDRAW_BBB_VERSION = '3.0.4';

/** One `<image>` of shapes.svg: a stretch during which one slide (or the screen share) is shown. */
export interface PlannedImage {
  /** BBB's image number (`image<id>`, `canvas<id>`), 1-based in order of showing. */
  id: number;
  start: number;
  end: number;
  /** Slide number N (1-based), or null while the screen share is on. */
  slide: number | null;
}

/** A camera of the composite, and the frames [start, end) during which it is on. */
export interface PlannedCamera {
  channel: number;
  startFrame: number;
  endFrame: number;
}

/** A stretch of frames with the same cameras on, and where each camera's picture is. */
export interface LayoutSegment {
  startFrame: number;
  endFrame: number;
  cameras: Array<{ channel: number; box: Box }>;
}

export type ShapeKind = 'pencil' | 'line' | 'rectangle' | 'text';

/** A whiteboard shape. Coordinates are slide pixels (SLIDE_WIDTH × SLIDE_HEIGHT). */
export interface PlannedShape {
  /** BBB's shape unique id (the number in `shape="image1-pencil3"`). */
  id: number;
  kind: ShapeKind;
  slide: number;
  /**
   * Successive versions (a pencil stroke grows); each replaces the one before from its time on.
   * pencil: x,y pairs; line and rectangle: x1 y1 x2 y2; text: x y width height.
   */
  versions: Array<{ time: number; points: number[] }>;
  /** Time the shape is undone, or null. */
  undo: number | null;
  /** CSS colour, never a code colour. */
  color: string;
  thickness: number;
  text?: string;
  /** Bounding box of the final version. */
  box: Box;
}

export interface PlannedCursor {
  time: number;
  /** Fractions of the slide; -1 while hidden. */
  x: number;
  y: number;
}

export interface SamplePlan {
  variant: SampleVariant;
  recordId: string;
  externalId: string;
  meetingName: string;
  startTimeMs: number;
  presentationId: string;
  /** Exact length, seconds (frameCount / fps). */
  duration: number;
  whiteboard: 'svg' | 'tldraw';
  /** Absent for audio-only recordings. */
  webcams?: {
    width: number;
    height: number;
    fps: number;
    frameCount: number;
    cameras: PlannedCamera[];
    segments: LayoutSegment[];
  };
  audio: { sampleRate: number; channels: number; totalSamples: number; tone: ToneSchedule; toneStarts: number[] };
  slideCount: number;
  images: PlannedImage[];
  /** The screen share, on deskshare frames [startFrame, endFrame) at DESKSHARE_FPS. */
  screenshare?: { start: number; end: number; startFrame: number; endFrame: number; frameCount: number };
  /** Zoom into the top-left quarter of a slide, [start, end). */
  zoom: { start: number; end: number };
  panzooms: Array<{ time: number; viewBox: [number, number, number, number] }>;
  shapes: PlannedShape[];
  cursor: PlannedCursor[];
  chat: Array<{ time: number; name: string; role: 'MODERATOR' | 'VIEWER'; message: string }>;
  captions: Array<{ start: number; end: number; text: string }>;
  polls: Array<{ time: number; question: string; answers: Array<{ id: number; key: string; numVotes: number }>; responders: number }>;
}

/** Seconds as 00:01:23.456, as the frames and captions print it. */
export function formatClock(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (v: number, n = 2) => String(v).padStart(n, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Builds the plan for resolved options. */
export function planSample(options: ResolvedSampleOptions): SamplePlan {
  const { variant, duration, fps, frameCount } = options;
  const identity = sampleIdentity(variant, duration, fps);
  // Work in whole deciseconds: every event time is then exact in decimal, like BBB's.
  const totalDs = Math.floor(duration * 10 + 1e-9);
  const ds = (fraction: number) => Math.min(totalDs - 1, Math.max(0, Math.round(fraction * duration * 10)));
  const sec = (d: number) => d / 10;
  /** A time at `fraction`, but at least `min` deciseconds. */
  const at = (fraction: number, min: number) => Math.max(ds(fraction), min);

  // Slides: 1 → 2 (zoom in and out) → 3 (screen share in the middle) → back to 2 → 4.
  const slideChanges: Array<{ t: number; slide: number }> = [];
  for (const [fraction, slide] of [
    [0, 1],
    [0.15, 2],
    [0.35, 3],
    [0.65, 2],
    [0.8, 4],
  ] as const) {
    const prev = slideChanges.at(-1);
    slideChanges.push({ t: prev ? at(fraction, prev.t + 3) : 0, slide });
  }
  const slideAt = (t: number) => slideChanges.filter((c) => c.t <= t).at(-1)!.slide;
  const showStart = (i: number) => slideChanges[i]!.t;
  const showEnd = (i: number) => slideChanges[i + 1]?.t ?? totalDs;

  // Screen share on slide 3's showing, on 0.2 s steps so it starts on a whole deskshare frame.
  const even = (d: number, round: (v: number) => number) => round(d / 2) * 2;
  // A lecture is slides, whiteboard, cursor and one camera: no screen share.
  const hasShare = variant !== 'audioonly' && variant !== 'lecture';
  const shareStart = even(Math.max(ds(0.45), showStart(2) + 1), Math.ceil);
  const shareEnd = even(Math.min(Math.max(ds(0.55), shareStart + 2), showEnd(2) - 1), Math.floor);

  const images: PlannedImage[] = [];
  const boundaries = new Set<number>(slideChanges.map((c) => c.t));
  if (hasShare) {
    boundaries.add(shareStart);
    boundaries.add(shareEnd);
  }
  const cuts = [...boundaries].sort((a, b) => a - b);
  cuts.forEach((t, i) => {
    const slide = hasShare && t >= shareStart && t < shareEnd ? null : slideAt(t);
    const end = cuts[i + 1] ?? totalDs;
    const last = images.at(-1);
    if (last && last.slide === slide) last.end = sec(end);
    else images.push({ id: images.length + 1, start: sec(t), end: sec(end), slide });
  });

  // Zoom into the top-left quarter during slide 2's first showing.
  const zoomStart = Math.max(ds(0.2), showStart(1) + 1);
  const zoomEnd = Math.min(Math.max(ds(0.3), zoomStart + 1), showEnd(1) - 1);
  const full: [number, number, number, number] = [0, 0, SLIDE_WIDTH, SLIDE_HEIGHT];
  const panzooms: SamplePlan['panzooms'] = [
    { time: 0, viewBox: full },
    { time: sec(zoomStart), viewBox: [0, 0, SLIDE_WIDTH / 2, SLIDE_HEIGHT / 2] },
    { time: sec(zoomEnd), viewBox: full },
  ];
  if (hasShare) {
    // BBB sizes the view to deskshare.png while sharing and restores the slide's afterwards.
    panzooms.push({ time: sec(shareStart), viewBox: [0, 0, DESKSHARE_WIDTH, DESKSHARE_HEIGHT] }, { time: sec(shareEnd), viewBox: full });
  }

  const shapes = planShapes({ at, sec, showStart, showEnd, zoomEnd });
  const cursor = planCursor(totalDs, [[zoomStart, zoomEnd], ...(hasShare ? [[shareStart, shareEnd] as [number, number]] : []), [ds(0.7), Math.max(ds(0.75), ds(0.7) + 1)]]);

  const chatAt = [0.02, 0.12, 0.3, 0.5, 0.7, 0.9];
  const chat = chatAt.map((fraction, i) => {
    const time = sec(ds(fraction));
    return {
      time,
      name: i % 2 === 0 ? 'Alice Presenter' : 'Bob Viewer',
      role: i % 2 === 0 ? ('MODERATOR' as const) : ('VIEWER' as const),
      message: `Chat message ${i + 1} at ${formatClock(time)} & <ok>`,
    };
  });

  // A cue every 4 s from 1 s, each 3 s long, ending within the recording.
  const captions: SamplePlan['captions'] = [];
  for (let start = 10, i = 1; start + 30 <= totalDs; start += 40, i++) {
    captions.push({ start: sec(start), end: sec(start + 30), text: `Caption ${i} at ${formatClock(sec(start))}` });
  }

  const polls = [
    {
      time: Math.floor(duration * 0.6),
      question: 'Is this recording synthetic?',
      answers: [
        { id: 0, key: 'Yes', numVotes: 3 },
        { id: 1, key: 'No', numVotes: 1 },
      ],
      responders: 4,
    },
  ];

  const totalSamples = Math.round(duration * TONE_SCHEDULE.sampleRate);
  const shareStartFrame = (shareStart / 10) * DESKSHARE_FPS;
  const shareEndFrame = (shareEnd / 10) * DESKSHARE_FPS;
  return {
    variant,
    recordId: identity.recordId,
    externalId: identity.externalId,
    meetingName: `bbb-capture sample (${variant}, ${formatClock(duration)})`,
    startTimeMs: identity.startTimeMs,
    presentationId: identity.presentationId,
    duration,
    whiteboard: variant === 'tldraw' ? 'tldraw' : 'svg',
    ...(variant === 'audioonly' ? {} : { webcams: planWebcams(variant, fps, frameCount) }),
    audio: { sampleRate: TONE_SCHEDULE.sampleRate, channels: 2, totalSamples, tone: TONE_SCHEDULE, toneStarts: toneStartSamples(totalSamples) },
    slideCount: SLIDE_COUNT,
    images,
    ...(hasShare
      ? {
          screenshare: {
            start: sec(shareStart),
            end: sec(shareEnd),
            startFrame: Math.round(shareStartFrame),
            endFrame: Math.round(shareEndFrame),
            frameCount: Math.max(Math.round(duration * DESKSHARE_FPS), Math.round(shareEndFrame)),
          },
        }
      : {}),
    zoom: { start: sec(zoomStart), end: sec(zoomEnd) },
    panzooms: panzooms.sort((a, b) => a.time - b.time),
    shapes,
    cursor,
    chat,
    captions,
    polls,
  };
}

function planWebcams(variant: SampleVariant, fps: number, frameCount: number): NonNullable<SamplePlan['webcams']> {
  const f = (fraction: number) => Math.round(fraction * frameCount);
  const cameras: PlannedCamera[] =
    variant === 'twocams'
      ? [
          { channel: 0, startFrame: 0, endFrame: frameCount },
          { channel: 1, startFrame: f(0.2), endFrame: f(0.8) },
        ]
      : variant === 'fourcams'
        ? [
            { channel: 0, startFrame: 0, endFrame: frameCount },
            { channel: 1, startFrame: f(0.1), endFrame: frameCount },
            { channel: 2, startFrame: f(0.3), endFrame: f(0.7) },
            { channel: 3, startFrame: f(0.5), endFrame: f(0.9) },
          ]
        : [{ channel: 0, startFrame: 0, endFrame: frameCount }];
  const cuts = [...new Set(cameras.flatMap((c) => [c.startFrame, c.endFrame]))].filter((n) => n < frameCount).sort((a, b) => a - b);
  const segments = cuts.map((startFrame, i) => {
    const on = cameras.filter((c) => c.startFrame <= startFrame && startFrame < c.endFrame);
    const boxes = layoutCameraGrid(on.length, WEBCAMS_WIDTH, WEBCAMS_HEIGHT);
    return { startFrame, endFrame: cuts[i + 1] ?? frameCount, cameras: on.map((c, j) => ({ channel: c.channel, box: boxes[j]! })) };
  });
  return { width: WEBCAMS_WIDTH, height: WEBCAMS_HEIGHT, fps, frameCount, cameras, segments };
}

/**
 * Shapes, all in the bottom-right part of the slides (x ≥ 850 or y ≥ 650), away from the slide
 * code in the top-left quarter, so no drawing ever hides the code.
 */
function planShapes(t: {
  at: (fraction: number, min: number) => number;
  sec: (ds: number) => number;
  showStart: (i: number) => number;
  showEnd: (i: number) => number;
  zoomEnd: number;
}): PlannedShape[] {
  const { at, sec, showStart, showEnd, zoomEnd } = t;
  // Pencil on slide 1: a zigzag that grows in two steps.
  const zig = [900, 760, 1000, 900, 1100, 760, 1200, 900, 1300, 760, 1400, 900, 1500, 760];
  const pencil1 = at(0.05, showStart(0) + 1);
  const pencil2 = at(0.07, pencil1 + 1);
  const line1 = at(0.1, pencil2 + 1);
  // On slide 2 after the zoom: it is drawn again when slide 2 comes back.
  const line2 = Math.min(at(0.32, zoomEnd), showEnd(1) - 1);
  // On slide 3: a rectangle that is undone, and a text that stays.
  const rect = at(0.38, showStart(2) + 1);
  const text = at(0.4, rect + 1);
  const undo = at(0.42, text + 1);
  return [
    {
      id: 1,
      kind: 'pencil',
      slide: 1,
      versions: [
        { time: sec(pencil1), points: zig.slice(0, 8) },
        { time: sec(pencil2), points: zig },
      ],
      undo: null,
      color: '#ff0000',
      thickness: 8,
      box: { x: 900, y: 760, w: 600, h: 140 },
    },
    {
      id: 2,
      kind: 'line',
      slide: 1,
      versions: [{ time: sec(line1), points: [900, 1050, 1500, 1120] }],
      undo: null,
      color: '#0000ff',
      thickness: 8,
      box: { x: 900, y: 1050, w: 600, h: 70 },
    },
    {
      id: 3,
      kind: 'line',
      slide: 2,
      versions: [{ time: sec(line2), points: [100, 1100, 1500, 700] }],
      undo: null,
      color: '#008000',
      thickness: 10,
      box: { x: 100, y: 700, w: 1400, h: 400 },
    },
    {
      id: 4,
      kind: 'rectangle',
      slide: 3,
      versions: [{ time: sec(rect), points: [900, 700, 1450, 1100] }],
      undo: sec(undo),
      color: '#0000ff',
      thickness: 8,
      box: { x: 900, y: 700, w: 550, h: 400 },
    },
    {
      id: 5,
      kind: 'text',
      slide: 3,
      versions: [{ time: sec(text), points: [150, 900, 700, 120] }],
      undo: null,
      color: '#000000',
      thickness: 0,
      text: 'Synthetic text 42',
      box: { x: 150, y: 900, w: 700, h: 120 },
    },
  ];
}

/**
 * Cursor: hidden at first, then every 0.5 s a point on a slow Lissajous path in the lower right of
 * the slide; hidden during the given [start, end) stretches (zoom, screen share, one more).
 */
function planCursor(totalDs: number, hidden: Array<[number, number]>): PlannedCursor[] {
  const times = new Set<number>([0]);
  for (let t = 5; t < totalDs; t += 5) times.add(t);
  for (const [start, end] of hidden) {
    times.add(start);
    if (end < totalDs) times.add(end);
  }
  const events: PlannedCursor[] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const isHidden = t < 5 || hidden.some(([start, end]) => t >= start && t < end);
    const s = t / 10;
    const x = isHidden ? -1 : round4(0.55 + 0.35 * (0.5 + 0.5 * Math.sin((2 * Math.PI * s) / 11)));
    const y = isHidden ? -1 : round4(0.55 + 0.35 * (0.5 + 0.5 * Math.sin((2 * Math.PI * s) / 7)));
    const last = events.at(-1);
    // Like BBB: no event when nothing changed.
    if (last && last.x === x && last.y === y) continue;
    events.push({ time: s, x, y });
  }
  return events;
}

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
