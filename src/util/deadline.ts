/**
 * One deadline for a whole operation: every wait of every layer (TCP connect, NBSS, each SMB
 * request, the pipe, RPC bind and call, teardown) draws on the same budget, so a server that answers
 * each request just in time cannot stretch `timeoutMs` into many times that. A wait gets it through
 * `WaitOptions.deadline` (util/abort.ts); `raceWait` then ends at the deadline instead of after
 * `timeoutMs`.
 *
 * When the time runs out, every wait still pending on the deadline fails with one TimeoutError that
 * names the innermost step that was waiting and the configured total, e.g. "SMB2 SESSION_SETUP: no
 * answer within the 3,000 ms deadline": not the remainder of the last wait, which tells a user nothing.
 */
import { AbortError, TimeoutError, usageError } from '../status/error.js';

/** Default for every `timeoutMs` the library accepts. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 0x7fffffff;

interface Waiter {
  /** The view that waits: its step names the timeout (computed only when it fires). */
  view: Deadline;
  what: string;
  expire(e: TimeoutError): void;
}

/** What a deadline and all its step views share. */
interface Shared {
  readonly until: number;
  readonly clock: () => number;
  /** Pending waits, outermost first. */
  waiters: Waiter[];
  timer: NodeJS.Timeout | null;
}

/** One time budget for a whole operation, shared down the layers so each step waits only for what is left. */
export class Deadline {
  /** The configured budget in ms, as the user gave it. */
  readonly totalMs: number;
  readonly signal: AbortSignal | undefined;
  private readonly shared: Shared;
  /** A step view (within): the view it was taken from and its own step. Names are built only when read. */
  private readonly parent: Deadline | undefined;
  private readonly own: string | undefined;
  private name: string | undefined;

  /**
   * Starts a deadline `totalMs` from now (`clock()`, default Date.now); `signal` aborts every wait
   * on it. `clock` is for tests that move time themselves. `view` is for `within` only (a step view
   * of another deadline; the other arguments are then ignored).
   */
  constructor(totalMs: number, signal?: AbortSignal, clock: () => number = Date.now, view?: { of: Deadline; step: string }) {
    // Every deadline and view is built here, with its fields in one order: one object shape on the hot path.
    if (view !== undefined) {
      const of = view.of;
      this.totalMs = of.totalMs;
      this.signal = of.signal;
      this.shared = of.shared;
      this.parent = of;
      this.own = view.step;
      this.name = undefined;
      return;
    }
    if (!Number.isFinite(totalMs) || totalMs < 0) throw usageError(`a deadline of ${totalMs} ms: give a finite timeoutMs of 0 or more`);
    this.totalMs = totalMs;
    this.signal = signal;
    this.shared = { until: clock() + totalMs, clock, waiters: [], timer: null };
    this.parent = undefined;
    this.own = undefined;
    this.name = undefined;
  }

  /** The step timeouts under this view are named after (see `within`). */
  get step(): string | undefined {
    if (this.own === undefined) return undefined;
    if (this.name === undefined) {
      const outer = this.parent?.step;
      this.name = outer === undefined || outer === this.own ? this.own : `${outer} (${this.own})`;
    }
    return this.name;
  }

  /**
   * The caller's deadline when the options carry one, else a new one of `timeoutMs` (or
   * `fallbackMs`) starting now: how a layer that may run alone or inside an operation gets its budget.
   */
  static of(opts: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined; deadline?: Deadline | undefined }, fallbackMs = DEFAULT_TIMEOUT_MS): Deadline {
    return opts.deadline ?? new Deadline(opts.timeoutMs ?? fallbackMs, opts.signal);
  }

  /** Milliseconds left, 0 once expired. */
  remaining(): number {
    return Math.max(0, this.shared.until - this.shared.clock());
  }

  /** True when no time is left. */
  get expired(): boolean {
    return this.remaining() === 0;
  }

  /**
   * The same deadline, with timeouts named after `step`. Inside a view that already names a step
   * the names nest: "RPC call opnum 0 (SMB2 IOCTL)".
   */
  within(step: string): Deadline {
    // A view shares the budget and the pending waits; only the name differs.
    return new Deadline(this.totalMs, this.signal, undefined, { of: this, step });
  }

  /**
   * Options for one wait (or for a lower layer's whole step) on this deadline. `timeoutMs` is what is
   * left now, for code that reads only that; raceWait follows `deadline`.
   */
  waitOptions(step?: string): { timeoutMs: number; signal?: AbortSignal; deadline: Deadline } {
    const d = step === undefined ? this : this.within(step);
    const o: { timeoutMs: number; signal?: AbortSignal; deadline: Deadline } = { timeoutMs: Math.max(1, this.remaining()), deadline: d };
    if (this.signal) o.signal = this.signal;
    return o;
  }

  /** The error of this deadline running out in `what` (the view's step wins over `what`). */
  timeoutError(what = 'operation'): TimeoutError {
    return new TimeoutError(this.step ?? what, this.totalMs, { deadline: true });
  }

  /** Throws AbortError when aborted, the deadline's TimeoutError when expired. */
  check(what = 'operation'): void {
    if (this.signal?.aborted) throw new AbortError(this.step ?? what, this.signal.reason);
    if (this.expired) throw this.timeoutError(what);
  }

  /**
   * Calls `expire` with the deadline's TimeoutError when it runs out; returns the function that stops
   * watching. All waits pending at that moment get the same error, named after the innermost one
   * (the last that started), so nested waits of several layers report one step, whichever timer
   * would have fired first. Used by raceWait.
   */
  watch(what: string, expire: (e: TimeoutError) => void): () => void {
    const s = this.shared;
    const w: Waiter = { view: this, what, expire };
    s.waiters.push(w);
    this.arm();
    return () => {
      const i = s.waiters.indexOf(w);
      if (i >= 0) s.waiters.splice(i, 1);
      if (s.waiters.length === 0 && s.timer) {
        clearTimeout(s.timer);
        s.timer = null;
      }
    };
  }

  private arm(): void {
    const s = this.shared;
    if (s.timer) return;
    s.timer = setTimeout(() => {
      s.timer = null;
      // A timer may fire a little before the clock says so: wait for the rest.
      if (this.remaining() > 0) {
        if (s.waiters.length > 0) this.arm();
        return;
      }
      const pending = s.waiters;
      s.waiters = [];
      const innermost = pending[pending.length - 1];
      if (!innermost) return;
      const e = new TimeoutError(innermost.view.step ?? innermost.what, this.totalMs, { deadline: true });
      for (const w of pending.reverse()) w.expire(e);
    }, Math.min(this.remaining(), MAX_TIMER_MS));
  }
}
