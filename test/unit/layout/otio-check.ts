/**
 * A structural check of an OTIO JSON timeline as OTIO documents it: every object's schema and
 * version, rational times at one rate, clip ranges inside their media, markers inside their clip,
 * and every external reference a relative URL to a file that exists (when `dir` is given).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

type Json = Record<string, unknown>;

function rational(t: unknown, rate: number, where: string): number {
  const r = t as Json;
  if (r?.OTIO_SCHEMA !== 'RationalTime.1') throw new Error(`${where}: not a RationalTime.1`);
  if (r.rate !== rate) throw new Error(`${where}: rate ${String(r.rate)}, expected ${rate}`);
  if (!Number.isInteger(r.value)) throw new Error(`${where}: value ${String(r.value)} is not a whole frame`);
  return r.value as number;
}

function range(t: unknown, rate: number, where: string): { start: number; duration: number } {
  const r = t as Json;
  if (r?.OTIO_SCHEMA !== 'TimeRange.1') throw new Error(`${where}: not a TimeRange.1`);
  const out = { start: rational(r.start_time, rate, `${where}.start_time`), duration: rational(r.duration, rate, `${where}.duration`) };
  if (out.duration < 0) throw new Error(`${where}: negative duration`);
  return out;
}

/** Returns the markers found (track name, frame, name); throws naming the first problem. */
export function checkOtio(doc: Json, rate: number, dir?: string): Array<{ track: string; frame: number; name: string }> {
  if (doc.OTIO_SCHEMA !== 'Timeline.1') throw new Error('not a Timeline.1');
  rational(doc.global_start_time, rate, 'global_start_time');
  const stack = doc.tracks as Json;
  if (stack?.OTIO_SCHEMA !== 'Stack.1' || !Array.isArray(stack.children)) throw new Error('tracks is not a Stack.1');
  const markers: Array<{ track: string; frame: number; name: string }> = [];
  for (const track of stack.children as Json[]) {
    if (track.OTIO_SCHEMA !== 'Track.1' || (track.kind !== 'Video' && track.kind !== 'Audio')) throw new Error(`${String(track.name)}: not a Video/Audio Track.1`);
    for (const clip of track.children as Json[]) {
      const where = `${String(track.name)}/${String(clip.name)}`;
      if (clip.OTIO_SCHEMA !== 'Clip.2') throw new Error(`${where}: not a Clip.2`);
      const refs = clip.media_references as Record<string, Json>;
      const ref = refs?.[clip.active_media_reference_key as string];
      if (ref?.OTIO_SCHEMA !== 'ExternalReference.1') throw new Error(`${where}: active reference is not an ExternalReference.1`);
      const url = String(ref.target_url);
      if (/^[a-z]+:/i.test(url) || url.startsWith('/')) throw new Error(`${where}: ${url} is not a relative URL`);
      if (dir && !existsSync(path.join(dir, ...url.split('/').map(decodeURIComponent)))) throw new Error(`${where}: ${url} does not exist`);
      const available = range(ref.available_range, rate, `${where}.available_range`);
      const source = range(clip.source_range, rate, `${where}.source_range`);
      if (source.start < available.start || source.start + source.duration > available.start + available.duration) throw new Error(`${where}: source range outside the media`);
      for (const marker of clip.markers as Json[]) {
        if (marker.OTIO_SCHEMA !== 'Marker.2') throw new Error(`${where}: marker is not a Marker.2`);
        const at = range(marker.marked_range, rate, `${where} marker`);
        if (at.start < source.start || at.start >= source.start + source.duration) throw new Error(`${where}: marker at ${at.start} outside the clip`);
        markers.push({ track: String(track.name), frame: at.start, name: String(marker.name) });
      }
    }
  }
  return markers;
}
