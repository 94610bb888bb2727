#!/usr/bin/env node
/**
 * `npm run pictures`: the README's layout pictures. Generates a four-camera sample, records it once
 * per layout with the built CLI, and writes the frame at 7 s (four cameras on) of each to
 * docs/pictures/<layout>.png, 640 pixels wide. Run `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFfmpeg } from '../dist/process/find-ffmpeg.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin', 'bbb-capture.js');
const out = path.join(root, 'docs', 'pictures');
const { ffmpeg } = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const work = mkdtempSync(path.join(tmpdir(), 'bbb-capture-pictures-'));
const LAYOUTS = {
  player: [],
  content: [],
  webcams: [],
  presenters: [],
  custom: ['--layout-file', path.join(root, 'docs', 'layouts', 'side-by-side.json')],
};
try {
  execFileSync(process.execPath, [bin, 'sample', work, '--variant', 'fourcams', '--duration', '12', '--fps', '15'], { stdio: 'inherit' });
  const dir = path.join(
    work,
    readdirSync(work).find((name) => !name.startsWith('.')),
  );
  for (const [layout, extra] of Object.entries(LAYOUTS)) {
    const video = path.join(work, `${layout}.mp4`);
    execFileSync(process.execPath, [bin, 'record', dir, '-o', video, '--resolution', '1280x720', '--layout', layout, '--to', '8', '-q', ...extra], { stdio: 'inherit' });
    // One frame at 7 s, scaled to README width.
    execFileSync(ffmpeg, ['-v', 'error', '-y', '-ss', '7', '-i', video, '-frames:v', '1', '-vf', 'scale=640:-2', path.join(out, `${layout}.png`)], { stdio: 'inherit' });
    console.log(`docs/pictures/${layout}.png`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
