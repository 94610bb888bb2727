/**
 * Which engine exports a recording. The render engine is frame-exact and faster than real time,
 * whatever the machine's load; it needs a player it can step: one that keeps time by its
 * `bbbplaybacktimeupdate` event (bbb-playback 3.0 on) or by polling its webcams media
 * (bbb-playback 2.3.x), see docs/how-it-works.md; a
 * recording with nothing it cannot step (external videos play from another site, in real time),
 * and H.264 output. Anything else is captured in real time, which shows whatever the page does.
 */
import { CaptureError } from '../errors.js';
import { isAudioFormat } from '../options/audio-format.js';
import type { ClockContract } from '../player/read-clock-contract.js';
import type { EngineChoice, ExportFormat } from '../options/record-options.js';
import type { Engine } from './job-options.js';

/** The choice and, in words, why; `none` for audio-only formats, written from the media without a browser. */
export interface EngineDecision {
  engine: Engine | 'none';
  reason: string;
}

/** What the choice depends on; `clockContract` is undefined until the player page has been opened. */
export interface EngineFacts {
  format: ExportFormat;
  /** The recording plays external videos (external_videos.json lists some). */
  externalVideos: boolean;
  /** The clock the player keeps (readClockContract); undefined: not known yet. */
  clockContract: ClockContract | undefined;
}

/**
 * The decision, or undefined when it needs the player (auto or render before the page is open).
 * Throws NOT_A_BBB_PLAYER when the render engine is asked for a player without the clock contract.
 */
export function chooseEngine(requested: EngineChoice, facts: EngineFacts): EngineDecision | undefined {
  // The sound is the recording's own media, cut by samples: no page to play or step, whichever engine was named.
  if (isAudioFormat(facts.format)) return { engine: 'none', reason: `audio only: no browser${requested === 'auto' ? '' : ` (--engine ${requested} is for video)`}` };
  if (requested === 'capture') return { engine: 'capture', reason: 'asked for (--engine capture)' };
  if (requested === 'auto') {
    if (facts.format === 'webm') return { engine: 'capture', reason: 'WebM output: the render engine writes H.264' };
    if (facts.externalVideos) return { engine: 'capture', reason: 'the recording plays external videos, which only play in real time' };
  }
  if (facts.clockContract === undefined) return undefined;
  if (facts.clockContract === 'none') {
    if (requested === 'render')
      throw new CaptureError(
        'NOT_A_BBB_PLAYER',
        'the render engine steps the player by its time event (bbbplaybacktimeupdate) or by the poll of its webcams media it starts on play, and this player keeps neither: use --engine capture or auto',
      );
    return { engine: 'capture', reason: 'the player neither keeps time by bbbplaybacktimeupdate nor polls its webcams media, so it cannot be stepped' };
  }
  if (requested === 'render') return { engine: 'render', reason: 'asked for (--engine render)' };
  return facts.clockContract === 'polled'
    ? { engine: 'render', reason: 'the player polls its webcams media for its time (polled media clock, bbb-playback 2.3): frame-exact rendering' }
    : { engine: 'render', reason: 'the player keeps the clock contract: frame-exact rendering' };
}
