import type { Command } from 'commander';
import type { CliContext } from '../main.js';

/** Placeholder until the serve command lands. */
export function registerServe(_program: Command, _context: CliContext): void {}
