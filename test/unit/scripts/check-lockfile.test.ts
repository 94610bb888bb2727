import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = path.join(ROOT, 'scripts', 'check-lockfile.mjs');

/** Runs the check on a project directory the way `npm test` does. */
function check(dir: string) {
  return execa('node', [SCRIPT, dir], { reject: false });
}

describe('scripts/check-lockfile.mjs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'check-lockfile-'));
    await copyFile(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    await copyFile(path.join(ROOT, 'package-lock.json'), path.join(dir, 'package-lock.json'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('passes the repository as committed: every package pinned by URL and hash', async () => {
    const result = await check(ROOT);
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it('fails when a dependency is added to package.json without updating the lock', async () => {
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    pkg.dependencies['left-pad'] = '^1.3.0';
    await writeFile(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    const result = await check(dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('dependencies.left-pad: package.json says ^1.3.0, the lock says (absent)');
  });

  it('fails when a range changes in package.json only', async () => {
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    pkg.devDependencies.typescript = '^6.0.0';
    await writeFile(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    const result = await check(dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('devDependencies.typescript: package.json says ^6.0.0');
  });

  it('fails when a package has no resolved URL or no integrity hash', async () => {
    const lock = JSON.parse(await readFile(path.join(dir, 'package-lock.json'), 'utf8'));
    delete lock.packages['node_modules/commander'].resolved;
    lock.packages['node_modules/send'].integrity = undefined;
    lock.packages['node_modules/p-queue'].resolved = 'http://registry.npmjs.org/p-queue/-/p-queue-8.1.1.tgz';
    await writeFile(path.join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
    const result = await check(dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('node_modules/commander: resolved is undefined, expected an https URL');
    expect(result.stderr).toContain('node_modules/send: integrity is undefined');
    expect(result.stderr).toContain('node_modules/p-queue: resolved is "http://registry.npmjs.org');
  });
});
