import type { Command } from 'commander';
import type { CliContext } from '../main.js';

/** Placeholder until the verify command lands. */
export function registerVerify(_program: Command, _context: CliContext): void {}
