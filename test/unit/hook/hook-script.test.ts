import { describe, expect, it } from 'vitest';
import { HOOK_MARKER, hookScript, type HookConfig } from '../../../src/hook/hook-script.js';

const CONFIG: HookConfig = {
  publishedDir: '/var/bigbluebutton/published/presentation',
  spoolDir: '/var/spool/bbb-capture',
  redis: null,
  queue: 'bbb-capture',
  playbackBase: null,
  command: ['/usr/bin/node', '/opt/bbb-capture/bin/bbb-capture.js'],
  logFile: '/var/log/bigbluebutton/bbb-capture-hook.log',
  timeoutS: 10,
};

describe('hookScript', () => {
  it('carries the marker uninstall looks for, and spool mode without a queue', () => {
    const script = hookScript(CONFIG);
    expect(script.split('\n').slice(0, 3)).toContain(HOOK_MARKER);
    expect(script).toContain('REDIS_URL = nil\n');
    expect(script).toContain("COMMAND = ['/usr/bin/node', '/opt/bbb-capture/bin/bbb-capture.js'].freeze");
    expect(script).toContain('TIMEOUT_S = 10\n');
  });

  it('quotes values so that nothing in them is interpolated or ends the string', () => {
    const script = hookScript({ ...CONFIG, spoolDir: "/srv/it's #{`id`} \\ here", redis: 'redis://u:p@h:6379/0', playbackBase: 'https://h/playback/presentation/2.3/' });
    expect(script).toContain("SPOOL_DIR = '/srv/it\\'s #{`id`} \\\\ here'\n");
    expect(script).toContain("REDIS_URL = 'redis://u:p@h:6379/0'\n");
    expect(script).toContain("PLAYBACK_BASE = 'https://h/playback/presentation/2.3/'\n");
  });

  it("checks the id against BBB's record id shape before using it in a path", () => {
    const script = hookScript(CONFIG);
    expect(script).toContain('RECORD_ID = /\\A[a-z0-9]{40}-[0-9]{13}\\z/.freeze');
    expect(script.indexOf('RECORD_ID.match?(record_id)')).toBeLessThan(script.indexOf('File.join(PUBLISHED_DIR, record_id)'));
  });
});
