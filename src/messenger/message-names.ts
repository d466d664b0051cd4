/**
 * The names a Messenger answered to ([MS-MSRP] §3.1.1: the message alias table): on start it
 * claimed NAME<03> for the computer and for each alias on the subnet (RFC 1002 §5.1.1.1 B-node
 * registration by broadcast, or at a WINS server), answered NAME QUERY and NODE STATUS for them
 * (RFC 1002 §4.2.12-4.2.18) so `net send NAME` and `net send <ip>` found it, and released them on
 * stop (§5.1.1.5). A name someone else defends is not ours: it is reported (NERR_DuplicateName)
 * and left out, never taken over.
 */
import * as os from 'node:os';
import { NetsendError, toNetsendError } from '../status/error.js';
import { NERR } from '../status/win32.js';
import { NB_SUFFIX } from '../transport/names.js';
import { registerName, releaseName, startNameResponder, type NameResponder, type RegisterNameOptions } from '../transport/nameservice.js';
import { defaultFromName, usageError } from './text.js';

/** Which NetBIOS names to claim for a receiver, and where. */
export interface MessengerNamesOptions {
  /** Aliases to claim as NAME<03> (upper-cased). */
  names: string[];
  /** The computer name, also claimed as NAME<03> (default: the host name, as defaultFromName). */
  computerName?: string;
  /** Our IPv4 address for the names (default: the first IPv4 interface with a broadcast address). */
  address?: string;
  /** Subnet broadcast address to claim on (default: that interface's). */
  broadcast?: string;
  /** Register at this NetBIOS name server instead of by broadcast. */
  wins?: string;
  /** Name-service UDP port (default 137; tests use others). */
  port?: number;
  /** Bind the responder here (default 0.0.0.0, as broadcasts reach only a wildcard socket). */
  responderHost?: string;
  /** Deadline of the registration in ms. */
  timeoutMs?: number;
  /** Aborts the registration. */
  signal?: AbortSignal;
}

/** Outcome of claiming one name. */
export interface NameClaim {
  /** The name claimed (NAME, suffix 0x03). */
  name: string;
  /** True when no node objected to the claim. */
  ok: boolean;
  /** Why not, e.g. ACT_ERR / CFT_ERR from the owner, as NERR_DuplicateName (2297). */
  error?: { layer: string; code: number; name: string; message: string; netApiStatus: number };
}

/** Names claimed by startMessengerNames, and the responder that defends them. */
export interface MessengerNames {
  /** The IPv4 address the names were registered for. */
  readonly address: string;
  /** Outcome per name, computer name first. */
  readonly claims: NameClaim[];
  /** The responder's port, or null when it could not bind (the names are still registered). */
  readonly responderPort: number | null;
  /** Why the responder could not bind, or null. */
  readonly responderError: NetsendError | null;
  /** Stops answering and releases the names. */
  close(): Promise<void>;
}

/** The first up IPv4 interface with a broadcast address: {address, broadcast}. */
export function primaryIpv4(): { address: string; broadcast: string } | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      const ip = a.address.split('.').map(Number);
      const mask = a.netmask.split('.').map(Number);
      if (mask.every((m) => m === 255)) continue;
      return { address: a.address, broadcast: ip.map((b, i) => (b | (~mask[i]! & 0xff)) & 0xff).join('.') };
    }
  }
  return null;
}

/**
 * Claims the messenger names (NAME<03>) by broadcast or at a WINS server and answers queries for them until closed
 * (RFC 1002 §4.2.2, §5.1.1).
 */
export async function startMessengerNames(opts: MessengerNamesOptions): Promise<MessengerNames> {
  const iface = primaryIpv4();
  const address = opts.address ?? iface?.address;
  if (!address) throw usageError('no IPv4 interface to register message names on');
  const broadcast = opts.wins ? undefined : (opts.broadcast ?? iface?.broadcast);
  if (!opts.wins && !broadcast) throw usageError('no broadcast address to register message names on');
  const wanted = [...new Set([(opts.computerName ?? defaultFromName()).toUpperCase(), ...opts.names.map((n) => n.trim().toUpperCase())])];
  const regOpts: RegisterNameOptions = {
    address,
    ...(opts.wins ? { server: opts.wins } : { broadcast: broadcast! }),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  // One claim at a time, as the Messenger added its aliases; each waits out the objection window.
  const claims: NameClaim[] = [];
  for (const name of wanted) {
    try {
      await registerName(name, NB_SUFFIX.MESSENGER, regOpts);
      claims.push({ name, ok: true });
    } catch (e) {
      if (e instanceof NetsendError && e.layer === 'usage') throw e;
      const err = toNetsendError(e);
      const netApiStatus = err.layer === 'netbios' ? NERR.NERR_DuplicateName : NERR.NERR_NetworkError;
      claims.push({ name, ok: false, error: { layer: err.layer, code: err.code, name: err.name, message: err.message, netApiStatus } });
    }
  }
  const owned = claims.filter((c) => c.ok).map((c) => c.name);
  let responder: NameResponder | null = null;
  let responderError: NetsendError | null = null;
  if (owned.length > 0) {
    try {
      responder = await startNameResponder({
        names: owned.map((name) => ({ name, suffix: NB_SUFFIX.MESSENGER })),
        addresses: [address],
        host: opts.responderHost ?? '0.0.0.0',
        ...(opts.port !== undefined ? { port: opts.port } : {}),
      });
    } catch (e) {
      responderError = e instanceof NetsendError ? e : new NetsendError('socket', 0, 'ESOCKET', String(e));
    }
  }
  let closing: Promise<void> | null = null;
  return {
    address,
    claims,
    responderPort: responder?.port ?? null,
    responderError,
    close: () =>
      (closing ??= (async () => {
        await responder?.close();
        const relOpts = { ...regOpts, timeoutMs: opts.timeoutMs ?? 2000 };
        delete relOpts.signal; // release even when the listener was stopped by its signal
        for (const name of owned) {
          try {
            await releaseName(name, NB_SUFFIX.MESSENGER, relOpts);
          } catch {
            /* best effort: the TTL ends the registration anyway */
          }
        }
      })()),
  };
}
