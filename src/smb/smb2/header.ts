/**
 * SMB2 packet header, sync and async forms ([MS-SMB2] §2.2.1.1, §2.2.1.2), and the TRANSFORM header
 * ([MS-SMB2] §2.2.41).
 */
import { MalformedError } from '../../status/error.js';
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { SMB2_HEADER_SIZE, Smb2Flags, TRANSFORM_HEADER_SIZE } from './constants.js';

export const SMB2_PROTOCOL_ID = Buffer.from([0xfe, 0x53, 0x4d, 0x42]);
export const TRANSFORM_PROTOCOL_ID = Buffer.from([0xfd, 0x53, 0x4d, 0x42]);

export interface Smb2Header {
  creditCharge: number;
  /** Status in responses; ChannelSequence/Reserved in requests (always 0 here). */
  status: number;
  command: number;
  /** CreditRequest in requests, CreditResponse in responses. */
  credits: number;
  flags: number;
  nextCommand: number;
  messageId: bigint;
  /** Async form (flags & ASYNC_COMMAND): AsyncId replaces Reserved + TreeId. */
  asyncId?: bigint;
  /** Sync form only. */
  treeId: number;
  sessionId: bigint;
  signature: Buffer;
}

/** Offsets inside the 64-byte header the signing code patches. */
export const HDR_FLAGS_OFFSET = 16;
export const HDR_MESSAGE_ID_OFFSET = 24;
export const HDR_SIGNATURE_OFFSET = 48;

/**
 * Writes the sync-form header of a request at the start of `out` (at least 64 bytes), Signature
 * zero: the request path builds header and body in one buffer, without a writer or a concat.
 */
export function writeRequestHeader(out: Buffer, creditCharge: number, command: number, credits: number, flags: number, nextCommand: number, messageId: bigint, treeId: number, sessionId: bigint): void {
  SMB2_PROTOCOL_ID.copy(out, 0);
  out.writeUInt16LE(SMB2_HEADER_SIZE, 4);
  out.writeUInt16LE(creditCharge, 6);
  out.writeUInt32LE(0, 8);
  out.writeUInt16LE(command, 12);
  out.writeUInt16LE(credits, 14);
  out.writeUInt32LE((flags & ~Smb2Flags.ASYNC_COMMAND) >>> 0, 16);
  out.writeUInt32LE(nextCommand, 20);
  out.writeBigUInt64LE(messageId, 24);
  out.writeUInt32LE(0, 32);
  out.writeUInt32LE(treeId, 36);
  out.writeBigUInt64LE(sessionId, 40);
  out.fill(0, 48, SMB2_HEADER_SIZE);
}

export function encodeHeader(h: Smb2Header): Buffer {
  const w = new ByteWriter(SMB2_HEADER_SIZE);
  w.bytes(SMB2_PROTOCOL_ID).u16le(SMB2_HEADER_SIZE).u16le(h.creditCharge).u32le(h.status).u16le(h.command).u16le(h.credits);
  const async = h.asyncId !== undefined;
  w.u32le(async ? h.flags | Smb2Flags.ASYNC_COMMAND : h.flags & ~Smb2Flags.ASYNC_COMMAND);
  w.u32le(h.nextCommand).u64le(h.messageId);
  if (async) w.u64le(h.asyncId!);
  else w.u32le(0).u32le(h.treeId);
  w.u64le(h.sessionId);
  if (h.signature.length !== 16) throw new MalformedError('SMB2 header', `signature must be 16 bytes, got ${h.signature.length}`);
  w.bytes(h.signature);
  return w.finish();
}

/** Parses the header at the start of `msg`; the body starts at offset 64. */
export function decodeHeader(msg: Buffer): Smb2Header {
  const r = new ByteReader(msg, 'SMB2 header');
  const pid = r.u32be();
  if (pid !== 0xfe534d42) throw new MalformedError('SMB2 header', `bad ProtocolId ${pid.toString(16).padStart(8, '0')}`);
  const size = r.u16le();
  if (size !== SMB2_HEADER_SIZE) throw new MalformedError('SMB2 header', `StructureSize ${size}, expected 64`);
  const creditCharge = r.u16le();
  const status = r.u32le();
  const command = r.u16le();
  const credits = r.u16le();
  const flags = r.u32le();
  const nextCommand = r.u32le();
  const messageId = r.u64le();
  let asyncId: bigint | undefined;
  let treeId = 0;
  if (flags & Smb2Flags.ASYNC_COMMAND) asyncId = r.u64le();
  else {
    r.u32le();
    treeId = r.u32le();
  }
  const sessionId = r.u64le();
  // A view of the message, not a copy: a message is never changed after it was received.
  const signature = r.bytes(16, 'Signature');
  const h: Smb2Header = { creditCharge, status, command, credits, flags, nextCommand, messageId, treeId, sessionId, signature };
  if (asyncId !== undefined) h.asyncId = asyncId;
  return h;
}

