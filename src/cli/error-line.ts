/**
 * The one error line every `netsend` command prints (issue 13 item 3):
 *
 *   TARGET: NAME (NUMBER): what happened[ (hint)][ → NET_API_STATUS N NAME]
 *
 * NAME and NUMBER are the failing protocol's own (0xC000006D for an NTSTATUS, class/code for an SMB1
 * DOS error, the errno of a socket failure); the mapped NET_API_STATUS follows the arrow only when it
 * says something the protocol name did not. Text the lower layers repeat (Node's "connect
 * ECONNREFUSED 1.2.3.4:139" after our own "connect to 1.2.3.4:139") is said once. docs/cli-output.md
 * describes the line and the JSON fields built from the same parts.
 */
import { unpackDos } from '../status/dos.js';

export interface StatusParts {
  layer: string;
  code: number;
  name: string;
  message: string;
}

/** Plain words for the socket errors a send meets (POSIX errno names). */
const SOCKET_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (nothing listens on that port)',
  ECONNRESET: 'connection reset by the peer',
  ECONNABORTED: 'connection aborted',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this host',
  EACCES: 'permission denied',
  EPIPE: 'connection closed by the peer while writing',
  ENOTFOUND: 'host name not found',
};

/**
 * The status number as its protocol writes it, or undefined when the layer has none (a timeout, an
 * abort, a malformed reply). NTSTATUS and RPC fault codes are 32-bit hex ([MS-ERREF] §2.3, C706
 * appendix E); an SMB1 DOS error is an ErrorClass byte and an ErrorCode word ([MS-CIFS] §2.2.1.4.2);
 * an NBSS negative response is one byte (RFC 1002 §4.3.4); a NetBIOS name service RCODE is 4 bits
 * (RFC 1002 §4.2.1.1); Win32/NERR values are decimal.
 */
export function protocolNumber(layer: string, code: number): string | undefined {
  switch (layer) {
    case 'ntstatus':
    case 'rpc-fault':
      return '0x' + (code >>> 0).toString(16).padStart(8, '0').toUpperCase();
    case 'dos': {
      const { errClass, errCode } = unpackDos(code);
      return `class 0x${errClass.toString(16).padStart(2, '0').toUpperCase()}, code ${errCode}`;
    }
    case 'nbss':
      return '0x' + code.toString(16).padStart(2, '0').toUpperCase();
    case 'netbios':
      return code === 0 ? undefined : `RCODE ${code}`;
    case 'socket':
    case 'file':
      return code === 0 ? undefined : `errno ${code}`;
    case 'win32':
    case 'rpc-bind':
    case 'rpc-bind-nak':
      return String(code);
    default:
      // A protocol-layer error may carry an NTSTATUS-shaped code (e.g. 0xC05D0002): hex, as NTSTATUS is written.
      return code === 0 ? undefined : code > 0xffff ? '0x' + (code >>> 0).toString(16).padStart(8, '0').toUpperCase() : String(code);
  }
}

/** The message without text the line already says (the status name, Node's own restatement). */
export function whatHappened(s: StatusParts): string {
  let m = s.message;
  if (s.layer === 'socket' || s.layer === 'file') {
    // Node restates the failure after our own "what: ": "connect ECONNREFUSED 1.2.3.4:139",
    // "listen EADDRINUSE: address already in use 1.2.3.4:139". Our words replace that tail.
    const words = SOCKET_WORDS[s.name];
    const node = new RegExp(`(^|: )(?:\\w+ )?${escapeRegExp(s.name)}(?:(?::)? .*)?$`);
    if (words && node.test(m)) m = m.replace(node, `$1${words}`);
  }
  // Lower layers put their own label ("ERRDOS/ERRreqnotaccep (0x00010047): ") into the message;
  // the line already starts with it.
  m = m.replace(new RegExp(`${escapeRegExp(s.name)}(?: \\([^)]*\\))?(?:: |$)`, 'g'), '').replace(/(?:: )+$/, '').replace(/^: /, '').trim();
  return m.length > 0 ? m : (SOCKET_WORDS[s.name] ?? s.name);
}

/**
 * A hint for the failures where the next step is not obvious: a name that no NetBIOS query found
 * (give the address), a peer that does not speak NBSS/SMB at all.
 */
export function hintFor(s: StatusParts): string | undefined {
  if (s.layer === 'netbios') return 'use --host ADDR to give its address';
  // The first bytes back were not NBSS / Direct TCP framing or an SMB header: some other service.
  if (s.layer === 'protocol' && s.name === 'MALFORMED' && /(NBSS|Direct TCP|SMB2?) header|packet type|protocol id/i.test(s.message)) return 'not a NetBIOS/SMB server';
  // RFC 1002 §4.3.4: 0x80 not listening on called name, 0x82 called name not present.
  if (s.layer === 'nbss' && (s.code === 0x80 || s.code === 0x82)) return 'the host does not serve that name; give its address as NAME to ask it for its messenger name';
  return undefined;
}

export interface ErrorLineOptions {
  /** Mapped NET_API_STATUS (omitted after the arrow when its name is the status name). */
  netApiStatus?: number;
  netApiStatusName?: string;
  /** Said before the status: e.g. "delivery unconfirmed". */
  prefix?: string;
  /** Said after the message, e.g. "the message may have arrived". */
  suffix?: string;
}

/** "TARGET: NAME (NUMBER): what happened (hint) → NET_API_STATUS N NAME". */
export function errorLine(target: string, s: StatusParts, o: ErrorLineOptions = {}): string {
  const num = protocolNumber(s.layer, s.code);
  const hint = hintFor(s);
  const mapped = o.netApiStatus !== undefined && o.netApiStatusName !== undefined && !(o.netApiStatusName === s.name && (s.layer === 'win32' || o.netApiStatus === s.code)) ? ` → NET_API_STATUS ${o.netApiStatus} ${o.netApiStatusName}` : '';
  return `${target}: ${o.prefix ? `${o.prefix}: ` : ''}${s.name}${num !== undefined ? ` (${num})` : ''}: ${whatHappened(s)}${hint ? ` (${hint})` : ''}${o.suffix ? `; ${o.suffix}` : ''}${mapped}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
