/**
 * Draws batch events: on a TTY, one bar per capture in flight under an overall bar (cli-progress
 * MultiBar); otherwise (or with --json) JSON lines on stdout, capture progress at most once a
 * second per item.
 */
import cliProgress from 'cli-progress';
import type { BatchEvent } from '../batch/batch-events.js';
import { clock } from './progress-reporter.js';

export interface BatchProgressReporter {
  onEvent(event: BatchEvent): void;
  stop(): void;
}

const shorten = (text: string, width: number) => (text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`);

/** Chooses bars or JSON lines; verbose passes Chromium, page and ffmpeg logs through (stderr). */
export function createBatchProgressReporter(options: {
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}): BatchProgressReporter {
  const { stdout, stderr } = options;
  if (options.json || !stdout.isTTY) {
    const lastProgress = new Map<number, number>();
    const started = Date.now();
    return {
      onEvent(event) {
        if (event.type === 'item-event') {
          const inner = event.event;
          if (inner.type === 'log' && !options.verbose) return;
          if (inner.type === 'progress') {
            if (Date.now() - (lastProgress.get(event.index) ?? 0) < 1000) return;
            lastProgress.set(event.index, Date.now());
          }
          if (options.quiet && !options.json && inner.type !== 'warning') return;
          const line = JSON.stringify({ time: new Date().toISOString(), elapsedMs: Date.now() - started, item: event.index, output: event.output, ...inner });
          (inner.type === 'log' ? stderr : stdout).write(`${line}\n`);
          return;
        }
        if (options.quiet && !options.json && event.type !== 'item-failed') return;
        stdout.write(`${JSON.stringify({ time: new Date().toISOString(), elapsedMs: Date.now() - started, ...event })}\n`);
      },
      stop() {},
    };
  }

  const multibar = new cliProgress.MultiBar(
    {
      format: ' {label} {bar} {value}/{total} {unit} | {info}',
      barsize: 24,
      hideCursor: true,
      stream: stderr,
      clearOnComplete: false,
      stopOnComplete: false,
      autopadding: true,
      formatValue: (value, _o, type) => (type === 'value' || type === 'total' ? String(value) : String(value)),
    },
    cliProgress.Presets.shades_classic,
  );
  let overall: cliProgress.SingleBar | undefined;
  let total = 0;
  let finished = 0;
  let failed = 0;
  const started = Date.now();
  const bars = new Map<number, { bar: cliProgress.SingleBar; started: number; stage: string }>();
  const overallInfo = () => {
    const elapsed = (Date.now() - started) / 1000;
    const eta = finished > 0 && total > finished ? clock((elapsed / finished) * (total - finished)) : '?';
    return `${failed} failed | elapsed ${clock(elapsed)} | ETA ${eta}`;
  };
  const log = (line: string) => multibar.log(`${line}\n`);
  return {
    onEvent(event) {
      switch (event.type) {
        case 'batch-start':
          total = event.toRun;
          // Items that failed while names were decided are not part of the captures to come.
          finished = 0;
          overall = multibar.create(Math.max(1, total), 0, { label: shorten(`batch x${event.concurrency}`, 28), unit: 'items', info: overallInfo() });
          if (event.alreadyDone > 0) log(`${event.alreadyDone} done by an earlier run, skipped`);
          break;
        case 'item-start': {
          const bar = multibar.create(1, 0, { label: shorten(event.output, 28), unit: '', info: event.attempt > 1 ? `attempt ${event.attempt}` : 'starting' });
          bars.set(event.index, { bar, started: Date.now(), stage: 'starting' });
          break;
        }
        case 'item-event': {
          const slot = bars.get(event.index);
          const inner = event.event;
          if (!slot) break;
          if (inner.type === 'stage') {
            slot.stage = inner.stage;
            slot.bar.update({ info: inner.stage });
          } else if (inner.type === 'progress') {
            const elapsed = (Date.now() - slot.started) / 1000;
            slot.bar.setTotal(Math.max(1, Math.round(inner.duration)));
            slot.bar.update(Math.round(inner.position), { unit: 's', info: `${slot.stage} ${clock(inner.position)}/${clock(inner.duration)} elapsed ${clock(elapsed)}` });
          } else if (inner.type === 'warning') log(`warning: ${event.output}: ${inner.message}`);
          else if (inner.type === 'log' && options.verbose) log(`[${event.output} ${inner.source}] ${inner.line}`);
          break;
        }
        case 'item-retry': {
          const slot = bars.get(event.index);
          if (slot) multibar.remove(slot.bar);
          bars.delete(event.index);
          log(`retry in ${Math.round(event.delayMs / 1000)} s: ${event.url}: ${event.code}: ${event.message}`);
          break;
        }
        case 'item-done':
        case 'item-failed':
        case 'item-interrupted': {
          const slot = bars.get(event.index);
          if (slot) multibar.remove(slot.bar);
          bars.delete(event.index);
          if (event.type === 'item-failed') {
            failed++;
            log(`failed: ${event.output ?? event.url}: ${event.code}: ${event.message}`);
          }
          if (event.type !== 'item-interrupted') finished++;
          overall?.update(finished, { info: overallInfo() });
          break;
        }
        case 'batch-end':
          overall?.update(finished, { info: overallInfo() });
          break;
        default:
          break;
      }
    },
    stop() {
      multibar.stop();
    },
  };
}
