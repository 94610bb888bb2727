/**
 * Code that runs inside the player page: captures the tab's own video and audio with
 * getDisplayMedia (no extension, no display server) and records it with MediaRecorder, handing
 * each chunk to Node as it arrives so nothing accumulates in the page. Also plays the sync clip
 * (coded frames and a beep) that maps the page clock to the captured file's time.
 */

export interface RecorderRequest {
  width: number;
  height: number;
  maxFps: number;
  videoBitsPerSecond: number;
  audioBitsPerSecond: number;
  mimeType: string;
  /** Name of the exposed binding that receives chunks: (sequence, base64). */
  sink: string;
  timesliceMs: number;
}

export interface RecorderStarted {
  mimeType: string;
  width: number | undefined;
  height: number | undefined;
  audioTracks: number;
  startedAt: number;
}

declare global {
  interface Window {
    __bbbRecorder?: { recorder: MediaRecorder; stream: MediaStream; pending: Set<Promise<unknown>>; failure: string | null; sequence: number };
  }
}

/** Starts capturing the tab; resolves once the recorder has started. */
export async function startRecorder(request: RecorderRequest): Promise<RecorderStarted> {
  const stream = await navigator.mediaDevices.getDisplayMedia({
    video: {
      width: { ideal: request.width, max: request.width },
      height: { ideal: request.height, max: request.height },
      frameRate: { ideal: request.maxFps, max: request.maxFps },
    },
    // The defaults turn on speech filters and give mono.
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 2, sampleRate: 48000 },
    preferCurrentTab: true,
    selfBrowserSurface: 'include',
    surfaceSwitching: 'exclude',
  } as DisplayMediaStreamOptions);
  const sink = (window as unknown as Record<string, (seq: number, data: string) => Promise<void>>)[request.sink]!;
  const recorder = new MediaRecorder(stream, {
    mimeType: request.mimeType,
    videoBitsPerSecond: request.videoBitsPerSecond,
    audioBitsPerSecond: request.audioBitsPerSecond,
  });
  const state = { recorder, stream, pending: new Set<Promise<unknown>>(), failure: null as string | null, sequence: 0 };
  window.__bbbRecorder = state;
  recorder.ondataavailable = (event) => {
    if (event.data.size === 0) return;
    const sequence = state.sequence++;
    const job = new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      // The data URL's type holds commas (codecs=avc1,opus); the payload follows ';base64,'.
      reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(';base64,') + 8));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(event.data);
    })
      .then((base64) => sink(sequence, base64))
      .catch((error: unknown) => (state.failure = String(error)))
      .finally(() => state.pending.delete(job));
    state.pending.add(job);
  };
  recorder.onerror = (event) => (state.failure = String((event as unknown as { error?: unknown }).error ?? 'MediaRecorder error'));
  const settings = stream.getVideoTracks()[0]?.getSettings();
  await new Promise<void>((resolve) => {
    recorder.onstart = () => resolve();
    recorder.start(request.timesliceMs);
  });
  return { mimeType: recorder.mimeType, width: settings?.width, height: settings?.height, audioTracks: stream.getAudioTracks().length, startedAt: performance.now() };
}

/** The recorder's failure, if any (polled with the player status). */
export function recorderFailure(): string | null {
  return window.__bbbRecorder?.failure ?? null;
}

/** Stops the recorder and waits until every chunk has been handed to Node. */
export async function stopRecorder(): Promise<void> {
  const state = window.__bbbRecorder;
  if (!state) return;
  // Each wait is bounded: a recorder that never stops, or a chunk Node never takes, is an error
  // the caller reports, not a hang.
  const within = (what: string, ms: number, wait: Promise<unknown>) =>
    Promise.race([wait, new Promise((_r, reject) => setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms))]);
  if (state.recorder.state !== 'inactive') {
    await within(
      'stopping the recorder',
      10_000,
      new Promise<void>((resolve) => {
        state.recorder.onstop = () => resolve();
        state.recorder.stop();
      }),
    );
  }
  const handedOver = (async () => {
    while (state.pending.size > 0) await Promise.all(Array.from(state.pending));
  })();
  await within('handing the last chunks over', 30_000, handedOver);
  for (const track of state.stream.getTracks()) track.stop();
}

/**
 * Plays the sync clip in the top-left quarter of the page and returns every clip frame that was displayed: its
 * media time (s) and when it was displayed on the page clock (ms). Finding the same frames (by
 * their codes) and the clip's beep in the captured file maps the page clock to file time.
 */
export async function playSyncClip(url: string): Promise<Array<[number, number]>> {
  const clip = document.createElement('video');
  clip.src = url;
  clip.preload = 'auto';
  // A quarter of the page (SYNC_CLIP_AREA): a whole page changing every frame is more than a loaded
  // machine's VP8 encoder keeps up with, and the frames it drops are the measurement.
  clip.style.cssText = 'position:fixed;left:0;top:0;width:25vw;height:25vh;z-index:2147483647;background:#000;object-fit:fill;';
  document.body.appendChild(clip);
  // The clip is served from memory by the route: if it has not loaded in 30 s, it never will.
  await new Promise<void>((resolve, reject) => {
    if (clip.readyState >= 3) return resolve();
    clip.addEventListener('canplaythrough', () => resolve(), { once: true });
    clip.addEventListener('error', () => reject(new Error(`sync clip failed to load: ${clip.error?.message ?? ''}`)), { once: true });
    setTimeout(() => reject(new Error('sync clip did not load in 30 s')), 30_000);
  });
  const shown: Array<[number, number]> = [];
  const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
    shown.push([meta.mediaTime, meta.expectedDisplayTime]);
    if (!clip.ended) clip.requestVideoFrameCallback(onFrame);
  };
  clip.requestVideoFrameCallback(onFrame);
  await clip.play();
  // The clip lasts a few seconds; one that has not ended 30 s past its length stopped playing.
  const endBy = (Number.isFinite(clip.duration) ? clip.duration * 1000 : 0) + 30_000;
  await new Promise<void>((resolve, reject) => {
    clip.addEventListener('ended', () => resolve(), { once: true });
    setTimeout(() => reject(new Error(`sync clip did not end within ${Math.round(endBy / 1000)} s`)), endBy);
  });
  // Let the last frames and the audio tail reach the recorder before the page changes.
  await new Promise((r) => setTimeout(r, 300));
  clip.remove();
  if (shown.length === 0) throw new Error('no frame of the sync clip was displayed');
  return shown;
}
