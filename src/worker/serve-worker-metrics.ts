/**
 * A worker's Prometheus metrics (`worker --metrics-port N`), served at /metrics: jobs done and
 * failed by error code, job wall time and realtime factor (seconds of recording per second of
 * work), captures running now, the queue's depth by state (read from Redis at each scrape, so
 * every worker of a farm reports the same queue), the video frames written and the webcam frames
 * delivered (as verify counted them in each file, by packet times). Fed by the worker's own events.
 */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CaptureError } from '../errors.js';
import type { WorkerEvent } from './run-worker.js';

/** The queue states reported as bbb_capture_queue_jobs{state}. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** What the metrics server needs. */
export interface WorkerMetricsOptions {
  host: string;
  port: number;
  /** Counts of the queue's jobs by state (BullMQ's Queue.getJobCounts). */
  queueCounts: () => Promise<Record<string, number>>;
  /** This worker's name, a label on every metric (farms scrape several). */
  worker: string;
}

/** A running metrics server. */
export interface WorkerMetrics {
  /** Where it listens (`http://host:port/metrics`). */
  url: string;
  /** Feed every WorkerEvent here. */
  observe(event: WorkerEvent): void;
  close(): Promise<void>;
}

/** Starts the metrics server; throws USAGE when the port cannot be bound. */
export async function serveWorkerMetrics(options: WorkerMetricsOptions): Promise<WorkerMetrics> {
  const register = new Registry();
  register.setDefaultLabels({ worker: options.worker });
  collectDefaultMetrics({ register, prefix: 'bbb_capture_process_' });
  const jobs = new Counter({
    name: 'bbb_capture_jobs_total',
    help: 'Jobs this worker finished, by outcome (done, failed, retry) and error code',
    labelNames: ['outcome', 'code'] as const,
    registers: [register],
  });
  const duration = new Histogram({
    name: 'bbb_capture_job_duration_seconds',
    help: 'Wall time of finished jobs',
    // Parts of a few minutes up to long lectures exported in real time.
    buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400],
    registers: [register],
  });
  const realtime = new Histogram({
    name: 'bbb_capture_job_realtime_factor',
    help: 'Seconds of recording exported per second of wall time (capture engine about 1, render engine above)',
    buckets: [0.25, 0.5, 0.75, 0.9, 1, 1.5, 2, 3, 5, 10, 20],
    registers: [register],
  });
  const frames = new Counter({
    name: 'bbb_capture_video_frames_total',
    help: 'Video frames written in the exports this worker verified (counted in each file, no decode)',
    registers: [register],
  });
  const webcamExpected = new Counter({
    name: 'bbb_capture_webcam_frames_expected_total',
    help: 'Webcam frames of the recordings that the verified exports should show',
    registers: [register],
  });
  const webcamDelivered = new Counter({
    name: 'bbb_capture_webcam_frames_delivered_total',
    help: 'Of those, the webcam frames with a frame at their own time in the file (by packet times, no decode)',
    registers: [register],
  });
  const webcamRatio = new Histogram({
    name: 'bbb_capture_webcam_frames_delivered_ratio',
    help: 'Per export: webcam frames delivered / expected (1 when every one is there)',
    // Fine steps near 1: one frame missing in a minute of a 30 fps webcam is 0.9994.
    buckets: [0.5, 0.9, 0.99, 0.999, 0.9999, 1],
    registers: [register],
  });
  const active = new Gauge({ name: 'bbb_capture_active_captures', help: 'Jobs this worker is running now', registers: [register] });
  const running = new Set<string>();
  new Gauge({
    name: 'bbb_capture_queue_jobs',
    help: 'Jobs in the queue by state',
    labelNames: ['state'] as const,
    registers: [register],
    async collect() {
      const counts = await options.queueCounts().catch(() => null);
      // Redis out of reach: no sample rather than a false zero.
      if (!counts) return;
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });

  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.statusCode = 404;
      res.end('not found: metrics are at /metrics\n');
      return;
    }
    register.metrics().then(
      (text) => {
        res.setHeader('content-type', register.contentType);
        res.end(text);
      },
      (error: unknown) => {
        res.statusCode = 500;
        res.end(`${(error as Error).message}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new CaptureError('USAGE', `--metrics-port ${options.port}: cannot listen on ${options.host}:${options.port} (${error.code ?? error.message})`, { cause: error })),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    observe(event) {
      switch (event.type) {
        case 'job-start':
          running.add(event.jobId);
          break;
        case 'job-done':
          jobs.inc({ outcome: 'done', code: '' });
          duration.observe(event.wallMs / 1000);
          if (event.wallMs > 0) realtime.observe(event.durationS / (event.wallMs / 1000));
          if (event.videoFrames) frames.inc(event.videoFrames);
          if (event.webcamFrames && event.webcamFrames.expected > 0) {
            webcamExpected.inc(event.webcamFrames.expected);
            webcamDelivered.inc(event.webcamFrames.delivered);
            webcamRatio.observe(event.webcamFrames.delivered / event.webcamFrames.expected);
          }
          running.delete(event.jobId);
          break;
        case 'job-failed':
          jobs.inc({ outcome: event.willRetry ? 'retry' : 'failed', code: event.code });
          running.delete(event.jobId);
          break;
        case 'job-requeued':
        case 'job-lock-lost':
          running.delete(event.jobId);
          break;
        default:
          return;
      }
      active.set(running.size);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
