/**
 * Which engine exports a recording. The render engine is frame-exact and faster than real time,
 * whatever the machine's load; it needs the player to keep time by its `bbbplaybacktimeupdate`
 * event (the clock contract every bbb-playback from 3.x on keeps, see docs/how-it-works.md), a
 * recording with nothing it cannot step (external videos play from another site, in real time),
 * and H.264 output. Anything else is captured in real time, which shows whatever the page does.
 */
import { CaptureError } from '../errors.js';
import { isAudioFormat } from '../engines/audio/audio-format.js';
import type { EngineChoice, ExportFormat } from './record-options.js';
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
  /** The player listens to its time event; undefined: not known yet. */
  clockContract: boolean | undefined;
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
  if (!facts.clockContract) {
    if (requested === 'render')
      throw new CaptureError(
        'NOT_A_BBB_PLAYER',
        'the render engine steps the player by its time event (bbbplaybacktimeupdate), and this player does not listen to it: use --engine capture or auto',
      );
    return { engine: 'capture', reason: 'the player does not keep time by bbbplaybacktimeupdate, so it cannot be stepped' };
  }
  return requested === 'render'
    ? { engine: 'render', reason: 'asked for (--engine render)' }
    : { engine: 'render', reason: 'the player keeps the clock contract: frame-exact rendering' };
}
