/**
 * Opens a bound, optionally authenticated RPC connection from a string binding ([MS-RPCE] §2.1,
 * C706 Appendix I): `ncacn_np:HOST[\pipe\wkssvc]` over an SMB session (SMB1 or SMB 2/3 as
 * connectSmb chooses), `ncacn_ip_tcp:HOST[PORT]` on TCP, and `ncacn_ip_tcp:HOST` asking the endpoint
 * mapper on TCP 135 for the port. Binding options `[sign]`, `[seal]`, `[connect]` pick the RPC auth
 * level, `[spnego]` / `[ntlm]` the auth type. Each protocol sequence is one entry of OPENERS; the
 * connectionless `ncadg_ip_udp:HOST[PORT]` (cl-client.ts) asks ept_map on UDP 135 when no port is given.
 */
import { createNtlmSecurityContext } from '../auth/security-context.js';
import type { Credentials } from '../auth/types.js';
import { connectSmb, type SmbDialectName } from '../smb/connect.js';
import type { SmbClient, SmbSessionInfo } from '../smb/types.js';
import { NetsendError } from '../status/error.js';
import type { TrafficTap } from '../transport/tcp.js';
import type { WaitOptions } from '../util/abort.js';
import { parseStringBinding, type StringBinding } from './binding.js';
import type { RpcCaller } from './caller.js';
import { RpcClient, type BindResult, type CallOptions, type RpcInterface } from './client.js';
import { EPM, eptMap } from './interfaces/epm.js';
import { ClClient, type DatagramTap } from './cl-client.js';
import { CL_MUST_RECV_FRAG } from './cl-pdu.js';
import type { NdrCall, Param, ParamValues } from './ndr/call.js';
import { NP_MAX_FRAG } from './pdu.js';
import { AUTH_TYPE, type AuthLevelName, type RpcAuthOptions } from './security.js';
import { connectTcpRpc, EPM_TCP_PORT, TCP_MAX_FRAG } from './tcp.js';

export interface OpenRpcOptions extends WaitOptions {
  /** Default: anonymous. Used for the SMB session (ncacn_np) and for RPC-level auth. */
  credentials?: Credentials;
  /**
   * RPC auth level. Default: a binding option ([sign] integrity, [seal] privacy, [connect]) if
   * any; else `none` on ncacn_np (the SMB session authenticates and protects the pipe) and `privacy`
   * on ncacn_ip_tcp with credentials (`none` when anonymous).
   */
  authLevel?: AuthLevelName;
  /**
   * 'spnego' (auth_type 9, default: its last leg has a reply, so a refused logon fails the bind, and the
   * server's mechListMIC is checked) or 'ntlmssp' (auth_type 10, ends with AUTH3, which has no reply);
   * binding options [spnego] / [ntlm] too.
   */
  authType?: 'ntlmssp' | 'spnego';
  /** ncacn_np: SMB options as connectSmb takes them. */
  smbPort?: number;
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
  /** Accept a guest or null session although credentials name a user (default: refused). */
  allowGuest?: boolean;
  /** SMB1: go on unsigned when a credentialed session is not signed (default: refused). */
  allowUnsigned?: boolean;
  /** ncacn_ip_tcp without a port: where the endpoint mapper listens (default 135). */
  epmPort?: number;
  /** Sees the TCP connection's bytes (e.g. for --pcap). */
  tap?: TrafficTap;
  /** ncadg_ip_udp: mark calls idempotent (flags1 0x20; no conv callback, no ACK). Default false. */
  idempotent?: boolean;
  /** ncadg_ip_udp: first retransmission interval and its cap (ms; ClClientOptions). */
  retransmitMs?: number;
  /** Cap of the doubling retransmission interval in ms. */
  maxRetransmitMs?: number;
  /** ncadg_ip_udp: sees every datagram sent and accepted (for --pcap). */
  datagramTap?: DatagramTap;
}

