import { describe, expect, it } from 'vitest';
import { checkTargets } from '../../../src/verify/check-targets.js';
import type { FidelityReport, TrackReport } from '../../../src/verify/fidelity-report.js';

const track = (over: Partial<TrackReport> = {}): TrackReport => ({
  kind: 'camera',
  channel: 0,
  expectedFrames: 900,
  deliveredFrames: 900,
  deliveredRatio: 1,
  longestFreezeMs: 0,
  longestFreezeAtMs: 0,
  offsetMs: 0,
  driftMs: 0,
  box: null,
  pictureBox: null,
  ...over,
});

function report(over: Partial<FidelityReport> = {}): FidelityReport {
  return {
    version: 1,
    video: 'v.mp4',
    recordingDir: 'r',
    variant: 'full',
    range: { from: 0, to: 60 },
    streams: { video: true, audio: true },
    sources: ['cameras'],
    durationMs: 60000,
    expectedDurationMs: 60000,
    durationErrorMs: 0,
    frames: { count: 1800, width: 1920, height: 1080, analysisWidth: 960, analysisHeight: 540, medianIntervalMs: 33.3, withContent: 1800 },
    cameras: [track()],
    screenshare: null,
    slides: null,
    pageChanges: null,
    videoOffsetMs: 0,
    videoDriftMs: 0,
    audio: { present: true, peakDbfs: -6, silent: false, burstsExpected: 30, burstsFound: 30, burstsMatched: 30, offsetMs: 0, spreadMs: 0.1, driftMs: 0 },
    avSyncMs: 0,
    leadingMs: 0,
    end: { expectedEndMs: 60000, lastContentEndMs: 60000, endErrorMs: 0, lastSourceTimeMs: 59933.3, expectedLastSourceTimeMs: 59933.3 },
    elapsedMs: 1,
    ...over,
  };
}

const names = (r: FidelityReport, t = {}) => checkTargets(r, t).map((f) => f.check);

describe('checkTargets', () => {
  it('passes a perfect report', () => {
    expect(checkTargets(report())).toEqual([]);
  });

  it('names each missed target with the value in the message', () => {
    const bad = report({
      cameras: [track({ deliveredFrames: 850, deliveredRatio: 0.9444 }), track({ channel: 1 })],
      avSyncMs: -55,
      leadingMs: 66.7,
      end: { expectedEndMs: 60000, lastContentEndMs: 59000, endErrorMs: -1000, lastSourceTimeMs: 58933.3, expectedLastSourceTimeMs: 59933.3 },
      durationErrorMs: 250,
    });
    const failed = checkTargets(bad);
    expect(failed.map((f) => f.check)).toEqual(['delivered:camera0', 'av-sync', 'leading', 'end', 'duration']);
    expect(failed[0]!.message).toContain('94.4 %');
    expect(failed[1]!.message).toContain('-55 ms');
  });

  it('allows one frame of leading black by default, or a given limit', () => {
    expect(names(report({ leadingMs: 33.3 }))).toEqual([]);
    expect(names(report({ leadingMs: 33.3 }), { maxLeadingMs: 0 })).toEqual(['leading']);
    expect(names(report({ leadingMs: 500 }), { maxLeadingMs: 1000 })).toEqual([]);
  });

  it('fails on missing or silent audio and unmeasurable sync', () => {
    const noAudio = report({ streams: { video: true, audio: false }, avSyncMs: null });
    expect(names(noAudio)).toEqual(['audio-stream', 'av-sync']);
    const silent = report({ audio: { ...report().audio, silent: true, peakDbfs: -120, offsetMs: null }, avSyncMs: null });
    expect(names(silent)).toEqual(['audio-silent', 'av-sync']);
  });

  it('fails when no content frame was found at all', () => {
    const none = report({ leadingMs: null, end: { ...report().end, endErrorMs: null, lastContentEndMs: null } });
    expect(names(none)).toEqual(['leading', 'end']);
  });

  it('fails slides that never showed', () => {
    const slides = { expected: [1, 2, 3], seen: [1, 3], missing: [2], changesMeasured: 1, changeOffsetMs: 50, changeOffsetMaxMs: 50 };
    const failed = checkTargets(report({ slides }));
    expect(failed).toEqual([{ check: 'slides', message: 'slide 2 never shown (expected 1, 2, 3)' }]);
  });

  it('checks the screen share like a camera', () => {
    const share = track({ kind: 'screenshare', deliveredRatio: 0.5, deliveredFrames: 450 });
    expect(names(report({ screenshare: share }))).toEqual(['delivered:screenshare']);
  });

  it('allows the screen share the two frames the player skips when it switches on its time event', () => {
    const short = (deliveredFrames: number) => track({ kind: 'screenshare', expectedFrames: 12, deliveredFrames, deliveredRatio: deliveredFrames / 12 });
    expect(names(report({ screenshare: short(10) }))).toEqual([]);
    expect(names(report({ screenshare: short(9) }))).toEqual(['delivered:screenshare']);
    expect(names(report({ screenshare: short(10) }), { screenshareSwitchFrames: 0 })).toEqual(['delivered:screenshare']);
  });
});
