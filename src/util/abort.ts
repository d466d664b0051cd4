import { AbortError, TimeoutError } from '../status/error.js';

/** Options every network wait accepts. */
export interface WaitOptions {
  /** Milliseconds before the wait fails with TimeoutError. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AbortError(what, signal.reason);
}

/**
 * Runs `start` and settles with its promise, or rejects with TimeoutError / AbortError first.
 * `cleanup` runs when the wait loses the race, so the caller can drop listeners or close sockets.
 */
export function raceWait<T>(
  what: string,
  opts: WaitOptions,
  start: () => Promise<T>,
  cleanup?: () => void,
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = opts.signal;
  if (signal?.aborted) return Promise.reject(new AbortError(what, signal.reason));
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (): void => {
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      if (done) return;
      finish();
      cleanup?.();
      reject(new AbortError(what, signal?.reason));
    };
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      cleanup?.();
      reject(new TimeoutError(what, timeoutMs));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    let p: Promise<T>;
    try {
      p = start();
    } catch (e) {
      finish();
      reject(e);
      return;
    }
    p.then(
      (v) => {
        if (done) return;
        finish();
        resolve(v);
      },
      (e: unknown) => {
        if (done) return;
        finish();
        reject(e);
      },
    );
  });
}
