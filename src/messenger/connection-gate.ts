/**
 * Admission control for the message receiver: who is served, who waits, who is evicted, and the
 * deadlines of every phase of a served connection. Limits and defaults: receiver-limits.ts.
 *
 * Definitions (docs/receiver.md repeats them for operators):
 * - A connection is *admitted* when the receiver starts reading it. Until then it is *queued*:
 *   accepted by the kernel, held unread (the socket is paused), for at most acceptQueueTimeoutMs.
 * - An admitted connection is *busy* while (a) bytes of a request have arrived and that request has
 *   not been answered yet (a partial frame, a whole request being handled or throttled, or an NBSS
 *   keepalive, which counts as the start of a request that never completes), or (b) a multi-block
 *   message is open (0xD5 answered, 0xD6 not yet received; [MS-MSRP] §3.2.4.5). Otherwise it is
 *   *idle*, since the later of its admission and its last reply.
 * - Only a connection idle for at least evictIdleAfterMs may be evicted, oldest idle first, and
 *   only for a newcomer from an address holding fewer connections than the victim's (or, at the
 *   per-address cap, from the same address). A connection mid-message is never evicted; its phases
 *   have deadlines instead (request, message, lifetime), so it cannot hold a slot for long either.
 */
import type * as net from 'node:net';
import { NetsendError, TimeoutError } from '../status/error.js';
import { addressKey, type ResolvedReceiverLimits } from './receiver-limits.js';

/** Counters of a receiver's connection admission, for `stats()`. */
export interface ReceiverStats {
  /** Connections admitted (being served) now. */
  active: number;
  /** Connections waiting in the accept queue now. */
  queued: number;
  /** Connections the listener accepted, in all. */
  accepted: number;
  /** Connections admitted, in all (directly or from the queue). */
  admitted: number;
  /** Connections closed unserved: accept queue full for their address or overall. */
  refused: number;
  /** Connections closed unserved after acceptQueueTimeoutMs in the queue. */
  queueExpired: number;
  /** Idle connections closed to make room. */
  evicted: number;
  /** Admitted connections closed by a deadline (first request, request, idle, message, lifetime). */
  timedOut: number;
  /** Messages refused by the per-address rate limit. */
  rateLimited: number;
  /** Messages answered late because of the rate limit. */
  throttled: number;
  /** Most connections admitted at once, and most queued at once, since start. */
  peakActive: number;
  /** Most connections queued at once since start. */
  peakQueued: number;
}

/** One admitted connection: its state for the idle definition above and its deadline timer. */
export class Slot {
  readonly socket: net.Socket;
  /** The address key limits count under (addressKey). */
  readonly key: string;
  readonly admittedAt: number;
  private readonly controller = new AbortController();
  private readonly limits: ResolvedReceiverLimits;
  private readonly onTimeout: (slot: Slot) => void;
  private firstRequestDone = false;
  /** When the first byte of the request now in progress arrived; null when none is. */
  private requestStartedAt: number | null = null;
  private groupOpenedAt: number | null = null;
  private idleSince: number;
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(socket: net.Socket, key: string, now: number, limits: ResolvedReceiverLimits, onTimeout: (slot: Slot) => void) {
    this.socket = socket;
    this.key = key;
    this.admittedAt = now;
    this.idleSince = now;
    this.limits = limits;
    this.onTimeout = onTimeout;
    this.rearm(now);
  }

  /** Aborted (reason: a NetsendError) when a deadline passes, on eviction, or when the receiver closes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The moment the connection's lifetime ends, whatever it is doing. */
  get lifetimeEnd(): number {
    return this.admittedAt + this.limits.maxConnectionLifetimeMs;
  }

  /** Milliseconds idle (see the definition at the top), or -1 when busy. */
  idleFor(now: number): number {
    if (this.requestStartedAt !== null || this.groupOpenedAt !== null || this.disposed) return -1;
    return now - this.idleSince;
  }

