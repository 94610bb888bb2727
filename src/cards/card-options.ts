/**
 * Title and credits cards (`--intro`, `--outro`): what the CLI resolves once. A template is read
 * at the edge (a missing file is a usage error before anything is fetched); its directory is where
 * its relative images and fonts are found.
 */

/** One card's template: the built-in one, or a user's HTML file read at the CLI edge. */
export type CardTemplate = { kind: 'default' } | { kind: 'file'; html: string; dir: string };

/** The cards of one job. */
export interface CardOptions {
  intro: CardTemplate | null;
  outro: CardTemplate | null;
  /** `--card-name`, in order: presenters. */
  names: readonly string[];
  /** `--card-line`, in order. */
  lines: readonly string[];
  /** How long each card is shown, seconds. */
  length: number;
  /** Sound under the cards, cut or padded with silence to the length; null: silence. */
  audio: string | null;
}
