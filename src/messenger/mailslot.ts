/**
 * Messenger messages by mailslot (path B; clrpc-mailslot-notes §5): `net send *` and
 * `net send /domain:WG` wrote one `\MAILSLOT\MESSNGR` datagram, DIRECT_GROUP to WG<00> on the
 * subnet broadcast address (KB Q168893; [MS-MAIL] §3.2.3, <13>); a directed mailslot message goes
 * DIRECT_UNIQUE to NAME<03> at one address. There is no reply: a result says what was sent, never
 * that it arrived.
 */
import * as os from 'node:os';
import * as net from 'node:net';
import { toNetsendError } from '../status/error.js';
import { NERR } from '../status/win32.js';
import type { WaitOptions } from '../util/abort.js';
import { DATAGRAM_PORT, DGM_TYPE, fragmentDatagram, MAX_DATAGRAM_SIZE } from '../transport/datagram.js';
import { netbiosName, NB_SUFFIX } from '../transport/names.js';
import { sendUdpPackets } from '../transport/udp.js';
import { encodeMailslotWrite, encodeMessengerBody, MESSENGER_MAILSLOT } from '../smb/message.js';
import { defaultFromName, encodeMessageText, encodeName, resolveCodepage, unmappableChars, usageError, type LineEndings } from './text.js';

import { BROADCAST_MAX_CHARS, DEFAULT_WORKGROUP, MAILSLOT_DEFAULT_MAX_BYTES } from './mailslot-defaults.js';
export { BROADCAST_MAX_CHARS, DEFAULT_WORKGROUP, MAILSLOT_DEFAULT_MAX_BYTES };

export interface MailslotSendOptions extends WaitOptions {
  /** The message text. */
  text: string;
  /** Sender name (default: this host name, upper-cased, 15 bytes). */
  from?: string;
  /** OEM code page for the names and text; default cp850. */
  codepage?: string;
  /** How line breaks in `text` are rewritten before encoding; default 'crlf'. */
  lineEndings?: LineEndings;
  /** Destination UDP port (default 138). */
  port?: number;
  /** Source address and port to send from (default any; Windows and nmbd send from 138). */
  localAddress?: string;
  /** Source UDP port (default any). */
  localPort?: number;
  /** Largest datagram; larger writes are fragmented (default 576, Samba's MAX_DGRAM_SIZE). */
  maxDatagramSize?: number;
  /** DGM_ID (default random). */
  datagramId?: number;
}

export interface BroadcastOptions extends MailslotSendOptions {
  /** Workgroup or domain: the datagram goes to WG<00> and the body's To is WG (default WORKGROUP). */
  workgroup?: string;
  /** Subnet broadcast addresses, one target each (default: every up IPv4 interface's, subnetBroadcastAddresses()). */
  broadcastAddresses?: string[];
  /**
   * Text beyond 128 characters: 'truncate' (default; Windows cut it and NetMessageBufferSend
   * returned NERR_TruncatedBroadcast) or 'refuse' (a usage error before anything is sent).
   */
  overLimit?: 'truncate' | 'refuse';
}

export interface DirectedMailslotOptions extends MailslotSendOptions {
  /** Recipient NAME: the datagram goes to NAME<03> and the body's To is NAME. */
  to: string;
  /** Addresses of the recipient, one target each. */
  hosts: string[];
  /** Limit on the encoded text (default 652). */
  maxBytes?: number;
}

/** Outcome of one mailslot send: mailslots carry no answer, so `delivery` is at best 'sent'. */
export interface MailslotSendResult {
  /** NAME<xx>@address. */
  target: string;
  /** True when the datagrams left this host. */
  ok: boolean;
  /** 'sent' when the datagrams left this host (nothing ever confirms a mailslot write), else 'failed'. */
  delivery: 'sent' | 'failed';
  /** 0, NERR_TruncatedBroadcast (2289) when the text was cut to 128 characters, or the failure's status. */
  netApiStatus: number;
  /** The raw failure, or null on success. */
  status: { layer: string; code: number; name: string; message: string } | null;
  /** The path that carried the message. */
  transport: 'mailslot';
  /** Datagrams sent (more than one when the write was fragmented). */
  datagrams: number;
  /** UDP payload bytes sent (NetBIOS datagram headers included). */
  bytes: number;
  /** True when a broadcast text was cut to its character limit (netApiStatus NERR_TruncatedBroadcast). */
  truncated: boolean;
  /** Local address and port sent from (SOURCE_IP / SOURCE_PORT of the datagrams). */
  source?: string;
}

