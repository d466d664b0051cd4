/**
 * NetMessageBufferSend with a server name: ask that server's Workstation service to send the
 * message, wkssvc NetrMessageBufferSend (opnum 12) on \pipe\wkssvc over SMB1 or SMB 2/3
 * ([MS-WKST] §2.1, §3.2.4.8; [MS-RPCE] §2.1.1.2 for ncacn_np). The server then relays it (it needs admin rights there).
 *
 * Failures map to the NET_API_STATUS a Windows caller would see (the "remote" column of the table in
 * status-map.ts); the raw status stays on the result.
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
import { connectSmb, isSmbStatusError, type NamedPipe, type SmbClient, type SmbDialectName, type SmbSessionInfo } from '../smb/index.js';
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
import { NetsendError, toNetsendError } from '../status/error.js';
import { win32 } from '../status/win32.js';
import { REMOTE_UNCONFIRMED_NET_API_STATUS, remoteNetApiStatusFor, type RemoteStage } from './status-map.js';
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
  /** Host name or address of the server whose RPC interface relays the message. */
  server: string;
  /** 445 (default) or 139. */
  port?: number;
  /** Default: anonymous (null session), which Windows refuses for opnum 12. */
  credentials?: Credentials;
  /** 'auto' (default) negotiates like Windows; 'smb1' and 'smb2' force a family. */
  dialect?: 'auto' | 'smb1' | 'smb2';
  /** Lowest SMB2/3 dialect accepted. */
  smbMin?: SmbDialectName;
  /** Highest SMB2/3 dialect offered. */
  smbMax?: SmbDialectName;
  /** Require signed SMB messages; a session that would run unsigned is refused. */
  requireSigning?: boolean;
  /** Require SMB 3.x encryption of the session (SMB2 family only). */
  requireEncryption?: boolean;
  /** Accept a guest/null session although `credentials` name a user (default: refused, NET_API_STATUS 1272). */
  allowGuest?: boolean;
  /** SMB1: go on unsigned when a logon with credentials is not signed (default: refused, SIGNING_UNAVAILABLE). */
  allowUnsigned?: boolean;
  /** Sees the connection's bytes (e.g. for --pcap). */
  tap?: TrafficTap;
  /**
   * After the call: 'drop' (default) closes the TCP connection and lets the server free the pipe,
   * tree and session, saving three round trips (CLOSE, TREE_DISCONNECT, LOGOFF); 'graceful' sends them.
   */
  teardown?: 'drop' | 'graceful';
  /**
   * SMB 2/3: send TREE_CONNECT IPC$, CREATE \pipe\wkssvc and the bind as one related compound
   * ([MS-SMB2] §3.2.4.1.4), two round trips fewer than one by one (default true). false sends them one
   * by one (e.g. for captures: Wireshark ties a bind to its pipe by FileId, which a compound leaves
   * as 0xFF..FF).
   */
  compound?: boolean;
}

export interface RemoteSendOptions extends RemoteConnectOptions, RetryOptions {
  /** Recipient message name on the server. */
  to: string;
  /** Sender name passed to NetrMessageBufferSend (null sends a NULL pointer). */
  from?: string | null;
  /** The message text, sent as UTF-16. */
  text: string;
  /** The server_name argument (default: `server`, a bare host name as rpcclient sends). */
  serverName?: string | null;
  /** Count the UTF-16 NUL in message_size (default true, as rpcclient does). */
  includeNul?: boolean;
}

/** Outcome of a send through the remote server's RPC interface (wkssvc NetrMessageBufferSend or msgsvc). */
export interface RemoteSendResult {
  /** True exactly when `delivery` is 'confirmed'. */
  ok: boolean;
  /** 'confirmed', 'failed', or 'unconfirmed' (the request was written, no answer came): the table above. */
  delivery: Delivery;
  /** Connections tried: 1 + the retries used. */
  attempts: number;
  /** NET_API_STATUS as NetMessageBufferSend would return it (status-map.ts). */
  netApiStatus: number;
  /** The raw failure (or the non-zero WERROR on the 'win32' layer), null on success. */
  status: SendStatus | null;
  /** The SMB session that carried the call, when one was established. */
  session?: SmbSessionInfo;
  /** The binding and RPC auth level, when a binding or auth level was asked for. */
  path?: RpcPathInfo;
}

/** Which step failed: decides how socket errors and missing pipes map. */
export type Stage = RemoteStage;

