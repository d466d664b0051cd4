/**
 * util/deadline.ts and its use by raceWait (util/abort.ts): one budget for a whole operation,
 * timeouts that name the step and the configured total. Time is moved by vitest's fake timers, so
 * nothing here depends on how fast the machine is.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadline, DEFAULT_TIMEOUT_MS } from '../../src/util/deadline.js';
import { raceWait, type WaitOptions } from '../../src/util/abort.js';
import { AbortError, NetsendError, TimeoutError } from '../../src/status/error.js';
import * as netsend from '../../src/index.js';

/** A wait that settles `ms` after it starts (on the fake clock). */
function after<T>(ms: number, value: T): () => Promise<T> {
  return () => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
}

/** Settles `p` and returns what it gave, so a rejection can be inspected after timers ran. */
function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Deadline', () => {
  it('counts down from the configured total and stays at 0 once expired', () => {
    const d = new Deadline(1500);
    expect(d.totalMs).toBe(1500);
    expect(d.remaining()).toBe(1500);
    vi.advanceTimersByTime(600);
    expect(d.remaining()).toBe(900);
    expect(d.expired).toBe(false);
    vi.advanceTimersByTime(900);
    expect(d.expired).toBe(true);
    vi.advanceTimersByTime(5000);
    expect(d.remaining()).toBe(0);
  });

  it('follows an injected clock', () => {
    let now = 1_000_000;
    const d = new Deadline(100, undefined, () => now);
    now += 40;
    expect(d.remaining()).toBe(60);
    now += 100;
    expect(d.expired).toBe(true);
  });

  it('refuses a negative or non-finite budget as a usage error', () => {
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Deadline(ms)).toThrow(expect.objectContaining({ layer: 'usage', code: 87, name: 'ERROR_INVALID_PARAMETER' }));
    }
  });

  it('a budget beyond the longest timer (24.8 days) still waits instead of firing at once', async () => {
    const d = new Deadline(40 * 24 * 3600 * 1000);
    const p = settle(raceWait('call', d.waitOptions(), () => new Promise(() => undefined)));
    await vi.advanceTimersByTimeAsync(0x7fffffff + 1000);
    let settled = false;
    void p.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    expect(d.expired).toBe(false);
    await vi.advanceTimersByTimeAsync(40 * 24 * 3600 * 1000);
    expect((await p).error).toBeInstanceOf(TimeoutError);
  });

  it('names the step and the configured total in its TimeoutError, on the timeout layer', () => {
    const d = new Deadline(3000);
    vi.advanceTimersByTime(2990);
    const e = d.timeoutError('session setup');
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e).toBeInstanceOf(NetsendError);
    expect(e).toMatchObject({ layer: 'timeout', code: 0, name: 'TIMEOUT', step: 'session setup', deadlineMs: 3000 });
    expect(e.message).toBe('session setup: no answer within the 3,000 ms deadline');
  });

  it('a plain TimeoutError keeps its per-wait message and has no deadline', () => {
    const e = new TimeoutError('receive', 5);
    expect(e.message).toBe('receive timed out after 5 ms');
    expect(e.deadlineMs).toBeUndefined();
  });

  it('views name their step, nest under an outer step and share the budget', () => {
    const d = new Deadline(1000);
    const rpc = d.within('RPC call opnum 0');
    const smb = rpc.within('SMB2 IOCTL');
    expect(d.step).toBeUndefined();
    expect(rpc.step).toBe('RPC call opnum 0');
    expect(smb.step).toBe('RPC call opnum 0 (SMB2 IOCTL)');
    expect(rpc.within('RPC call opnum 0').step).toBe('RPC call opnum 0');
    vi.advanceTimersByTime(250);
    expect([d.remaining(), rpc.remaining(), smb.remaining()]).toEqual([750, 750, 750]);
    expect(smb.totalMs).toBe(1000);
    // The view's step wins over the generic name a low layer gives its wait.
    expect(smb.timeoutError('receive').message).toBe('RPC call opnum 0 (SMB2 IOCTL): no answer within the 1,000 ms deadline');
    expect(d.timeoutError('receive').message).toBe('receive: no answer within the 1,000 ms deadline');
  });

  it('is part of the package API, so a caller can share one deadline over several calls', () => {
    expect(netsend.Deadline).toBe(Deadline);
  });

  it('of() returns the caller deadline, else a new one of timeoutMs, else of the fallback', () => {
    const d = new Deadline(700);
    expect(Deadline.of({ deadline: d, timeoutMs: 5 })).toBe(d);
    expect(Deadline.of({ timeoutMs: 5 }).totalMs).toBe(5);
    expect(Deadline.of({}, 42).totalMs).toBe(42);
    expect(Deadline.of({}).totalMs).toBe(DEFAULT_TIMEOUT_MS);
    const ac = new AbortController();
    expect(Deadline.of({ signal: ac.signal }).signal).toBe(ac.signal);
  });

  it('waitOptions carry the deadline (or a step view), the signal, and what is left as timeoutMs', () => {
    const ac = new AbortController();
    const d = new Deadline(1000, ac.signal);
    vi.advanceTimersByTime(300);
    const o = d.waitOptions('tree connect');
    expect(o.timeoutMs).toBe(700);
    expect(o.signal).toBe(ac.signal);
    expect(o.deadline.step).toBe('tree connect');
    expect(d.waitOptions().deadline).toBe(d);
    expect(new Deadline(10).waitOptions()).not.toHaveProperty('signal');
    vi.advanceTimersByTime(2000);
    expect(d.waitOptions().timeoutMs).toBe(1); // never 0, which some APIs read as "no timeout"
  });

  it('check() throws AbortError when aborted, the deadline TimeoutError when expired, else nothing', () => {
    const ac = new AbortController();
    const d = new Deadline(100, ac.signal).within('logoff');
    expect(() => d.check()).not.toThrow();
    vi.advanceTimersByTime(100);
    expect(() => d.check()).toThrow(/logoff: no answer within the 100 ms deadline/);
    ac.abort();
    expect(() => d.check()).toThrow(AbortError);
  });
});

