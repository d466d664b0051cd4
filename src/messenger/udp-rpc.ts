/**
 * Messenger over connectionless DCE/RPC (ncadg_ip_udp): msgsvcsend NetrSendMessage ([MS-MSRP]
 * §3.2.4.1; clrpc-mailslot-notes §1–§4), the path that reaches a host whose TCP 139/445 is filtered.
 *
 * Sending: without a port, ept_map on UDP 135 finds msgsvcsend's UDP endpoint (notes §3); then one
 * NetrSendMessage(From, To, Text) in the OEM code page, marked idempotent by default as the notes
 * recommend (§2.4: no conv callback, no ACK; a lost response makes the client resend, and the
 * receiver's (activity, seq) cache keeps that from showing the message twice).
 *
 * Outcome (outcome.ts): the returned error_status_t 0 is `confirmed`; a non-zero status, a REJECT or
 * FAULT, or any failure before the request left is `failed`; a request sent that no answer ever
 * acknowledged within the deadline is `unconfirmed` (RPC_S_CALL_FAILED, as on the remote path).
 */
import { NetsendError, toNetsendError, usageError } from '../status/error.js';
import { rpcFault } from '../status/rpc.js';
import { WIN32, win32 } from '../status/win32.js';
import { DEFAULT_TIMEOUT_MS, type WaitOptions } from '../util/abort.js';
import { Deadline } from '../util/deadline.js';
import { ClClient, type DatagramTap } from '../rpc/cl-client.js';
import { epmUdpPort, EPM_UDP_PORT } from '../rpc/factory.js';
import { MSGSVCSEND, netrSendMessage } from '../rpc/interfaces/msgsvcsend.js';
import type { CharsetCodec } from '../rpc/ndr/types.js';
import { checkRetryOptions, withRetries, type Delivery, type RetryOptions } from './outcome.js';
import { REMOTE_UNCONFIRMED_NET_API_STATUS } from './status-map.js';
import { defaultFromName, encodeName, encodeOem, resolveCodepage } from './text.js';

/** [MS-MSRP] §3.2.4.1: the Text a Windows sender puts in one NetrSendMessage (notes §1.5). */
export const UDP_MAX_TEXT_BYTES = 652;

export interface UdpRpcSendOptions extends WaitOptions, RetryOptions {
  /** Address or host name of the receiver. */
  host: string;
  /** msgsvcsend's UDP port; absent = ask the endpoint mapper on `epmPort`. */
  port?: number;
  /** Where the endpoint mapper listens (default UDP 135). */
  epmPort?: number;
  /** Recipient message name. */
  to: string;
  /** Sender name (null sends a NULL pointer). */
  from?: string | null;
  /** The message text. */
  text: string;
  /** OEM code page for the text; default cp850. */
  codepage?: string;
  /** Mark NetrSendMessage idempotent (flags1 0x20; default true, notes §2.4). */
  idempotent?: boolean;
  /** First retransmission interval in ms (default 1000). */
  retransmitMs?: number;
  /** Upper bound of the doubling retransmission interval in ms (default 8000). */
  maxRetransmitMs?: number;
  /** Sees every datagram sent and received (e.g. for --pcap). */
  tap?: DatagramTap;
}

/** Outcome of one send over connectionless RPC (msgsvc NetrSendMessage, [MS-MSRP] §3.2.4.1). */
export interface UdpRpcSendResult {
  /** NAME@host[:port]. */
  target: string;
  /** True exactly when `delivery` is 'confirmed'. */
  ok: boolean;
  /** What is known of the message's arrival. */
  delivery: Delivery;
  /** 0, the status NetrSendMessage returned, the Win32 code of a reject/fault, or RPC_S_CALL_FAILED when unconfirmed. */
  netApiStatus: number;
  /** The raw failure, or null on success. */
  status: { layer: string; code: number; name: string; message: string } | null;
  /** The path that carried the message. */
  transport: 'udp';
  /** The msgsvcsend port used (from the mapper or given). */
  port: number | null;
  /** True when the port came from ept_map. */
  mapped: boolean;
  /** Datagrams sent, retransmissions included. */
  datagramsSent: number;
  /** Datagrams received. */
  datagramsReceived: number;
  /** Requests sent again for lack of an answer. */
  retransmissions: number;
  /** conv who_are_you callbacks the server made (C706 §10). */
  callbacks: number;
  /** Attempts made: 1 + the retries used. */
  attempts: number;
}

/** Raw OEM bytes through the NDR string codec: the text is encoded before marshalling. */
const BYTES: CharsetCodec = { encode: (s) => Buffer.from(s, 'latin1'), decode: (b) => b.toString('latin1') };

