/**
 * The re-encoding card join into WebM on real files: an export whose video starts at 0 and whose
 * sound has a burst at 0.5 s, joined behind a 1 s intro, has its video at 0 and the burst at
 * exactly 1.5 s (ffmpeg 5.1 put it 7 ms late: the export started at its Opus sound's first packet).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinReencodeArgs } from '../../../src/cards/build-card-join-args.js';
import { opusLeadFilter } from '../../../src/compose/build-composite-args.js';
import { probeWebmOpusShift } from '../../../src/mux/probe-webm-opus-shift.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { runProcess } from '../../../src/process/run-process.js';
import { analyseAudio } from '../../../src/verify/analyse-audio.js';
import { probeMedia } from '../../../src/recording/probe-media.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const opts = { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bbb-card-webm-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('joinReencodeArgs into WebM', () => {
  it("keeps the export's sound on its picture behind the intro", async () => {
    const lead = await probeWebmOpusShift(tools, dir);
    // The export as the compositor writes it: VP9 from 0, a 1 kHz burst of 45 ms at 0.5 s in Opus.
    const main = path.join(dir, 'main.webm');
    const burst = "aevalsrc='if(between(n,24000,26159),0.5*sin(2*PI*1000*t),0)':s=48000:c=mono:d=2";
    const af = ['asetpts=PTS-STARTPTS', opusLeadFilter(lead)].filter(Boolean).join(',');
    await runProcess(
      tools.ffmpeg,
      [
        ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=64x36:r=30:d=2', '-f', 'lavfi', '-i', burst, '-af', af],
        ...['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus', '-ar', '48000', '-t', '2', '-f', 'webm', main],
      ],
      opts,
    );
    expect((await probeMedia(main, { tools })).video?.startTime).toBe(0);
    const card = path.join(dir, 'card.png');
    await runProcess(tools.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=blue:s=64x36', '-frames:v', '1', card], opts);
    const output = path.join(dir, 'joined.webm');
    await runProcess(
      tools.ffmpeg,
      joinReencodeArgs({
        main,
        offset: 1,
        hasAudio: true,
        subtitles: false,
        chapters: null,
        format: 'webm',
        output,
        intro: { picture: card, length: 1 },
        outro: null,
        width: 64,
        height: 36,
        fps: 30,
        audio: { file: null, sampleRate: 48000, channels: 1, layout: 'mono', bitrate: 64_000 },
        videoBitrate: 200_000,
        opusLead: lead,
      }),
      opts,
    );
    expect((await probeMedia(output, { tools })).video?.startTime).toBe(0);
    const audio = await analyseAudio({ video: output, tools, burstMs: 45 });
    expect(audio.onsets).toHaveLength(1);
    expect(Math.abs(audio.onsets[0]! - 1.5)).toBeLessThanOrEqual(0.001);
  });
});
