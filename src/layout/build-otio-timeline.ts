/**
 * The editor hand-off of a --split export: an OpenTimelineIO timeline (the JSON `.otio` format that
 * DaVinci Resolve, Kdenlive, Premiere (through adapters) and OTIO's own tools read) stacking the
 * split files as tracks on one timeline, each a clip of the whole file referenced by a URL relative
 * to the timeline, with a marker on the content clip at every slide change. Schema names and
 * versions are those OTIO writes (Timeline.1, Stack.1, Track.1, Clip.2, ExternalReference.1,
 * Marker.2, TimeRange.1, RationalTime.1); times are frames at the output's frame rate.
 */
import path from 'node:path';

/** What goes on the timeline. */
export interface OtioInput {
  name: string;
  /** The output's frame rate: every time is a whole number of its frames. */
  rate: number;
  /** Length of every split file, seconds. */
  duration: number;
  /** Directory of the .otio file: references are relative to it. */
  dir: string;
  tracks: ReadonlyArray<{ name: string; kind: 'Video' | 'Audio'; file: string; markers?: ReadonlyArray<{ time: number; name: string }> }>;
}

type Json = Record<string, unknown>;

const rationalTime = (value: number, rate: number): Json => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value });

function timeRange(start: number, duration: number, rate: number): Json {
  return { OTIO_SCHEMA: 'TimeRange.1', start_time: rationalTime(start, rate), duration: rationalTime(duration, rate) };
}

/** A relative file URL: each path segment percent-encoded ("a b.mp4" → "a%20b.mp4"). */
export function relativeFileUrl(dir: string, file: string): string {
  return path.relative(dir, file).split(path.sep).map(encodeURIComponent).join('/');
}

/** The timeline as OTIO JSON (an object; JSON.stringify it). */
export function buildOtioTimeline(input: OtioInput): Json {
  const { rate } = input;
  const frames = Math.round(input.duration * rate);
  const children = input.tracks.map((track) => ({
    OTIO_SCHEMA: 'Track.1',
    name: track.name,
    kind: track.kind,
    source_range: null,
    effects: [],
    markers: [],
    enabled: true,
    metadata: {},
    children: [
      {
        OTIO_SCHEMA: 'Clip.2',
        name: path.basename(track.file),
        source_range: timeRange(0, frames, rate),
        effects: [],
        markers: (track.markers ?? [])
          .map((m) => ({ frame: Math.round(m.time * rate), name: m.name }))
          .filter((m) => m.frame >= 0 && m.frame < frames)
          .map((m) => ({ OTIO_SCHEMA: 'Marker.2', name: m.name, color: 'RED', marked_range: timeRange(m.frame, 0, rate), comment: '', metadata: {} })),
        enabled: true,
        metadata: {},
        media_references: {
          DEFAULT_MEDIA: {
            OTIO_SCHEMA: 'ExternalReference.1',
            name: path.basename(track.file),
            target_url: relativeFileUrl(input.dir, track.file),
            available_range: timeRange(0, frames, rate),
            available_image_bounds: null,
            metadata: {},
          },
        },
        active_media_reference_key: 'DEFAULT_MEDIA',
      },
    ],
  }));
  return {
    OTIO_SCHEMA: 'Timeline.1',
    name: input.name,
    global_start_time: rationalTime(0, rate),
    metadata: {},
    tracks: { OTIO_SCHEMA: 'Stack.1', name: 'tracks', source_range: null, effects: [], markers: [], enabled: true, metadata: {}, children },
  };
}
