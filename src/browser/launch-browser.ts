/**
 * Starts one Chromium for one capture: each capture has its own browser process, profile and
 * audio, so parallel captures cannot disturb each other.
 */
import { chromium, type Browser } from 'playwright';
import { CaptureError } from '../errors.js';
import { chromiumArgs, IGNORED_DEFAULT_ARGS } from './chromium-flags.js';

export interface LaunchOptions {
  executablePath: string;
  runningAsRoot: boolean;
  extraArgs?: readonly string[];
  signal?: AbortSignal | undefined;
  /** Chromium's stderr lines, for --verbose. */
  onLog?: ((line: string) => void) | undefined;
  /** What the user must hear about this launch (running without the sandbox), once per launch. */
  onWarning?: ((message: string) => void) | undefined;
}

/** Launches headless Chromium; throws CHROMIUM_MISSING or CHROMIUM_CRASHED. */
export async function launchBrowser(options: LaunchOptions): Promise<Browser> {
  const { args, warnings } = chromiumArgs({ runningAsRoot: options.runningAsRoot, ownerPid: process.pid, extra: options.extraArgs ?? [] });
  for (const warning of warnings) options.onWarning?.(warning);
  options.onLog?.(`launching ${options.executablePath} ${args.join(' ')}`);
  try {
    const browser = await chromium.launch({
      executablePath: options.executablePath,
      headless: true,
      args,
      ignoreDefaultArgs: IGNORED_DEFAULT_ARGS.map((f) => f.flag),
      // Playwright adds --no-sandbox unless told otherwise: a renderer taken over by a hostile
      // page would then run with the capturing user's full rights. Only root goes without.
      chromiumSandbox: !options.runningAsRoot,
      // We handle signals ourselves (first Ctrl-C: clean stop), so Playwright must not kill on SIGINT.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
      ...(options.onLog ? { logger: { isEnabled: (name) => name === 'browser', log: (_n, _s, message) => options.onLog?.(String(message)) } } : {}),
    });
    if (options.signal) {
      const onAbort = () => void browser.close().catch(() => undefined);
      if (options.signal.aborted) onAbort();
      options.signal.addEventListener('abort', onAbort, { once: true });
      browser.on('disconnected', () => options.signal?.removeEventListener('abort', onAbort));
    }
    return browser;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/ENOENT|Failed to launch.*(no such file|not found)|executable doesn't exist/i.test(message)) {
      throw new CaptureError('CHROMIUM_MISSING', `Chromium could not be started from ${options.executablePath}`, { cause: error, detail: message });
    }
    throw new CaptureError('CHROMIUM_CRASHED', `Chromium failed to start: ${message.split('\n')[0]}`, { cause: error, detail: message });
  }
}
