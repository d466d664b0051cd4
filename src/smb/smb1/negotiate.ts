/**
 * SMB_COM_NEGOTIATE (0x72): [MS-CIFS] §2.2.4.52, [MS-SMB] §2.2.4.5 (extended security form).
 * The request lists dialect strings; the NT LM 0.12 response carries 17 parameter words.
 */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError, usageError } from '../../status/error.js';
import { emptyHeader, encodeSmb1Message, decodeSmb1Message, Smb1Command, SMB1Flags, SMB1Flags2, type Smb1Message } from './header.js';

/** [MS-CIFS] §2.2.4.52.2 SecurityMode bits. */
export const SecurityMode = {
  USER_SECURITY: 0x01,
  ENCRYPT_PASSWORDS: 0x02,
  SIGNATURES_ENABLED: 0x04,
  SIGNATURES_REQUIRED: 0x08,
} as const;

/** [MS-CIFS] §2.2.4.52.2, [MS-SMB] §2.2.4.5.2 capability bits. */
export const Capabilities = {
  RAW_MODE: 0x00000001,
  MPX_MODE: 0x00000002,
  UNICODE: 0x00000004,
  LARGE_FILES: 0x00000008,
  NT_SMBS: 0x00000010,
  RPC_REMOTE_APIS: 0x00000020,
  STATUS32: 0x00000040,
  LEVEL_II_OPLOCKS: 0x00000080,
  LOCK_AND_READ: 0x00000100,
  NT_FIND: 0x00000200,
  DFS: 0x00001000,
  INFOLEVEL_PASSTHRU: 0x00002000,
  LARGE_READX: 0x00004000,
  LARGE_WRITEX: 0x00008000,
  LWIO: 0x00010000,
  UNIX: 0x00800000,
  DYNAMIC_REAUTH: 0x20000000,
  EXTENDED_SECURITY: 0x80000000,
} as const;

/** The NT LM 0.12 dialect string, the one SMB1 dialect offered ([MS-CIFS] §1.7). */
export const DIALECT_NT_LM_012 = 'NT LM 0.12';
/** Offered in an SMB1 negotiate to learn whether the server speaks SMB 2.0.2 ([MS-SMB2] §3.2.4.2.2.1). */
export const DIALECT_SMB2_002 = 'SMB 2.002';
/** Offered in an SMB1 negotiate to ask for an SMB2 negotiate with a later dialect ([MS-SMB2] §3.2.4.2.2.1). */
export const DIALECT_SMB2_WILDCARD = 'SMB 2.???';
/** DialectIndex when the server accepts none of the offered dialects. */
export const NO_DIALECT = 0xffff;

/** Flags2 a modern client sets on its first request. */
export const DEFAULT_NEGOTIATE_FLAGS2 =
  SMB1Flags2.LONG_NAMES | SMB1Flags2.EAS | SMB1Flags2.IS_LONG_NAME | SMB1Flags2.EXTENDED_SECURITY | SMB1Flags2.NT_STATUS | SMB1Flags2.UNICODE;

export interface NegotiateRequestOptions {
  flags2?: number;
  mid?: number;
  pid?: number;
}

/** A complete SMB1 NEGOTIATE request (no NBSS header). Dialects are ASCII, each 0x02-prefixed and NUL-ended. */
export function encodeNegotiateRequest(dialects: string[], opts: NegotiateRequestOptions = {}): Buffer {
  if (dialects.length === 0) throw usageError('at least one dialect is required');
  const w = new ByteWriter(64);
  for (const d of dialects) {
    if (!/^[\x20-\x7e]*$/.test(d)) throw usageError(`dialect ${JSON.stringify(d)} is not printable ASCII`);
    w.u8(0x02).bytes(Buffer.from(d, 'latin1')).u8(0);
  }
  const h = emptyHeader(Smb1Command.NEGOTIATE);
  h.flags = SMB1Flags.CASE_INSENSITIVE | SMB1Flags.CANONICALIZED_PATHS;
  h.flags2 = opts.flags2 ?? DEFAULT_NEGOTIATE_FLAGS2;
  h.mid = opts.mid ?? 0;
  const pid = opts.pid ?? 0xfeff;
  h.pidLow = pid & 0xffff;
  h.pidHigh = (pid >>> 16) & 0xffff;
  return encodeSmb1Message(h, Buffer.alloc(0), w.finish());
}

