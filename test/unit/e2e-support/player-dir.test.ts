import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { playerUnderTest } from '../../e2e/support/player-dir.js';

describe('playerUnderTest', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function build(script: string): Promise<string> {
    dir = await mkdtemp(path.join(tmpdir(), 'player-dir-'));
    await mkdir(path.join(dir, 'static', 'js'), { recursive: true });
    await writeFile(path.join(dir, 'index.html'), '<script src="/playback/presentation/2.3/static/js/main.1.js"></script>');
    await writeFile(path.join(dir, 'static', 'js', 'main.1.js'), script);
    return dir;
  }

  it('the stand-in keeps the clock contract', () => {
    expect(playerUnderTest({})).toMatchObject({ kind: 'standin', clockContract: true, clock: 'event', audioOnly: true });
  });

  it('a build whose scripts dispatch bbbplaybacktimeupdate and name audio/audio.webm keeps the clock and plays audio-only recordings (bbb-playback 5.x)', async () => {
    const at = await build('var E={TIME_UPDATE:"bbbplaybacktimeupdate"};document.addEventListener(E.TIME_UPDATE,f);b("audio/audio.webm");');
    expect(playerUnderTest({ BBB_CAPTURE_PLAYER: at })).toEqual({ dir: at, kind: 'real', clockContract: true, clock: 'event', audioOnly: true });
  });

  it('a build that joins the event name at run time keeps it too (react-scripts 4 builds: bbb-playback 3.x and 4.x)', async () => {
    const at = await build('w={TIME_UPDATE:"".concat("bbbplayback","timeupdate")};b("audio/audio.webm");');
    expect(playerUnderTest({ BBB_CAPTURE_PLAYER: at })).toEqual({ dir: at, kind: 'real', clockContract: true, clock: 'event', audioOnly: true });
  });

  it('a build that polls its webcams video instead and knows no audio-only media keeps the polled clock, without audio-only (bbb-playback 2.3.x)', async () => {
    const at = await build('Tt.webcams.on("play",(function(){setInterval((function(){var e=Tt.webcams.currentTime();t(e)}),1e3/we.player.rps)}));');
    expect(playerUnderTest({ BBB_CAPTURE_PLAYER: at })).toEqual({ dir: at, kind: 'real', clockContract: true, clock: 'polled', audioOnly: false });
  });

  it('a build with neither clock cannot be stepped', async () => {
    const at = await build('setInterval(function(){draw()},100);');
    expect(playerUnderTest({ BBB_CAPTURE_PLAYER: at })).toEqual({ dir: at, kind: 'real', clockContract: false, clock: 'none', audioOnly: false });
  });
});
