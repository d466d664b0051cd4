/**
 * NetBIOS names (RFC 1001 §14, RFC 1002 §4.1): a 15-byte name, a one-byte suffix (the "type",
 * e.g. <03> for the messenger, <20> for the file server) and an optional scope.
 *
 * On the wire a name is 16 bytes (name padded with spaces, then the suffix), "first-level" encoded
 * as 32 letters 'A'+nibble, then "second-level" encoded as DNS-style labels: 0x20, the 32 letters,
 * the scope's labels, and a zero byte.
 */
import { MalformedError, NetsendError } from '../status/error.js';
import { ByteReader, ByteWriter } from '../util/bytes.js';

/** A NetBIOS name: 15 bytes of name, a suffix byte, and an optional scope (RFC 1001 §14, RFC 1002 §4.1). */
export interface NetbiosName {
  /** Up to 15 OEM bytes as a latin1 string (one char per byte), upper-cased, no padding. */
  name: string;
  /** The 16th byte: 0x00 workstation, 0x03 messenger, 0x20 server, 0x1D master browser ... */
  suffix: number;
  /** NetBIOS scope ("" or absent for none), dot-separated labels. */
  scope?: string;
}

/** Well-known suffix values (RFC 1001 leaves them to applications; these are Microsoft's). */
export const NB_SUFFIX = {
  WORKSTATION: 0x00,
  MESSENGER: 0x03,
  SERVER: 0x20,
  DOMAIN_MASTER_BROWSER: 0x1b,
  DOMAIN_CONTROLLERS: 0x1c,
  MASTER_BROWSER: 0x1d,
  BROWSER_ELECTION: 0x1e,
} as const;

/** The wildcard name '*' used as the NBSTAT question (RFC 1002 §4.2.17): '*' then 15 NUL bytes. */
export const WILDCARD_NAME: NetbiosName = { name: '*', suffix: 0x00 };
/** The called name an SMB client uses when it knows only an address. */
export const SMBSERVER_NAME: NetbiosName = { name: '*SMBSERVER', suffix: 0x20 };

/** RFC 1002 §4.1: a whole encoded name, labels plus lengths plus terminator, is at most 255 bytes. */
export const MAX_ENCODED_NAME = 255;
const MAX_LABEL = 63;
/** Compression pointers followed per name; a real answer needs one. */
const MAX_POINTERS = 4;

/** Characters Microsoft forbids in NetBIOS computer names; control bytes are refused as well. */
const FORBIDDEN = new Set('\\/:*?"<>|'.split('').map((c) => c.charCodeAt(0)));

function usage(message: string): NetsendError {
  return new NetsendError('usage', 0, 'INVALID_NETBIOS_NAME', message);
}

function upperAscii(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i < out.length; i++) if (out[i]! >= 0x61 && out[i]! <= 0x7a) out[i]! -= 0x20;
  return out;
}

function validateScope(scope: string): void {
  if (scope === '') return;
  if (!/^[\x21-\x7e]+$/.test(scope)) throw usage(`NetBIOS scope "${scope}" must be printable ASCII`);
  let total = 34;
  for (const label of scope.split('.')) {
    if (label.length === 0 || label.length > MAX_LABEL) throw usage(`NetBIOS scope label "${label}" must be 1..63 characters`);
    total += 1 + label.length;
  }
  if (total > MAX_ENCODED_NAME) throw usage(`NetBIOS scope "${scope}" makes the encoded name longer than 255 bytes`);
}

/**
 * Builds a validated NetBIOS name from user input. A string must be ASCII; a Buffer holds OEM bytes
 * as they go on the wire. Lower-case ASCII is upper-cased. Throws NetsendError layer 'usage'.
 */