/**
 * The broadcast address of each up, non-internal IPv4 interface (address | ~netmask): what
 * `net send *` reached, the local subnet only (KB Q168893).
 */
export function subnetBroadcastAddresses(): string[] {
  const out = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      const ip = a.address.split('.').map(Number);
      const mask = a.netmask.split('.').map(Number);
      if (mask.every((m) => m === 255)) continue; // a /32 has no broadcast address
      out.add(ip.map((b, i) => (b | (~mask[i]! & 0xff)) & 0xff).join('.'));
    }
  }
  return [...out];
}

function randomId(): number {
  return Math.floor(Math.random() * 0x10000);
}

interface Prepared {
  from: Buffer;
  /** Message text in OEM bytes, after any cut to the broadcast limit. */
  text: Buffer;
  truncated: boolean;
  unmappable: string[];
}

function prepareText(opts: MailslotSendOptions, limitChars: number | null, overLimit: 'truncate' | 'refuse', maxBytes: number): Prepared {
  const codepage = resolveCodepage(opts.codepage);
  let text = opts.text;
  let truncated = false;
  const chars = [...text];
  if (limitChars !== null && chars.length > limitChars) {
    if (overLimit === 'refuse') throw usageError(`broadcast text is ${chars.length} characters; broadcasts carry at most ${limitChars}`);
    text = chars.slice(0, limitChars).join('');
    truncated = true;
  }
  const data = encodeMessageText(text, codepage, opts.lineEndings ?? 'crlf');
  if (data.length > maxBytes) throw usageError(`message is ${data.length} bytes in ${codepage}, limit ${maxBytes}`);
  const from = encodeName(opts.from ?? defaultFromName(), codepage, 'from');
  return { from, text: data, truncated, unmappable: unmappableChars(text, codepage) };
}

/**
 * The datagram's SOURCE_NAME: the sender's NAME<03> (clrpc-mailslot-notes §5.5). A From that is
 * no valid NetBIOS name (e.g. "dom:j") still goes in the body; the datagram then names this host.
 */
function sourceName(from: Buffer): ReturnType<typeof netbiosName> {
  for (const candidate of [from, defaultFromName(), 'NETSEND']) {
    try {
      return netbiosName(candidate, NB_SUFFIX.MESSENGER);
    } catch {
      /* try the next */
    }
  }
  return netbiosName('NETSEND', NB_SUFFIX.MESSENGER);
}

function checkAddress(address: string, what: string): void {
  if (net.isIPv4(address)) return;
  throw usageError(`${what} must be an IPv4 address, got "${address}"`);
}

function failed(target: string, e: unknown): MailslotSendResult {
  const err = toNetsendError(e);
  if (err.layer === 'usage') throw err;
  return {
    target, ok: false, delivery: 'failed', netApiStatus: NERR.NERR_NetworkError, transport: 'mailslot', datagrams: 0, bytes: 0, truncated: false,
    status: { layer: err.layer, code: err.code, name: err.name, message: err.message },
  };
}