/** The dialect strings of a NEGOTIATE request (for servers/tests). */
export function decodeNegotiateRequestDialects(msg: Smb1Message): string[] {
  const r = new ByteReader(msg.body.bytes, 'NEGOTIATE dialects');
  const out: string[] = [];
  while (r.remaining > 0) {
    const fmt = r.u8();
    if (fmt !== 0x02) throw new MalformedError('NEGOTIATE dialects', `buffer format 0x${fmt.toString(16)}`);
    out.push(r.cstring().toString('latin1'));
    if (out.length > 64) throw new MalformedError('NEGOTIATE dialects', 'too many dialects');
  }
  return out;
}

interface NegotiateCommon {
  dialectIndex: number;
  securityMode: number;
  maxMpxCount: number;
  maxNumberVcs: number;
  maxBufferSize: number;
  maxRawSize: number;
  /** The server's VC session key (not a cryptographic key): echoed in SESSION_SETUP. */
  vcSessionKey: number;
  capabilities: number;
  /** FILETIME, 100 ns since 1601. */
  systemTime: bigint;
  /** Minutes from UTC. */
  serverTimeZone: number;
}

/** [MS-SMB] §2.2.4.5.2.1: extended security; the blob is a SPNEGO NegTokenInit hint (may be empty). */
export interface NegotiateResponseExtended extends NegotiateCommon {
  kind: 'extended';
  serverGuid: Buffer;
  securityBlob: Buffer;
}

/** [MS-CIFS] §2.2.4.52.2: challenge/response form. */
export interface NegotiateResponseChallenge extends NegotiateCommon {
  kind: 'challenge';
  challenge: Buffer;
  domainName: string;
  serverName: string;
}

/** DialectIndex 0xFFFF or a pre-NT dialect the client cannot use. */
export interface NegotiateResponseNone {
  kind: 'none';
  dialectIndex: number;
}

/** A parsed SMB_COM_NEGOTIATE response ([MS-CIFS] §2.2.4.52.2), by security mode. */
export type NegotiateResponse = NegotiateResponseExtended | NegotiateResponseChallenge | NegotiateResponseNone;

const SMB2_PROTOCOL = Buffer.from([0xfe, 0x53, 0x4d, 0x42]);

/** True when a reply to a multi-protocol NEGOTIATE is an SMB2 message (\xFESMB). */
export function isSmb2Message(raw: Buffer): boolean {
  return raw.length >= 4 && raw.subarray(0, 4).equals(SMB2_PROTOCOL);
}

export type NegotiateReply = { protocol: 'smb1'; message: Smb1Message; response: NegotiateResponse } | { protocol: 'smb2'; raw: Buffer };

/** Classifies the raw reply to a (multi-protocol) NEGOTIATE: SMB2 bytes are returned untouched for the SMB2 client. */
export function classifyNegotiateReply(raw: Buffer): NegotiateReply {
  if (isSmb2Message(raw)) return { protocol: 'smb2', raw };
  const message = decodeSmb1Message(raw);
  return { protocol: 'smb1', message, response: decodeNegotiateResponse(message) };
}

/** Reads a NUL-terminated string (UTF-16LE or OEM), tolerating a missing terminator at the end of the buffer. */
function readTerminated(r: ByteReader, unicode: boolean): string {
  if (r.remaining === 0) return '';
  if (unicode) {
    const start = r.offset;
    let end = start;
    while (end + 1 < r.buf.length && (r.buf[end] !== 0 || r.buf[end + 1] !== 0)) end += 2;
    const s = r.buf.subarray(start, Math.min(end, r.buf.length - ((r.buf.length - start) % 2))).toString('utf16le');
    r.seek(Math.min(end + 2, r.buf.length));
    return s;
  }
  const end = r.buf.indexOf(0, r.offset);
  const s = r.buf.subarray(r.offset, end < 0 ? r.buf.length : end).toString('latin1');
  r.seek(end < 0 ? r.buf.length : end + 1);
  return s;
}

