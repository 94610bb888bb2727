import { fstatSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { vi } from 'vitest';

/**
 * Records every FileHandle.sync() (fsync) of the process: the inode synced, and whatever `probe`
 * says at that instant (e.g. whether the final name exists yet). The real fsync still runs.
 */
export async function spyOnFsync<T>(probe: () => T = () => undefined as T): Promise<{ synced: Array<{ ino: number; at: T }>; restore: () => void }> {
  const handle = await open(tmpdir(), 'r');
  const proto = Object.getPrototypeOf(handle) as FileHandle;
  await handle.close();
  const original = proto.sync;
  const synced: Array<{ ino: number; at: T }> = [];
  const spy = vi.spyOn(proto, 'sync').mockImplementation(function (this: FileHandle) {
    synced.push({ ino: fstatSync(this.fd).ino, at: probe() });
    return original.call(this);
  });
  return { synced, restore: () => spy.mockRestore() };
}
