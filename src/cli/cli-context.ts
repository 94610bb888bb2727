/** Context every command gets: the abort signal and where to write. */
export interface CliContext {
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}
