/**
 * Opus copied into WebM by the publishing remux: on real files,
 * a WebM whose video starts at 0 keeps it there through the copy, whatever this machine's ffmpeg
 * does with Opus's pre-skip (on this machine's 5.1 each copy moved the video 7 ms later).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opusLeadFilter } from '../../../src/compose/build-composite-args.js';
import { publishingArgs } from '../../../src/mux/build-publishing-args.js';
import { opusCopyLeadArgs } from '../../../src/mux/opus-copy-lead-args.js';
import { probeWebmOpusShift } from '../../../src/mux/probe-webm-opus-shift.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { runProcess } from '../../../src/process/run-process.js';
import { probeMedia } from '../../../src/recording/probe-media.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const opts = { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
let dir: string;
let lead: number;
let export_: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bbb-opus-copy-'));
  lead = await probeWebmOpusShift(tools, dir);
  // An export as the compositor writes it: VP9 from 0, Opus moved by the lead the muxer needs.
  export_ = path.join(dir, 'export.webm');
  const af = opusLeadFilter(lead);
  await runProcess(
    tools.ffmpeg,
    [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=64x36:r=10:d=1', '-f', 'lavfi', '-i', 'sine=f=1000:r=48000:d=1'],
      ...(af ? ['-af', af] : []),
      ...['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus', '-ar', '48000', '-t', '1', '-f', 'webm', export_],
    ],
    opts,
  );
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('opusCopyLeadArgs', () => {
  it("moves copied packets by the pre-skip on WebM's 1 ms clock, rounded as the demuxer rounds CodecDelay", () => {
    expect(opusCopyLeadArgs(312)).toEqual({ input: ['-copyts'], output: ['-bsf:a', 'setts=ts=TS+7'] });
    expect(opusCopyLeadArgs(0)).toEqual({ input: ['-copyts'], output: [] });
  });

  it('keeps the video at 0 and the sound where it was through the publishing remux', async () => {
    expect((await probeMedia(export_, { tools })).video?.startTime).toBe(0);
    const metadata = path.join(dir, 'meta.txt');
    await writeFile(metadata, ';FFMETADATA1\ntitle=t\n');
    const published = path.join(dir, 'published.webm');
    await runProcess(tools.ffmpeg, publishingArgs({ input: export_, metadata, chapters: false, subtitles: [], format: 'webm', opusLead: lead, output: published }), opts);
    const before = await probeMedia(export_, { tools });
    const after = await probeMedia(published, { tools });
    expect(after.video?.startTime).toBe(0);
    expect(after.audio?.startTime).toBe(before.audio?.startTime);
  });
});