export { remoteNetApiStatusFor };

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
  /** The SMB session is up while the stage still says 'connect' (the deferred IPC$ tree connect). */
  afterSession?: boolean;
}

/** Failures that are the server's answer (not a lost one): the call was refused, not lost. */
const ANSWER_LAYERS = new Set<string>(['win32', 'rpc-fault', 'rpc-bind', 'rpc-bind-nak']);

function deliveryOf(err: NetsendError, progress: Progress): Delivery {
  if (ANSWER_LAYERS.has(err.layer) || isSmbStatusError(err)) return 'failed';
  if (progress.request === 'written') return 'unconfirmed';
  // A write that timed out or was aborted may still have reached the socket whole.
  if (progress.request === 'writing' && err.layer !== 'socket') return 'unconfirmed';
  return 'failed';
}

/** The SMB session options of a remote operation (host, port and deadline aside), in one place. */
export function sessionOptionsOf(o: RemoteConnectOptions) {
  return {
    credentials: o.credentials ?? { user: '', anonymous: true },
    dialect: o.dialect ?? 'auto',
    ...(o.smbMin ? { smbMin: o.smbMin } : {}),
    ...(o.smbMax ? { smbMax: o.smbMax } : {}),
    ...(o.requireSigning ? { requireSigning: true } : {}),
    ...(o.requireEncryption ? { requireEncryption: true } : {}),
    ...(o.allowGuest ? { allowGuest: true } : {}),
    ...(o.allowUnsigned ? { allowUnsigned: true } : {}),
    ...(o.tap ? { tap: o.tap } : {}),
  } as const;
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
      ...sessionOptionsOf(o),
      // SMB2: TREE_CONNECT, CREATE and the bind go as one compound (openPipeDeferred below).
      deferTreeConnect: o.compound !== false,
      ...wait,
    });
    progress.session = smb.info;
    // SMB2: TREE_CONNECT IPC$ and CREATE ride with the bind in one compound; the stage follows each
    // step as it succeeds. The session exists from here on, so a lost answer to the compound is a
    // failure after connecting (RPC_S_CALL_FAILED_DNE), never ERROR_BAD_NETPATH: which of its three
    // answers was lost cannot be told apart.
    let pipe: NamedPipe;
    if (smb.openPipeDeferred && o.compound !== false) {
      progress.afterSession = true;
      pipe = smb.openPipeDeferred(WKSSVC_PIPE, {
        onTree: () => {
          progress.stage = 'pipe';
        },
        onOpen: () => {
          progress.stage = 'bind';
        },
      });
    } else {
      progress.stage = 'pipe';
      pipe = await smb.openPipe(WKSSVC_PIPE, wait);
      progress.stage = 'bind';
    }
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
    ...sessionOptionsOf(o),
    ...(o.authLevel ? { authLevel: o.authLevel } : {}),
    ...(o.authType ? { authType: o.authType } : {}),
    ...(o.port !== undefined ? { smbPort: o.port } : {}),
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
  const err = toNetsendError(e);
  const delivery = deliveryOf(err, progress);
  // A lost answer (not a status) while the deferred tree connect was pending: the session was up.
  const stage = progress.stage === 'connect' && progress.afterSession && !ANSWER_LAYERS.has(err.layer) ? 'pipe' : progress.stage;
  let netApiStatus = remoteNetApiStatusFor(err, stage);
  if (delivery === 'unconfirmed') netApiStatus = REMOTE_UNCONFIRMED_NET_API_STATUS;
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

/** Outcome of a NetrWkstaGetInfo query ([MS-WKST] §3.2.4.1), with the path that carried it. */
export interface WorkstationInfoResult {
  /** The SMB session (absent over ncacn_ip_tcp). */
  session?: SmbSessionInfo;
  /** The binding and RPC auth level, when a binding or auth level was asked for. */
  path?: RpcPathInfo;
  /** The decoded NetrWkstaGetInfo reply. */
  result: WkstaGetInfoResult;
}

/** NetrWkstaGetInfo at `level` on `server` ([MS-WKST] §3.2.4.1). Throws NetsendError on failure. */
export async function workstationInfo(o: RemoteConnectOptions, level: 100 | 101 | 102 = 100): Promise<WorkstationInfoResult> {
  const progress: Progress = { stage: 'connect' };
  const result = await withWkssvc(o, progress, async (rpc, wait) => decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(o.server, level), wait), level));
  return { ...(progress.session ? { session: progress.session } : {}), ...(progress.path ? { path: progress.path } : {}), result };
}
