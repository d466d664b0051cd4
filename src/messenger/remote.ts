/**
 * NetMessageBufferSend with a server name: ask that server's Workstation service to send the
 * message, wkssvc NetrMessageBufferSend (opnum 12) on \pipe\wkssvc over SMB1 or SMB 2/3
 * (protocol-notes §1.1, §7; [MS-WKST] §2.1). The server then relays it (it needs admin rights there).
 *
 * Failures map to the NET_API_STATUS a Windows caller would see; the raw status stays on the result.
 *
 * | failure (NetsendError layer / status)                                | NET_API_STATUS                     |
 * |----------------------------------------------------------------------|------------------------------------|
 * | none, WERROR 0                                                       | 0    NERR_Success                  |
 * | WERROR returned by the server                                        | that value (e.g. 5, 50, 2273)      |
 * | rpc-fault (FAULT PDU)                                                | its Win32 equivalent ([MS-RPCE] §3.1.1.5.5): nca_s_op_rng_error -> 1745 RPC_S_PROCNUM_OUT_OF_RANGE, nca_s_unk_if -> 1717, Win32-valued faults (5, 0x6F7) as they are |
 * | rpc-bind, abstract_syntax_not_supported                              | 1717 RPC_S_UNKNOWN_IF              |
 * | rpc-bind, proposed_transfer_syntaxes_not_supported                   | 1730 RPC_S_UNSUPPORTED_TRANS_SYN   |
 * | rpc-bind other, rpc-bind-nak                                         | 1727 RPC_S_CALL_FAILED_DNE         |
 * | pipe open: STATUS_OBJECT_NAME_NOT_FOUND, PIPE_NOT_AVAILABLE, BAD_NETWORK_NAME (no wkssvc) | 1722 RPC_S_SERVER_UNAVAILABLE |
 * | ntstatus at session setup or elsewhere                               | its Win32 equivalent: STATUS_LOGON_FAILURE -> 1326 ERROR_LOGON_FAILURE, ACCESS_DENIED -> 5, ... |
 * | dos (SMB1 DOS form)                                                  | ERRDOS codes are Win32 codes (ERRnoaccess 5 ...); others via their NTSTATUS |
 * | socket (refused, unreachable), timeout before the session exists     | 53   ERROR_BAD_NETPATH             |
 * | protocol STATUS_SMB_GUEST_LOGON_BLOCKED (guest session for a logon with credentials refused) | 1272 ERROR_SMB_GUEST_LOGON_BLOCKED (what a Windows caller gets when its SMB client refuses a guest logon) |
 * | socket / timeout later, before the call's request was written ('failed') | 1727 RPC_S_CALL_FAILED_DNE     |
 * | protocol, ntlm                                                       | 1726 RPC_S_CALL_FAILED / 1326 (ntlm) |
 * | abort                                                                | 995  ERROR_OPERATION_ABORTED       |
 * | usage                                                                | 87   ERROR_INVALID_PARAMETER       |
 * | anything but an answer after the request was written ('unconfirmed') | 1726 RPC_S_CALL_FAILED             |
 *
 * Delivery (outcome.ts): an answer (WERROR 0) is 'confirmed'; any failure before the last request
 * fragment was written, and any answer carrying an error (WERROR, FAULT PDU, SMB error status), is
 * 'failed'; a request written whose response never came, or came unreadable, is 'unconfirmed'.
 * The Win32 RPC runtime draws the same line: RPC_S_CALL_FAILED_DNE "failed and did not execute"
 * versus RPC_S_CALL_FAILED "failed" (may have executed), so those are the codes for them.
 */
import type { Credentials } from '../auth/types.js';
/** Pass-the-hash input (`LM:NT` or `NT` hex) for callers that only see the messenger (the CLI). */
export { parseHashes } from '../auth/ntlm-crypto.js';
import type { TrafficTap } from '../transport/tcp.js';
import { connectSmb, type SmbDialectName } from '../smb/connect.js';
import type { SmbClient, SmbSessionInfo } from '../smb/types.js';
import { RpcClient } from '../rpc/client.js';
import {
  WKSSVC,
  WKSSVC_PIPE,
  decodeMessageBufferSendResult,
  decodeWkstaGetInfo,
  encodeMessageBufferSend,
  encodeWkstaGetInfo,
  type WkstaGetInfoResult,
} from '../rpc/interfaces/wkssvc.js';
import { NetsendError } from '../status/error.js';
import { NT } from '../status/ntstatus.js';
import { WIN32, NERR } from '../status/win32.js';
import { ntStatusToWin32, rpcFaultToWin32, dosError, DOS_CLASS, win32 } from '../status/index.js';
import type { WaitOptions } from '../util/abort.js';
import { Deadline } from '../util/deadline.js';
import { formatStringBinding } from '../rpc/binding.js';
import { usesBinding, wkssvcBinding, type BindingOptions, type RpcPathInfo } from './rpc-binding.js';
import type { SendStatus } from './send.js';
import { checkRetryOptions, withRetries, type Delivery, type RetryOptions } from './outcome.js';

