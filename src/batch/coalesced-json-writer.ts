/**
 * Saves a journal often without writing it once per change: calls while a write is under way
 * share the next one, which writes the state as it is then (writeJsonAtomic), and each call
 * resolves once a write that started after it is on disk.
 */
import { writeJsonAtomic } from './write-json-atomic.js';

/** A save() for `file`, writing `document()` atomically, concurrent calls coalesced. */
export function coalescedJsonWriter(file: string, document: () => unknown): () => Promise<void> {
  let wanted = false;
  let writing: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    try {
      while (wanted) {
        wanted = false;
        await writeJsonAtomic(file, document());
      }
    } finally {
      writing = undefined;
    }
  };
  return () => {
    wanted = true;
    writing ??= drain();
    return writing;
  };
}
