/**
 * A small WebVTT reader, enough to move a caption file onto an export's timeline: the header
 * block, STYLE and REGION blocks (kept as they are), and the cues with their identifiers,
 * settings and text. Cues whose timing line is broken are skipped, as a browser skips them; a
 * file that does not start with the WEBVTT signature is refused, as a browser refuses it.
 */

/** One cue: [start, end) in seconds, the settings after its timing, its text lines. */
export interface WebVttCue {
  id: string;
  start: number;
  end: number;
  settings: string;
  text: string;
}

/** A parsed WebVTT file. */
export interface WebVttFile {
  /** The first block (the `WEBVTT` line and any header lines). */
  header: string;
  /** STYLE and REGION blocks, in order (they may only come before the first cue). */
  blocks: string[];
  cues: WebVttCue[];
}

/** What parseWebVtt returns: the file, or why it is not one. */
export type WebVttParse = { ok: true; file: WebVttFile } | { ok: false; reason: string };

const TIMESTAMP = /^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;

/** Seconds of a WebVTT timestamp (`mm:ss.ttt` or `hh:mm:ss.ttt`), or NaN. */
function webVttSeconds(stamp: string): number {
  const m = TIMESTAMP.exec(stamp);
  if (!m) return Number.NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

/** Parses WebVTT text. */
export function parseWebVtt(text: string): WebVttParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  // The signature: "WEBVTT" alone or followed by a space or a tab (WebVTT § 4.1).
  if (!/^WEBVTT(?:$|[ \t])/.test(lines[0] ?? '')) return { ok: false, reason: 'it does not start with "WEBVTT"' };
  const groups: string[][] = [[]];
  for (const line of lines) {
    if (line.trim() === '') {
      if (groups.at(-1)!.length > 0) groups.push([]);
    } else groups.at(-1)!.push(line);
  }
  const [header, ...rest] = groups.filter((g) => g.length > 0);
  const file: WebVttFile = { header: header!.join('\n'), blocks: [], cues: [] };
  for (const block of rest) {
    const timing = block.findIndex((line) => line.includes('-->'));
    if (timing < 0 || timing > 1) {
      if (file.cues.length === 0 && /^(?:STYLE|REGION)(?:$|[ \t])/.test(block[0]!)) file.blocks.push(block.join('\n'));
      // NOTE blocks and stray text are not cues.
      continue;
    }
    const m = /^(\S+)[ \t]+-->[ \t]+(\S+)(.*)$/.exec(block[timing]!);
    const start = m ? webVttSeconds(m[1]!) : Number.NaN;
    const end = m ? webVttSeconds(m[2]!) : Number.NaN;
    if (!(end > start)) continue;
    file.cues.push({ id: timing === 1 ? block[0]! : '', start, end, settings: m![3]!.trim(), text: block.slice(timing + 1).join('\n') });
  }
  return { ok: true, file };
}
