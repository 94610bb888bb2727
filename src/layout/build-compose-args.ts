/**
 * The ffmpeg command that composes a layout's frame: background, the aligned content capture in
 * its box, and camera tiles cropped from the recording's own webcams video. Pure and unit-tested.
 *
 * Tiles are one `overlay` per (camera interval, tile), shown only during its interval, not a concat of
 * per-interval segments: every branch consumes the same decoded webcam frames in step, so nothing
 * is buffered, the content is encoded once, and a switch lands on the exact output frame whose
 * time crosses the boundary. The cost grows with intervals × tiles (a crop and a scale at the
 * webcams' 15 fps each), small beside the H.264 encode for the tens of joins a meeting has.
 */
import type { Box } from '../frame-code/raster.js';
import type { OutputFormat } from '../compose/output-format.js';
import { OUTPUT_COLOUR_ARGS, RGB_TO_OUTPUT, toOutputColour, type Matrix } from '../compose/colour.js';
import type { CameraInterval } from './detect-camera-tiles.js';
import type { LayoutSpec } from './layout-spec.js';
import { fitInBox, placeStack } from './place-tiles.js';

/** A tile shown from `start` to `end` (output seconds): `crop` of the webcams video drawn at `place`. */
export interface TilePlacement {
  start: number;
  end: number;
  crop: Box;
  place: Box;
}

/** Where each camera tile goes, interval by interval (intervals in output time). */
export function placeTiles(spec: LayoutSpec, intervals: readonly CameraInterval[], webcams: { width: number; height: number }): TilePlacement[] {
  const out: TilePlacement[] = [];
  for (const region of spec.regions) {
    const { source } = region;
    if (source.kind === 'webcams') {
      const start = intervals[0]?.start ?? 0;
      const end = intervals.at(-1)?.end ?? 0;
      out.push({ start, end, crop: { x: 0, y: 0, w: webcams.width, h: webcams.height }, place: fitInBox(webcams.width, webcams.height, region.box) });
    }
    for (const interval of intervals) {
      if (source.kind === 'presenters') {
        placeStack(interval.tiles, region.box).forEach((place, i) => {
          out.push({ start: interval.start, end: interval.end, crop: interval.tiles[i]!, place });
        });
      } else if (source.kind === 'presenter') {
        const tile = interval.tiles[source.index];
        if (tile) out.push({ start: interval.start, end: interval.end, crop: tile, place: fitInBox(tile.w, tile.h, region.box) });
      }
    }
  }
  return out;
}

/** Camera intervals of the recording moved to output time (t=0 = media `from`), cut to [0, duration]. */
export function toOutputTime(intervals: readonly CameraInterval[], from: number, duration: number): CameraInterval[] {
  return intervals.map((i) => ({ ...i, start: Math.max(0, i.start - from), end: Math.min(duration, i.end - from) })).filter((i) => i.end > i.start);
}

export interface ComposePlan {
  /** The aligned content capture (t=0 = media `from`), with the meeting audio. */
  content: string;
  /** The recording's webcams video, read from media time `from`. */
  webcams?: { file: string; width: number; height: number; fps: number; matrix: Matrix } | undefined;
  from: number;
  spec: LayoutSpec;
  /** Camera intervals in output time. */
  intervals: CameraInterval[];
  duration: number;
  /**
   * Constant output frame rate; undefined: a frame wherever the picture changes, stepped by the
   * clocks below (required then).
   */
  fps: number | undefined;
  /**
   * ffconcat lists of a tiny picture at every instant a frame is needed (output time): `main` at
   * every content frame and webcam frame, `webcams` at every webcam frame (the per-presenter files).
   */
  clocks?: { main: string; webcams: string } | undefined;
  format: OutputFormat;
  crf: number;
  output: string;
  /** Also write the webcam area alone (for --split), same timeline and length. */
  webcamsOutput?: string | undefined;
  /**
   * Also write one file per presenter (for --split): the size of the presenter's largest tile in
   * the recording (its own pixels, not scaled up to the layout), each tile fitted in it while the
   * camera is on, black while it is off; same timeline, frame rate and length.
   * `presenter` numbers the tiles of `intervals` (PresenterInterval.presenters, output time).
   */
  presenterOutputs?: ReadonlyArray<{ presenter: number; file: string; intervals: ReadonlyArray<{ start: number; end: number; tile: Box }> }> | undefined;
}