/** TRANSFORM_HEADER, [MS-SMB2] §2.2.41. The AAD for the AEAD is bytes 20..52 (Nonce through SessionId). */
export interface TransformHeader {
  signature: Buffer;
  /** 16-byte field; CCM uses the first 11 bytes, GCM the first 12, the rest is zero. */
  nonce: Buffer;
  originalMessageSize: number;
  /** Flags (3.1.1) / EncryptionAlgorithm (3.0.x); 0x0001 either way. */
  flags: number;
  sessionId: bigint;
}

export function encodeTransformHeader(t: TransformHeader): Buffer {
  if (t.signature.length !== 16 || t.nonce.length !== 16) throw new MalformedError('TRANSFORM header', 'signature and nonce must be 16 bytes');
  return new ByteWriter(TRANSFORM_HEADER_SIZE)
    .bytes(TRANSFORM_PROTOCOL_ID)
    .bytes(t.signature)
    .bytes(t.nonce)
    .u32le(t.originalMessageSize)
    .u16le(0)
    .u16le(t.flags)
    .u64le(t.sessionId)
    .finish();
}

export function decodeTransformHeader(msg: Buffer): TransformHeader {
  const r = new ByteReader(msg, 'SMB2 TRANSFORM header');
  const pid = r.bytes(4, 'ProtocolId');
  if (!pid.equals(TRANSFORM_PROTOCOL_ID)) throw new MalformedError('SMB2 TRANSFORM header', `bad ProtocolId ${pid.toString('hex')}`);
  const signature = Buffer.from(r.bytes(16, 'Signature'));
  const nonce = Buffer.from(r.bytes(16, 'Nonce'));
  const originalMessageSize = r.u32le();
  r.u16le();
  const flags = r.u16le();
  const sessionId = r.u64le();
  return { signature, nonce, originalMessageSize, flags, sessionId };
}

export function isTransformMessage(msg: Buffer): boolean {
  return msg.length >= 4 && msg.subarray(0, 4).equals(TRANSFORM_PROTOCOL_ID);
}

/** Most messages one compounded response may carry; we never send longer chains than this. */
export const SMB2_MAX_COMPOUND = 8;

/**
 * Splits a (possibly compounded) SMB2 message into its parts ([MS-SMB2] §3.2.5.1.9, §2.2.1.1
 * NextCommand). Each part runs from its header to the next one (padding included, as it was signed,
 * §3.1.4.1); the last runs to the end. A NextCommand that is not a multiple of 8, shorter than a
 * header, or points past the end, and a chain longer than `max`, throw MalformedError.
 */
export function splitCompound(msg: Buffer, max: number = SMB2_MAX_COMPOUND): Buffer[] {
  const parts: Buffer[] = [];
  let off = 0;
  for (;;) {
    if (parts.length >= max) throw new MalformedError('SMB2 compound', `more than ${max} messages in one chain`);
    if (msg.length - off < SMB2_HEADER_SIZE) throw new MalformedError('SMB2 compound', `message at offset ${off} is shorter than a header`);
    const next = new ByteReader(msg.subarray(off + 20, off + 24), 'SMB2 NextCommand').u32le();
    if (next === 0) {
      parts.push(msg.subarray(off));
      return parts;
    }
    if (next % 8 !== 0 || next < SMB2_HEADER_SIZE || next > msg.length - off) {
      throw new MalformedError('SMB2 compound', `NextCommand ${next} at offset ${off} is not 8-byte aligned inside the ${msg.length}-byte chain`);
    }
    parts.push(msg.subarray(off, off + next));
    off += next;
  }
}
