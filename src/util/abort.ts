import { AbortError, TimeoutError } from '../status/error.js';
import { DEFAULT_TIMEOUT_MS, type Deadline } from './deadline.js';

export { DEFAULT_TIMEOUT_MS };

/** Options every network wait accepts. */
export interface WaitOptions {
  /** Milliseconds before the wait fails with TimeoutError (ignored when `deadline` is given). */
  timeoutMs?: number;
  /** Aborting it ends the wait with AbortError. */
  signal?: AbortSignal;
  /**
   * The operation's one deadline (util/deadline.ts). When present, waits end when it runs out, not
   * `timeoutMs` after they start, and their TimeoutError names the step and the configured total.
   * Lower layers pass their options on unchanged so that every step shares it.
   */
  deadline?: Deadline;
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AbortError(what, signal.reason);
}

/**
 * Runs `start` and settles with its promise, or rejects with TimeoutError / AbortError first.
 * `cleanup` runs when the wait loses the race, so the caller can drop listeners or close sockets.
 * With `opts.deadline` the wait ends when that deadline runs out (already expired: at once, without
 * calling `start`); otherwise `opts.timeoutMs` after it starts.
 */
export function raceWait<T>(
  what: string,
  opts: WaitOptions,
  start: () => Promise<T>,
  cleanup?: () => void,
): Promise<T> {
  const deadline = opts.deadline;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = opts.signal ?? deadline?.signal;
  if (signal?.aborted) return Promise.reject(new AbortError(what, signal.reason));
  if (deadline?.expired) return Promise.reject(deadline.timeoutError(what));
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let unwatch: (() => void) | undefined;
    const finish = (): void => {
      done = true;
      if (timer) clearTimeout(timer);
      unwatch?.();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      if (done) return;
      finish();
      cleanup?.();
      reject(new AbortError(what, signal?.reason));
    };
    const onTimeout = (e: TimeoutError): void => {
      if (done) return;
      finish();
      cleanup?.();
      reject(e);
    };
    if (deadline) unwatch = deadline.watch(what, onTimeout);
    else timer = setTimeout(() => onTimeout(new TimeoutError(what, timeoutMs)), timeoutMs);
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