/** Each presenter's tile, interval by interval (for --split), from intervals numbered by trackPresenters. */
export function presenterTracks(intervals: ReadonlyArray<CameraInterval & { presenters: readonly number[] }>): Map<number, Array<{ start: number; end: number; tile: Box }>> {
  const tracks = new Map<number, Array<{ start: number; end: number; tile: Box }>>();
  for (const interval of intervals) {
    interval.presenters.forEach((presenter, i) => {
      const track = tracks.get(presenter) ?? [];
      tracks.set(presenter, track);
      track.push({ start: interval.start, end: interval.end, tile: interval.tiles[i]! });
    });
  }
  return new Map([...tracks.entries()].sort((a, b) => a[0] - b[0]));
}

const fmt = (n: number) => n.toFixed(6);

function encodeArgs(format: OutputFormat, crf: number): string[] {
  // Tagged as what the composition holds: BT.709 limited range (compose/colour.ts).
  if (format === 'webm') return ['-c:v', 'libvpx-vp9', '-crf', String(crf), '-b:v', '0', '-row-mt', '1', '-deadline', 'good', '-cpu-used', '4', ...OUTPUT_COLOUR_ARGS];
  return ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(crf), '-pix_fmt', 'yuv420p', ...OUTPUT_COLOUR_ARGS];
}

function outputArgs(plan: ComposePlan, video: string, file: string): string[] {
  return [
    '-map',
    video,
    // The meeting audio of the content capture, already aligned and cut: copied, not re-encoded.
    '-map',
    '0:a:0?',
    '-c:a',
    'copy',
    ...encodeArgs(plan.format, plan.crf),
    // Without --fps every frame keeps its own time (the clocks put them where the picture changes).
    ...(plan.fps === undefined ? ['-fps_mode', 'passthrough'] : []),
    '-t',
    fmt(plan.duration),
    ...(plan.format === 'mp4' ? ['-movflags', '+faststart'] : []),
    '-f',
    plan.format === 'mkv' ? 'matroska' : plan.format,
    file,
  ];
}

