/**
 * NetMessageBufferSend (MSDN lmmsg.h) on top of direct delivery: returns a NET_API_STATUS.
 * servername null/empty: resolve msgname and deliver it ourselves (what the local Messenger
 * does). servername given: ask that host to send (the remote wkssvc path, [MS-WKST] opnum 12),
 * delegated to `options.remoteSend`, by default `./remote.js`.
 */
import { NetsendError } from '../status/error.js';
import { sendMessage, type SendMessageOptions, type SendResult } from './send.js';
import { NetApiStatus, netApiStatusFor } from './status-map.js';
import { resolveMessengerName, type ResolveOptions } from './resolve.js';
import { netMessageBufferSendRemote, type RemoteConnectOptions } from './remote.js';

/** The remote path's signature (`netMessageBufferSendRemote` exported by ./remote.js). */
export type RemoteSend = (server: string, msgName: string, from: string | null, text: string, options: NetMessageBufferSendOptions) => Promise<number>;

/** Resolves a Messenger name (NAME<03>) to an address. */
export type NameResolver = (name: string, opts: { timeoutMs?: number; signal?: AbortSignal }) => Promise<string>;

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
    const { resolve: _r, remoteSend: _s, nameService: _n, onResult, ...rest } = options;
    const r = await sendMessage({ ...rest, host, to: msgName, text, ...(from ? { from } : {}) });
    onResult?.(r);
    return r.netApiStatus;
  } catch (e) {
    if (e instanceof NetsendError) return netApiStatusFor(e);
    return NetApiStatus.NERR_NetworkError;
  }
}
