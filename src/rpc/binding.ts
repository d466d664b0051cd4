/**
 * String bindings (C706 Appendix I "String Bindings", [MS-RPCE] §2.1):
 *   [object-uuid@]protseq:[network-address][[endpoint][,option[=value]]...]
 * e.g. ncacn_np:HOST[\pipe\wkssvc], ncacn_ip_tcp:10.0.0.1[135], ncadg_ip_udp:HOST[1026].
 * Parse and format only; nothing here opens a connection.
 */
import { NetsendError } from '../status/error.js';
import { isUuid } from './uuid.js';

/** One `key=value` (or bare flag) option between a string binding's brackets. */
export interface BindingOption {
  name: string;
  /** Absent for a bare flag such as "print". */
  value?: string;
}

/** The parts of a DCE string binding (C706 Appendix I). */
export interface StringBinding {
  /** Object UUID before '@', lower-case. */
  object?: string;
  /** Protocol sequence: ncacn_np, ncacn_ip_tcp, ncadg_ip_udp, ncalrpc ... */
  protseq: string;
  /** Host name or address; '' when omitted (local). */
  networkAddress: string;
  /** Endpoint: pipe name (\pipe\wkssvc), port number or LRPC name. */
  endpoint?: string;
  options: BindingOption[];
}

/** Protocol sequences [MS-RPCE] §2.1 names (others are accepted if well-formed). */
export const KNOWN_PROTSEQS = ['ncacn_np', 'ncacn_ip_tcp', 'ncadg_ip_udp', 'ncacn_http', 'ncalrpc', 'ncacn_nb_tcp', 'ncacn_spx', 'ncadg_ipx'] as const;

function bad(text: string, why: string): NetsendError {
  return new NetsendError('usage', 0, 'RPC_S_INVALID_STRING_BINDING', `invalid string binding ${JSON.stringify(text)}: ${why}`);
}

const RESERVED = /[@[\],]/;

/**
 * Parses a string binding such as `ncacn_np:HOST[\pipe\wkssvc]` (C706 Appendix I, [MS-RPCE] §2.1); a malformed one is
 * a usage error.
 */
export function parseStringBinding(text: string): StringBinding {
  if (typeof text !== 'string' || text.length === 0 || text.length > 4096) throw bad(String(text).slice(0, 64), 'empty or too long');
  let rest = text.trim();
  let object: string | undefined;
  const at = rest.indexOf('@');
  const colon = rest.indexOf(':');
  if (at >= 0 && (colon < 0 || at < colon)) {
    const u = rest.slice(0, at);
    if (!isUuid(u)) throw bad(text, `object ${JSON.stringify(u)} is not a UUID`);
    object = u.toLowerCase();
    rest = rest.slice(at + 1);
  }
  const c = rest.indexOf(':');
  if (c < 0) throw bad(text, 'no ":" after the protocol sequence');
  const protseq = rest.slice(0, c).toLowerCase();
  if (!/^[a-z][a-z0-9_]*$/.test(protseq)) throw bad(text, `bad protocol sequence ${JSON.stringify(protseq)}`);
  rest = rest.slice(c + 1);
  const open = rest.indexOf('[');
  let networkAddress = rest;
  let endpoint: string | undefined;
  const options: BindingOption[] = [];
  if (open >= 0) {
    if (!rest.endsWith(']')) throw bad(text, 'unterminated "["');
    networkAddress = rest.slice(0, open);
    const inner = rest.slice(open + 1, -1);
    if (inner.includes('[') || inner.includes(']')) throw bad(text, 'nested brackets');
    const parts = inner.split(',');
    const first = parts.shift() ?? '';
    const eq = first.indexOf('=');
    if (eq >= 0) {
      // C706 also allows the endpoint spelled as an option: [endpoint=\pipe\x]
      const name = first.slice(0, eq).trim().toLowerCase();
      if (name === 'endpoint') endpoint = first.slice(eq + 1);
      else options.push({ name: first.slice(0, eq).trim(), value: first.slice(eq + 1) });
    } else if (first !== '') {
      endpoint = first;
    }
    for (const p of parts) {
      const t = p.trim();
      if (t === '') continue;
      const e = t.indexOf('=');
      if (e === 0) throw bad(text, `option without a name: ${JSON.stringify(t)}`);
      if (e < 0) options.push({ name: t });
      else if (t.slice(0, e).trim().toLowerCase() === 'endpoint' && endpoint === undefined) endpoint = t.slice(e + 1);
      else options.push({ name: t.slice(0, e).trim(), value: t.slice(e + 1) });
    }
  } else if (rest.includes(']')) {
    throw bad(text, 'stray "]"');
  }
  if (RESERVED.test(networkAddress)) throw bad(text, `bad network address ${JSON.stringify(networkAddress)}`);
  const out: StringBinding = { protseq, networkAddress, options };
  if (object !== undefined) out.object = object;
  if (endpoint !== undefined) out.endpoint = endpoint;
  return out;
}

/** Formats a string binding back to its text form ([MS-RPCE] §2.1, C706 Appendix I). */
export function formatStringBinding(b: StringBinding): string {
  if (!/^[a-z][a-z0-9_]*$/i.test(b.protseq)) throw bad(b.protseq, 'bad protocol sequence');
  if (RESERVED.test(b.networkAddress)) throw bad(b.networkAddress, 'bad network address');
  if (b.object !== undefined && !isUuid(b.object)) throw bad(b.object, 'object is not a UUID');
  let s = `${b.object !== undefined ? b.object.toLowerCase() + '@' : ''}${b.protseq}:${b.networkAddress}`;
  const opts = b.options.map((o) => {
    if (o.name === '' || RESERVED.test(o.name) || o.name.includes('=') || (o.value !== undefined && RESERVED.test(o.value))) throw bad(o.name, 'bad option');
    return o.value === undefined ? o.name : `${o.name}=${o.value}`;
  });
  if (b.endpoint !== undefined && (RESERVED.test(b.endpoint) || b.endpoint.includes('='))) throw bad(b.endpoint, 'bad endpoint');
  if (b.endpoint !== undefined || opts.length > 0) s += `[${[b.endpoint ?? '', ...opts].join(',')}]`;
  return s;
}
