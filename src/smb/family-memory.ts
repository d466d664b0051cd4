/**
 * What 'auto' dialect selection learned about a server's SMB family, for the life of the process,
 * so that only the first connection to an SMB1-only host pays for the refused SMB2 NEGOTIATE (see
 * connect.ts). Bounded: least recently used entries go first.
 */
import { usageError } from '../status/index.js';

/** The family a connection to a server was established in. */
export type SmbFamily = 'smb1' | 'smb2';

/** Entries kept by the process-wide memory: enough for a fan-out's working set, a few KB at most. */
export const SMB_FAMILY_MEMORY_ENTRIES = 256;

/** A bounded least-recently-used map from "host:port" to the family that host answered in. */
export class SmbFamilyMemory {
  readonly capacity: number;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, SmbFamily>();

  constructor(capacity = SMB_FAMILY_MEMORY_ENTRIES) {
    if (!Number.isInteger(capacity) || capacity < 1) throw usageError(`family memory capacity ${capacity}: give a positive integer`);
    this.capacity = capacity;
  }

  /** Host names compare case-insensitively; '#' cannot occur in a host name or an IPv6 literal, unlike ':'. */
  static key(host: string, port: number): string {
    return `${host.toLowerCase()}#${port}`;
  }

  /** The family `host:port` last connected with, or undefined; a hit counts as a use. */
  get(host: string, port: number): SmbFamily | undefined {
    const k = SmbFamilyMemory.key(host, port);
    const f = this.entries.get(k);
    if (f !== undefined) {
      this.entries.delete(k);
      this.entries.set(k, f);
    }
    return f;
  }

  /** Records a family `host:port` connected with; past capacity the least recently used entry is dropped. */
  remember(host: string, port: number, family: SmbFamily): void {
    const k = SmbFamilyMemory.key(host, port);
    this.entries.delete(k);
    this.entries.set(k, family);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets `host:port`, or everything without arguments. */
  forget(host?: string, port?: number): void {
    if (host === undefined) this.entries.clear();
    else this.entries.delete(SmbFamilyMemory.key(host, port ?? 445));
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }
}

/** The memory connectSmb consults in 'auto' mode. */
export const smbFamilies = new SmbFamilyMemory();
