/** Progress of one capture, as typed events; the CLI draws a bar or prints JSON lines. */

export type RecordStage = 'metadata' | 'browser' | 'player' | 'engine' | 'capture' | 'sync' | 'mux' | 'verify' | 'publish' | 'done';

export type RecordEvent =
  | { type: 'stage'; stage: RecordStage; message: string }
  /** Which engine exports the recording, and why (auto decides per recording); `none` for audio-only formats (no browser). */
  | { type: 'engine'; engine: 'capture' | 'render' | 'none'; reason: string }
  | { type: 'progress'; position: number; duration: number; elapsedMs: number }
  | { type: 'warning'; message: string }
  | { type: 'log'; source: 'chromium' | 'page' | 'ffmpeg'; line: string };
