/** Containers of the output: what the compositor writes and the mux finishes. */
export type OutputFormat = 'mp4' | 'mkv' | 'webm';
