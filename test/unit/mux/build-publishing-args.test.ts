import { describe, expect, it } from 'vitest';
import { burnCaptionsArgs } from '../../../src/mux/build-burn-captions-args.js';
import { posterArgs } from '../../../src/mux/build-poster-args.js';
import { publishingArgs, type PublishingPlan } from '../../../src/mux/build-publishing-args.js';
import { publishingTags } from '../../../src/mux/publishing-tags.js';

const plan: PublishingPlan = {
  input: 'in.mp4',
  metadata: 'meta.txt',
  chapters: true,
  subtitles: [
    { file: 'c0.vtt', language: 'eng', title: 'English' },
    { file: 'c1.vtt', language: 'por', title: 'Português (Brasil)' },
  ],
  format: 'mp4',
  output: 'out.mp4',
};
const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('publishingArgs', () => {
  it('copies video and sound, adds each caption file as a named, tagged mov_text track, tags and chapters from the metadata file', () => {
    const args = publishingArgs(plan);
    expect(args.join(' ')).toContain('-i in.mp4 -f ffmetadata -i meta.txt -f webvtt -i c0.vtt -f webvtt -i c1.vtt -map 0 -map 2:s:0 -map 3:s:0 -c copy -c:s mov_text');
    expect(argAfter(args, '-map_metadata')).toBe('1');
    expect(argAfter(args, '-map_chapters')).toBe('1');
    expect(args.join(' ')).toContain('-metadata:s:s:1 language=por -metadata:s:s:1 title=Português (Brasil) -metadata:s:s:1 handler_name=Português (Brasil)');
    expect(argAfter(args, '-disposition:s')).toBe('0');
    expect(args.slice(-3)).toEqual(['-f', 'mp4', 'out.mp4']);
    expect(argAfter(args, '-movflags')).toBe('+faststart');
  });

  it('keeps WebVTT in Matroska and WebM, and leaves chapters out when told', () => {
    const mkv = publishingArgs({ ...plan, format: 'mkv', chapters: false, output: 'o.mkv' });
    expect(argAfter(mkv, '-c:s')).toBe('webvtt');
    expect(argAfter(mkv, '-map_chapters')).toBe('-1');
    expect(mkv).not.toContain('handler_name=English');
    expect(mkv.slice(-3)).toEqual(['-f', 'matroska', 'o.mkv']);
    const bare = publishingArgs({ ...plan, subtitles: [] });
    expect(bare).not.toContain('-disposition:s');
    expect(bare.filter((a) => a === '-i')).toHaveLength(2);
  });
});

describe('burnCaptionsArgs', () => {
  it("draws the captions with the player's look, re-encoding with the compositor's settings and colour tags, copying the sound", () => {
    const args = burnCaptionsArgs({ input: 'in.mp4', captions: 'captions-0.vtt', format: 'mp4', output: 'b.mp4' });
    expect(argAfter(args, '-vf')).toMatch(/^subtitles=filename=captions-0\.vtt:force_style='[^']*BorderStyle=3[^']*'$/);
    expect(argAfter(args, '-c:v')).toBe('libx264');
    expect(argAfter(args, '-colorspace')).toBe('bt709');
    expect(argAfter(args, '-color_range')).toBe('tv');
    expect(argAfter(args, '-c:a')).toBe('copy');
    expect(() => burnCaptionsArgs({ input: 'in.mp4', captions: "it's:here.vtt", format: 'mp4', output: 'b.mp4' })).toThrow();
  });
});

describe('posterArgs', () => {
  it("seeks, takes one frame, converts BT.709 to JPEG's BT.601 full range", () => {
    const args = posterArgs('v.mp4', 0.5, '.p.jpg.partial', 'jpeg');
    expect(args.join(' ')).toContain('-ss 0.500 -i v.mp4 -map 0:v:0 -frames:v 1');
    expect(argAfter(args, '-vf')).toContain('in_color_matrix=bt709:in_range=tv:out_color_matrix=bt601:out_range=pc');
    expect(argAfter(args, '-c:v')).toBe('mjpeg');
    expect(args.slice(-4)).toEqual(['image2', '-update', '1', '.p.jpg.partial']);
    expect(argAfter(posterArgs('v.mp4', 1, 'p.png', 'png'), '-c:v')).toBe('png');
  });
});

describe('publishingTags', () => {
  it('titles the video by the meeting, dates it by its start, names the record id', () => {
    expect(publishingTags({ recordId: 'abc-1735759387000', meetingName: 'Physics 101', startTime: 1735759387000 })).toEqual({
      title: 'Physics 101',
      date: '2025-01-01',
      creation_time: '2025-01-01T19:23:07.000Z',
      description: 'BigBlueButton recording abc-1735759387000',
      comment: 'BigBlueButton recording abc-1735759387000',
    });
    expect(publishingTags({ recordId: 'x', meetingName: 'm', startTime: Number.NaN })).not.toHaveProperty('date');
  });
});
