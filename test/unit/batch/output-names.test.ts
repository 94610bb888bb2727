import { describe, expect, it } from 'vitest';
import { outputBaseFor, validateNameTemplate } from '../../../src/batch/name-template.js';
import { OutputNameRegistry, splitRequestedName } from '../../../src/batch/output-name-registry.js';

const recording = {
  meetingName: 'Physics 101: Lecture 3',
  startTime: Date.UTC(2024, 2, 5, 9, 30),
  recordId: `${'a'.repeat(40)}-1709631000000`,
  meetingId: `${'m'.repeat(40)}-1709631000000`,
};

describe('name templates', () => {
  it('defaults to the name record uses (meeting name, date and time)', () => {
    expect(outputBaseFor(recording, undefined)).toBe('Physics 101 Lecture 3 2024-03-05 09-30');
  });

  it('fills every placeholder, each value sanitised on its own', () => {
    expect(outputBaseFor(recording, '{date}_{time} {meetingName} [{recordId}]')).toBe(`2024-03-05_09-30 Physics 101 Lecture 3 [${recording.recordId}]`);
    expect(outputBaseFor({ ...recording, meetingName: '../../etc/passwd' }, '{meetingName}/{meetingId}')).toBe(`etc passwd ${recording.meetingId}`);
  });

  it('leaves unknown dates empty rather than inventing one', () => {
    expect(outputBaseFor({ ...recording, startTime: 0 }, '{meetingName} {date}')).toBe('Physics 101 Lecture 3');
  });

  it('refuses unknown placeholders, naming the known ones', () => {
    expect(() => validateNameTemplate('{meetingName} {title}')).toThrow(
      /unknown placeholder \{title\} \(expected \{meetingName\}, \{date\}, \{time\}, \{recordId\}, \{meetingId\}\)/,
    );
    expect(() => validateNameTemplate('{date} {recordId}')).not.toThrow();
  });
});

describe('requested names', () => {
  it.each([
    ['Talk: part 1.mkv', 'Talk part 1', 'mkv'],
    ['talk.MP4', 'talk', 'mp4'],
    ['talk.final', 'talk.final', undefined],
    ['../../etc/passwd', 'etc passwd', undefined],
    ['sub/dir/x.webm', 'sub dir x', 'webm'],
    ['..', 'recording', undefined],
  ])('%j → %j (%s)', (requested, base, format) => {
    expect(splitRequestedName(requested)).toEqual({ base, format });
  });
});

describe('OutputNameRegistry', () => {
  it('suffixes -2, -3 in claim order, case-insensitively', () => {
    const names = new OutputNameRegistry();
    expect(['Talk', 'talk', 'Other', 'TALK'].map((b) => names.claim(b, 'mp4'))).toEqual(['Talk.mp4', 'talk-2.mp4', 'Other.mp4', 'TALK-3.mp4']);
  });

  it('treats formats as different files', () => {
    const names = new OutputNameRegistry();
    expect([names.claim('Talk', 'mp4'), names.claim('Talk', 'mkv')]).toEqual(['Talk.mp4', 'Talk.mkv']);
  });

  it('avoids names taken earlier (other runs, other jobs)', () => {
    const names = new OutputNameRegistry(['Talk.mp4', 'talk-2.MP4']);
    expect(names.claim('Talk', 'mp4')).toBe('Talk-3.mp4');
    names.reserve('Other.mp4');
    expect(names.has('other.mp4')).toBe(true);
    expect(names.claim('Other', 'mp4')).toBe('Other-2.mp4');
  });

  it('sanitises what it is given', () => {
    expect(new OutputNameRegistry().claim('a/../b', 'mp4')).toBe('a b.mp4');
  });
});

/** No lone surrogate: UTF-8 encoding would turn one into U+FFFD. */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('names under hostile input', () => {
  it('a -N suffix never pushes a name (or its .partial name) past 255 bytes', () => {
    const names = new OutputNameRegistry();
    // 240 bytes: "." + NAME + ".mp4.partial" leaves room for 242.
    const long = '講'.repeat(80);
    const claimed = Array.from({ length: 12 }, () => names.claim(long, 'mp4'));
    expect(new Set(claimed).size).toBe(12);
    for (const name of claimed) {
      expect(Buffer.byteLength(`.${name}.partial`)).toBeLessThanOrEqual(255);
      expect(wellFormed(name)).toBe(true);
    }
    expect(claimed[0]).toBe(`${long}.mp4`);
    expect(claimed[1]).toBe(`${long}-2.mp4`);
    expect(claimed[11]).toBe(`${'講'.repeat(79)}-12.mp4`);
  });

  it('a template with a long CJK meeting name gives a name that fits', () => {
    const base = outputBaseFor({ ...recording, meetingName: '講義'.repeat(100) }, '{meetingName} {recordId}');
    expect(Buffer.byteLength(base)).toBeLessThanOrEqual(227);
    expect(Buffer.byteLength(`.${new OutputNameRegistry().claim(base, 'webm')}.partial`)).toBeLessThanOrEqual(255);
  });
});
