import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { planSample, type SamplePlan } from '../../../src/sample/plan-sample.js';
import { recordingDocuments } from '../../../src/sample/recording-documents.js';
import { resolveSampleOptions } from '../../../src/sample/sample-options.js';
import type { SampleVariant } from '../../../src/sample/sample-truth.js';

const plan = (variant: SampleVariant, duration = 60): SamplePlan =>
  planSample(resolveSampleOptions({ root: '/tmp/x', variant, duration, ffmpeg: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' } }));

function documents(p: SamplePlan): Map<string, string> {
  return new Map(recordingDocuments(p).map((d) => [d.path, d.content]));
}

// Elements that may repeat are always arrays, like the player's convertToArray makes them.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ['image', 'g', 'event', 'chattimeline'].includes(name),
});
// biome-ignore lint/suspicious/noExplicitAny: parsed XML of a known shape, read field by field in assertions
type Xml = Record<string, any>;
const parse = (text: string | undefined): Xml => {
  expect(text).toBeDefined();
  return parser.parse(text!) as Xml;
};

describe('recording documents (full)', () => {
  const p = plan('full');
  const docs = documents(p);

  it('writes the files the player fetches', () => {
    for (const file of [
      'metadata.xml',
      'shapes.svg',
      'panzooms.xml',
      'cursor.xml',
      'slides_new.xml',
      'deskshare.xml',
      'captions.json',
      'caption_en.vtt',
      'polls.json',
      'presentation_text.json',
    ]) {
      expect(docs.has(file), file).toBe(true);
    }
    expect(docs.has('tldraw.json')).toBe(false);
  });

  it('metadata.xml names the recording with its record id as meeting id', () => {
    const { recording } = parse(docs.get('metadata.xml'));
    expect(recording.id).toBe(p.recordId);
    expect(recording.meeting['@id']).toBe(p.recordId);
    expect(recording.meeting['@name']).toBe(p.meetingName);
    expect(recording.meta.meetingName).toBe(p.meetingName);
    expect(Number(recording.start_time)).toBe(p.startTimeMs);
    expect(Number(recording.end_time) - Number(recording.start_time)).toBe(60_000);
    expect(recording.playback.format).toBe('presentation');
    expect(recording.playback.link).toContain(`/playback/presentation/2.3/${p.recordId}`);
    expect(Number(recording.playback.duration)).toBe(60_000);
  });

  it('shapes.svg has one image per showing and canvases aligned with them', () => {
    const { svg } = parse(docs.get('shapes.svg'));
    const images: Xml[] = svg.image;
    expect(images.map((i) => i['@id'])).toEqual(p.images.map((i) => `image${i.id}`));
    expect(images.every((i) => i['@class'] === 'slide')).toBe(true);
    expect(images.map((i) => Number(i['@in']))).toEqual(p.images.map((i) => i.start));
    expect(images.map((i) => i['@xlink:href'])).toEqual(
      p.images.map((i) => (i.slide === null ? 'presentation/deskshare.png' : `presentation/${p.presentationId}/slide-${i.slide}.png`)),
    );
    expect(images.find((i) => i['@xlink:href'].endsWith('slide-1.png'))).toMatchObject({ '@width': '1600', '@height': '1200' });
    const canvases: Xml[] = svg.g;
    for (const canvas of canvases) {
      expect(canvas['@class']).toBe('canvas');
      const id = /^canvas(\d+)$/.exec(canvas['@id'])![1];
      expect(canvas['@image']).toBe(`image${id}`);
      const shapes: Xml[] = canvas.g;
      expect(shapes.length).toBeGreaterThan(0);
      // The player stops at the first future shape: timestamps must ascend.
      const times = shapes.map((s) => Number(s['@timestamp']));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      for (const shape of shapes) {
        expect(shape['@class']).toBe('shape');
        expect(shape['@shape']).toMatch(new RegExp(`^image${id}-(pencil|line|rect|text)\\d+$`));
        expect(shape['@style']).toContain('visibility:hidden');
      }
    }
    const all: Xml[] = canvases.flatMap((c) => c.g);
    expect(all.some((s) => s.path && s['@shape'].includes('pencil'))).toBe(true);
    expect(all.some((s) => s.line)).toBe(true);
    expect(all.some((s) => s.path && s['@shape'].includes('rect'))).toBe(true);
    const text = all.find((s) => s.switch)!;
    expect(text.switch.foreignObject.p['#text']).toBe('Synthetic text 42');
    // One shape is undone, the others stay.
    expect(all.some((s) => s['@undo'] !== '-1')).toBe(true);
    // The pencil grows: two versions with the same shape number, the later one longer.
    const pencils = all.filter((s) => s['@shape'] === 'image1-pencil1');
    expect(pencils).toHaveLength(2);
    expect(pencils[1]!.path['@d'].length).toBeGreaterThan(pencils[0]!.path['@d'].length);
    // The line drawn on slide 2 is stored again with slide 2's second showing.
    const slide2 = p.images.filter((i) => i.slide === 2).map((i) => `canvas${i.id}`);
    expect(canvases.filter((c) => slide2.includes(c['@id']))).toHaveLength(2);
  });

  it('panzooms.xml zooms into the top-left quarter and back', () => {
    const { recording } = parse(docs.get('panzooms.xml'));
    const boxes = (recording.event as Xml[]).map((e) => [Number(e['@timestamp']), e.viewBox]);
    expect(boxes[0]).toEqual([0, '0.0 0.0 1600.0 1200.0']);
    expect(boxes).toContainEqual([p.zoom.start, '0.0 0.0 800.0 600.0']);
    expect(boxes).toContainEqual([p.zoom.end, '0.0 0.0 1600.0 1200.0']);
    expect(recording['@tldraw']).toBeUndefined();
  });

  it('cursor.xml moves the cursor in viewBox fractions and hides it with -1 -1', () => {
    const { recording } = parse(docs.get('cursor.xml'));
    const events: Xml[] = recording.event;
    expect(events).toHaveLength(p.cursor.length);
    const positions = events.map((e) => (e.cursor as string).split(' ').map(Number));
    expect(positions[0]).toEqual([-1, -1]);
    expect(positions.some(([x]) => x === -1 && events.length > 1)).toBe(true);
    const shown = positions.filter(([x]) => x !== -1);
    expect(shown.length).toBeGreaterThan(50);
    expect(shown.every(([x, y]) => x! > 0 && x! < 1 && y! > 0 && y! < 1)).toBe(true);
  });

  it('slides_new.xml holds the chat, escaped', () => {
    const { popcorn } = parse(docs.get('slides_new.xml'));
    const lines: Xml[] = popcorn.chattimeline;
    expect(lines).toHaveLength(p.chat.length);
    expect(lines[0]).toMatchObject({ '@target': 'chat', '@senderRole': 'MODERATOR', '@name': 'Alice Presenter' });
    expect(docs.get('slides_new.xml')).toContain('&amp; &lt;ok&gt;');
  });

  it('deskshare.xml has the one share interval', () => {
    const { recording } = parse(docs.get('deskshare.xml'));
    expect(recording.event).toHaveLength(1);
    expect(recording.event[0]).toMatchObject({
      '@start_timestamp': p.screenshare!.start.toFixed(1),
      '@stop_timestamp': p.screenshare!.end.toFixed(1),
      '@video_width': '1280',
      '@video_height': '720',
    });
  });

  it('captions, polls and slide texts are JSON/WebVTT the player accepts', () => {
    expect(JSON.parse(docs.get('captions.json')!)).toEqual([{ locale: 'en', localeName: 'English' }]);
    const vtt = docs.get('caption_en.vtt')!;
    expect(vtt.startsWith('WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nCaption 1 at 00:00:01.000\n')).toBe(true);
    expect(vtt.match(/-->/g)).toHaveLength(p.captions.length);
    const polls = JSON.parse(docs.get('polls.json')!) as Xml[];
    expect(polls[0]).toMatchObject({
      timestamp: 36,
      type: 'YN',
      answers: [
        { id: 0, key: 'Yes', numVotes: 3 },
        { id: 1, key: 'No', numVotes: 1 },
      ],
    });
    expect(Object.keys(JSON.parse(docs.get('presentation_text.json')!)[p.presentationId])).toEqual(['slide-1', 'slide-2', 'slide-3', 'slide-4']);
  });
});

describe('recording documents (tldraw)', () => {
  const p = plan('tldraw');
  const docs = documents(p);

  it('points shapes.svg at SVG slides and keeps shapes out of it', () => {
    const { svg } = parse(docs.get('shapes.svg'));
    expect(svg.g).toBeUndefined();
    const slides = (svg.image as Xml[]).filter((i) => i['@xlink:href'].includes('/svgs/'));
    expect(slides[0]!['@xlink:href']).toBe(`presentation/${p.presentationId}/svgs/slide1.svg`);
    for (let n = 1; n <= 4; n++) expect(docs.get(`presentation/${p.presentationId}/svgs/slide${n}.svg`)).toContain('<svg');
  });

  it('marks panzooms and cursor as tldraw, the cursor in page coordinates', () => {
    expect(parse(docs.get('panzooms.xml')).recording['@tldraw']).toBe('true');
    const { recording } = parse(docs.get('cursor.xml'));
    expect(recording['@tldraw']).toBe('true');
    const shown = (recording.event as Xml[]).map((e) => (e.cursor as string).split(' ').map(Number)).filter(([x]) => x !== -1);
    // The player scales a 1600x1200 slide to 1440x1080 at page (1, 1).
    expect(shown.every(([x, y]) => x! > 1 && x! <= 1441 && y! > 1 && y! <= 1081)).toBe(true);
    expect(shown.some(([x]) => x! > 1)).toBe(true);
  });

  it('writes tldraw.json for tldraw v2 with strict shape records', () => {
    const json = JSON.parse(docs.get('tldraw.json')!) as Xml;
    expect(json.bbb_version).toBe('3.0.4');
    const keys = Object.keys(json).filter((k) => k !== 'bbb_version');
    const slideImages = p.images.filter((i) => i.slide !== null);
    expect(keys).toEqual(slideImages.map((i) => String(i.id)));
    expect(keys.map((k) => json[k].timestamp)).toEqual(slideImages.map((i) => i.start));
    const baseKeys = ['id', 'index', 'isLocked', 'meta', 'opacity', 'parentId', 'props', 'rotation', 'type', 'typeName', 'x', 'y'];
    const propKeys: Record<string, string[]> = {
      draw: ['color', 'dash', 'fill', 'isClosed', 'isComplete', 'isPen', 'segments', 'size'],
      line: ['color', 'dash', 'handles', 'size', 'spline'],
      geo: ['align', 'color', 'dash', 'fill', 'font', 'geo', 'growY', 'h', 'labelColor', 'size', 'text', 'url', 'verticalAlign', 'w'],
      text: ['align', 'autoSize', 'color', 'font', 'scale', 'size', 'text', 'w'],
    };
    const types = new Set<string>();
    for (const key of keys) {
      const shapes = json[key].shapes as Xml[];
      const times = shapes.map((s) => s.timestamp as number);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      for (const shape of shapes) {
        expect(Object.keys(shape).sort()).toEqual(['id', 'shape_data', 'timestamp', 'undo']);
        const data = shape.shape_data;
        expect(Object.keys(data).sort()).toEqual(baseKeys);
        expect(data.id).toMatch(/^shape:/);
        expect(data.typeName).toBe('shape');
        expect(Object.keys(data.props).sort()).toEqual(propKeys[data.type]);
        // tldraw colours that are never close to a code colour.
        expect(['black', 'red', 'blue', 'green']).toContain(data.props.color);
        types.add(data.type);
      }
    }
    expect([...types].sort()).toEqual(['draw', 'geo', 'line', 'text']);
  });
});

describe('recording documents (audio-only)', () => {
  it('has no deskshare.xml', () => {
    expect(documents(plan('audioonly')).has('deskshare.xml')).toBe(false);
  });
});
