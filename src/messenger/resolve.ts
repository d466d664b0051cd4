/**
 * Finding where a Messenger name lives, the way `net send` does (RFC 1001 §15, RFC 1002 §4.2; [MS-MSRP] §3.2.4.4):
 * NAME -> NetBIOS NAME QUERY for NAME<03> (RFC 1002 §4.2.12), unicast to a WINS/NBNS server or
 * broadcast; an IP address -> NODE STATUS (RFC 1002 §4.2.17) to learn its NAME<03>.
 *
 * The order for a name, as a Windows NetBIOS client resolves it with LMHOSTS and DNS enabled:
 *   1. an LMHOSTS file (`lmhosts` option), when one is given;
 *   2. the NetBIOS name query (WINS server when `wins` is given, else broadcast);
 *   3. DNS / the hosts file (`getaddrinfo`), when the name query found no owner, unless `dns: false`.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { NetsendError, usageError } from '../status/error.js';
import { raceWait, type WaitOptions } from '../util/abort.js';
import { findMessengerName, queryName } from '../transport/nameservice.js';
import { formatNetbiosName, NB_SUFFIX, netbiosName, type NetbiosName } from '../transport/names.js';
import { DEFAULT_CODEPAGE, decodeOemName, encodeName } from './text.js';

export interface ResolveOptions extends WaitOptions {
  /** NetBIOS name server (WINS / nmbd) to ask by unicast. */
  wins?: string;
  /** Broadcast address for the query (default 255.255.255.255 when no `wins`). */
  broadcast?: string;
  /** Name service port (default 137). */
  nsPort?: number;
  /** Path of an LMHOSTS file (`ADDRESS NAME[#SUFFIX]` lines), consulted before the name query. */
  lmhosts?: string;
  /** Fall back to DNS / the hosts file when the NetBIOS query finds no owner (default true). */
  dns?: boolean;
  /** OEM code page of the names a node status returns (default cp850, as for the message). */
  codepage?: string;
}

/** An LMHOSTS file larger than this is not a hosts table: refuse it rather than read it all. */
const MAX_LMHOSTS_BYTES = 1 << 20;

/**
 * The address of NAME<03> in an LMHOSTS-format text: `ADDRESS NAME` or `ADDRESS NAME#XX` per line,
 * `#` starting a comment except the `#PRE`/`#DOM:` keywords that may follow an entry. An entry
 * without a suffix names every suffix of NAME; `#03` only the Messenger name. Names compare
 * case-insensitively; the first match wins.
 */
export function lookupLmhosts(text: string, name: string): string | null {
  const want = name.trim().toUpperCase();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [address, entry] = line.split(/\s+/);
    if (!address || !entry || !net.isIP(address)) continue;
    const hash = entry.indexOf('#');
    const entryName = (hash < 0 ? entry : entry.slice(0, hash)).replace(/^"|"$/g, '').toUpperCase();
    if (entryName !== want) continue;
    if (hash >= 0) {
      const suffix = Number.parseInt(entry.slice(hash + 1), 16);
      if (suffix !== NB_SUFFIX.MESSENGER) continue;
    }
    return address;
  }
  return null;
}

function readLmhosts(path: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (e) {
    throw usageError(`cannot read LMHOSTS file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!st.isFile() || st.size > MAX_LMHOSTS_BYTES) throw usageError(`LMHOSTS ${path} is not a regular file of at most 1 MiB`);
  return fs.readFileSync(path, 'latin1');
}

/** A DNS / hosts-file name, as getaddrinfo would take it (not every NetBIOS name is one). */
function isHostName(name: string): boolean {
  return name.length <= 253 && /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/.test(name);
}

/** getaddrinfo for NAME, bounded by the wait; IPv4 first, as the session service is IPv4 in practice. */
async function lookupDns(name: string, opts: WaitOptions): Promise<string | null> {
  if (!isHostName(name)) return null;
  try {
    // Loaded here: a send to an address (--host) never pays for node:dns at start-up.
    const dns = await import('node:dns');
    const r = await raceWait(`DNS lookup of ${name}`, opts, () => dns.promises.lookup(name, { family: 0, order: 'ipv4first' }));
    return r.address;
  } catch (e) {
    if (e instanceof NetsendError && (e.layer === 'abort' || e.layer === 'timeout')) throw e;
    return null;
  }
}

/** The address registered for NAME<03>. Failures are NetsendError layer 'netbios' (-> NERR_NameNotFound). */
export async function resolveMessengerName(name: string, opts: ResolveOptions = {}): Promise<string> {
  if (opts.lmhosts !== undefined) {
    const found = lookupLmhosts(readLmhosts(opts.lmhosts), name);
    if (found) return found;
  }
  try {
    return await queryMessengerName(name, opts);
  } catch (e) {
    if (!(e instanceof NetsendError) || e.layer !== 'netbios' || opts.dns === false) throw e;
    const found = await lookupDns(name.trim(), { ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    if (found) return found;
    throw new NetsendError('netbios', e.code, e.name, `${e.message}; no DNS or hosts-file entry either`, { cause: e });
  }
}

/** Step 2 alone: the NetBIOS name query for NAME<03>. */
async function queryMessengerName(name: string, opts: ResolveOptions): Promise<string> {
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

/** One recipient after resolution: the message name and where its host is. */
export interface MessengerTarget {
  /** Recipient name for the message (NAME<03> without the suffix). */
  to: string;
  /** The address to send to. */
  host: string;
}

/**
 * A node-status name as the recipient to send to, or null when it cannot be one. The name is the
 * peer's OEM bytes: it is decoded with the code page, and kept only when encoding it back as a
 * recipient gives the same bytes and NBSS can carry it as a called name. A name with control
 * bytes or characters NetBIOS forbids is skipped here instead of failing later as a usage error
 * (exit 2) that quotes the peer's bytes.
 */
function recipientFrom(n: NetbiosName, codepage: string | undefined): string | null {
  const bytes = Buffer.from(n.name, 'latin1');
  try {
    const name = decodeOemName(bytes, codepage);
    const again = encodeName(name, codepage ?? DEFAULT_CODEPAGE, 'to');
    if (!again.equals(bytes)) return null;
    netbiosName(again, NB_SUFFIX.MESSENGER);
    return name;
  } catch {
    return null;
  }
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
    for (const n of names) {
      const to = recipientFrom(n, opts.codepage);
      if (to !== null) return { to, host: nameOrAddress };
    }
    // The names are the peer's bytes: formatNetbiosName shows anything unprintable as \xNN.
    const listed = names.length ? ` (it lists ${names.map(formatNetbiosName).join(', ')}, none usable as a recipient)` : '';
    throw new NetsendError('netbios', 0, 'NAME_NOT_FOUND', `${nameOrAddress} has no messenger name (<03>) registered${listed}`);
  }
  return { to: nameOrAddress, host: await resolveMessengerName(nameOrAddress, opts) };
}
