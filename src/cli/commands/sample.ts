import type { Command } from 'commander';
import type { CliContext } from '../main.js';

/** Placeholder until the sample command lands. */
export function registerSample(_program: Command, _context: CliContext): void {}
