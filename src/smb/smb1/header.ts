import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';

/** [MS-CIFS] §2.2.3.1: the 32-byte SMB1 header. */
export const SMB1_HEADER_SIZE = 32;
export const SMB1_PROTOCOL = Buffer.from([0xff, 0x53, 0x4d, 0x42]); // \xFFSMB

export const SMB1Flags = {
  LOCK_AND_READ_OK: 0x01,
  CASE_INSENSITIVE: 0x08,
  CANONICALIZED_PATHS: 0x10,
  REPLY: 0x80,
} as const;

export const SMB1Flags2 = {
  LONG_NAMES: 0x0001,
  EAS: 0x0002,
  SMB_SECURITY_SIGNATURE: 0x0004,
  IS_LONG_NAME: 0x0040,
  EXTENDED_SECURITY: 0x0800,
  DFS: 0x1000,
  PAGING_IO: 0x2000,
  NT_STATUS: 0x4000,
  UNICODE: 0x8000,
} as const;

export interface Smb1Header {
  command: number;
  /** Raw 32-bit status field. With Flags2.NT_STATUS it is an NTSTATUS, else class u8, reserved u8, code u16. */
  status: number;
  flags: number;
  flags2: number;
  pidHigh: number;
  signature: Buffer; // 8 bytes
  tid: number;
  pidLow: number;
  uid: number;
  mid: number;
}

/** The status of a reply, in whichever form the server used. */
export type Smb1Status =
  | { form: 'nt'; code: number }
  | { form: 'dos'; errorClass: number; errorCode: number };

export function smb1Status(h: Pick<Smb1Header, 'status' | 'flags2'>): Smb1Status {
  if (h.flags2 & SMB1Flags2.NT_STATUS) return { form: 'nt', code: h.status >>> 0 };
  return { form: 'dos', errorClass: h.status & 0xff, errorCode: (h.status >>> 16) & 0xffff };
}

export function isSmb1Success(h: Pick<Smb1Header, 'status'>): boolean {
  return h.status >>> 0 === 0;
}

export function emptyHeader(command: number): Smb1Header {
  return { command, status: 0, flags: 0, flags2: 0, pidHigh: 0, signature: Buffer.alloc(8), tid: 0, pidLow: 0, uid: 0, mid: 0 };
}

export function encodeSmb1Header(h: Smb1Header, w: ByteWriter = new ByteWriter(64)): ByteWriter {
  if (h.signature.length !== 8) throw new MalformedError('SMB1 header', 'signature must be 8 bytes');
  w.bytes(SMB1_PROTOCOL).u8(h.command).u32le(h.status).u8(h.flags).u16le(h.flags2).u16le(h.pidHigh);
  w.bytes(h.signature).u16le(0).u16le(h.tid).u16le(h.pidLow).u16le(h.uid).u16le(h.mid);
  return w;
}

export function decodeSmb1Header(r: ByteReader): Smb1Header {
  const proto = r.bytes(4, 'protocol');
  if (!proto.equals(SMB1_PROTOCOL)) throw new MalformedError('SMB1 header', `protocol id ${proto.toString('hex')}`);
  const command = r.u8();
  const status = r.u32le();
  const flags = r.u8();
  const flags2 = r.u16le();
  const pidHigh = r.u16le();
  const signature = Buffer.from(r.bytes(8));
  r.skip(2);
  const tid = r.u16le();
  const pidLow = r.u16le();
  const uid = r.u16le();
  const mid = r.u16le();
  return { command, status, flags, flags2, pidHigh, signature, tid, pidLow, uid, mid };
}

/**
 * The parameter and data blocks that follow the header ([MS-CIFS] §2.2.3.2, §2.2.3.3):
 * WordCount u8, Words[WordCount] u16, ByteCount u16, Bytes[ByteCount].
 */
export interface Smb1Body {
  words: Buffer; // 2*WordCount bytes
  bytes: Buffer;
}

export function decodeSmb1Body(r: ByteReader): Smb1Body {
  const wordCount = r.u8();
  const words = r.bytes(wordCount * 2, 'parameter words');
  const byteCount = r.u16le();
  const bytes = r.bytes(byteCount, 'data bytes');
  return { words, bytes };
}

export function encodeSmb1Body(words: Buffer, bytes: Buffer, w: ByteWriter): ByteWriter {
  if (words.length % 2 !== 0 || words.length > 255 * 2) throw new MalformedError('SMB1 body', `bad words length ${words.length}`);
  if (bytes.length > 0xffff) throw new MalformedError('SMB1 body', `byte count ${bytes.length} over 65535`);
  return w.u8(words.length / 2).bytes(words).u16le(bytes.length).bytes(bytes);
}

/** A whole SMB1 message: header plus one (non-AndX-chained) body. */
export interface Smb1Message {
  header: Smb1Header;
  body: Smb1Body;
}

export function encodeSmb1Message(header: Smb1Header, words: Buffer, bytes: Buffer): Buffer {
  const w = encodeSmb1Header(header, new ByteWriter(SMB1_HEADER_SIZE + 3 + words.length + bytes.length));
  return encodeSmb1Body(words, bytes, w).finish();
}

export function decodeSmb1Message(buf: Buffer): Smb1Message {
  const r = new ByteReader(buf, 'SMB1 message');
  const header = decodeSmb1Header(r);
  // An error reply may legally carry WordCount 0 and no ByteCount at all (some servers truncate).
  if (r.remaining === 0) return { header, body: { words: Buffer.alloc(0), bytes: Buffer.alloc(0) } };
  return { header, body: decodeSmb1Body(r) };
}

/** SMB1 command codes used by netsend ([MS-CIFS] §2.2.2.1, [MS-MSRP] §2.2.3). */
export const Smb1Command = {
  CLOSE: 0x04,
  TRANSACTION: 0x25,
  ECHO: 0x2b,
  OPEN_ANDX: 0x2d,
  READ_ANDX: 0x2e,
  WRITE_ANDX: 0x2f,
  TREE_DISCONNECT: 0x71,
  NEGOTIATE: 0x72,
  SESSION_SETUP_ANDX: 0x73,
  LOGOFF_ANDX: 0x74,
  TREE_CONNECT_ANDX: 0x75,
  NT_CREATE_ANDX: 0xa2,
  SEND_MESSAGE: 0xd0,
  SEND_BROADCAST_MESSAGE: 0xd1,
  SEND_START_MB_MESSAGE: 0xd5,
  SEND_END_MB_MESSAGE: 0xd6,
  SEND_TEXT_MB_MESSAGE: 0xd7,
} as const;
