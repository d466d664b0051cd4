/**
 * NetMessageBufferSend (MSDN lmmsg.h) on top of direct delivery: returns a NET_API_STATUS.
 * servername null/empty: resolve msgname and deliver it ourselves (what the local Messenger
 * does). servername given: ask that host to send (the remote wkssvc path, [MS-WKST] opnum 12),
 * delegated to `options.remoteSend`, by default `./remote.js`.
 *
 * Unconfirmed deliveries (outcome.ts: the completing request was written, its answer never came)
 * return a status a Win32 caller already handles, never NERR_Success:
 * - direct: NERR_NetworkError (2136), the one documented NetMessageBufferSend return that is true
 *   of a lost answer (reasons at UNCONFIRMED_NET_API_STATUS in send.ts). Failures map as in
 *   status-map.ts; `onResult` gets `delivery` to tell the two apart.
 * - remote: RPC_S_CALL_FAILED (1726, "may have executed"), whereas a call that failed before its
 *   request was written returns RPC_S_CALL_FAILED_DNE (1727, "did not execute") (remote.ts).
 * `retries` repeats only failed sends (`retryUnconfirmed` also repeats unconfirmed ones).
 */
import { NetsendError } from '../status/error.js';
import { sendMessage, type SendMessageOptions, type SendResult } from './send.js';
import { NetApiStatus, netApiStatusFor } from './status-map.js';
import { resolveMessengerName, type ResolveOptions } from './resolve.js';
// The remote (SMB2/NTLM/RPC) and connectionless-RPC paths load on their first use: a direct send
// (the sendnetmsg bin) reads neither (issue 12, start-up).
import type { RemoteConnectOptions, RemoteSendOptions } from './remote.js';
import type { UdpRpcSendOptions, UdpRpcSendResult } from './udp-rpc.js';

/** The remote path's signature (`netMessageBufferSendRemote` below). */
export type RemoteSend = (server: string, msgName: string, from: string | null, text: string, options: NetMessageBufferSendOptions) => Promise<number>;

/** Resolves a Messenger name (NAME<03>) to an address. */
export type NameResolver = (name: string, opts: { timeoutMs?: number; signal?: AbortSignal }) => Promise<string>;

/** Options for netMessageBufferSend beyond the Win32 parameters: where the name lives and how to send. */
export interface NetMessageBufferSendOptions extends Partial<Omit<SendMessageOptions, 'to' | 'from' | 'text'>> {
  /** Address of msgName's host; without it msgName is resolved with `resolve`. */
  host?: string;
  /** Name resolution; default: a NetBIOS name query for NAME<03> (resolve.ts) with `nameService`. */
  resolve?: NameResolver;
  /** Where the default resolver looks: LMHOSTS file, WINS server, broadcast address, port, DNS fallback. */
  nameService?: Pick<ResolveOptions, 'wins' | 'broadcast' | 'nsPort' | 'lmhosts' | 'dns'>;
  /** The remote (server != null) implementation; default: wkssvc NetrMessageBufferSend (remote.ts). */
  remoteSend?: RemoteSend;
  /** Credentials, dialect and security options for the remote path. */
  remote?: Omit<Partial<RemoteConnectOptions>, 'server'>;
  /** Receives the detailed result of a direct send. */
  onResult?: (r: SendResult) => void;
  /**
   * Direct sends: 'tcp' (default; the SMB message commands on `port`), 'udp' (NetrSendMessage over
   * ncadg_ip_udp, udp-rpc.ts), or 'auto': TCP first, then UDP when the TCP connection is refused or
   * never answered (a host whose 139/445 are filtered; the order Windows' Messenger clients tried).
   */
  transport?: 'tcp' | 'udp' | 'auto';
  /** The UDP path's port (absent: ept_map on UDP 135), mapper port and idempotent flag. */
  udp?: Pick<UdpRpcSendOptions, 'port' | 'epmPort' | 'idempotent' | 'retransmitMs' | 'maxRetransmitMs'>;
  /** Receives the detailed result of a UDP send. */
  onUdpResult?: (r: UdpRpcSendResult) => void;
}

/** TCP failures after which `auto` tries UDP: nothing was delivered and no SMB server answered. */
function tcpUnreachable(r: SendResult): boolean {
  if (r.delivery !== 'failed' || !r.status) return false;
  if (r.status.layer === 'timeout') return r.roundTrips === 0;
  return r.status.layer === 'socket' && ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(r.status.name);
}

