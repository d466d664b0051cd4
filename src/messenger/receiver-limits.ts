/**
 * Resource limits of the message receiver (receiver.ts), their defaults in one place, and the
 * per-address message rate limiter. docs/receiver.md explains each limit and how to raise it.
 *
 * The model: a connection is either *admitted* (read and answered; at most `maxConnections`, at most
 * `maxConnectionsPerAddress` from one address), *queued* (accepted by the kernel and held unread in
 * a bounded accept queue until a slot frees, at most `acceptQueueTimeoutMs`), or refused. When the
 * budget is full, the oldest *idle* admitted connection is evicted to make room (connection-gate.ts
 * defines idle). Every phase of an admitted connection has its own deadline, so no peer can hold a
 * slot for long without completing requests.
 */
import { usageError } from '../status/error.js';

/** Bounds on what a receiver admits (connections, queue, message rate) so hostile peers cannot exhaust it. */
export interface ReceiverLimits {
  /** Admitted (served) connections at once. */
  maxConnections?: number;
  /** Admitted connections from one address (IPv4 address, or IPv6 /64); more from it wait in the queue. */
  maxConnectionsPerAddress?: number;
  /** Connections waiting for a slot, in all. Past it the newcomer (or the largest address's newest) is refused. */
  acceptQueueLength?: number;
  /** Connections from one address waiting for a slot. */
  acceptQueuePerAddress?: number;
  /** Longest wait in the accept queue before the connection is closed. */
  acceptQueueTimeoutMs?: number;
  /** From admission to the first complete SMB request (NBSS session request included); never longer than idleTimeoutMs. */
  firstRequestTimeoutMs?: number;
  /** From the first byte of a request to its last (a slow drip of a frame, or keepalives without a request). */
  requestTimeoutMs?: number;
  /** Between a reply and the first byte of the next request. */
  idleTimeoutMs?: number;
  /** From 0xD5 (start of a multi-block message) to its 0xD6 ([MS-MSRP] §3.2.4.5). */
  messageTimeoutMs?: number;
  /** Total life of one admitted connection, whatever it does. */
  maxConnectionLifetimeMs?: number;
  /** An idle connection may be evicted for a newcomer once it has been idle this long. */
  evictIdleAfterMs?: number;
  /** Messages (0xD0 or 0xD5) per second from one address, sustained (token bucket refill rate). */
  messageRate?: number;
  /** Messages one address may send at once before the rate applies (bucket size). */
  messageBurst?: number;
  /**
   * Over the rate, a message's reply is held back up to this long (throttling); past it the message
   * is refused. Never more than half of requestTimeoutMs, which the held-back request counts against.
   */
  rateLimitMaxDelayMs?: number;
  /** Most text bytes in one message. */
  maxMessageBytes?: number;
  /** Most 0xD7 blocks in one message. */
  maxBlocks?: number;
}

export type ResolvedReceiverLimits = Readonly<Required<ReceiverLimits>>;

/**
 * The defaults. Sized so that 200 concurrent senders from one address are all served on a 2-core
 * machine (16 at a time, the rest queued), while 1,000 idle sockets or slow-drip senders cannot lock
 * anyone out (they are evicted, time out after 5 s, or are refused past the per-address queue).
 */
export const RECEIVER_LIMIT_DEFAULTS: ResolvedReceiverLimits = Object.freeze({
  maxConnections: 256,
  maxConnectionsPerAddress: 16,
  acceptQueueLength: 1024,
  acceptQueuePerAddress: 256,
  acceptQueueTimeoutMs: 10_000,
  firstRequestTimeoutMs: 5_000,
  requestTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  messageTimeoutMs: 10_000,
  maxConnectionLifetimeMs: 60_000,
  evictIdleAfterMs: 1_000,
  messageRate: 200,
  messageBurst: 400,
  rateLimitMaxDelayMs: 1_000,
  maxMessageBytes: 4096,
  maxBlocks: 64,
});

/** Bounds each limit may take; a value outside is a usage error. */
const BOUNDS: Readonly<Record<keyof ReceiverLimits, readonly [min: number, max: number]>> = {
  maxConnections: [1, 100_000],
  maxConnectionsPerAddress: [1, 100_000],
  acceptQueueLength: [0, 1_000_000],
  acceptQueuePerAddress: [0, 1_000_000],
  acceptQueueTimeoutMs: [1, 3_600_000],
  firstRequestTimeoutMs: [1, 3_600_000],
  requestTimeoutMs: [1, 3_600_000],
  idleTimeoutMs: [1, 86_400_000],
  messageTimeoutMs: [1, 86_400_000],
  maxConnectionLifetimeMs: [1, 86_400_000],
  evictIdleAfterMs: [0, 86_400_000],
  messageRate: [0.001, 1_000_000],
  messageBurst: [1, 1_000_000],
  rateLimitMaxDelayMs: [0, 3_600_000],
  maxMessageBytes: [1, 65_535 * 64],
  maxBlocks: [1, 65_535],
};

/** Defaults overlaid with the caller's values, each checked against its bounds. */
export function resolveReceiverLimits(given: ReceiverLimits): ResolvedReceiverLimits {
  const out: Record<string, number> = { ...RECEIVER_LIMIT_DEFAULTS };
  for (const key of Object.keys(BOUNDS) as (keyof ReceiverLimits)[]) {
    const v = given[key];
    if (v === undefined) continue;
    const [min, max] = BOUNDS[key];
    const integral = key !== 'messageRate';
    if (typeof v !== 'number' || !Number.isFinite(v) || (integral && !Number.isInteger(v)) || v < min || v > max) {
      throw usageError(`receiver limit ${key} must be ${integral ? 'a whole number ' : ''}${min}..${max}, got ${String(v)}`);
    }
    out[key] = v;
  }
  return Object.freeze(out as Required<ReceiverLimits>);
}

/**
 * The key limits are counted under: an IPv4 address as is (an IPv4-mapped IPv6 address as its IPv4
 * form), an IPv6 address by its /64 prefix, since one host commonly owns a whole /64 (RFC 4291 §2.5.4).
 */
export function addressKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return '?';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  if (mapped) return mapped[1]!;
  if (!remoteAddress.includes(':')) return remoteAddress;
  const bare = remoteAddress.split('%')[0]!.toLowerCase();
  const [head = '', tail] = bare.split('::', 2);
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headParts : [...headParts, ...Array<string>(Math.max(0, 8 - headParts.length - tailParts.length)).fill('0'), ...tailParts];
  return `${groups
    .slice(0, 4)
    .map((g) => (g.includes('.') ? g : (parseInt(g, 16) || 0).toString(16)))
    .join(':')}::/64`;
}

/**
 * One token bucket per address (`rate` tokens per second, at most `burst` held), used as a
 * virtual schedule: a message over the rate may borrow up to `maxDelayMs` worth of tokens and
 * is answered when its token would have been available; one that would wait longer is refused.
 */
export class MessageRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly maxDelayMs: number,
  ) {}

  /** Milliseconds to hold the message back (0: at once), or null: refuse it. */
  take(key: string, now: number): number | null {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= 4096) this.prune(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
    b.at = now;
    const after = b.tokens - 1;
    if (after >= 0) {
      b.tokens = after;
      return 0;
    }
    const delayMs = Math.ceil((-after / this.rate) * 1000);
    if (delayMs > this.maxDelayMs) return null;
    b.tokens = after;
    return delayMs;
  }

  /** Drops buckets that have refilled completely (they hold no state worth keeping). */
  prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.rate >= this.burst) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
