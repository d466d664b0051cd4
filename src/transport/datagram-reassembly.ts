/**
 * Reassembly of fragmented NetBIOS data datagrams (RFC 1002 §4.4.1, §5.3.4): fragments share a
 * DGM_ID and source, the first has F set, the last has M clear, and PACKET_OFFSET places each
 * fragment's user data. Everything is bounded: pending datagrams per source and in all, fragments
 * and bytes per datagram, and how long a datagram may stay incomplete. Nothing here sets timers;
 * the caller passes the time, so expiry happens on the next fragment or sweep().
 */
import { usageError } from '../status/error.js';
import { sameName } from './names.js';
import type { DataDatagram } from './datagram.js';

export interface ReassemblyLimits {
  /** Incomplete datagrams kept per source address (default 4); the oldest of that source is dropped for a new one. */
  maxPendingPerSource?: number;
  /** Incomplete datagrams kept in all (default 64); the oldest overall is dropped for a new one. */
  maxPendingTotal?: number;
  /** Largest reassembled user data (default 8192 bytes). */
  maxBytes?: number;
  /** Most fragments one datagram may have (default 32). */
  maxFragments?: number;
  /** How long an incomplete datagram is kept (default 5000 ms; RFC 1002's reassembly timeout is the sender's retransmit-free lifetime). */
  timeoutMs?: number;
}

export const REASSEMBLY_DEFAULTS: Required<ReassemblyLimits> = {
  maxPendingPerSource: 4,
  maxPendingTotal: 64,
  maxBytes: 8192,
  maxFragments: 32,
  timeoutMs: 5000,
};

/** Why a fragment was dropped or a pending datagram discarded (for counters and diagnostics). */
export type ReassemblyDrop = 'overlap' | 'too-large' | 'too-many-fragments' | 'mismatch' | 'no-first' | 'evicted' | 'expired' | 'duplicate';

interface Pending {
  key: string;
  source: string;
  first: DataDatagram | null;
  header: DataDatagram;
  parts: Map<number, Buffer>;
  bytes: number;
  /** Total length once the last fragment (M clear) arrived. */
  end: number | null;
  startedAt: number;
}

function checkLimit(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw usageError(`reassembly ${name} must be an integer >= ${min}`);
  return v;
}

export class DatagramReassembler {
  private readonly limits: Required<ReassemblyLimits>;
  /** Insertion-ordered: the first entry is the oldest. */
  private readonly pending = new Map<string, Pending>();
  private readonly perSource = new Map<string, number>();
  /** Counts of dropped fragments / discarded datagrams by reason. */
  readonly drops: Record<ReassemblyDrop, number> = { overlap: 0, 'too-large': 0, 'too-many-fragments': 0, mismatch: 0, 'no-first': 0, evicted: 0, expired: 0, duplicate: 0 };

  constructor(limits: ReassemblyLimits = {}) {
    const l = { ...REASSEMBLY_DEFAULTS, ...limits };
    this.limits = {
      maxPendingPerSource: checkLimit('maxPendingPerSource', l.maxPendingPerSource, 1),
      maxPendingTotal: checkLimit('maxPendingTotal', l.maxPendingTotal, 1),
      maxBytes: checkLimit('maxBytes', l.maxBytes, 1),
      maxFragments: checkLimit('maxFragments', l.maxFragments, 1),
      timeoutMs: checkLimit('timeoutMs', l.timeoutMs, 1),
    };
  }

  /** Incomplete datagrams held now. */
  get size(): number {
    return this.pending.size;
  }

  /** Incomplete datagrams held now for one source address. */
  pendingFrom(remoteAddress: string): number {
    return this.perSource.get(remoteAddress) ?? 0;
  }

