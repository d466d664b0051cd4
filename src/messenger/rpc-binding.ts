/**
 * Which binding carries the remote wkssvc calls (remote.ts) when a string binding or an RPC auth level
 * is asked for: `ncacn_np:HOST[\pipe\wkssvc]` with RPC-level auth on top, `ncacn_ip_tcp:HOST[PORT]`
 * or `ncacn_ip_tcp:HOST` (port from the endpoint mapper); and the endpoint mapper listing
 * (`netsend endpoints`).
 */
import { parseStringBinding, type StringBinding } from '../rpc/binding.js';
import type { AuthLevelName } from '../rpc/security.js';
import { WKSSVC_PIPE } from '../rpc/interfaces/wkssvc.js';
import type { SmbSessionInfo } from '../smb/types.js';

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

/** True when a binding or an RPC auth level asks for the RPC factory instead of the plain pipe path. */
export function usesBinding(o: BindingOptions): boolean {
  return o.binding !== undefined || o.authLevel !== undefined || o.authType !== undefined;
}

/** One endpoint-mapper entry as `netsend endpoints` shows it. */
export interface EndpointEntry {
  /** Interface UUID and version, or null when the tower could not be parsed. */
  interface: string | null;
  object: string;
  /** String binding of the tower (or a note that it could not be parsed). */
  binding: string;
  annotation: string;
}

/** Every entry the endpoint mapper on HOST:PORT (TCP, default 135) knows: ept_lookup, paged. */
export async function listEndpoints(o: { server: string; port?: number; timeoutMs?: number; signal?: AbortSignal }): Promise<EndpointEntry[]> {
  const { RpcClient } = await import('../rpc/client.js');
  const { connectTcpRpc, TCP_MAX_FRAG } = await import('../rpc/tcp.js');
  const { EPM, eptLookup, towerBinding } = await import('../rpc/interfaces/epm.js');
  const { formatSyntax } = await import('../rpc/uuid.js');
  const { Deadline } = await import('../util/deadline.js');
  const wait = Deadline.of(o).waitOptions();
  const transport = await connectTcpRpc({ host: o.server, port: o.port ?? 135, ...wait });
  try {
    const epm = new RpcClient(transport);
    await epm.bind(EPM, { ...wait, maxXmitFrag: TCP_MAX_FRAG, maxRecvFrag: TCP_MAX_FRAG });
    const entries = await eptLookup(epm, wait);
    return entries.map((e) => ({
      interface: e.tower ? formatSyntax(e.tower.interface) : null,
      object: e.object,
      binding: e.tower ? towerBinding(e.tower) : `unparsed tower ${e.rawTower?.toString('hex') ?? ''}`,
      annotation: e.annotation,
    }));
  } finally {
    await transport.close();
  }
}