/** The whole ffmpeg command line for a composition. */
export function buildComposeArgs(plan: ComposePlan): string[] {
  const { spec } = plan;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', plan.content];
  const tiles = plan.webcams ? placeTiles(spec, plan.intervals, plan.webcams) : [];
  // Per-presenter files: each of a presenter's tiles fitted into a frame of its largest tile.
  const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
  const presenters = (plan.webcams ? (plan.presenterOutputs ?? []) : []).map((p) => {
    const largest = p.intervals.reduce((a, i) => (i.tile.w * i.tile.h > a.w * a.h ? i.tile : a), { x: 0, y: 0, w: 0, h: 0 });
    const frame: Box = { x: 0, y: 0, w: even(largest.w), h: even(largest.h) };
    return { file: p.file, frame, tiles: p.intervals.map((i) => ({ start: i.start, end: i.end, crop: i.tile, place: fitInBox(i.tile.w, i.tile.h, frame) })) };
  });
  const presenterTiles = presenters.flatMap((p) => p.tiles);
  const needWebcams = plan.webcams !== undefined && (tiles.length > 0 || plan.webcamsOutput !== undefined || presenterTiles.length > 0);
  const graph: string[] = [];
  let nextInput = 1;
  if (needWebcams) {
    const cams = plan.webcams!;
    // Accurate seek to half a frame before the frame that covers `from`, so that frame is kept.
    const covering = Math.floor(plan.from * cams.fps + 1e-6);
    const seek = Math.max(0, (covering - 0.5) / cams.fps);
    args.push('-ss', fmt(seek), '-i', cams.file);
    const branches = tiles.length + (plan.webcamsOutput ? 1 : 0) + presenterTiles.length;
    // WebM stores milliseconds, so frame 1 at 15 fps says 67 ms, after the output frame at 66.67 ms
    // that should show it: snap each frame to its exact frame time n/fps (in a fine time base)
    // and move media time `from` to t=0.
    const retime = `settb=1/90000,setpts=(round((T+${fmt(seek)})*${cams.fps})/${cams.fps}-${fmt(plan.from)})/TB`;
    // Converted to the output's colours as Chromium reads the webcams video (compose/colour.ts).
    graph.push(`[${nextInput}:v]${retime},${toOutputColour(cams.matrix, 'tv')},split=${branches}${Array.from({ length: branches }, (_, i) => `[w${i}]`).join('')}`);
    nextInput++;
  }
  const bg = spec.background;
  // Without --fps the background is one still frame stacked with a clock (xstack makes a frame
  // whenever any input has one, holding the other; the clock's rows are cropped away): the
  // output gets a frame exactly where the content or a webcam changes, as in compose/video-layers.
  const vfr = plan.fps === undefined;
  if (vfr && !plan.clocks) throw new RangeError('a composition without --fps needs its clocks');
  const clockInput = (list: string) => {
    args.push('-f', 'concat', '-safe', '0', '-i', list);
    return nextInput++;
  };
  const stepped = (still: string, clock: number, w: number, h: number, label: string) => {
    graph.push(
      `${still}[${label}still]`,
      `[${clock}:v]format=yuv420p[${label}clock]`,
      `[${label}still][${label}clock]xstack=inputs=2:layout=0_0|0_h0,crop=${w}:${h}:0:0[${label}]`,
    );
  };
  const mainClock = vfr ? clockInput(plan.clocks!.main) : -1;
  const webcamsClock = vfr && (plan.presenterOutputs ?? []).length > 0 && plan.webcams ? clockInput(plan.clocks!.webcams) : -1;
  if ('image' in bg) {
    if (vfr) {
      args.push('-i', bg.image);
      stepped(`[${nextInput}:v]scale=${spec.width}:${spec.height},setsar=1,${RGB_TO_OUTPUT}`, mainClock, spec.width, spec.height, 's0');
    } else {
      // A still picture repeated at the output rate for the whole length.
      args.push('-loop', '1', '-framerate', String(plan.fps), '-t', fmt(plan.duration), '-i', bg.image);
      graph.push(`[${nextInput}:v]scale=${spec.width}:${spec.height},setsar=1,${RGB_TO_OUTPUT}[s0]`);
    }
    nextInput++;
  } else if (vfr) {
    stepped(`color=c=0x${bg.color.slice(1)}:s=${spec.width}x${spec.height}:r=25:d=0.04,${RGB_TO_OUTPUT}`, mainClock, spec.width, spec.height, 's0');
  } else {
    // The background is the main overlay input: its constant rate is the output's frame rate.
    graph.push(`color=c=0x${bg.color.slice(1)}:s=${spec.width}x${spec.height}:r=${plan.fps}:d=${fmt(plan.duration)},${RGB_TO_OUTPUT}[s0]`);
  }
  let stage = 0;
  const content = spec.regions.find((r) => r.source.kind === 'content');
  if (content) {
    // The capture was made at exactly the box's size; scale only guards against an odd capture size.
    graph.push(`[0:v]scale=${content.box.w}:${content.box.h},setsar=1[content]`);
    graph.push(`[s0][content]overlay=${content.box.x}:${content.box.y}[s1]`);
    stage = 1;
  }
  /** Draws `tile` over the chain `[prefix${from}]`, giving `[prefix${from + 1}]`. */
  const drawTile = (tile: TilePlacement, branch: number, prefix: string, from: number) => {
    const { crop, place } = tile;
    graph.push(`[w${branch}]crop=${crop.w}:${crop.h}:${crop.x}:${crop.y},scale=${place.w}:${place.h},setsar=1[t${branch}]`);
    // Outside its interval the tile is placed beyond the right edge (x=W), so nothing is drawn.
    // Not `enable=`: a framesync filter evaluates it on whichever input's frame it consumed last,
    // often the webcam frame ahead, which switched tiles one output frame early. The position is
    // evaluated on the main (background) frame's time. gte/lt: a boundary frame shows only the new layout.
    graph.push(`[${prefix}${from}][t${branch}]overlay=x='if(gte(t\\,${fmt(tile.start)})*lt(t\\,${fmt(tile.end)})\\,${place.x}\\,W)':y=${place.y}:eval=frame[${prefix}${from + 1}]`);
  };
  tiles.forEach((tile, i) => {
    drawTile(tile, i, 's', stage++);
  });
  graph.push(`[s${stage}]null[out]`);
  let branch = tiles.length;
  // The webcam area alone: its own frames (at their exact times), or a constant rate with --fps.
  if (plan.webcamsOutput && plan.webcams) graph.push(`[w${branch++}]${vfr ? '' : `fps=${plan.fps},`}setsar=1,format=yuv420p[cams]`);
  presenters.forEach((presenter, p) => {
    if (vfr) stepped(`color=c=black:s=${presenter.frame.w}x${presenter.frame.h}:r=25:d=0.04,format=yuv420p`, webcamsClock, presenter.frame.w, presenter.frame.h, `p${p}s0`);
    else graph.push(`color=c=black:s=${presenter.frame.w}x${presenter.frame.h}:r=${plan.fps}:d=${fmt(plan.duration)},format=yuv420p[p${p}s0]`);
    presenter.tiles.forEach((tile, i) => {
      drawTile(tile, branch++, `p${p}s`, i);
    });
    graph.push(`[p${p}s${presenter.tiles.length}]null[p${p}]`);
  });
  args.push('-filter_complex', graph.join(';'));
  args.push(...outputArgs(plan, '[out]', plan.output));
  if (plan.webcamsOutput && plan.webcams) args.push(...outputArgs(plan, '[cams]', plan.webcamsOutput));
  presenters.forEach((presenter, p) => {
    args.push(...outputArgs(plan, `[p${p}]`, presenter.file));
  });
  return args;
}