  /** Bytes arrived: a request has begun unless one already is in progress. */
  onBytes(now: number): void {
    if (this.requestStartedAt !== null) return;
    this.requestStartedAt = now;
    this.rearm(now);
  }

  /** The NBSS session was accepted (RFC 1002 §4.3.2); the first SMB request is still due. */
  sessionAccepted(now: number, moreBuffered: boolean): void {
    this.endRequest(now, moreBuffered);
  }

  /** A request was answered. `moreBuffered`: bytes of the next one have already arrived. */
  requestAnswered(now: number, moreBuffered: boolean): void {
    this.firstRequestDone = true;
    this.endRequest(now, moreBuffered);
  }

  /** 0xD5 answered. A second 0xD5 while one is open keeps the first one's deadline. */
  groupOpened(now: number): void {
    if (this.groupOpenedAt !== null) return;
    this.groupOpenedAt = now;
    this.rearm(now);
  }

  groupClosed(now: number): void {
    if (this.groupOpenedAt === null) return;
    this.groupOpenedAt = null;
    this.rearm(now);
  }

  /** Ends the connection with `reason` (the serving loop's waits reject with it). */
  end(reason: NetsendError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
    this.dispose();
    this.socket.destroy();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private endRequest(now: number, moreBuffered: boolean): void {
    this.requestStartedAt = moreBuffered ? now : null;
    this.idleSince = now;
    this.rearm(now);
  }

  /** The earliest deadline that applies now: [when, what, its length]. */
  private deadline(): [number, string, number] {
    const L = this.limits;
    let best: [number, string, number] = [this.admittedAt + L.maxConnectionLifetimeMs, 'connection lifetime', L.maxConnectionLifetimeMs];
    const consider = (at: number, what: string, ms: number): void => {
      if (at < best[0]) best = [at, what, ms];
    };
    if (!this.firstRequestDone) {
      const ms = Math.min(L.firstRequestTimeoutMs, L.idleTimeoutMs);
      consider(this.admittedAt + ms, 'first request', ms);
    }
    if (this.requestStartedAt !== null) consider(this.requestStartedAt + L.requestTimeoutMs, 'request', L.requestTimeoutMs);
    else if (this.firstRequestDone) consider(this.idleSince + L.idleTimeoutMs, 'idle connection', L.idleTimeoutMs);
    if (this.groupOpenedAt !== null) consider(this.groupOpenedAt + L.messageTimeoutMs, 'multi-block message', L.messageTimeoutMs);
    return best;
  }

  private rearm(now: number): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    const [at, what, ms] = this.deadline();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onTimeout(this);
      this.end(new TimeoutError(what, ms));
    }, Math.max(0, at - now));
  }
}

interface Waiting {
  socket: net.Socket;
  key: string;
  since: number;
}

export interface GateHooks {
  /** Start serving an admitted connection (the socket is still paused). */
  admit(socket: net.Socket, slot: Slot): void;
  /** Close a connection that will not be served. */
  refuse(socket: net.Socket, why: NetsendError): void;
  report(e: NetsendError, remoteAddress: string): void;
}

/** How often the accept queue is checked for expired entries and newly evictable connections. */
const QUEUE_TICK_MS = 100;

export class ConnectionGate {
  private readonly limits: ResolvedReceiverLimits;
  private readonly hooks: GateHooks;
  private readonly active = new Set<Slot>();
  private readonly activeByKey = new Map<string, Set<Slot>>();
  /** Waiting connections per address; Map order is the round-robin order between addresses. */
  private readonly queues = new Map<string, Waiting[]>();
  private queuedCount = 0;
  private tick: NodeJS.Timeout | null = null;
  private pumping = false;
  private closed = false;
  private readonly counters = { accepted: 0, admitted: 0, refused: 0, queueExpired: 0, evicted: 0, timedOut: 0, rateLimited: 0, throttled: 0, peakActive: 0, peakQueued: 0 };