/** Decodes the NEGOTIATE response. The reply's status must already have been checked by the caller. */
export function decodeNegotiateResponse(msg: Smb1Message): NegotiateResponse {
  if (msg.header.command !== Smb1Command.NEGOTIATE) throw new MalformedError('NEGOTIATE response', `command 0x${msg.header.command.toString(16)}`);
  const wr = new ByteReader(msg.body.words, 'NEGOTIATE response words');
  if (msg.body.words.length < 2) throw new MalformedError('NEGOTIATE response', 'no DialectIndex');
  const dialectIndex = wr.u16le();
  if (dialectIndex === NO_DIALECT || msg.body.words.length !== 34) {
    if (dialectIndex !== NO_DIALECT && msg.body.words.length !== 2 && msg.body.words.length !== 26) {
      throw new MalformedError('NEGOTIATE response', `WordCount ${msg.body.words.length / 2}`);
    }
    return { kind: 'none', dialectIndex };
  }
  const common: NegotiateCommon = {
    dialectIndex,
    securityMode: wr.u8(),
    maxMpxCount: wr.u16le(),
    maxNumberVcs: wr.u16le(),
    maxBufferSize: wr.u32le(),
    maxRawSize: wr.u32le(),
    vcSessionKey: wr.u32le(),
    capabilities: wr.u32le(),
    systemTime: wr.u64le(),
    serverTimeZone: (wr.u16le() << 16) >> 16,
  };
  const challengeLength = wr.u8();
  const br = new ByteReader(msg.body.bytes, 'NEGOTIATE response bytes');
  if (common.capabilities & Capabilities.EXTENDED_SECURITY) {
    const serverGuid = Buffer.from(br.bytes(16, 'ServerGUID'));
    return { kind: 'extended', ...common, serverGuid, securityBlob: Buffer.from(br.rest()) };
  }
  const challenge = Buffer.from(br.bytes(challengeLength, 'Challenge'));
  const unicode = (msg.header.flags2 & SMB1Flags2.UNICODE) !== 0;
  const domainName = readTerminated(br, unicode);
  const serverName = readTerminated(br, unicode);
  return { kind: 'challenge', ...common, challenge, domainName, serverName };
}

/** Encodes a NT LM 0.12 NEGOTIATE response body (words, bytes): used by tests and test servers. */
export function encodeNegotiateResponseBody(resp: NegotiateResponse, unicode: boolean): { words: Buffer; bytes: Buffer } {
  if (resp.kind === 'none') {
    const words = Buffer.alloc(2);
    words.writeUInt16LE(resp.dialectIndex);
    return { words, bytes: Buffer.alloc(0) };
  }
  const w = new ByteWriter(34);
  w.u16le(resp.dialectIndex).u8(resp.securityMode).u16le(resp.maxMpxCount).u16le(resp.maxNumberVcs);
  w.u32le(resp.maxBufferSize).u32le(resp.maxRawSize).u32le(resp.vcSessionKey).u32le(resp.capabilities);
  w.u64le(resp.systemTime).u16le(resp.serverTimeZone & 0xffff);
  const b = new ByteWriter(64);
  if (resp.kind === 'extended') {
    if (resp.serverGuid.length !== 16) throw new MalformedError('NEGOTIATE response', 'ServerGUID must be 16 bytes');
    w.u8(0);
    b.bytes(resp.serverGuid).bytes(resp.securityBlob);
  } else {
    if (resp.challenge.length > 255) throw new MalformedError('NEGOTIATE response', 'challenge too long');
    w.u8(resp.challenge.length);
    b.bytes(resp.challenge);
    const enc = (s: string): Buffer => (unicode ? Buffer.from(s + '\0', 'utf16le') : Buffer.from(s + '\0', 'latin1'));
    b.bytes(enc(resp.domainName)).bytes(enc(resp.serverName));
  }
  return { words: w.finish(), bytes: b.finish() };
}
