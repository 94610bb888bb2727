import { describe, expect, it } from 'vitest';
import { chromiumArgs } from '../../../src/browser/chromium-flags.js';

describe('chromiumArgs', () => {
  it('as root: adds --no-sandbox and says so, once', () => {
    const { args, warnings } = chromiumArgs({ runningAsRoot: true, ownerPid: 42 });
    expect(args).toContain('--no-sandbox');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/--no-sandbox/);
    expect(warnings[0]).toMatch(/unprivileged user/);
  });

  it('as a user: keeps the sandbox and has nothing to say', () => {
    const { args, warnings } = chromiumArgs({ runningAsRoot: false, ownerPid: 42, extra: ['--x'] });
    expect(args).not.toContain('--no-sandbox');
    expect(args).toContain('--bbb-capture-owner=42');
    expect(args.at(-1)).toBe('--x');
    expect(warnings).toEqual([]);
  });
});
