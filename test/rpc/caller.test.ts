/** withContextHandle: the handle is closed after the body, on error too, and the body's error wins. */
import { describe, expect, it } from 'vitest';
import { withContextHandle } from '../../src/rpc/caller.js';
import { NetsendError } from '../../src/status/error.js';

describe('withContextHandle', () => {
  it('closes after success and returns the body value', async () => {
    const closed: string[] = [];
    expect(await withContextHandle(async () => 'h1', async (h) => closed.push(h), async (h) => `${h}:done`)).toBe('h1:done');
    expect(closed).toEqual(['h1']);
  });

  it('closes after a failing body and rethrows the body error, even when closing fails too', async () => {
    const closed: string[] = [];
    const bodyError = new NetsendError('rpc-fault', 5, 'ERROR_ACCESS_DENIED', 'denied');
    await expect(
      withContextHandle(
        async () => 'h2',
        async (h) => {
          closed.push(h);
          throw new Error('close failed');
        },
        async () => {
          throw bodyError;
        },
      ),
    ).rejects.toBe(bodyError);
    expect(closed).toEqual(['h2']);
  });

  it('reports a close failure after a successful body, and never closes what was not opened', async () => {
    await expect(withContextHandle(async () => 'h3', async () => Promise.reject(new Error('close failed')), async () => 1)).rejects.toThrow('close failed');
    let closes = 0;
    await expect(withContextHandle(async () => Promise.reject(new Error('open failed')), async () => void closes++, async () => 1)).rejects.toThrow('open failed');
    expect(closes).toBe(0);
  });
});
