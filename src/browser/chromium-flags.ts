/**
 * Every command-line switch bbb-capture gives Chromium, with the reason for it, in one list.
 */

export interface ChromiumFlag {
  flag: string;
  why: string;
  /** Said to the user once per launch when the flag is used: it weakens a protection. */
  warning?: string;
}

export const CHROMIUM_FLAGS: readonly ChromiumFlag[] = [
  { flag: '--auto-accept-this-tab-capture', why: "getDisplayMedia({preferCurrentTab}) returns this tab's video and audio without a prompt" },
  { flag: '--autoplay-policy=no-user-gesture-required', why: 'play() from page script, unmuted, without a click' },
  { flag: '--disable-background-networking', why: 'no calls home; on a closed network they fail by the dozen' },
  { flag: '--disable-component-update', why: 'no component downloads at start' },
  { flag: '--disable-sync', why: 'no account sync' },
  { flag: '--no-first-run', why: 'no first-run UI' },
  { flag: '--disable-default-apps', why: 'a clean profile' },
  { flag: '--disable-background-timer-throttling', why: "timers (the player's time event) run at full rate in a headless tab" },
  { flag: '--disable-renderer-backgrounding', why: 'the renderer keeps its priority though no window is focused' },
  { flag: '--disable-backgrounding-occluded-windows', why: 'headless windows count as occluded; keep painting' },
  { flag: '--hide-scrollbars', why: 'scrollbars would appear in the captured picture' },
  { flag: '--force-color-profile=srgb', why: 'colours as authored, the same on every machine' },
  { flag: '--disable-features=Translate,MediaRouter,OptimizationHints,GlobalMediaControls', why: 'no translate bar, cast discovery or media notifications' },
  {
    flag: '--webrtc-ip-handling-policy=disable_non_proxied_udp',
    why: "a page's WebRTC would send UDP past the proxy that confines it to the recording's server; this way it may use only the proxy (tab capture needs no WebRTC)",
  },
];

/** Playwright's default switches that must not be used. */
export const IGNORED_DEFAULT_ARGS: readonly ChromiumFlag[] = [{ flag: '--mute-audio', why: 'a muted tab is captured as silence' }];

/** Added only when running as root, where Chromium refuses to start with its sandbox. */
export const ROOT_FLAGS: readonly ChromiumFlag[] = [
  {
    flag: '--no-sandbox',
    why: "Chromium's sandbox cannot run as root; the Docker image runs as a user with the sandbox on",
    warning:
      'running as root: Chromium runs without its sandbox (--no-sandbox), so a hostile page could reach this machine; run bbb-capture as an unprivileged user (README, Troubleshooting)',
  },
];

/** Tags every process of the browser with the capturing process's pid, so tests and admins can find orphans (`pgrep -f bbb-capture-owner=PID`); Chromium ignores switches it does not know. */
export function ownerFlag(pid: number): ChromiumFlag {
  return { flag: `--bbb-capture-owner=${pid}`, why: 'marks the browser processes of one bbb-capture process' };
}

/** The switches for a launch, and the warnings of those that weaken a protection (said once per launch). */
export function chromiumArgs(options: { runningAsRoot: boolean; ownerPid: number; extra?: readonly string[] }): { args: string[]; warnings: string[] } {
  const flags = [...CHROMIUM_FLAGS, ...(options.runningAsRoot ? ROOT_FLAGS : []), ownerFlag(options.ownerPid)];
  return { args: flags.map((f) => f.flag).concat(options.extra ?? []), warnings: flags.flatMap((f) => (f.warning ? [f.warning] : [])) };
}
