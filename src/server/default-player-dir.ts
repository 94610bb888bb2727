/** Where the bundled stand-in player lives, found from this module so it works from src/ and dist/. */
import { fileURLToPath } from 'node:url';

/** The package's assets/standin-player directory (this file sits in <root>/{src,dist}/server/). */
export function defaultPlayerDir(): string {
  return fileURLToPath(new URL('../../assets/standin-player/', import.meta.url));
}
