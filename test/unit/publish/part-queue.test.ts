import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { createPartQueue } from '../../../src/publish/part-queue.js';

describe('createPartQueue', () => {
  it('hands parts over in the order asked, each once it is ready, whatever order they finish in', async () => {
    const queue = createPartQueue<string>();
    const taken: string[] = [];
    const reader = (async () => {
      for (let i = 0; i < 3; i++) taken.push(await queue.get(i));
    })();
    queue.put(2, 'c');
    queue.put(1, 'b');
    await new Promise((r) => setTimeout(r, 20));
    // Part 0 is late: the reader waits for it rather than skipping ahead.
    expect(taken).toEqual([]);
    queue.put(0, 'a');
    await reader;
    expect(taken).toEqual(['a', 'b', 'c']);
    // A part already handed over can be taken again (a resumed stream re-reads it).
    await expect(queue.get(1)).resolves.toBe('b');
  });

  it('a failure rejects the waiting and later readers; parts ready before it still come', async () => {
    const queue = createPartQueue<string>();
    queue.put(0, 'a');
    const waiting = queue.get(1);
    const failure = new CaptureError('FFMPEG_FAILED', 'the render failed');
    queue.fail(failure);
    await expect(waiting).rejects.toBe(failure);
    await expect(queue.get(2)).rejects.toBe(failure);
    await expect(queue.get(0)).resolves.toBe('a');
  });

  it('a reader stops waiting when its signal aborts', async () => {
    const queue = createPartQueue<string>();
    const stop = new AbortController();
    const waiting = queue.get(0, stop.signal);
    stop.abort(new CaptureError('ABORTED', 'stopped'));
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    // The part, when it comes, goes to the next reader.
    queue.put(0, 'a');
    await expect(queue.get(0)).resolves.toBe('a');
  });
});
