/** What `--captions` does with the recording's captions: soft tracks, drawn into the picture, or nothing. */
export const CAPTIONS_MODES = ['track', 'burn', 'off'] as const;
export type CaptionsMode = (typeof CAPTIONS_MODES)[number];
