/** Parsers for option values; each names the bad value and what was expected. */
import { InvalidArgumentError } from 'commander';

/** Seconds from `90`, `1:30`, `1:02:03.5`, `1h2m3s`, `2m`, `45s`. */
export function parseTime(value: string): number {
  const text = value.trim();
  let m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (m && text !== '' && /[hms]$/.test(text)) return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  m = /^(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d+)?)$/.exec(text);
  if (m) return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3]);
  throw new InvalidArgumentError(`"${value}" is not a time (expected seconds, h:mm:ss or 1h2m3s)`);
}

/** A positive number, optionally with k/M suffix (bitrates). */
export function parseAmount(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`"${value}" is not a number (e.g. 8M, 192k, 30)`);
  const scale = m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1;
  const n = Number(m[1]) * scale;
  if (!(n > 0)) throw new InvalidArgumentError(`"${value}" must be greater than 0`);
  return n;
}

/** `--workers`: auto, or a whole number of player pages. */
export function parseWorkers(value: string): number | 'auto' {
  const text = value.trim();
  if (text === 'auto') return 'auto';
  if (!/^[1-9]\d*$/.test(text)) throw new InvalidArgumentError(`"${value}" is not auto or a number of pages (1, 2, ...)`);
  return Number(text);
}

/** One of a fixed set of choices. */
export function oneOf<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`"${value}" is not one of ${choices.join(', ')}`);
    return value as T;
  };
}

/** Bytes from `2G`, `500M`, `1.5GiB`, `4096` (K, M, G, T are powers of 1024, as `df -h` shows them). */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(?:([kKmMgGtT])(?:i?[bB])?|[bB])?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`"${value}" is not a size (e.g. 2G, 500M, 1.5GiB)`);
  const power = m[2] ? 'kmgt'.indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.round(Number(m[1]) * 1024 ** power);
}
