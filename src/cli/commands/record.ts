import type { Command } from 'commander';
import type { CliContext } from '../main.js';

/** Placeholder until the record command lands. */
export function registerRecord(_program: Command, _context: CliContext): void {}
