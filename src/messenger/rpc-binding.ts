/**
 * The remote wkssvc calls (NetrMessageBufferSend, NetrWkstaGetInfo) over any string binding and RPC
 * auth level, through the rpc factory: `ncacn_np:HOST[\pipe\wkssvc]` (the default path of
 * remote.ts, with RPC-level auth on top when asked), `ncacn_ip_tcp:HOST[PORT]` or
 * `ncacn_ip_tcp:HOST` (port from the endpoint mapper). Failures map like remote.ts's table.
 */
import { parseStringBinding, formatStringBinding, type StringBinding } from '../rpc/binding.js';
import { openRpc, type RpcConnection } from '../rpc/factory.js';
import type { AuthLevelName } from '../rpc/security.js';
import { decodeMessageBufferSendResult, decodeWkstaGetInfo, encodeMessageBufferSend, encodeWkstaGetInfo, WKSSVC, WKSSVC_PIPE, type WkstaGetInfoResult } from '../rpc/interfaces/wkssvc.js';
import type { SmbSessionInfo } from '../smb/types.js';
import { NetsendError } from '../status/error.js';
import { win32 } from '../status/index.js';
import { remoteNetApiStatusFor, type RemoteConnectOptions, type RemoteSendOptions, type RemoteSendResult } from './remote.js';

export interface BindingOptions {
  /** String binding; a missing network address is filled with `server`. Default ncacn_np:SERVER[\pipe\wkssvc]. */
  binding?: string;
  authLevel?: AuthLevelName;
  authType?: 'ntlmssp' | 'spnego';
}

/** What carried the call. */
export interface RpcPathInfo {
  binding: string;
  authLevel: AuthLevelName;
  session?: SmbSessionInfo;
}

/** The binding to open for `server`: the given one (host filled in when absent) or \pipe\wkssvc over SMB. */
export function wkssvcBinding(server: string, binding?: string): StringBinding {
  if (binding === undefined) return { protseq: 'ncacn_np', networkAddress: server, endpoint: `\\pipe\\${WKSSVC_PIPE}`, options: [] };
  const b = parseStringBinding(binding);
  return b.networkAddress === '' ? { ...b, networkAddress: server } : b;
}

type Stage = 'connect' | 'pipe' | 'bind' | 'call';

async function withBinding<T>(o: RemoteConnectOptions & BindingOptions, stage: { at: Stage }, body: (rpc: RpcConnection) => Promise<T>): Promise<{ value: T; path: RpcPathInfo }> {
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
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const path: RpcPathInfo = { binding: formatStringBinding(rpc.binding), authLevel: rpc.authLevel, ...(rpc.session ? { session: rpc.session } : {}) };
  try {
    stage.at = 'call';
    return { value: await body(rpc), path };
  } finally {
    await rpc.close().catch(() => undefined);
  }
}

const wait = (o: RemoteConnectOptions) => ({ ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), ...(o.signal ? { signal: o.signal } : {}) });

/** NetrMessageBufferSend over a binding; never throws for protocol failures. */
export async function sendViaBinding(o: RemoteSendOptions & BindingOptions): Promise<RemoteSendResult & { path?: RpcPathInfo }> {
  const stage = { at: 'connect' as Stage };
  try {
    const stub = encodeMessageBufferSend(o.to, o.text, { serverName: o.serverName === undefined ? o.server : o.serverName, from: o.from ?? null, includeNul: o.includeNul ?? true });
    const { value: werror, path } = await withBinding(o, stage, async (rpc) => decodeMessageBufferSendResult(await rpc.call(12, stub, wait(o))));
    const base = { path, ...(path.session ? { session: path.session } : {}) };
    if (werror === 0) return { ok: true, netApiStatus: 0, status: null, ...base };
    const w = win32(werror);
    return { ok: false, netApiStatus: werror, status: { layer: 'win32', code: werror, name: w.name, message: w.message }, ...base };
  } catch (e) {
    const err = e instanceof NetsendError ? e : new NetsendError('protocol', 0, 'INTERNAL', String(e), { cause: e });
    return { ok: false, netApiStatus: remoteNetApiStatusFor(err, stage.at), status: { layer: err.layer, code: err.code, name: err.name, message: err.message } };
  }
}

/** NetrWkstaGetInfo over a binding. Throws NetsendError on failure. */
export async function workstationInfoViaBinding(o: RemoteConnectOptions & BindingOptions, level: 100 | 101 | 102 = 100): Promise<{ path: RpcPathInfo; result: WkstaGetInfoResult }> {
  const { value, path } = await withBinding(o, { at: 'connect' }, async (rpc) => decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(o.server, level), wait(o)), level));
  return { path, result: value };
}
