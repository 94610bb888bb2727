/**
 * Draws record events: a progress bar with elapsed time and ETA on a TTY (cli-progress, so the
 * redraw logic is not ours to maintain), JSON lines with --json or when stdout is not a TTY.
 */
import cliProgress from 'cli-progress';
import type { RecordEvent } from '../progress/record-event.js';

export interface ProgressReporter {
  onEvent(event: RecordEvent): void;
  stop(): void;
}

/** Seconds as m:ss or h:mm:ss, for bars and ETAs. */
export const clock = (s: number): string => {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`;
};

/** Chooses bar or JSON lines; verbose adds Chromium, page and ffmpeg logs (to stderr). */
export function createProgressReporter(options: {
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  label?: string;
}): ProgressReporter {
  const { stdout, stderr } = options;
  if (options.json || !stdout.isTTY) {
    const started = Date.now();
    let lastProgress = 0;
    return {
      onEvent(event) {
        if (event.type === 'log' && !options.verbose) return;
        // One progress line a second is plenty for a log.
        if (event.type === 'progress') {
          if (Date.now() - lastProgress < 1000) return;
          lastProgress = Date.now();
        }
        if (!options.json && options.quiet && event.type !== 'warning') return;
        const line = JSON.stringify({ time: new Date().toISOString(), elapsedMs: Date.now() - started, ...(options.label ? { item: options.label } : {}), ...event });
        (event.type === 'log' ? stderr : stdout).write(`${line}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {percentage}% | {position} / {total} | elapsed {elapsed} | ETA {eta} | {stage}',
      barsize: 30,
      hideCursor: true,
      stream: stderr,
      formatValue: (value, _options, type) => (type === 'value' || type === 'total' ? clock(value) : String(value)),
    },
    cliProgress.Presets.shades_classic,
  );
  let active = false;
  let started = Date.now();
  return {
    onEvent(event) {
      if (event.type === 'stage') {
        if (event.stage === 'capture') {
          started = Date.now();
          bar.start(1, 0, { stage: 'capturing', position: clock(0), elapsed: clock(0), eta: '?' });
          active = true;
        } else if (active) bar.update({ stage: event.message });
        else if (!options.quiet) stderr.write(`${event.message}\n`);
        if (event.stage === 'done' && active) {
          bar.stop();
          active = false;
        }
      } else if (event.type === 'progress' && active) {
        const elapsed = (Date.now() - started) / 1000;
        const rate = event.position > 0 ? elapsed / event.position : 0;
        bar.setTotal(Math.max(1, Math.round(event.duration)));
        bar.update(Math.round(event.position), {
          elapsed: clock(elapsed),
          position: clock(event.position),
          eta: rate ? clock((event.duration - event.position) * rate) : '?',
        });
      } else if (event.type === 'warning') {
        stderr.write(`${active ? '\n' : ''}warning: ${event.message}\n`);
      } else if (event.type === 'log' && options.verbose) {
        stderr.write(`${active ? '\n' : ''}[${event.source}] ${event.line}\n`);
      }
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}