/** A bound connection: the caller interface plus what was negotiated. */
export interface RpcConnection extends RpcCaller {
  /** The binding actually used (the port filled in from the endpoint mapper). */
  readonly binding: StringBinding;
  /** What the bind settled: presentation context and fragment size. */
  readonly bind: BindResult;
  /** The authentication level in force on the association. */
  readonly authLevel: AuthLevelName;
  /** The underlying connection-oriented client. */
  readonly client: RpcClient;
  /** The SMB session under an ncacn_np binding. */
  readonly session?: SmbSessionInfo;
}

type Opener = (b: StringBinding, iface: RpcInterface, o: OpenRpcOptions, level: AuthLevelName) => Promise<RpcConnection>;

const LEVEL_OPTIONS: Record<string, AuthLevelName> = { connect: 'connect', sign: 'integrity', integrity: 'integrity', seal: 'privacy', privacy: 'privacy', none: 'none' };

function has(b: StringBinding, name: string): boolean {
  return b.options.some((o) => o.name.toLowerCase() === name && o.value === undefined);
}

/** The auth level a binding asks for, if any ([sign], [seal], [connect]). */
export function bindingAuthLevel(b: StringBinding): AuthLevelName | undefined {
  let level: AuthLevelName | undefined;
  for (const o of b.options) {
    const l = LEVEL_OPTIONS[o.name.toLowerCase()];
    if (l === undefined || o.value !== undefined) continue;
    if (level !== undefined && level !== l) throw new NetsendError('usage', 0, 'RPC_S_INVALID_STRING_BINDING', `binding asks for both ${level} and ${l}`);
    level = l;
  }
  return level;
}

function authFor(level: AuthLevelName, b: StringBinding, o: OpenRpcOptions): RpcAuthOptions | undefined {
  if (level === 'none') return undefined;
  const creds = o.credentials;
  if (!creds || creds.anonymous) throw new NetsendError('usage', 0, 'RPC_S_UNSUPPORTED_AUTHN_LEVEL', `auth level ${level} needs credentials`);
  const spnego = has(b, 'spnego') ? true : has(b, 'ntlm') ? false : o.authType !== 'ntlmssp';
  const context = createNtlmSecurityContext(creds, { spnego, sign: level !== 'connect', seal: level === 'privacy' });
  return { level, context, authType: spnego ? AUTH_TYPE.spnego : AUTH_TYPE.ntlmssp };
}

function connection(client: RpcClient, binding: StringBinding, bind: BindResult, authLevel: AuthLevelName, closeAll: (o?: WaitOptions) => Promise<void>, session?: SmbSessionInfo): RpcConnection {
  return {
    binding,
    bind,
    authLevel,
    client,
    ...(session ? { session } : {}),
    call: (opnum: number, stub: Buffer, opts?: CallOptions) => client.call(opnum, stub, opts),
    invoke: <I extends readonly Param[], O extends readonly Param[]>(def: NdrCall<I, O>, args: ParamValues<I>, opts?: CallOptions) => client.invoke(def, args, opts),
    close: closeAll,
  };
}

function waitOf(o: WaitOptions): WaitOptions {
  return { ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), ...(o.signal ? { signal: o.signal } : {}) };
}

/** \pipe\wkssvc, \PIPE\wkssvc or wkssvc -> wkssvc (the SMB layer adds its own prefix). */
export function pipeName(endpoint: string): string {
  return endpoint.replace(/^\\+pipe\\+/i, '').replace(/^\\+/, '');
}

