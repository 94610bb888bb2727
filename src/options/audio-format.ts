/**
 * The audio-only formats of `--format` (the podcast version of a talk): the recording's own sound,
 * cut by samples and tagged, written without a browser.
 */

/** Audio-only containers: AAC in M4A, MP3, Opus in Ogg. */
export const AUDIO_FORMATS = ['m4a', 'mp3', 'opus'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** True for the audio-only formats, which need no engine and no browser. */
export function isAudioFormat(format: string): format is AudioFormat {
  return (AUDIO_FORMATS as readonly string[]).includes(format);
}