async function sendOne(
  target: string,
  address: string,
  opts: MailslotSendOptions,
  p: { type: typeof DGM_TYPE.DIRECT_GROUP | typeof DGM_TYPE.DIRECT_UNIQUE; source: ReturnType<typeof netbiosName>; destination: ReturnType<typeof netbiosName>; smb: Buffer; broadcast: boolean; truncated: boolean },
): Promise<MailslotSendResult> {
  const id = opts.datagramId ?? randomId();
  try {
    const sent = await sendUdpPackets(
      `mailslot datagram to ${address}:${opts.port ?? DATAGRAM_PORT}`,
      address,
      opts.port ?? DATAGRAM_PORT,
      { broadcast: p.broadcast, ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}), ...(opts.localPort !== undefined ? { localPort: opts.localPort } : {}), ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.signal ? { signal: opts.signal } : {}) },
      (local) => fragmentDatagram({ type: p.type, id, sourceIp: local.address, sourcePort: local.port, source: p.source, destination: p.destination, data: p.smb }, opts.maxDatagramSize ?? MAX_DATAGRAM_SIZE),
    );
    const status = p.truncated
      ? { layer: 'win32', code: NERR.NERR_TruncatedBroadcast, name: 'NERR_TruncatedBroadcast', message: `broadcast text cut to ${BROADCAST_MAX_CHARS} characters` }
      : null;
    return {
      target, ok: true, delivery: 'sent', netApiStatus: p.truncated ? NERR.NERR_TruncatedBroadcast : 0, status, transport: 'mailslot',
      datagrams: sent.packets, bytes: sent.bytes, truncated: p.truncated, source: `${sent.address}:${sent.port}`,
    };
  } catch (e) {
    return failed(target, e);
  }
}

/**
 * `net send *` / `net send /domain:WG`: one DIRECT_GROUP datagram to WG<00> per subnet broadcast
 * address, body `From\0WG\0Text\0`. Text over 128 characters is cut (NERR_TruncatedBroadcast) or
 * refused. Usage errors throw before anything is sent; each address gets a result.
 */
export async function sendBroadcast(opts: BroadcastOptions): Promise<MailslotSendResult[]> {
  const codepage = resolveCodepage(opts.codepage);
  const workgroup = (opts.workgroup ?? DEFAULT_WORKGROUP).trim().toUpperCase();
  const wg = encodeName(workgroup, codepage, 'to');
  const destination = netbiosName(wg, NB_SUFFIX.WORKSTATION);
  const p = prepareText(opts, BROADCAST_MAX_CHARS, opts.overLimit ?? 'truncate', MAILSLOT_DEFAULT_MAX_BYTES);
  const source = sourceName(p.from);
  const addresses = opts.broadcastAddresses ?? subnetBroadcastAddresses();
  if (addresses.length === 0) throw usageError('no IPv4 interface with a broadcast address: give the broadcast address');
  for (const a of addresses) checkAddress(a, 'broadcast address');
  const smb = encodeMailslotWrite({ name: MESSENGER_MAILSLOT, data: encodeMessengerBody({ from: p.from, to: wg, text: p.text }) });
  return Promise.all(addresses.map((a) => sendOne(`${workgroup}<00>@${a}`, a, opts, { type: DGM_TYPE.DIRECT_GROUP, source, destination, smb, broadcast: true, truncated: p.truncated })));
}

/** A directed mailslot message: DIRECT_UNIQUE to NAME<03> at each host (fragmented when large). */
export async function sendMailslotMessage(opts: DirectedMailslotOptions): Promise<MailslotSendResult[]> {
  const codepage = resolveCodepage(opts.codepage);
  const to = encodeName(opts.to, codepage, 'to');
  const destination = netbiosName(to, NB_SUFFIX.MESSENGER);
  const maxBytes = opts.maxBytes ?? MAILSLOT_DEFAULT_MAX_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 60_000) throw usageError('maxBytes must be 1..60000');
  const p = prepareText(opts, null, 'truncate', maxBytes);
  const source = sourceName(p.from);
  if (opts.hosts.length === 0) throw usageError('a mailslot message needs the recipient address (--host)');
  for (const h of opts.hosts) checkAddress(h, 'host');
  const smb = encodeMailslotWrite({ name: MESSENGER_MAILSLOT, data: encodeMessengerBody({ from: p.from, to, text: p.text }) });
  const name = to.toString('latin1');
  return Promise.all(opts.hosts.map((h) => sendOne(`${name}<03>@${h}`, h, opts, { type: DGM_TYPE.DIRECT_UNIQUE, source, destination, smb, broadcast: false, truncated: false })));
}

/** Characters the code page lacks in `text` (the CLI warns about them before sending). */
export function mailslotUnmappable(text: string, codepage?: string): string[] {
  return unmappableChars(text, resolveCodepage(codepage));
}