const openNp: Opener = async (b, iface, o, level) => {
  const wait = waitOf(o);
  const name = pipeName(b.endpoint ?? iface.name);
  if (name === '' || /[\\/]/.test(name)) throw new NetsendError('usage', 0, 'RPC_S_INVALID_ENDPOINT_FORMAT', `bad pipe name ${JSON.stringify(b.endpoint)}`);
  const auth = authFor(level, b, o);
  let smb: SmbClient | undefined;
  try {
    smb = await connectSmb({
      host: b.networkAddress,
      port: o.smbPort ?? 445,
      credentials: o.credentials ?? { user: '', anonymous: true },
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
    const client = new RpcClient(await smb.openPipe(name, wait), auth ? { auth } : {});
    const bind = await client.bind(iface, { ...wait, maxXmitFrag: NP_MAX_FRAG, maxRecvFrag: NP_MAX_FRAG });
    const s = smb;
    return connection(client, { ...b, endpoint: `\\pipe\\${name}` }, bind, level, (c) => s.close(c ?? wait), s.info);
  } catch (e) {
    smb?.abort();
    throw e;
  }
};

const openTcp: Opener = async (b, iface, o, level) => {
  const wait = waitOf(o);
  const host = b.networkAddress;
  let port: number;
  if (b.endpoint === undefined || b.endpoint === '') {
    port = await epmTcpPort(host, iface, o);
  } else {
    port = Number(b.endpoint);
    if (!/^\d+$/.test(b.endpoint) || port < 1 || port > 65535) throw new NetsendError('usage', 0, 'RPC_S_INVALID_ENDPOINT_FORMAT', `bad TCP port ${JSON.stringify(b.endpoint)}`);
  }
  const auth = authFor(level, b, o);
  const transport = await connectTcpRpc({ host, port, ...(o.tap ? { tap: o.tap } : {}), ...wait });
  try {
    const client = new RpcClient(transport, auth ? { auth } : {});
    const bind = await client.bind(iface, { ...wait, maxXmitFrag: TCP_MAX_FRAG, maxRecvFrag: TCP_MAX_FRAG });
    return connection(client, { ...b, endpoint: String(port) }, bind, level, (c) => transport.close(c ?? wait));
  } catch (e) {
    await transport.close();
    throw e;
  }
};

/** Asks the endpoint mapper on TCP 135 (unauthenticated, as Windows does) where `iface` listens. */
export async function epmTcpPort(host: string, iface: RpcInterface, o: OpenRpcOptions = {}): Promise<number> {
  const wait = waitOf(o);
  const transport = await connectTcpRpc({ host, port: o.epmPort ?? EPM_TCP_PORT, ...(o.tap ? { tap: o.tap } : {}), ...wait });
  try {
    const epm = new RpcClient(transport);
    await epm.bind(EPM, { ...wait, maxXmitFrag: TCP_MAX_FRAG, maxRecvFrag: TCP_MAX_FRAG });
    const towers = await eptMap(epm, iface.syntax, 'ncacn_ip_tcp', wait);
    return Number(towers[0]!.endpoint);
  } finally {
    await transport.close();
  }
}

/** UDP 135: the endpoint mapper's well-known port for ncadg_ip_udp ([MS-RPCE] §2.1.2.1). */
export const EPM_UDP_PORT = 135;

function clClient(host: string, port: number, iface: RpcInterface, o: OpenRpcOptions, idempotent?: boolean): ClClient {
  return new ClClient({
    host,
    port,
    iface,
    ...((idempotent ?? o.idempotent) !== undefined ? { idempotent: idempotent ?? o.idempotent } : {}),
    ...(o.retransmitMs !== undefined ? { retransmitMs: o.retransmitMs } : {}),
    ...(o.maxRetransmitMs !== undefined ? { maxRetransmitMs: o.maxRetransmitMs } : {}),
    ...(o.datagramTap ? { tap: o.datagramTap } : {}),
  });
}

/** Asks the endpoint mapper on UDP 135 (ept_map is [idempotent] in DCE ep.idl) where `iface` listens over UDP. */
export async function epmUdpPort(host: string, iface: RpcInterface, o: OpenRpcOptions = {}): Promise<number> {
  const epm = clClient(host, o.epmPort ?? EPM_UDP_PORT, EPM, o, true);
  try {
    const towers = await eptMap(epm, iface.syntax, 'ncadg_ip_udp', { ...waitOf(o), ...(o.deadline ? { deadline: o.deadline } : {}) });
    return Number(towers[0]!.endpoint);
  } finally {
    await epm.close();
  }
}

/**
 * ncadg_ip_udp: no bind exists in the connectionless protocol (C706 ch. 10), so `bind` reports the
 * fragment sizes used (the 1464-byte must-receive size) and `client` (the connection-oriented
 * RpcClient) is refused by name.
 */
const openUdp: Opener = async (b, iface, o, level) => {
  if (level !== 'none') throw new NetsendError('usage', 0, 'RPC_S_UNSUPPORTED_AUTHN_LEVEL', 'ncadg_ip_udp is spoken unauthenticated here');
  const host = b.networkAddress;
  let port: number;
  if (b.endpoint === undefined || b.endpoint === '') port = await epmUdpPort(host, iface, o);
  else {
    port = Number(b.endpoint);
    if (!/^\d+$/.test(b.endpoint) || port < 1 || port > 65535) throw new NetsendError('usage', 0, 'RPC_S_INVALID_ENDPOINT_FORMAT', `bad UDP port ${JSON.stringify(b.endpoint)}`);
  }
  const cl = clClient(host, port, iface, o);
  const bind: BindResult = { contextId: 0, maxXmitFrag: CL_MUST_RECV_FRAG, maxRecvFrag: CL_MUST_RECV_FRAG, assocGroupId: 0, secAddr: '' };
  return {
    binding: { ...b, endpoint: String(port) },
    bind,
    authLevel: level,
    get client(): RpcClient {
      throw new NetsendError('usage', 0, 'RPC_S_PROTSEQ_NOT_SUPPORTED', 'ncadg_ip_udp has no connection-oriented client');
    },
    call: (opnum: number, stub: Buffer, opts?: CallOptions) => cl.call(opnum, stub, opts),
    invoke: <I extends readonly Param[], O extends readonly Param[]>(def: NdrCall<I, O>, args: ParamValues<I>, opts?: CallOptions) => cl.invoke(def, args, opts),
    close: () => cl.close(),
  };
};

/** One opener per protocol sequence. */
export const OPENERS: Record<string, Opener> = {
  ncacn_np: openNp,
  ncacn_ip_tcp: openTcp,
  ncadg_ip_udp: openUdp,
};

const OPTION_WORDS = new Set([...Object.keys(LEVEL_OPTIONS), 'spnego', 'ntlm']);

/**
 * `ncacn_ip_tcp:HOST[seal]`: an option word where C706 puts the endpoint is an option (Samba's and
 * rpcclient's reading), so options can be given without a port or pipe.
 */
export function normalizeBinding(b: StringBinding): StringBinding {
  if (b.endpoint === undefined || !OPTION_WORDS.has(b.endpoint.toLowerCase())) return b;
  const { endpoint, ...rest } = b;
  return { ...rest, options: [{ name: endpoint }, ...b.options] };
}

/** Opens and binds `iface` over `binding` (a string or parsed binding). */
export async function openRpc(binding: string | StringBinding, iface: RpcInterface, o: OpenRpcOptions = {}): Promise<RpcConnection> {
  const b = normalizeBinding(typeof binding === 'string' ? parseStringBinding(binding) : binding);
  if (b.networkAddress === '') throw new NetsendError('usage', 0, 'RPC_S_INVALID_NET_ADDR', 'the binding names no host');
  const opener = OPENERS[b.protseq];
  if (!opener) throw new NetsendError('usage', 0, 'RPC_S_PROTSEQ_NOT_SUPPORTED', `protocol sequence ${b.protseq} is not supported`);
  const anonymous = !o.credentials || o.credentials.anonymous === true;
  const level = o.authLevel ?? bindingAuthLevel(b) ?? (b.protseq === 'ncacn_np' || anonymous ? 'none' : 'privacy');
  return opener(b, iface, o, level);
}
