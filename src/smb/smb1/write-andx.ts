/** SMB_COM_WRITE_ANDX (0x2F): [MS-CIFS] §2.2.4.43 (WordCount 14 request with OffsetHigh, 6 response). */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';
import { bytesOffsetFor, writeAndxNone, type Smb1Block, type Smb1BodyParts } from './andx.js';

/** [MS-CIFS] §2.2.4.43.1 WriteMode bits. */
export const WriteMode = { WRITETHROUGH: 0x0001, READ_BYTES_AVAILABLE: 0x0002, RAW: 0x0004, MSG_START: 0x0008 } as const;

export interface WriteAndxRequest {
  fid: number;
  offset: bigint;
  timeout: number;
  writeMode: number;
  remaining: number;
  data: Buffer;
}

export function encodeWriteAndxRequest(req: WriteAndxRequest): Smb1BodyParts {
  if (req.data.length > 0xffffffff) throw new MalformedError('WRITE_ANDX request', 'data too long');
  const bytesOffset = bytesOffsetFor(28);
  const pad = 1; // data starts on an even offset
  const w = new ByteWriter(28);
  writeAndxNone(w).u16le(req.fid).u32le(Number(req.offset & 0xffffffffn)).u32le(req.timeout).u16le(req.writeMode).u16le(req.remaining);
  w.u16le(req.data.length >>> 16).u16le(req.data.length & 0xffff).u16le(bytesOffset + pad).u32le(Number(req.offset >> 32n));
  return { words: w.finish(), bytes: Buffer.concat([Buffer.alloc(pad), req.data]) };
}

export function decodeWriteAndxRequest(block: Smb1Block): WriteAndxRequest {
  if (block.words.length !== 24 && block.words.length !== 28) throw new MalformedError('WRITE_ANDX request', `WordCount ${block.words.length / 2}`);
  const wr = new ByteReader(block.words, 'WRITE_ANDX request words');
  wr.skip(4);
  const fid = wr.u16le();
  const low = wr.u32le();
  const timeout = wr.u32le();
  const writeMode = wr.u16le();
  const remaining = wr.u16le();
  const lengthHigh = wr.u16le();
  const length = wr.u16le() + lengthHigh * 0x10000;
  const dataOffset = wr.u16le();
  const high = wr.remaining >= 4 ? wr.u32le() : 0;
  const start = dataOffset - block.bytesOffset;
  if (start < 0 || start + length > block.bytes.length) throw new MalformedError('WRITE_ANDX request', 'data outside the data block');
  return { fid, offset: (BigInt(high) << 32n) | BigInt(low), timeout, writeMode, remaining, data: Buffer.from(block.bytes.subarray(start, start + length)) };
}

export interface WriteAndxResponse {
  count: number;
  available: number;
}

export function decodeWriteAndxResponse(block: Smb1Block): WriteAndxResponse {
  if (block.words.length !== 12) throw new MalformedError('WRITE_ANDX response', `WordCount ${block.words.length / 2}`);
  const wr = new ByteReader(block.words, 'WRITE_ANDX response words');
  wr.skip(4);
  const low = wr.u16le();
  const available = wr.u16le();
  const high = wr.u16le();
  return { count: low + high * 0x10000, available };
}

export function encodeWriteAndxResponse(resp: WriteAndxResponse): Smb1BodyParts {
  const w = new ByteWriter(12);
  writeAndxNone(w).u16le(resp.count & 0xffff).u16le(resp.available).u16le(resp.count >>> 16).u16le(0);
  return { words: w.finish(), bytes: Buffer.alloc(0) };
}