  /**
   * Takes one data datagram as received from `remoteAddress` (the UDP source, which the
   * per-source bound counts: SOURCE_IP in the packet is the sender's claim). Returns the whole
   * datagram (F set, M clear, offset 0, all the user data) once complete, else null.
   */
  push(d: DataDatagram, remoteAddress: string, now: number): DataDatagram | null {
    this.sweep(now);
    if (d.first && !d.more) {
      if (d.packetOffset !== 0) return this.drop('mismatch', null);
      if (d.data.length > this.limits.maxBytes) return this.drop('too-large', null);
      return d;
    }
    const key = `${remoteAddress}|${d.sourceIp}|${d.sourcePort}|${d.id}`;
    let p = this.pending.get(key);
    if (!p) {
      // A datagram whose first fragment was lost can still start with a later one; it completes only once F arrives.
      p = { key, source: remoteAddress, first: null, header: d, parts: new Map(), bytes: 0, end: null, startedAt: now };
      this.admit(p);
    } else if (d.type !== p.header.type || !sameName(d.source, p.header.source) || !sameName(d.destination, p.header.destination)) {
      this.discard(p);
      return this.drop('mismatch', null);
    }
    if (d.first) {
      if (d.packetOffset !== 0 || p.first) {
        this.discard(p);
        return this.drop(p.first ? 'duplicate' : 'mismatch', null);
      }
      p.first = d;
    } else if (d.packetOffset === 0) {
      this.discard(p);
      return this.drop('no-first', null);
    }
    if (p.parts.has(d.packetOffset)) {
      this.discard(p);
      return this.drop('duplicate', null);
    }
    const fragEnd = d.packetOffset + d.data.length;
    if (p.bytes + d.data.length > this.limits.maxBytes || fragEnd > this.limits.maxBytes) {
      this.discard(p);
      return this.drop('too-large', null);
    }
    if (p.parts.size + 1 > this.limits.maxFragments) {
      this.discard(p);
      return this.drop('too-many-fragments', null);
    }
    if (!d.more) {
      if (p.end !== null) {
        this.discard(p);
        return this.drop('duplicate', null);
      }
      p.end = fragEnd;
    }
    if (p.end !== null && fragEnd > p.end) {
      this.discard(p);
      return this.drop('overlap', null);
    }
    p.parts.set(d.packetOffset, d.data);
    p.bytes += d.data.length;
    if (p.end === null || !p.first || p.bytes < p.end) return null;
    // Exactly p.end bytes are held: they tile [0, end) only if no two fragments overlap.
    const offsets = [...p.parts.keys()].sort((a, b) => a - b);
    let at = 0;
    for (const off of offsets) {
      if (off !== at) {
        this.discard(p);
        return this.drop('overlap', null);
      }
      at += p.parts.get(off)!.length;
    }
    this.discard(p);
    const data = Buffer.concat(offsets.map((o) => p.parts.get(o)!));
    return { ...p.first, first: true, more: false, packetOffset: 0, data };
  }

  /** Discards datagrams that stayed incomplete longer than the timeout. */
  sweep(now: number): void {
    for (const p of this.pending.values()) {
      if (now - p.startedAt < this.limits.timeoutMs) break; // insertion order = age order
      this.discard(p);
      this.drops.expired++;
    }
  }

  private admit(p: Pending): void {
    if (this.pendingFrom(p.source) >= this.limits.maxPendingPerSource) {
      for (const q of this.pending.values()) {
        if (q.source === p.source) {
          this.discard(q);
          this.drops.evicted++;
          break;
        }
      }
    }
    if (this.pending.size >= this.limits.maxPendingTotal) {
      const oldest = this.pending.values().next().value as Pending;
      this.discard(oldest);
      this.drops.evicted++;
    }
    this.pending.set(p.key, p);
    this.perSource.set(p.source, this.pendingFrom(p.source) + 1);
  }

  private discard(p: Pending): void {
    if (!this.pending.delete(p.key)) return;
    const n = this.pendingFrom(p.source) - 1;
    if (n > 0) this.perSource.set(p.source, n);
    else this.perSource.delete(p.source);
  }

  private drop(reason: ReassemblyDrop, v: null): null {
    this.drops[reason]++;
    return v;
  }
}
