/** SMB_COM_READ_ANDX (0x2E): [MS-CIFS] §2.2.4.42 (WordCount 12 request with OffsetHigh, 12 response). */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';
import { bytesOffsetFor, writeAndxNone, type Smb1Block, type Smb1BodyParts } from './andx.js';

export interface ReadAndxRequest {
  fid: number;
  offset: bigint;
  maxCount: number;
  minCount: number;
  /** Timeout (ms) for pipes; the high 16 bits of MaxCount with CAP_LARGE_READX. */
  timeout: number;
  remaining: number;
}

export function encodeReadAndxRequest(req: ReadAndxRequest): Smb1BodyParts {
  if (req.maxCount > 0xffff) throw new MalformedError('READ_ANDX request', 'MaxCount over 65535');
  const w = new ByteWriter(24);
  writeAndxNone(w).u16le(req.fid).u32le(Number(req.offset & 0xffffffffn)).u16le(req.maxCount).u16le(req.minCount);
  w.u32le(req.timeout).u16le(req.remaining).u32le(Number(req.offset >> 32n));
  return { words: w.finish(), bytes: Buffer.alloc(0) };
}

export function decodeReadAndxRequest(block: Smb1Block): ReadAndxRequest {
  if (block.words.length !== 20 && block.words.length !== 24) throw new MalformedError('READ_ANDX request', `WordCount ${block.words.length / 2}`);
  const wr = new ByteReader(block.words, 'READ_ANDX request words');
  wr.skip(4);
  const fid = wr.u16le();
  const low = wr.u32le();
  const maxCount = wr.u16le();
  const minCount = wr.u16le();
  const timeout = wr.u32le();
  const remaining = wr.u16le();
  const high = wr.remaining >= 4 ? wr.u32le() : 0;
  return { fid, offset: (BigInt(high) << 32n) | BigInt(low), maxCount, minCount, timeout, remaining };
}

export interface ReadAndxResponse {
  available: number;
  data: Buffer;
}

export function decodeReadAndxResponse(block: Smb1Block): ReadAndxResponse {
  if (block.words.length !== 24) throw new MalformedError('READ_ANDX response', `WordCount ${block.words.length / 2}`);
  const wr = new ByteReader(block.words, 'READ_ANDX response words');
  wr.skip(4);
  const available = wr.u16le();
  wr.skip(4); // DataCompactionMode, Reserved1
  const lengthLow = wr.u16le();
  const dataOffset = wr.u16le();
  const lengthHigh = wr.u16le();
  const length = lengthLow + lengthHigh * 0x10000;
  const start = dataOffset - block.bytesOffset;
  if (length === 0) return { available, data: Buffer.alloc(0) };
  if (start < 0 || start + length > block.bytes.length) {
    throw new MalformedError('READ_ANDX response', `${length} bytes at offset ${dataOffset} outside the data block`);
  }
  return { available, data: Buffer.from(block.bytes.subarray(start, start + length)) };
}

/** Server-side encoding (tests): one pad byte, data after it. */
export function encodeReadAndxResponse(resp: ReadAndxResponse): Smb1BodyParts {
  const bytesOffset = bytesOffsetFor(24);
  const pad = 1;
  const w = new ByteWriter(24);
  writeAndxNone(w).u16le(resp.available).u16le(0).u16le(0).u16le(resp.data.length & 0xffff).u16le(bytesOffset + pad);
  w.u16le(resp.data.length >>> 16).zeros(8);
  return { words: w.finish(), bytes: Buffer.concat([Buffer.alloc(pad), resp.data]) };
}
