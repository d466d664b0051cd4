/**
 * Delivery outcomes and retries, shared by the direct (SMB1 message commands) and remote (wkssvc)
 * paths.
 *
 * A request/response protocol cannot tell "the peer never got it" from "the peer got it and its
 * answer was lost" once the request that completes the message is on the wire. So a send ends in
 * one of three outcomes, not two:
 * - `confirmed`: the peer answered the completing request with success.
 * - `failed`: the message certainly did not complete: nothing connected, the peer answered with
 *   an error status, or the exchange broke before the completing request was handed to the
 *   kernel. A multi-block message is shown only at SMB_COM_SEND_END_MB_MESSAGE ([MS-MSRP]
 *   §2.2.3.4, §3.2.4.5; Samba runs its message command there, observed), a single
 *   block at SMB_COM_SEND_MESSAGE, and an RPC call runs only once its last request fragment
 *   (PFC_LAST_FRAG, C706 ch. 12) arrived, so before those nothing was shown.
 * - `unconfirmed`: the completing request (0xD6, 0xD0, or the last RPC request fragment) was
 *   written and no answer came within the deadline, the connection broke, or the answer could not
 *   be read. The message may have arrived; sending it again may show it twice.
 *
 * Retries therefore repeat only `failed` sends, unless the caller asks for `unconfirmed` ones too.
 */
import { NetsendError, usageError } from '../status/error.js';
import { raceWait } from '../util/abort.js';

/** What is known of a message's arrival: confirmed by the peer, failed, or written without an answer. */
export type Delivery = 'confirmed' | 'failed' | 'unconfirmed';

/** Every Delivery value, for option parsing and documentation. */
export const DELIVERIES: readonly Delivery[] = ['confirmed', 'failed', 'unconfirmed'];

/** When a send is repeated after a failure, and how long to pause. */
export interface RetryOptions {
  /** Further attempts after a `failed` one (default 0, at most MAX_RETRIES). */
  retries?: number;
  /** Also repeat `unconfirmed` sends (default false: they may have arrived, a repeat may duplicate). */
  retryUnconfirmed?: boolean;
  /** Pause before each further attempt, in ms (default 250). */
  retryDelayMs?: number;
  /** Stops further attempts (and the pause before one) when aborted. */
  signal?: AbortSignal;
}

/** Upper bound on `retries`, so a typo cannot loop for hours. */
export const MAX_RETRIES = 100;
/** Pause between attempts when the caller gives none, in ms. */
export const DEFAULT_RETRY_DELAY_MS = 250;

/** Usage errors for retry options, thrown before any traffic. */
export function checkRetryOptions(o: RetryOptions): void {
  const r = o.retries ?? 0;
  if (!Number.isInteger(r) || r < 0 || r > MAX_RETRIES) throw usageError(`retries must be 0..${MAX_RETRIES}`);
  const d = o.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  if (!Number.isFinite(d) || d < 0 || d > 3_600_000) throw usageError('retryDelayMs must be 0..3600000');
}

interface Attempted {
  delivery: Delivery;
  attempts: number;
  status: { layer: string } | null;
}

/** Whether `r` may be sent again: never after success or a caller's abort. */
function retriable(r: Attempted, o: RetryOptions): boolean {
  if (r.status?.layer === 'abort' || r.status?.layer === 'usage') return false;
  if (r.delivery === 'failed') return true;
  return r.delivery === 'unconfirmed' && o.retryUnconfirmed === true;
}

/** Runs `once` until it is not retriable or the retries are spent; `attempts` counts the runs. */
export async function withRetries<R extends Attempted>(o: RetryOptions, once: () => Promise<R>): Promise<R> {
  const retries = o.retries ?? 0;
  let attempts = 1;
  let r = await once();
  while (attempts <= retries && retriable(r, o) && !o.signal?.aborted) {
    const delay = o.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    if (delay > 0) {
      try {
        // The pause is not the failure: a timeout here means "pause over".
        await raceWait('retry pause', { timeoutMs: delay, ...(o.signal ? { signal: o.signal } : {}) }, () => new Promise<never>(() => undefined));
      } catch (e) {
        if (e instanceof NetsendError && e.layer === 'abort') break;
      }
    }
    attempts++;
    r = await once();
  }
  r.attempts = attempts;
  return r;
}
