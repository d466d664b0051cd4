/**
 * Finding where a Messenger name lives, the way `net send` does (protocol-notes §2.1):
 * NAME -> NetBIOS NAME QUERY for NAME<03> (RFC 1002 §4.2.12), unicast to a WINS/NBNS server or
 * broadcast; an IP address -> NODE STATUS (RFC 1002 §4.2.17) to learn its NAME<03>.
 */
import net from 'node:net';
import { NetsendError } from '../status/error.js';
import type { WaitOptions } from '../util/abort.js';
import { findMessengerName, queryName } from '../transport/nameservice.js';
import { NB_SUFFIX } from '../transport/names.js';

export interface ResolveOptions extends WaitOptions {
  /** NetBIOS name server (WINS / nmbd) to ask by unicast. */
  wins?: string;
  /** Broadcast address for the query (default 255.255.255.255 when no `wins`). */
  broadcast?: string;
  /** Name service port (default 137). */
  nsPort?: number;
}

/** The address registered for NAME<03>. Failures are NetsendError layer 'netbios' (-> NERR_NameNotFound). */
export async function resolveMessengerName(name: string, opts: ResolveOptions = {}): Promise<string> {
  const where = opts.wins ? { server: opts.wins } : { broadcast: opts.broadcast ?? '255.255.255.255' };
  let addresses: string[];
  try {
    addresses = await queryName(name.trim().toUpperCase(), NB_SUFFIX.MESSENGER, {
      ...where,
      ...(opts.nsPort !== undefined ? { port: opts.nsPort } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (e) {
    if (e instanceof NetsendError && (e.layer === 'usage' || e.layer === 'netbios' || e.layer === 'abort')) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new NetsendError('netbios', 0, 'NAME_NOT_FOUND', `no answer for ${name.toUpperCase()}<03>: ${why}`, { cause: e });
  }
  const first = addresses[0];
  if (!first) throw new NetsendError('netbios', 0, 'NAME_NOT_FOUND', `${name.toUpperCase()}<03> has no address`);
  return first;
}

export interface MessengerTarget {
  /** Recipient name for the message (NAME<03> without the suffix). */
  to: string;
  host: string;
}

/**
 * A command-line target: an IP address is asked for its messenger names (node status, like
 * `net send 10.0.0.5`), anything else is a name to resolve.
 */
export async function resolveMessengerTarget(nameOrAddress: string, opts: ResolveOptions = {}): Promise<MessengerTarget> {
  if (net.isIP(nameOrAddress)) {
    let names;
    try {
      names = await findMessengerName(nameOrAddress, {
        ...(opts.nsPort !== undefined ? { port: opts.nsPort } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (e) {
      if (e instanceof NetsendError && (e.layer === 'usage' || e.layer === 'netbios' || e.layer === 'abort')) throw e;
      throw new NetsendError('netbios', 0, 'NAME_NOT_FOUND', `node status of ${nameOrAddress} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const first = names[0];
    if (!first) throw new NetsendError('netbios', 0, 'NAME_NOT_FOUND', `${nameOrAddress} has no messenger name (<03>) registered`);
    return { to: first.name, host: nameOrAddress };
  }
  return { to: nameOrAddress, host: await resolveMessengerName(nameOrAddress, opts) };
}
