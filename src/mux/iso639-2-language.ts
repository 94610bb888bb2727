/**
 * The ISO 639-2 code a container's `language` tag takes, from a caption's BCP 47 locale (`en`,
 * `pt-BR`, `zh-Hant`): MP4 and Matroska carry three letters only, so the region and script go.
 * MP4 takes the terminology form (`deu`, ISO/IEC 14496-12), Matroska's Language element the
 * bibliographic one (`ger`); they differ for twenty languages only.
 */

// ISO 639-1 → ISO 639-2/T, and the /B form where it differs. The languages of BBB's client
// locales and of common caption services; anything else is "und" (undetermined).
const TERMINOLOGY: Record<string, string> = {
  af: 'afr', am: 'amh', ar: 'ara', az: 'aze', be: 'bel', bg: 'bul', bn: 'ben', bo: 'bod', bs: 'bos',
  ca: 'cat', cs: 'ces', cy: 'cym', da: 'dan', de: 'deu', dv: 'div', el: 'ell', en: 'eng', eo: 'epo',
  es: 'spa', et: 'est', eu: 'eus', fa: 'fas', fi: 'fin', fo: 'fao', fr: 'fra', ga: 'gle', gl: 'glg',
  gu: 'guj', he: 'heb', hi: 'hin', hr: 'hrv', ht: 'hat', hu: 'hun', hy: 'hye', id: 'ind', is: 'isl',
  it: 'ita', ja: 'jpn', ka: 'kat', kk: 'kaz', km: 'khm', kn: 'kan', ko: 'kor', ku: 'kur', ky: 'kir',
  la: 'lat', lb: 'ltz', lo: 'lao', lt: 'lit', lv: 'lav', mi: 'mri', mk: 'mkd', ml: 'mal', mn: 'mon',
  mr: 'mar', ms: 'msa', mt: 'mlt', my: 'mya', nb: 'nob', ne: 'nep', nl: 'nld', nn: 'nno', no: 'nor',
  oc: 'oci', pa: 'pan', pl: 'pol', ps: 'pus', pt: 'por', ro: 'ron', ru: 'rus', sa: 'san', si: 'sin',
  sk: 'slk', sl: 'slv', so: 'som', sq: 'sqi', sr: 'srp', sv: 'swe', sw: 'swa', ta: 'tam', te: 'tel',
  tg: 'tgk', th: 'tha', tk: 'tuk', tl: 'tgl', tr: 'tur', tt: 'tat', ug: 'uig', uk: 'ukr', ur: 'urd',
  uz: 'uzb', vi: 'vie', xh: 'xho', yi: 'yid', yo: 'yor', zh: 'zho', zu: 'zul',
};
const BIBLIOGRAPHIC: Record<string, string> = {
  bod: 'tib', ces: 'cze', cym: 'wel', deu: 'ger', ell: 'gre', eus: 'baq', fas: 'per', fra: 'fre',
  hye: 'arm', isl: 'ice', kat: 'geo', mkd: 'mac', mri: 'mao', msa: 'may', mya: 'bur', nld: 'dut',
  ron: 'rum', slk: 'slo', sqi: 'alb', zho: 'chi',
};
const TO_TERMINOLOGY = Object.fromEntries(Object.entries(BIBLIOGRAPHIC).map(([t, b]) => [b, t]));

/** The ISO 639-2 code of a BCP 47 locale ("und" when unknown), in the form the container takes. */
export function iso6392Language(locale: string, form: 'terminology' | 'bibliographic'): string {
  // The primary language subtag: "pt" of "pt-BR", "zh" of "zh_Hant_TW" (BBB writes both separators).
  const primary = locale.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  let code = /^[a-z]{2}$/.test(primary) ? TERMINOLOGY[primary] : /^[a-z]{3}$/.test(primary) ? (TO_TERMINOLOGY[primary] ?? primary) : undefined;
  code ??= 'und';
  return form === 'bibliographic' ? (BIBLIOGRAPHIC[code] ?? code) : code;
}