/**
 * How to reach and authenticate to the server that runs the call. `timeoutMs` (default 10 s) is the
 * per-target deadline: one budget from TCP connect to the last byte of teardown, shared by every step.
 */
export interface RemoteConnectOptions extends WaitOptions, BindingOptions {
  server: string;
  /** 445 (default) or 139. */
  port?: number;
  /** Default: anonymous (null session), which Windows refuses for opnum 12. */
  credentials?: Credentials;
  dialect?: 'auto' | 'smb1' | 'smb2';
  smbMin?: SmbDialectName;
  smbMax?: SmbDialectName;
  requireSigning?: boolean;
  requireEncryption?: boolean;
  /** Accept a guest/null session although `credentials` name a user (default: refused, NET_API_STATUS 1272). */
  allowGuest?: boolean;
  /** SMB1: go on unsigned when a logon with credentials is not signed (default: refused, SIGNING_UNAVAILABLE). */
  allowUnsigned?: boolean;
  tap?: TrafficTap;
  /**
   * After the call: 'drop' (default) closes the TCP connection and lets the server free the pipe,
   * tree and session, saving three round trips (CLOSE, TREE_DISCONNECT, LOGOFF); 'graceful' sends them.
   */
  teardown?: 'drop' | 'graceful';
}

export interface RemoteSendOptions extends RemoteConnectOptions, RetryOptions {
  to: string;
  from?: string | null;
  text: string;
  /** The server_name argument (default: `server`, a bare host name as rpcclient sends). */
  serverName?: string | null;
  /** Count the UTF-16 NUL in message_size (default true, as rpcclient does). */
  includeNul?: boolean;
}

export interface RemoteSendResult {
  /** True exactly when `delivery` is 'confirmed'. */
  ok: boolean;
  /** 'confirmed', 'failed', or 'unconfirmed' (the request was written, no answer came): the table above. */
  delivery: Delivery;
  /** Connections tried: 1 + the retries used. */
  attempts: number;
  netApiStatus: number;
  /** The raw failure (or the non-zero WERROR on the 'win32' layer), null on success. */
  status: SendStatus | null;
  /** The SMB session that carried the call, when one was established. */
  session?: SmbSessionInfo;
  /** The binding and RPC auth level, when a binding or auth level was asked for. */
  path?: RpcPathInfo;
}

/** Which step failed: decides how socket errors and missing pipes map. */
export type Stage = 'connect' | 'pipe' | 'bind' | 'call';

const PIPE_MISSING = new Set<number>([NT.STATUS_OBJECT_NAME_NOT_FOUND, NT.STATUS_PIPE_NOT_AVAILABLE, NT.STATUS_BAD_NETWORK_NAME]);

/** NET_API_STATUS for a failure of the remote path (the table above). */
export function remoteNetApiStatusFor(e: unknown, stage: Stage): number {
  if (!(e instanceof NetsendError)) return WIN32.RPC_S_CALL_FAILED;
  switch (e.layer) {
    case 'win32':
      return e.code;
    case 'rpc-fault':
      return rpcFaultToWin32(e.code);
    case 'rpc-bind':
      if (e.name === 'abstract_syntax_not_supported') return WIN32.RPC_S_UNKNOWN_IF;
      if (e.name === 'proposed_transfer_syntaxes_not_supported') return WIN32.RPC_S_UNSUPPORTED_TRANS_SYN;
      return WIN32.RPC_S_CALL_FAILED_DNE;
    case 'rpc-bind-nak':
      return WIN32.RPC_S_CALL_FAILED_DNE;
    case 'ntstatus':
      if (stage === 'pipe' && PIPE_MISSING.has(e.code >>> 0)) return WIN32.RPC_S_SERVER_UNAVAILABLE;
      return ntStatusToWin32(e.code);
    case 'dos': {
      const cls = e.code >>> 16;
      const code = e.code & 0xffff;
      if (stage === 'pipe' && cls === DOS_CLASS.ERRDOS && (code === 2 || code === 230 || code === 231)) return WIN32.RPC_S_SERVER_UNAVAILABLE;
      if (cls === DOS_CLASS.ERRDOS) return code;
      const nt = dosError(cls, code).ntStatus;
      return nt !== undefined ? ntStatusToWin32(nt) : NERR.NERR_NetworkError;
    }
    case 'ntlm':
      return WIN32.ERROR_LOGON_FAILURE;
    case 'abort':
      return WIN32.ERROR_OPERATION_ABORTED;
    case 'protocol':
      if (e.name === 'STATUS_SMB_GUEST_LOGON_BLOCKED') return WIN32.ERROR_SMB_GUEST_LOGON_BLOCKED;
      return WIN32.RPC_S_CALL_FAILED;
    case 'usage':
      return WIN32.ERROR_INVALID_PARAMETER;
    case 'socket':
    case 'nbss':
    case 'timeout':
      // Only reached for failures before the call's request was written (failure() maps the rest).
      return stage === 'connect' ? WIN32.ERROR_BAD_NETPATH : WIN32.RPC_S_CALL_FAILED_DNE;
    default:
      return WIN32.RPC_S_CALL_FAILED;
  }
}

