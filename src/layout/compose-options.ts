/** What the job asks of composition around the engine's output; the CLI resolves it once. */
import type { LayoutSpec } from './layout-spec.js';

/** A layout drawn by composition: the presenters preset, or a validated --layout-file. */
export type ComposedLayout = { kind: 'presenters' } | { kind: 'custom'; spec: LayoutSpec };

/** Composition around the engine's output (`--layout presenters|custom`, `--split`). */
export interface ComposeOptions {
  layout: ComposedLayout;
  /** Also write the content, the webcam area and each presenter as separate files on the same timeline. */
  split: boolean;
}
