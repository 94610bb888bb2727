/**
 * `--intro`, `--outro` and the `--card-*` options resolved once at the CLI edge: templates read
 * and checked (an unknown placeholder or a missing file is a usage error before anything is
 * fetched), the sound file's existence checked.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CardOptions, CardTemplate } from '../cards/card-options.js';
import { fillCardTemplate } from '../cards/fill-card-template.js';
import { CaptureError } from '../errors.js';

/** The card flags as commander gives them. */
export interface CardFlags {
  intro?: string | undefined;
  outro?: string | undefined;
  cardName: string[];
  cardLine: string[];
  cardLength: number;
  cardAudio?: string | undefined;
}

async function readTemplate(which: string, value: string | undefined): Promise<CardTemplate | null> {
  if (value === undefined) return null;
  if (value === 'default') return { kind: 'default' };
  const file = path.resolve(value);
  let html: string;
  try {
    html = await readFile(file, 'utf8');
  } catch (error) {
    throw new CaptureError('USAGE', `--${which} ${value}: cannot read the template (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  // Unknown placeholders are refused now, not after the export.
  fillCardTemplate(html, { meetingName: '', date: '', names: [], lines: [], width: 0, height: 0 });
  return { kind: 'file', html, dir: path.dirname(file) };
}

/** CardOptions from the flags; null when neither --intro nor --outro is given. */
export async function resolveCardOptions(flags: CardFlags): Promise<CardOptions | null> {
  const intro = await readTemplate('intro', flags.intro);
  const outro = await readTemplate('outro', flags.outro);
  if (!intro && !outro) {
    if (flags.cardName.length > 0 || flags.cardLine.length > 0 || flags.cardAudio !== undefined)
      throw new CaptureError('USAGE', '--card-name, --card-line and --card-audio need --intro or --outro');
    return null;
  }
  if (!(flags.cardLength > 0 && flags.cardLength <= 60)) throw new CaptureError('USAGE', `--card-length must be between 0 and 60 seconds, got ${flags.cardLength}`);
  let audio: string | null = null;
  if (flags.cardAudio !== undefined) {
    audio = path.resolve(flags.cardAudio);
    await access(audio).catch((error: unknown) => {
      throw new CaptureError('USAGE', `--card-audio ${flags.cardAudio}: no such file`, { cause: error });
    });
  }
  return { intro, outro, names: flags.cardName, lines: flags.cardLine, length: flags.cardLength, audio };
}