function statusOf(e: NetsendError): UdpRpcSendResult['status'] {
  return { layer: e.layer, code: e.code, name: e.name, message: e.message };
}

async function sendOnce(o: UdpRpcSendOptions): Promise<UdpRpcSendResult> {
  const codepage = resolveCodepage(o.codepage);
  const to = encodeName(o.to, codepage, 'to');
  const from = encodeName(o.from ?? defaultFromName(), codepage, 'from');
  const text = encodeOem(o.text, codepage);
  if (text.length > UDP_MAX_TEXT_BYTES) throw usageError(`the text is ${text.length} bytes in ${codepage}; NetrSendMessage carries at most ${UDP_MAX_TEXT_BYTES}`);
  if (text.includes(0)) throw usageError('the text contains NUL');
  const deadline = new Deadline(o.timeoutMs ?? DEFAULT_TIMEOUT_MS, o.signal);
  const result: UdpRpcSendResult = {
    target: `${o.to.trim().toUpperCase()}@${o.host}${o.port !== undefined ? `:${o.port}` : ''}`,
    ok: false,
    delivery: 'failed',
    netApiStatus: 0,
    status: null,
    transport: 'udp',
    port: o.port ?? null,
    mapped: false,
    datagramsSent: 0,
    datagramsReceived: 0,
    retransmissions: 0,
    callbacks: 0,
    attempts: 1,
  };
  const common = {
    ...(o.retransmitMs !== undefined ? { retransmitMs: o.retransmitMs } : {}),
    ...(o.maxRetransmitMs !== undefined ? { maxRetransmitMs: o.maxRetransmitMs } : {}),
    ...(o.tap ? { datagramTap: o.tap } : {}),
  };
  let written = false;
  let client: ClClient | undefined;
  try {
    let port = o.port;
    if (port === undefined) {
      port = await epmUdpPort(o.host, MSGSVCSEND, { ...common, epmPort: o.epmPort ?? EPM_UDP_PORT, deadline: deadline.within('ept_map over UDP') });
      result.mapped = true;
      result.port = port;
    }
    client = new ClClient({ host: o.host, port, iface: MSGSVCSEND, idempotent: o.idempotent ?? true, ...(o.retransmitMs !== undefined ? { retransmitMs: o.retransmitMs } : {}), ...(o.maxRetransmitMs !== undefined ? { maxRetransmitMs: o.maxRetransmitMs } : {}), ...(o.tap ? { tap: o.tap } : {}) });
    const out = await client.invoke(netrSendMessage(BYTES), { From: from.toString('latin1'), To: to.toString('latin1'), Text: text.toString('latin1') } as never, {
      deadline: deadline.within('NetrSendMessage over UDP'),
      onLastFragment: (s) => {
        if (s === 'written') written = true;
      },
    });
    const status = Number((out as { status: number }).status) >>> 0;
    result.netApiStatus = status;
    if (status === 0) {
      result.ok = true;
      result.delivery = 'confirmed';
    } else {
      const w = win32(status);
      result.status = { layer: 'win32', code: status, name: w.name, message: w.message };
    }
  } catch (e) {
    const err = toNetsendError(e);
    result.status = statusOf(err);
    if (err.layer === 'rpc-fault') {
      // The server answered: the call failed (REJECT or FAULT).
      result.netApiStatus = rpcFault(err.code).win32 ?? err.code;
    } else if (err.layer === 'socket' && err.name === 'ECONNREFUSED') {
      // ICMP port unreachable: nothing listens there, so nothing was shown.
      result.netApiStatus = WIN32.RPC_S_SERVER_UNAVAILABLE;
    } else if (written && (err.layer === 'timeout' || err.layer === 'abort' || err.layer === 'socket' || err.layer === 'protocol')) {
      result.delivery = 'unconfirmed';
      result.netApiStatus = REMOTE_UNCONFIRMED_NET_API_STATUS;
    } else {
      result.netApiStatus = err.layer === 'win32' ? err.code : REMOTE_UNCONFIRMED_NET_API_STATUS;
      if (err.layer === 'usage') throw err;
    }
  } finally {
    const s = client?.lastStats;
    if (s) Object.assign(result, { datagramsSent: s.datagramsSent, datagramsReceived: s.datagramsReceived, retransmissions: s.retransmissions, callbacks: s.callbacks });
    await client?.close();
  }
  return result;
}

/** Sends one message over ncadg_ip_udp; retries follow outcome.ts (only `failed` ones unless asked). */
export async function sendViaUdpRpc(o: UdpRpcSendOptions): Promise<UdpRpcSendResult> {
  checkRetryOptions(o);
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535)) throw usageError(`bad UDP port ${o.port}`);
  return withRetries(o, () => sendOnce(o));
}