function toStatus(e: NetsendError): SendStatus {
  return { layer: e.layer, code: e.code, name: e.name, message: e.message };
}

/** How far a remote call got: decides how a failure maps (the table above). */
export interface Progress {
  stage: Stage;
  session?: SmbSessionInfo;
  /** The last fragment of the opnum-12 request: not yet sent, being written, or written. */
  request?: 'writing' | 'written';
  /** The binding that carried the call, when a binding or RPC auth level was asked for. */
  path?: RpcPathInfo;
}

/** Failures that are the server's answer (not a lost one): the call was refused, not lost. */
const ANSWER_LAYERS = new Set<string>(['win32', 'rpc-fault', 'rpc-bind', 'rpc-bind-nak', 'ntstatus', 'dos']);

function deliveryOf(err: NetsendError, progress: Progress): Delivery {
  if (ANSWER_LAYERS.has(err.layer)) return 'failed';
  if (progress.request === 'written') return 'unconfirmed';
  // A write that timed out or was aborted may still have reached the socket whole.
  if (progress.request === 'writing' && err.layer !== 'socket') return 'unconfirmed';
  return 'failed';
}

/**
 * Opens an SMB session, \pipe\wkssvc and a wkssvc binding; runs `body`; closes everything. One
 * deadline covers all of it, teardown included; `body` gets its wait options.
 */
async function withWkssvc<T>(o: RemoteConnectOptions, progress: Progress, body: (rpc: WkssvcCaller, wait: WaitOptions) => Promise<T>): Promise<T> {
  const wait = Deadline.of(o).waitOptions();
  if (usesBinding(o)) return withBinding(o, progress, wait, body);
  let smb: SmbClient | undefined;
  try {
    progress.stage = 'connect';
    smb = await connectSmb({
      host: o.server,
      port: o.port ?? 445,
      credentials: o.credentials ?? { user: '', anonymous: true },
      dialect: o.dialect ?? 'auto',
      ...(o.smbMin ? { smbMin: o.smbMin } : {}),
      ...(o.smbMax ? { smbMax: o.smbMax } : {}),
      ...(o.requireSigning ? { requireSigning: true } : {}),
      ...(o.requireEncryption ? { requireEncryption: true } : {}),
      ...(o.allowGuest ? { allowGuest: true } : {}),
      ...(o.allowUnsigned ? { allowUnsigned: true } : {}),
      ...(o.tap ? { tap: o.tap } : {}),
      ...wait,
    });
    progress.session = smb.info;
    progress.stage = 'pipe';
    const pipe = await smb.openPipe(WKSSVC_PIPE, wait);
    progress.stage = 'bind';
    const rpc = new RpcClient(pipe);
    await rpc.bind(WKSSVC, wait);
    progress.stage = 'call';
    const value = await body(rpc, wait);
    if (o.teardown === 'graceful') await rpc.close(wait).catch(() => undefined);
    return value;
  } finally {
    if (o.teardown === 'graceful') await smb?.close(wait).catch(() => undefined);
    else smb?.abort();
  }
}

/** What the wkssvc calls need of a bound connection (RpcClient on a pipe, or the factory's connection). */
type WkssvcCaller = Pick<RpcClient, 'call'>;

