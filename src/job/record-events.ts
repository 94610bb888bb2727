/** Progress of one capture, as typed events; the CLI draws a bar or prints JSON lines. */

export type RecordStage = 'metadata' | 'browser' | 'player' | 'engine' | 'capture' | 'sync' | 'mux' | 'verify' | 'done';

export type RecordEvent =
  | { type: 'stage'; stage: RecordStage; message: string }
  /** Which engine exports the recording, and why (auto decides per recording). */
  | { type: 'engine'; engine: 'capture' | 'render'; reason: string }
  | { type: 'progress'; position: number; duration: number; elapsedMs: number }
  | { type: 'warning'; message: string }
  | { type: 'log'; source: 'chromium' | 'page' | 'ffmpeg'; line: string };
