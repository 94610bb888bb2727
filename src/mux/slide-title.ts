/**
 * A chapter title from a slide's extracted text (BBB's textfiles, collected in
 * presentation_text.json): its first non-empty line, without markup, whitespace collapsed, at most
 * MAX_TITLE_LENGTH characters. Right-to-left text stays in its logical order: players lay it out.
 */

/** Longest title kept, in characters (code points); longer ones end in "…". */
export const MAX_TITLE_LENGTH = 80;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The title of a slide with text `text`, or undefined when it has none. */
export function slideTitle(text: string): string | undefined {
  // Tags end a line where they break one (<br>, </p>, </div>), and go elsewhere.
  const plain = text.replace(/<(?:br|\/p|\/div|\/li|\/h[1-6])\b[^>]*>/gi, '\n').replace(/<[^>]*>/g, '');
  for (const raw of decodeEntities(plain).split(/\r\n|\r|\n|\u2028|\u2029/)) {
    // Control characters (a PDF's form feeds and NULs) are no text; bidi marks are kept.
    const line = raw
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (line === '') continue;
    const chars = Array.from(line);
    return chars.length > MAX_TITLE_LENGTH
      ? `${chars
          .slice(0, MAX_TITLE_LENGTH - 1)
          .join('')
          .trimEnd()}…`
      : line;
  }
  return undefined;
}
