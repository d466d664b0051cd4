/** raceWait and throwIfAborted: every network wait of the library goes through them. */
import { describe, expect, it } from 'vitest';
import { raceWait, throwIfAborted } from '../../src/util/abort.js';
import { Deadline } from '../../src/util/deadline.js';
import { AbortError, NetsendError, TimeoutError } from '../../src/status/error.js';

const never = (): Promise<never> => new Promise<never>(() => {});

describe('throwIfAborted', () => {
  it('throws AbortError naming the step, with the reason as cause, only once aborted', () => {
    const c = new AbortController();
    expect(() => throwIfAborted(c.signal, 'connect')).not.toThrow();
    expect(() => throwIfAborted(undefined, 'connect')).not.toThrow();
    const reason = new Error('user');
    c.abort(reason);
    let caught: unknown;
    try {
      throwIfAborted(c.signal, 'connect');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AbortError);
    expect(caught).toMatchObject({ layer: 'abort', name: 'ABORTED', message: 'connect aborted' });
    expect((caught as Error).cause).toBe(reason);
  });
});

describe('raceWait', () => {
  it('settles with the operation when it wins, value or error', async () => {
    await expect(raceWait('op', { timeoutMs: 10_000 }, async () => 42)).resolves.toBe(42);
    const err = new NetsendError('socket', 104, 'ECONNRESET', 'reset');
    await expect(raceWait('op', { timeoutMs: 10_000 }, () => Promise.reject(err))).rejects.toBe(err);
  });

  it('a synchronous throw from start() rejects the wait', async () => {
    await expect(
      raceWait('op', {}, () => {
        throw new RangeError('sync');
      }),
    ).rejects.toThrow(RangeError);
  });

  it('times out with TimeoutError naming the step and runs cleanup once', async () => {
    let cleaned = 0;
    const e = await raceWait('SMB2 READ', { timeoutMs: 1 }, never, () => cleaned++).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e).toMatchObject({ layer: 'timeout', step: 'SMB2 READ' });
    expect(cleaned).toBe(1);
  });

  it('an abort ends the wait with AbortError and runs cleanup; an aborted signal never starts the operation', async () => {
    const c = new AbortController();
    let cleaned = 0;
    const p = raceWait('read', { timeoutMs: 60_000, signal: c.signal }, never, () => cleaned++);
    c.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
    expect(cleaned).toBe(1);
    let started = false;
    await expect(
      raceWait('read', { signal: c.signal }, async () => {
        started = true;
      }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(started).toBe(false);
  });

  it('with a deadline: an expired one rejects at once without starting; its signal aborts', async () => {
    const spent = new Deadline(0);
    let started = false;
    const e = await raceWait('negotiate', { deadline: spent, timeoutMs: 60_000 }, async () => {
      started = true;
    }).catch((x: unknown) => x);
    expect(started).toBe(false);
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as TimeoutError).step).toBe('negotiate');
    const c = new AbortController();
    const d = new Deadline(60_000, c.signal);
    const p = raceWait('call', { deadline: d }, never);
    c.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
  });

  it('a late result or error after losing the race is ignored (no unhandled rejection, no second settle)', async () => {
    let rejectLate: (e: unknown) => void = () => {};
    const c = new AbortController();
    const p = raceWait('late', { signal: c.signal }, () => new Promise<never>((_, rej) => (rejectLate = rej)));
    c.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
    rejectLate(new Error('late'));
    await new Promise((r) => setImmediate(r));
    // the abort listener is gone: aborting again changes nothing
    expect(() => c.abort()).not.toThrow();
  });
});
