/**
 * UUIDs and syntax identifiers as DCE/RPC marshals them (C706 Appendix A, [MS-DTYP] §2.3.4.2):
 * time_low, time_mid and time_hi_and_version little-endian, the remaining 8 octets as written.
 */
import { guidFromBytes } from '../util/guid.js';
import { ByteReader, ByteWriter } from '../util/bytes.js';
import { NetsendError } from '../status/error.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is the string form of a UUID (C706 Appendix A). */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** "6bffd098-a112-3610-9833-46c3f87e345a" -> 16 octets in NDR little-endian order. */
export function uuidToBytes(s: string): Buffer {
  if (!UUID_RE.test(s)) throw new NetsendError('usage', 0, 'INVALID_UUID', `not a UUID: ${JSON.stringify(s)}`);
  const h = s.replace(/-/g, '');
  const b = Buffer.from(h, 'hex');
  b.subarray(0, 4).reverse();
  b.subarray(4, 6).reverse();
  b.subarray(6, 8).reverse();
  return b;
}

/** 16 octets (NDR order) -> lower-case string form ([MS-DTYP] §2.3.4.2 wire order, as SMB GUIDs). */
export const uuidFromBytes = guidFromBytes;

/** The nil UUID: no object, and a null context handle's UUID. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** p_syntax_id_t (C706 §12.6.3.1): interface UUID plus version, major in the low 16 bits. */
export interface SyntaxId {
  uuid: string;
  major: number;
  minor: number;
}

/** Writes a p_syntax_id_t. */
export function writeSyntax(w: ByteWriter, s: SyntaxId): void {
  w.bytes(uuidToBytes(s.uuid));
  w.u16le(s.major).u16le(s.minor);
}

/** Reads a p_syntax_id_t. */
export function readSyntax(r: ByteReader): SyntaxId {
  const uuid = uuidFromBytes(r.bytes(16, 'syntax uuid'));
  const major = r.u16le();
  const minor = r.u16le();
  return { uuid, major, minor };
}

/** Same UUID and version. */
export function syntaxEquals(a: SyntaxId, b: SyntaxId): boolean {
  return a.uuid.toLowerCase() === b.uuid.toLowerCase() && a.major === b.major && a.minor === b.minor;
}

/** "uuid vmajor.minor" form, for messages. */
export function formatSyntax(s: SyntaxId): string {
  return `${s.uuid} v${s.major}.${s.minor}`;
}

/** NDR 2.0 transfer syntax (C706 Appendix I). */
export const NDR20: SyntaxId = { uuid: '8a885d04-1ceb-11c9-9fe8-08002b104860', major: 2, minor: 0 };
/** NDR64 transfer syntax ([MS-RPCE] §2.2.5.1); not spoken here. */
export const NDR64: SyntaxId = { uuid: '71710533-beba-4937-8319-b5dbef9ccc36', major: 1, minor: 0 };

/** Bind-time feature negotiation bits ([MS-RPCE] §3.3.1.5.3). */
export const BIND_FEATURE_SECURITY_CONTEXT_MULTIPLEXING = 0x01;
/** Keep the connection open when a call is orphaned. */
export const BIND_FEATURE_KEEP_CONNECTION_ON_ORPHAN = 0x02;

/** The pseudo transfer syntax 6cb71c2c-9812-4540-XXXX-XXXXXXXXXXXX carrying feature bits in its last 8 octets. */
export function bindTimeFeatureSyntax(features: number): SyntaxId {
  const b = Buffer.alloc(16);
  uuidToBytes('6cb71c2c-9812-4540-0000-000000000000').copy(b);
  b.writeBigUInt64LE(BigInt(features >>> 0), 8);
  return { uuid: uuidFromBytes(b), major: 1, minor: 0 };
}

/** Feature bits when `s` is a bind-time feature negotiation syntax, else undefined. */
export function bindTimeFeatures(s: SyntaxId): number | undefined {
  const b = uuidToBytes(s.uuid);
  if (!b.subarray(0, 8).equals(uuidToBytes('6cb71c2c-9812-4540-0000-000000000000').subarray(0, 8))) return undefined;
  return Number(b.readBigUInt64LE(8) & 0xffffffffn);
}