export function netbiosName(name: string | Buffer, suffix: number = NB_SUFFIX.WORKSTATION, scope?: string): NetbiosName {
  if (!Number.isInteger(suffix) || suffix < 0 || suffix > 0xff) throw usage(`NetBIOS suffix ${suffix} is not a byte`);
  let bytes: Buffer;
  if (typeof name === 'string') {
    if (!/^[\x00-\x7f]*$/.test(name)) throw usage(`NetBIOS name "${name}" must be ASCII (pass OEM bytes as a Buffer)`);
    bytes = Buffer.from(name, 'latin1');
  } else {
    bytes = name;
  }
  if (bytes.length === 0) throw usage('NetBIOS name is empty');
  if (bytes.length > 15) throw usage(`NetBIOS name "${bytes.toString('latin1')}" is ${bytes.length} bytes; at most 15 are allowed`);
  // A leading '*' is legal: the NBSTAT wildcard '*' and the generic called name '*SMBSERVER'.
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b === 0x7f || (FORBIDDEN.has(b) && !(i === 0 && b === 0x2a))) {
      throw usage(`NetBIOS name "${bytes.toString('latin1')}" contains the forbidden byte 0x${b.toString(16).padStart(2, '0')}`);
    }
  }
  if (bytes[0] === 0x20) throw usage('NetBIOS name must not start with a space');
  const n: NetbiosName = { name: upperAscii(bytes).toString('latin1').replace(/ +$/, ''), suffix };
  if (scope !== undefined && scope !== '') {
    validateScope(scope);
    n.scope = scope;
  }
  return n;
}

/**
 * Parses the usual notation "NAME<xx>" (hex suffix) or a bare "NAME" (suffix `defaultSuffix`);
 * a NetbiosName object passes through validation unchanged in meaning.
 */
export function parseNetbiosName(input: string | NetbiosName, defaultSuffix: number = NB_SUFFIX.WORKSTATION): NetbiosName {
  if (typeof input !== 'string') return netbiosName(input.name, input.suffix, input.scope);
  const m = /^(.*)<([0-9A-Fa-f]{2})>$/.exec(input);
  if (m) return netbiosName(m[1]!, parseInt(m[2]!, 16));
  return netbiosName(input, defaultSuffix);
}

/** "NAME<03>" for logs and errors. Non-printable bytes appear as \xNN. */
export function formatNetbiosName(n: NetbiosName): string {
  const printable = n.name.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const scope = n.scope ? `.${n.scope}` : '';
  return `${printable}<${n.suffix.toString(16).padStart(2, '0').toUpperCase()}>${scope}`;
}

/** The 16 raw bytes: name padded (spaces; NULs for the wildcard '*', RFC 1002 §4.2.17) plus the suffix. */
export function nameTo16(n: NetbiosName): Buffer {
  const bytes = Buffer.from(n.name, 'latin1');
  if (bytes.length > 15) throw usage(`NetBIOS name "${n.name}" is longer than 15 bytes`);
  const pad = n.name === '*' ? 0x00 : 0x20;
  const out = Buffer.alloc(16, pad);
  bytes.copy(out);
  out[15] = n.suffix & 0xff;
  return out;
}

/** Inverse of nameTo16: trailing pad (spaces; NULs after a leading '*') removed. */
export function nameFrom16(raw: Buffer): { name: string; suffix: number } {
  if (raw.length !== 16) throw new MalformedError('NetBIOS name', `expected 16 bytes, got ${raw.length}`);
  const body = raw.subarray(0, 15);
  let end = 15;
  if (body[0] === 0x2a && body.subarray(1).every((b) => b === 0)) end = 1;
  else while (end > 0 && body[end - 1] === 0x20) end--;
  return { name: body.subarray(0, end).toString('latin1'), suffix: raw[15]! };
}

/** RFC 1001 §14.1 first-level encoding: 16 bytes -> 32 letters 'A'..'P'. */
export function encodeFirstLevel(raw16: Buffer): Buffer {
  const out = Buffer.alloc(raw16.length * 2);
  for (let i = 0; i < raw16.length; i++) {
    out[2 * i] = 0x41 + (raw16[i]! >> 4);
    out[2 * i + 1] = 0x41 + (raw16[i]! & 0x0f);
  }
  return out;
}

