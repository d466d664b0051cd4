/**
 * Credits and message ids of one SMB 2/3 connection ([MS-SMB2] §3.2.4.1.5, §3.1.5.2, §3.2.5.1.4):
 * the only place that hands out MessageIds and counts what the server granted.
 */
import { NetsendError } from '../../status/error.js';
import { SMB2_DEFAULTS } from './defaults.js';

export interface CreditGrant {
  /** MessageId of the request. */
  readonly messageId: bigint;
  /** CreditCharge field of the request (0 on 2.0.2). */
  readonly charge: number;
  /** CreditRequest field: what we ask for to get back to the target. */
  readonly request: number;
}

export class CreditWindow {
  private available = 1;
  private nextMessageId = 0n;

  /** Credits granted and not yet spent. */
  get credits(): number {
    return this.available;
  }

  /**
   * Credit charge of a request moving `bytes` ([MS-SMB2] §3.1.5.2): 0 when the dialect has no
   * charges (2.0.2), 1 without LARGE_MTU, else one per 64 KiB.
   */
  static charge(bytes: number, creditCharge: boolean, largeMtu: boolean): number {
    if (!creditCharge) return 0;
    if (!largeMtu) return 1;
    return Math.max(1, Math.ceil(bytes / SMB2_DEFAULTS.creditUnit));
  }

  /** The MessageId the next request gets: every id below it was handed out. */
  get nextId(): bigint {
    return this.nextMessageId;
  }

  /** Spends the credits of one request (at least 1) and assigns its MessageId; throws when too few were granted. */
  take(charge: number, what: string): CreditGrant {
    const cost = Math.max(1, charge);
    if (this.available < cost) throw new NetsendError('protocol', 0, 'SMB2_NO_CREDITS', `${what}: needs ${cost} credits, the server granted ${this.available}`);
    const messageId = this.nextMessageId;
    this.nextMessageId += BigInt(cost);
    this.available -= cost;
    const request = Math.min(Math.max(1, SMB2_DEFAULTS.creditTarget - this.available), 0xffff);
    return { messageId, charge, request };
  }

  /** Adds the CreditResponse of any message the server sent. */
  grant(credits: number): void {
    this.available += credits;
  }

  /**
   * An SMB1 multi-protocol NEGOTIATE spent MessageId 0 and one credit; the next SMB2 request uses
   * MessageId 1 ([MS-SMB2] §3.2.4.2.2.1).
   */
  afterSmb1Negotiate(granted: number): void {
    this.nextMessageId = 1n;
    this.available = Math.max(0, this.available - 1) + granted;
  }
}