describe('raceWait on a deadline', () => {
  it('sequential waits share one budget: the one that runs out fails, naming its step', async () => {
    // Each wait alone is well under 1,000 ms (and would pass with a per-wait timeoutMs of 1,000).
    const d = new Deadline(1000);
    const first = settle(raceWait('negotiate', d.waitOptions(), after(600, 'a')));
    await vi.advanceTimersByTimeAsync(600);
    expect(await first).toEqual({ value: 'a' });
    const second = settle(raceWait('session setup', { ...d.waitOptions(), timeoutMs: 1000 }, after(600, 'b')));
    await vi.advanceTimersByTimeAsync(600);
    const r = await second;
    expect(r.error).toBeInstanceOf(TimeoutError);
    expect((r.error as TimeoutError).message).toBe('session setup: no answer within the 1,000 ms deadline');
  });

  it('without a deadline a wait still gets its own timeoutMs', async () => {
    const o: WaitOptions = { timeoutMs: 1000 };
    const a = settle(raceWait('one', o, after(600, 1)));
    await vi.advanceTimersByTimeAsync(600);
    const b = settle(raceWait('two', o, after(600, 2)));
    await vi.advanceTimersByTimeAsync(600);
    expect([await a, await b]).toEqual([{ value: 1 }, { value: 2 }]);
  });

  it('nested waits of several layers fail together with one error naming the innermost step', async () => {
    const d = new Deadline(500);
    const rpc = d.within('RPC call opnum 0');
    const cleaned: string[] = [];
    let inner: Promise<{ value?: unknown; error?: unknown }> | undefined;
    const outer = settle(
      raceWait(
        'RPC',
        rpc.waitOptions(),
        () => {
          inner = settle(raceWait('receive', rpc.waitOptions('SMB2 IOCTL'), () => new Promise(() => undefined), () => cleaned.push('inner')));
          return new Promise(() => undefined);
        },
        () => cleaned.push('outer'),
      ),
    );
    await vi.advanceTimersByTimeAsync(500);
    const [o, i] = [await outer, await inner!];
    expect(o.error).toBe(i.error);
    expect((o.error as Error).message).toBe('RPC call opnum 0 (SMB2 IOCTL): no answer within the 500 ms deadline');
    expect(cleaned.sort()).toEqual(['inner', 'outer']);
  });

  it('an expired deadline fails at once without starting the wait', async () => {
    const d = new Deadline(50);
    vi.advanceTimersByTime(50);
    const start = vi.fn(after(1, 'x'));
    await expect(raceWait('tree disconnect', d.waitOptions(), start)).rejects.toMatchObject({ layer: 'timeout', message: 'tree disconnect: no answer within the 50 ms deadline' });
    expect(start).not.toHaveBeenCalled();
  });

  it("the deadline's signal aborts the wait even when the options carry no signal of their own", async () => {
    const ac = new AbortController();
    const d = new Deadline(10_000, ac.signal);
    const p = settle(raceWait('bind', { deadline: d }, () => new Promise(() => undefined)));
    ac.abort();
    const r = await p;
    expect(r.error).toBeInstanceOf(AbortError);
  });

  it('leaves no timer behind once its waits are done', async () => {
    const d = new Deadline(10_000);
    const p = raceWait('call', d.waitOptions(), after(5, 'ok'));
    await vi.advanceTimersByTimeAsync(5);
    expect(await p).toBe('ok');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a rejection of the wait itself passes through unchanged', async () => {
    const d = new Deadline(1000);
    const boom = new NetsendError('socket', 104, 'ECONNRESET', 'reset');
    await expect(raceWait('receive', d.waitOptions(), () => Promise.reject(boom))).rejects.toBe(boom);
    expect(vi.getTimerCount()).toBe(0);
  });
});