/** Inverse of encodeFirstLevel; every letter must be 'A'..'P'. */
export function decodeFirstLevel(letters: Buffer): Buffer {
  if (letters.length % 2 !== 0) throw new MalformedError('NetBIOS name', `odd first-level length ${letters.length}`);
  const out = Buffer.alloc(letters.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = letters[2 * i]! - 0x41;
    const lo = letters[2 * i + 1]! - 0x41;
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15) throw new MalformedError('NetBIOS name', `byte ${2 * i} is not a first-level letter`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** RFC 1002 §4.1 second-level encoding: 0x20, 32 letters, scope labels, 0x00. Always uncompressed. */
export function encodeName(n: NetbiosName): Buffer {
  const w = new ByteWriter(64);
  w.u8(0x20).bytes(encodeFirstLevel(nameTo16(n)));
  if (n.scope) {
    validateScope(n.scope);
    for (const label of n.scope.split('.')) w.u8(label.length).bytes(Buffer.from(label, 'latin1'));
  }
  w.u8(0);
  return w.finish();
}

/** How an encoded name is read. */
export interface ReadNameOptions {
  /** Allow compression pointers (name-service packets); targets are read from `r.buf`. */
  pointers?: boolean;
}

/**
 * Reads one second-level encoded name at the reader's position and leaves the reader after it
 * (after the pointer, when the name ends in one). Pointers are followed at most a few times and
 * must land inside the buffer; anything else throws MalformedError.
 */
export function readName(r: ByteReader, opts: ReadNameOptions = {}): NetbiosName {
  const buf = r.buf;
  let pos = r.offset;
  let resumeAt = -1;
  let jumps = 0;
  let total = 0;
  const labels: Buffer[] = [];
  for (;;) {
    if (pos >= buf.length) throw new MalformedError('NetBIOS name', `label at offset ${pos} past end of ${buf.length} bytes`);
    const len = buf[pos]!;
    if ((len & 0xc0) === 0xc0) {
      if (!opts.pointers) throw new MalformedError('NetBIOS name', 'compression pointer where none is allowed');
      if (pos + 2 > buf.length) throw new MalformedError('NetBIOS name', 'truncated compression pointer');
      if (++jumps > MAX_POINTERS) throw new MalformedError('NetBIOS name', 'too many compression pointers');
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (resumeAt < 0) resumeAt = pos + 2;
      if (target >= buf.length) throw new MalformedError('NetBIOS name', `compression pointer to ${target} outside ${buf.length} bytes`);
      pos = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new MalformedError('NetBIOS name', `reserved label type 0x${len.toString(16)}`);
    total += 1 + len;
    if (total > MAX_ENCODED_NAME) throw new MalformedError('NetBIOS name', 'longer than 255 bytes');
    if (pos + 1 + len > buf.length) throw new MalformedError('NetBIOS name', `label of ${len} bytes at offset ${pos} runs past the end`);
    if (len === 0) {
      pos += 1;
      break;
    }
    labels.push(buf.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  const first = labels[0];
  if (!first || first.length !== 32) throw new MalformedError('NetBIOS name', `first label has ${first?.length ?? 0} bytes, expected 32`);
  const { name, suffix } = nameFrom16(decodeFirstLevel(first));
  const out: NetbiosName = { name, suffix };
  if (labels.length > 1) out.scope = labels.slice(1).map((l) => l.toString('latin1')).join('.');
  r.seek(resumeAt >= 0 ? resumeAt : pos);
  return out;
}

/** Decodes a whole buffer that must hold exactly one uncompressed name. */
export function decodeName(buf: Buffer): NetbiosName {
  const r = new ByteReader(buf, 'NetBIOS name');
  const n = readName(r);
  if (r.remaining !== 0) throw new MalformedError('NetBIOS name', `${r.remaining} trailing bytes`);
  return n;
}

/** Same name, suffix and scope (scope compared case-insensitively). */
export function sameName(a: NetbiosName, b: NetbiosName): boolean {
  return a.name === b.name && a.suffix === b.suffix && (a.scope ?? '').toUpperCase() === (b.scope ?? '').toUpperCase();
}
