import { describe, expect, it } from 'vitest';
import { iso6392Language } from '../../../src/mux/iso639-2-language.js';

describe('iso6392Language', () => {
  it('maps BCP 47 locales to three-letter codes, dropping region and script', () => {
    expect(iso6392Language('en', 'terminology')).toBe('eng');
    expect(iso6392Language('pt-BR', 'terminology')).toBe('por');
    expect(iso6392Language('pt_BR', 'bibliographic')).toBe('por');
    expect(iso6392Language('zh-Hant-TW', 'terminology')).toBe('zho');
    expect(iso6392Language('FA-IR', 'terminology')).toBe('fas');
  });

  it('gives MP4 the terminology form and Matroska the bibliographic one where they differ', () => {
    expect(iso6392Language('de', 'terminology')).toBe('deu');
    expect(iso6392Language('de', 'bibliographic')).toBe('ger');
    expect(iso6392Language('fr-CA', 'bibliographic')).toBe('fre');
    expect(iso6392Language('zh-CN', 'bibliographic')).toBe('chi');
    // Three-letter locales are already ISO 639-2 (or 639-3 of the same letters).
    expect(iso6392Language('ger', 'terminology')).toBe('deu');
    expect(iso6392Language('fil', 'terminology')).toBe('fil');
  });

  it('says undetermined for what it does not know', () => {
    expect(iso6392Language('xx', 'terminology')).toBe('und');
    expect(iso6392Language('', 'bibliographic')).toBe('und');
    expect(iso6392Language('english', 'terminology')).toBe('und');
  });
});
