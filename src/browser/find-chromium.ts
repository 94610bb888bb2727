/**
 * Finds a Chromium to drive: an explicit path (--chromium / BBB_CAPTURE_CHROMIUM, resolved by the
 * CLI), then the usual system locations (Debian's /usr/bin/chromium first), then a browser that
 * Playwright itself installed, if any.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CaptureError } from '../errors.js';

const SYSTEM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
];

/** Path of the Chromium executable to launch; throws CHROMIUM_MISSING naming what was tried. */
export function findChromium(explicit?: string): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new CaptureError('CHROMIUM_MISSING', `Chromium not found at ${explicit} (from --chromium or BBB_CAPTURE_CHROMIUM)`);
    return explicit;
  }
  for (const candidate of SYSTEM_CANDIDATES) if (existsSync(candidate)) return candidate;
  try {
    // Playwright (0.4 s to load) only when no system Chromium is found: options resolve at every start.
    const { chromium } = createRequire(import.meta.url)('playwright') as typeof import('playwright');
    const bundled = chromium.executablePath();
    if (bundled && existsSync(bundled)) return bundled;
  } catch {
    // Playwright has no browser of its own installed.
  }
  throw new CaptureError(
    'CHROMIUM_MISSING',
    `Chromium not found (tried ${SYSTEM_CANDIDATES.join(', ')} and Playwright's browsers): install it (apt-get install chromium) or pass --chromium PATH`,
  );
}
