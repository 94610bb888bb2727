import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { parseLayoutSpec, presentersLayout } from '../../../src/layout/layout-spec.js';

const valid = {
  width: 1280,
  height: 720,
  background: '#102030',
  regions: [
    { source: 'content', box: { x: 0, y: 0, w: 960, h: 720 } },
    { source: 'presenter:0', box: { x: 960, y: 0, w: 320, h: 240 } },
    { source: 'webcams', box: { x: 960, y: 480, w: 320, h: 240 } },
  ],
};

function failure(json: unknown): CaptureError {
  try {
    parseLayoutSpec(json, '/layouts');
  } catch (error) {
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).code).toBe('BAD_LAYOUT');
    return error as CaptureError;
  }
  throw new Error('expected BAD_LAYOUT');
}

describe('parseLayoutSpec', () => {
  it('reads a valid layout', () => {
    const spec = parseLayoutSpec(valid, '/layouts');
    expect(spec.background).toEqual({ color: '#102030' });
    expect(spec.regions.map((r) => r.source)).toEqual([{ kind: 'content' }, { kind: 'presenter', index: 0 }, { kind: 'webcams' }]);
  });

  it('resolves a background image against the layout file', () => {
    expect(parseLayoutSpec({ ...valid, background: { image: 'bg.png' } }, '/layouts').background).toEqual({ image: '/layouts/bg.png' });
  });

  it('names the bad field', () => {
    expect(failure({ ...valid, width: 1281 }).message).toMatch(/^layout width: .*1281/);
    expect(failure({ ...valid, background: 'red' }).message).toMatch(/^layout background:/);
    expect(failure({ ...valid, regions: [] }).message).toMatch(/^layout regions:/);
    expect(failure({ ...valid, regions: [{ source: 'camera', box: valid.regions[0]!.box }] }).message).toMatch(/^layout regions\[0\]\.source: .*"camera"/);
    expect(failure({ ...valid, regions: [{ source: 'content', box: { x: 0, y: 0, w: 960 } }] }).message).toMatch(/^layout regions\[0\]\.box\.h:/);
    expect(failure({ ...valid, extra: 1 }).message).toMatch(/^layout extra: unknown field/);
    expect(failure([valid]).message).toMatch(/^layout file:/);
  });

  it('rejects regions outside the frame', () => {
    const message = failure({ ...valid, regions: [{ source: 'content', box: { x: 400, y: 0, w: 960, h: 720 } }] }).message;
    expect(message).toMatch(/^layout regions\[0\]\.box: .*outside the 1280x720 frame/);
  });

  it('rejects a source placed twice', () => {
    expect(failure({ ...valid, regions: [valid.regions[0], valid.regions[0]] }).message).toMatch(/^layout regions\[1\]\.source: "content" is placed twice/);
  });
});

describe('presentersLayout', () => {
  it('puts content left and the presenters column right', () => {
    expect(presentersLayout(1920, 1080, true).regions).toEqual([
      { source: { kind: 'content' }, box: { x: 0, y: 0, w: 1344, h: 1080 } },
      { source: { kind: 'presenters' }, box: { x: 1344, y: 0, w: 576, h: 1080 } },
    ]);
  });
  it('lets the content fill the frame without cameras', () => {
    expect(presentersLayout(1280, 720, false).regions).toEqual([{ source: { kind: 'content' }, box: { x: 0, y: 0, w: 1280, h: 720 } }]);
  });
  it('is a valid layout file', () => {
    const spec = presentersLayout(1280, 720, true);
    const json = { ...spec, background: '#000000', regions: spec.regions.map((r) => ({ source: r.source.kind, box: r.box })) };
    expect(parseLayoutSpec(json, '/')).toEqual(spec);
  });
});
