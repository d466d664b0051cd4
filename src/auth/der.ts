import { MalformedError, NetsendError } from '../status/error.js';
import { ByteReader } from '../util/bytes.js';

/**
 * The small subset of ASN.1 DER that SPNEGO needs (RFC 4178 §4, X.690 §8/§10): single-byte tags,
 * definite lengths up to 4 length octets, OIDs, OCTET STRING, ENUMERATED, SEQUENCE and context tags.
 * The reader checks every length against the bytes that remain and bounds nesting depth; it accepts
 * non-minimal long-form lengths (BER) because some peers emit them, but never the indefinite form.
 */

export const DER_MAX_DEPTH = 16;

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  ENUMERATED: 0x0a,
  GENERAL_STRING: 0x1b,
  SEQUENCE: 0x30,
  APPLICATION_0: 0x60,
} as const;

/** Context-specific constructed tag [n] (0xa0 + n). */
export function ctxTag(n: number): number {
  return 0xa0 + n;
}

export interface DerTlv {
  tag: number;
  /** Content octets (a view into the input). */
  value: Buffer;
  /** Full encoding, header included (a view into the input). */
  raw: Buffer;
}

const WHAT = 'DER';

/** Reads one TLV at the reader's position. */
export function readTlv(r: ByteReader): DerTlv {
  const start = r.offset;
  const tag = r.u8();
  if ((tag & 0x1f) === 0x1f) throw new MalformedError(WHAT, `multi-byte tag at offset ${start} not supported`);
  const first = r.u8();
  let len: number;
  if (first < 0x80) {
    len = first;
  } else {
    const n = first & 0x7f;
    if (n === 0) throw new MalformedError(WHAT, `indefinite length at offset ${start}`);
    if (n > 4) throw new MalformedError(WHAT, `length of ${n} octets at offset ${start}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + r.u8();
  }
  if (len > r.remaining) throw new MalformedError(WHAT, `length ${len} at offset ${start} exceeds ${r.remaining} remaining bytes`);
  const value = r.bytes(len, 'DER value');
  return { tag, value, raw: r.buf.subarray(start, r.offset) };
}

/** Decodes exactly one TLV that must fill `buf`. */
export function decodeOne(buf: Buffer, expectTag?: number): DerTlv {
  const r = new ByteReader(buf, WHAT);
  const t = readTlv(r);
  if (r.remaining !== 0) throw new MalformedError(WHAT, `${r.remaining} trailing bytes after element`);
  if (expectTag !== undefined && t.tag !== expectTag) {
    throw new MalformedError(WHAT, `expected tag 0x${expectTag.toString(16)}, got 0x${t.tag.toString(16)}`);
  }
  return t;
}

/** Splits constructed content into its child TLVs. */
export function children(value: Buffer, depth = 0): DerTlv[] {
  if (depth > DER_MAX_DEPTH) throw new MalformedError(WHAT, `nesting deeper than ${DER_MAX_DEPTH}`);
  const r = new ByteReader(value, WHAT);
  const out: DerTlv[] = [];
  while (r.remaining > 0) out.push(readTlv(r));
  return out;
}

/** Unwraps an explicit context tag [n] holding exactly one element. */
export function unwrapExplicit(t: DerTlv): DerTlv {
  return decodeOne(t.value);
}

/** Longest OID accepted: SPNEGO's mechanism OIDs are about 10 bytes; a 64 KiB one is an attack. */
export const DER_MAX_OID_BYTES = 64;

export function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new MalformedError(WHAT, 'empty OID');
  if (value.length > DER_MAX_OID_BYTES) throw new MalformedError(WHAT, `OID of ${value.length} bytes (limit ${DER_MAX_OID_BYTES})`);
  if (value[value.length - 1]! & 0x80) throw new MalformedError(WHAT, 'truncated OID');
  const arcs: number[] = [];
  let v = 0;
  let inArc = false;
  for (const b of value) {
    if (!inArc && b === 0x80) throw new MalformedError(WHAT, 'non-minimal OID arc');
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) throw new MalformedError(WHAT, 'OID arc too large');
    inArc = (b & 0x80) !== 0;
    if (!inArc) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

export function decodeEnumerated(value: Buffer): number {
  if (value.length === 0 || value.length > 4) throw new MalformedError(WHAT, `ENUMERATED of ${value.length} bytes`);
  return value.readIntBE(0, value.length);
}

// --- writer ---

export function encodeLength(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new NetsendError('usage', 0, 'DER_LENGTH', `bad DER length ${n}`);
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export function encodeOid(oid: string): Buffer {
  const parts = oid.split('.').map((p) => {
    if (!/^\d+$/.test(p)) throw new NetsendError('usage', 0, 'DER_OID', `bad OID ${oid}`);
    return Number(p);
  });
  if (parts.length < 2 || parts[0]! > 2 || (parts[0]! < 2 && parts[1]! >= 40)) throw new NetsendError('usage', 0, 'DER_OID', `bad OID ${oid}`);
  const arcs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)];
  const out: number[] = [];
  for (const a of arcs) {
    if (!Number.isSafeInteger(a)) throw new NetsendError('usage', 0, 'DER_OID', `bad OID ${oid}`);
    const chunk: number[] = [a & 0x7f];
    for (let v = Math.floor(a / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

export function encodeEnumerated(v: number): Buffer {
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new NetsendError('usage', 0, 'DER_ENUM', `bad ENUMERATED ${v}`);
  const bytes: number[] = [];
  let x = v;
  do {
    bytes.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(TAG.ENUMERATED, Buffer.from(bytes));
}