  constructor(limits: ResolvedReceiverLimits, hooks: GateHooks) {
    this.limits = limits;
    this.hooks = hooks;
  }

  stats(): ReceiverStats {
    return { active: this.active.size, queued: this.queuedCount, ...this.counters };
  }

  countRateLimited(): void {
    this.counters.rateLimited++;
  }

  countThrottled(): void {
    this.counters.throttled++;
  }

  /** A connection the listener accepted: admit it, queue it, or refuse it. */
  offer(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.counters.accepted++;
    const key = addressKey(socket.remoteAddress);
    const entry: Waiting = { socket, key, since: Date.now() };
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = []));
    q.push(entry);
    this.queuedCount++;
    this.pump();
    if (q.includes(entry)) {
      if (q.length > this.limits.acceptQueuePerAddress) {
        this.dequeue(entry);
        this.refuse(entry, `accept queue for ${key} is full (${this.limits.acceptQueuePerAddress})`);
      } else if (this.queuedCount > this.limits.acceptQueueLength) {
        // Shed from the address with the most waiting, so one address cannot crowd out the rest.
        let largest = q;
        for (const other of this.queues.values()) if (other.length > largest.length) largest = other;
        const victim = largest[largest.length - 1]!;
        this.dequeue(victim);
        this.refuse(victim, `accept queue is full (${this.limits.acceptQueueLength})`);
      }
    }
    this.counters.peakQueued = Math.max(this.counters.peakQueued, this.queuedCount);
    this.ensureTick();
  }

  /** The serving loop of `slot` ended: free its place and let a waiting connection in. */
  release(slot: Slot): void {
    slot.dispose();
    if (!this.active.delete(slot)) return;
    const mine = this.activeByKey.get(slot.key);
    mine?.delete(slot);
    if (mine?.size === 0) this.activeByKey.delete(slot.key);
    this.pump();
  }

  close(): void {
    this.closed = true;
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
    for (const q of this.queues.values()) for (const w of q) w.socket.destroy();
    this.queues.clear();
    this.queuedCount = 0;
    for (const slot of [...this.active]) slot.end(new NetsendError('abort', 0, 'ABORTED', 'receiver closed'));
    this.active.clear();
    this.activeByKey.clear();
  }

  /** Admits waiting connections, one per address in turn, while there is (or can be made) room. */
  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      let progressed = true;
      while (progressed && this.queuedCount > 0) {
        progressed = false;
        const pass = { now: Date.now(), ceiling: null as number | null };
        if (this.active.size >= this.limits.maxConnections && (pass.ceiling = this.evictableCeiling(pass.now)) === 0) return; // full, nothing evictable
        for (const [key, q] of [...this.queues]) {
          const w = q[0];
          if (!w || !this.makeRoom(key, pass)) continue;
          this.dequeue(w);
          if (q.length > 0) {
            this.queues.delete(key); // to the back of the round-robin order
            this.queues.set(key, q);
          }
          this.admit(w);
          pass.ceiling = null;
          progressed = true;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Frees a place for one more connection from `key`, evicting an idle one if it must:
   * - `key` at its per-address cap: its own oldest idle connection, or none;
   * - the global budget full: the oldest idle connection of an address holding more connections
   *   than `key` does (so slots move from the largest holders to the smallest: 1,000 idle sockets
   *   spread over many addresses cannot keep out an address that holds none, and addresses with
   *   equal shares do not evict each other), or none.
   * `pass.ceiling` caches the largest share held by an address with an evictable connection.
   */
  private makeRoom(key: string, pass: { now: number; ceiling: number | null }): boolean {
    const mine = this.activeByKey.get(key);
    const held = mine?.size ?? 0;
    const addressFull = held >= this.limits.maxConnectionsPerAddress;
    const globalFull = this.active.size >= this.limits.maxConnections;
    if (!addressFull && !globalFull) return true;
    let victim: Slot | null = null;
    if (addressFull) {
      victim = this.oldestIdle(mine!, pass.now, 0);
    } else {
      pass.ceiling ??= this.evictableCeiling(pass.now);
      if (pass.ceiling > held) victim = this.oldestIdle(this.active, pass.now, held + 1);
    }
    if (!victim) return false;
    this.counters.evicted++;
    this.forget(victim);
    victim.end(new NetsendError('protocol', 0, 'EVICTED', `idle connection (${victim.idleFor(pass.now)} ms idle) closed to make room for a new one`));
    return true;
  }

  /** The largest number of connections held by an address that has an evictable one (0 if none). */
  private evictableCeiling(now: number): number {
    let ceiling = 0;
    for (const s of this.active) {
      if (s.idleFor(now) >= this.limits.evictIdleAfterMs) ceiling = Math.max(ceiling, this.activeByKey.get(s.key)?.size ?? 0);
    }
    return ceiling;
  }

  /** The longest-idle evictable slot among `slots` whose address holds at least `minShare` connections. */
  private oldestIdle(slots: Iterable<Slot>, now: number, minShare: number): Slot | null {
    let best: Slot | null = null;
    let bestIdle = -1;
    for (const s of slots) {
      const idle = s.idleFor(now);
      if (idle >= this.limits.evictIdleAfterMs && idle > bestIdle && (minShare === 0 || (this.activeByKey.get(s.key)?.size ?? 0) >= minShare)) {
        best = s;
        bestIdle = idle;
      }
    }
    return best;
  }

  private forget(slot: Slot): void {
    this.active.delete(slot);
    const mine = this.activeByKey.get(slot.key);
    mine?.delete(slot);
    if (mine?.size === 0) this.activeByKey.delete(slot.key);
  }

  private admit(w: Waiting): void {
    const slot = new Slot(w.socket, w.key, Date.now(), this.limits, () => this.counters.timedOut++);
    this.active.add(slot);
    let mine = this.activeByKey.get(w.key);
    if (!mine) this.activeByKey.set(w.key, (mine = new Set()));
    mine.add(slot);
    this.counters.admitted++;
    this.counters.peakActive = Math.max(this.counters.peakActive, this.active.size);
    this.hooks.admit(w.socket, slot);
  }

  private dequeue(w: Waiting): void {
    const q = this.queues.get(w.key);
    if (!q) return;
    const i = q.indexOf(w);
    if (i < 0) return;
    q.splice(i, 1);
    this.queuedCount--;
    if (q.length === 0) this.queues.delete(w.key);
  }

  private refuse(w: Waiting, why: string): void {
    this.counters.refused++;
    const err = new NetsendError('protocol', 0, 'RECEIVER_BUSY', `connection refused: ${why}`);
    this.hooks.report(err, w.socket.remoteAddress ?? '');
    this.hooks.refuse(w.socket, err);
  }

  /** While anyone waits: expire old entries, and retry admission (idle connections age into evictable). */
  private ensureTick(): void {
    if (this.tick || this.queuedCount === 0 || this.closed) return;
    this.tick = setInterval(() => {
      const now = Date.now();
      for (const q of [...this.queues.values()]) {
        while (q.length > 0 && now - q[0]!.since >= this.limits.acceptQueueTimeoutMs) {
          const w = q[0]!;
          this.dequeue(w);
          this.counters.queueExpired++;
          const err = new NetsendError('timeout', 0, 'TIMEOUT', `accept queue: no free connection within ${this.limits.acceptQueueTimeoutMs} ms`);
          this.hooks.report(err, w.socket.remoteAddress ?? '');
          this.hooks.refuse(w.socket, err);
        }
      }
      this.pump();
      if (this.queuedCount === 0 && this.tick) {
        clearInterval(this.tick);
        this.tick = null;
      }
    }, QUEUE_TICK_MS);
    this.tick.unref();
  }
}
