/**
 * `probe`: what a recording holds, read from its published files and from the pixels of its
 * webcams video: length, content kinds, camera intervals with tile boxes and presenter numbers,
 * slide changes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { fetchRecordingInfo } from '../recording/fetch-recording-info.js';
import { parsePlaybackUrl } from '../recording/parse-playback-url.js';
import { downloadFile, fetchTimelineDocuments } from '../recording/fetch-recording-files.js';
import { findCameraIntervals } from './find-camera-intervals.js';
import { trackPresenters, type PresenterInterval } from './track-presenters.js';

export interface RecordingProbe {
  duration: number;
  content: {
    slides: boolean;
    /** How the whiteboard is stored: shapes.svg drawings, tldraw.json, or none drawn. */
    whiteboard: 'svg' | 'tldraw' | null;
    screenshare: boolean;
    webcams: boolean;
    audioOnly: boolean;
  };
  /** Webcam composite size and frame rate; null for audio-only recordings. */
  webcams: { width: number; height: number; fps: number } | null;
  /** Camera intervals: tile boxes in grid order, and which presenter (1, 2, …) each tile shows. */
  cameras: PresenterInterval[];
  /** Slide changes of shapes.svg: from `time` on, slide `image` is shown. */
  slides: Array<{ time: number; image: string }>;
  screenshare: Array<{ start: number; end: number }>;
}

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** Slide changes from shapes.svg: each `<image class="slide" in=…>` in order of time. */
export function slideChanges(shapesSvg: string): RecordingProbe['slides'] {
  const slides = [...shapesSvg.matchAll(/<image\b[^>]*>/g)]
    .map((m) => m[0])
    .filter((tag) => attr(tag, 'class') === 'slide' || attr(tag, 'in') !== undefined)
    .map((tag) => ({ time: Number(attr(tag, 'in')), image: attr(tag, 'xlink:href') ?? attr(tag, 'href') ?? '' }))
    .filter((s) => Number.isFinite(s.time));
  return slides.sort((a, b) => a.time - b.time);
}

/** Screen-share intervals from deskshare.xml. */
export function screenshareIntervals(deskshareXml: string): RecordingProbe['screenshare'] {
  return [...deskshareXml.matchAll(/<event\b[^>]*>/g)]
    .map((m) => ({ start: Number(attr(m[0], 'start_timestamp')), end: Number(attr(m[0], 'stop_timestamp')) }))
    .filter((e) => Number.isFinite(e.start) && Number.isFinite(e.end));
}

/** Probes a recording by its playback URL. */
export async function probeRecording(url: string, options: { tools: FfmpegTools; signal?: AbortSignal | undefined }): Promise<RecordingProbe> {
  const target = parsePlaybackUrl(url);
  const recording = await fetchRecordingInfo(target, { signal: options.signal });
  const { docs, deskshareXml } = await fetchTimelineDocuments(target.filesUrl, options.signal);
  const [shapesSvg] = docs.xml;
  const [tldrawJson] = docs.json;
  const slides = slideChanges(shapesSvg ?? '');
  const screenshare = screenshareIntervals(deskshareXml);
  let cameras: (Awaited<ReturnType<typeof findCameraIntervals>> & { intervals: PresenterInterval[] }) | null = null;
  if (recording.media === 'video') {
    const dir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-probe-'));
    try {
      const file = path.join(dir, `webcams${path.extname(new URL(recording.mediaUrl).pathname) || '.webm'}`);
      await downloadFile(recording.mediaUrl, file, options.signal);
      const found = await findCameraIntervals(file, options);
      cameras = { ...found, intervals: await trackPresenters(file, found, options) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const drawsSvg = /class="shape"/.test(shapesSvg ?? '');
  return {
    duration: cameras?.duration ?? recording.duration,
    content: {
      slides: slides.length > 0 || Boolean(tldrawJson),
      whiteboard: tldrawJson ? 'tldraw' : drawsSvg ? 'svg' : null,
      screenshare: screenshare.length > 0,
      webcams: cameras?.intervals.some((i) => i.tiles.length > 0) ?? false,
      audioOnly: recording.media === 'audio',
    },
    webcams: cameras ? { width: cameras.width, height: cameras.height, fps: cameras.fps } : null,
    cameras: cameras?.intervals ?? [],
    slides,
    screenshare,
  };
}