/** The same through the RPC factory: any string binding, RPC-level auth ([MS-RPCE] §3.3.1.5.2). */
async function withBinding<T>(o: RemoteConnectOptions, progress: Progress, wait: WaitOptions, body: (rpc: WkssvcCaller, wait: WaitOptions) => Promise<T>): Promise<T> {
  const { openRpc } = await import('../rpc/factory.js');
  progress.stage = 'connect';
  const rpc = await openRpc(wkssvcBinding(o.server, o.binding), WKSSVC, {
    credentials: o.credentials ?? { user: '', anonymous: true },
    ...(o.authLevel ? { authLevel: o.authLevel } : {}),
    ...(o.authType ? { authType: o.authType } : {}),
    ...(o.port !== undefined ? { smbPort: o.port } : {}),
    ...(o.dialect ? { dialect: o.dialect } : {}),
    ...(o.smbMin ? { smbMin: o.smbMin } : {}),
    ...(o.smbMax ? { smbMax: o.smbMax } : {}),
    ...(o.requireSigning ? { requireSigning: true } : {}),
    ...(o.requireEncryption ? { requireEncryption: true } : {}),
    ...(o.allowGuest ? { allowGuest: true } : {}),
    ...(o.allowUnsigned ? { allowUnsigned: true } : {}),
    ...(o.tap ? { tap: o.tap } : {}),
    ...wait,
  });
  if (rpc.session) progress.session = rpc.session;
  progress.path = { binding: formatStringBinding(rpc.binding), authLevel: rpc.authLevel, ...(rpc.session ? { session: rpc.session } : {}) };
  try {
    progress.stage = 'call';
    return await body(rpc, wait);
  } finally {
    await rpc.close(wait).catch(() => undefined);
  }
}

/** A failed attempt as a result: delivery and NET_API_STATUS from how far it got. */
export function failure(e: unknown, progress: Progress): RemoteSendResult {
  const err = e instanceof NetsendError ? e : new NetsendError('protocol', 0, 'INTERNAL', String(e), { cause: e });
  const delivery = deliveryOf(err, progress);
  let netApiStatus = remoteNetApiStatusFor(err, progress.stage);
  if (delivery === 'unconfirmed') netApiStatus = WIN32.RPC_S_CALL_FAILED;
  const r: RemoteSendResult = { ok: false, delivery, attempts: 1, netApiStatus, status: toStatus(err) };
  if (progress.session) r.session = progress.session;
  if (progress.path) r.path = progress.path;
  return r;
}

/**
 * Runs NetrMessageBufferSend on `server`, retrying `failed` attempts up to `retries` times (and
 * `unconfirmed` ones only with `retryUnconfirmed`); never throws for protocol failures.
 */
export async function sendViaWorkstation(o: RemoteSendOptions): Promise<RemoteSendResult> {
  checkRetryOptions(o);
  return withRetries(o, () => sendViaWorkstationOnce(o));
}

async function sendViaWorkstationOnce(o: RemoteSendOptions): Promise<RemoteSendResult> {
  const progress: Progress = { stage: 'connect' };
  try {
    const stub = encodeMessageBufferSend(o.to, o.text, {
      serverName: o.serverName === undefined ? o.server : o.serverName,
      from: o.from ?? null,
      includeNul: o.includeNul ?? true,
    });
    const onLastFragment = (state: 'writing' | 'written'): void => {
      progress.request = state;
    };
    const werror = await withWkssvc(o, progress, async (rpc, wait) => decodeMessageBufferSendResult(await rpc.call(12, stub, { ...wait, onLastFragment })));
    const where = { ...(progress.session ? { session: progress.session } : {}), ...(progress.path ? { path: progress.path } : {}) };
    if (werror === 0) return { ok: true, delivery: 'confirmed', attempts: 1, netApiStatus: 0, status: null, ...where };
    const w = win32(werror);
    return { ok: false, delivery: 'failed', attempts: 1, netApiStatus: werror, status: { layer: 'win32', code: werror, name: w.name, message: w.message }, ...where };
  } catch (e) {
    return failure(e, progress);
  }
}

export interface WorkstationInfoResult {
  /** The SMB session (absent over ncacn_ip_tcp). */
  session?: SmbSessionInfo;
  /** The binding and RPC auth level, when a binding or auth level was asked for. */
  path?: RpcPathInfo;
  result: WkstaGetInfoResult;
}

/** NetrWkstaGetInfo at `level` on `server` ([MS-WKST] §3.2.4.1). Throws NetsendError on failure. */
export async function workstationInfo(o: RemoteConnectOptions, level: 100 | 101 | 102 = 100): Promise<WorkstationInfoResult> {
  const progress: Progress = { stage: 'connect' };
  const result = await withWkssvc(o, progress, async (rpc, wait) => decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(o.server, level), wait), level));
  return { ...(progress.session ? { session: progress.session } : {}), ...(progress.path ? { path: progress.path } : {}), result };
}