/**
 * The caller's mistakes that Win32 answers with ERROR_INVALID_PARAMETER (87) before any traffic:
 * a msgname that is missing, not a string or blank; a buffer that is missing, not a string or
 * empty; a servername or fromname that is neither a string nor null. Limits that depend on the
 * encoding (the 652-byte [MS-MSRP] §3.2.4.4 text limit, 15-byte names) are checked after encoding
 * by the send itself, also as 87.
 */
function invalidArguments(server: unknown, msgName: unknown, from: unknown, text: unknown): boolean {
  const optionalString = (v: unknown): boolean => v === null || v === undefined || typeof v === 'string';
  if (!optionalString(server) || !optionalString(from)) return true;
  if (typeof msgName !== 'string' || msgName.trim() === '') return true;
  return typeof text !== 'string' || text.length === 0;
}

/**
 * NetMessageBufferSend: 0 (NERR_Success) or the NET_API_STATUS of the failure (status-map.ts).
 * Bad arguments return 87 (ERROR_INVALID_PARAMETER) without touching the network; it never throws.
 */
export async function netMessageBufferSend(
  server: string | null,
  msgName: string,
  from: string | null,
  text: string,
  options: NetMessageBufferSendOptions = {},
): Promise<number> {
  if (invalidArguments(server, msgName, from, text)) return NetApiStatus.ERROR_INVALID_PARAMETER;
  try {
    if (server) {
      const remote = options.remoteSend ?? netMessageBufferSendRemote;
      return await remote(server, msgName, from, text, options);
    }
    let host = options.host;
    if (!host) {
      const wait = { timeoutMs: options.timeoutMs, signal: options.signal };
      host = options.resolve ? await options.resolve(msgName, wait) : await resolveMessengerName(msgName, { ...options.nameService, ...wait });
    }
    const { resolve: _r, remoteSend: _s, nameService: _n, onResult, transport, udp, onUdpResult, ...rest } = options;
    const viaUdp = async (): Promise<number> => {
      const { sendViaUdpRpc } = await import('./udp-rpc.js');
      const u = await sendViaUdpRpc({
        host: host!,
        to: msgName,
        text,
        ...(from ? { from } : {}),
        ...udp,
        ...(rest.codepage !== undefined ? { codepage: rest.codepage } : {}),
        ...(rest.timeoutMs !== undefined ? { timeoutMs: rest.timeoutMs } : {}),
        ...(rest.signal ? { signal: rest.signal } : {}),
        ...(rest.retries !== undefined ? { retries: rest.retries } : {}),
        ...(rest.retryUnconfirmed !== undefined ? { retryUnconfirmed: rest.retryUnconfirmed } : {}),
      });
      onUdpResult?.(u);
      return u.netApiStatus;
    };
    if (transport === 'udp') return await viaUdp();
    const r = await sendMessage({ ...rest, host, to: msgName, text, ...(from ? { from } : {}) });
    onResult?.(r);
    if (transport === 'auto' && tcpUnreachable(r)) return await viaUdp();
    return r.netApiStatus;
  } catch (e) {
    if (e instanceof NetsendError) return netApiStatusFor(e);
    return NetApiStatus.NERR_NetworkError;
  }
}

/** The `RemoteSend` hook netMessageBufferSend uses when a server name is given. */
export const netMessageBufferSendRemote: RemoteSend = async (server, msgName, from, text, options: NetMessageBufferSendOptions) => {
  // Win32 callers write the server as \\NAME; the wire wants the bare name.
  const bare = server.replace(/^\\\\/, '');
  const o: RemoteSendOptions = { ...options.remote, server: bare, to: msgName, from, text };
  if (options.timeoutMs !== undefined && o.timeoutMs === undefined) o.timeoutMs = options.timeoutMs;
  if (options.signal && !o.signal) o.signal = options.signal;
  if (options.tap && !o.tap) o.tap = options.tap;
  if (options.retries !== undefined && o.retries === undefined) o.retries = options.retries;
  if (options.retryUnconfirmed !== undefined && o.retryUnconfirmed === undefined) o.retryUnconfirmed = options.retryUnconfirmed;
  if (options.retryDelayMs !== undefined && o.retryDelayMs === undefined) o.retryDelayMs = options.retryDelayMs;
  const { sendViaWorkstation } = await import('./remote.js');
  return (await sendViaWorkstation(o)).netApiStatus;
};
