#!/usr/bin/env node
// Fails when package-lock.json cannot reproduce the install `npm ci` promises: the lock's root entry
// must declare exactly package.json's dependencies, and every package must say where it came from
// (`resolved`, an https URL) and what it must hash to (`integrity`). npm ci checks the first itself
// but happily installs entries without `resolved`/`integrity`, re-resolving them against whatever
// registry the machine is configured with and trusting what comes back — the hole this closes.
// Usage: node scripts/check-lockfile.mjs [project-dir]   (exit 1 and one line per problem)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/** Every way the lock disagrees with package.json or leaves a package unpinned, as sentences. */
export function lockfileProblems(pkg, lock) {
  const problems = [];
  if (!(lock.lockfileVersion >= 2) || !lock.packages) {
    return [`lockfileVersion ${lock.lockfileVersion}: expected 2 or 3 (npm 7+), with a "packages" map`];
  }
  const root = lock.packages[''] ?? {};
  for (const field of FIELDS) {
    const want = pkg[field] ?? {};
    const have = root[field] ?? {};
    for (const name of new Set([...Object.keys(want), ...Object.keys(have)])) {
      if (want[name] !== have[name]) {
        problems.push(`${field}.${name}: package.json says ${want[name] ?? '(absent)'}, the lock says ${have[name] ?? '(absent)'}`);
      }
    }
  }
  for (const [where, entry] of Object.entries(lock.packages)) {
    // The root, workspace links and packages shipped inside another package's tarball have no
    // download of their own.
    if (where === '' || entry.link || entry.inBundle) continue;
    if (typeof entry.resolved !== 'string' || !entry.resolved.startsWith('https://')) {
      problems.push(`${where}: resolved is ${JSON.stringify(entry.resolved)}, expected an https URL`);
    }
    if (typeof entry.integrity !== 'string' || !/^sha(256|384|512)-/.test(entry.integrity)) {
      problems.push(`${where}: integrity is ${JSON.stringify(entry.integrity)}, expected a sha512 hash`);
    }
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? '.');
  const read = (file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const problems = lockfileProblems(read('package.json'), read('package-lock.json'));
  if (problems.length > 0) {
    console.error(`check-lockfile: package-lock.json is out of date or incomplete (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):`);
    for (const problem of problems.slice(0, 20)) console.error(`  ${problem}`);
    if (problems.length > 20) console.error(`  … and ${problems.length - 20} more`);
    console.error('Update it with npm install (npm 11), never by hand; README "The lock file" says how.');
    process.exit(1);
  }
  console.log(`check-lockfile: package-lock.json matches package.json; ${Object.keys(read('package-lock.json').packages).length - 1} packages pinned`);
}
