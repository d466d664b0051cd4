/**
 * SMB_COM_TRANSACTION (0x25): [MS-CIFS] §2.2.4.33, used for TRANS_TRANSACT_NMPIPE ([MS-CIFS] §2.2.5.6).
 * A response may arrive in several messages; `TransactionAssembler` places each part by its displacement
 * and refuses parts that overlap the totals or point outside their message.
 */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';
import { type Smb1Block, type Smb1BodyParts } from './andx.js';
import { SMB1_HEADER_SIZE } from './header.js';
import { decodeSmbString, encodeSmbString } from './strings.js';

export const TRANS_TRANSACT_NMPIPE = 0x0026;
/** The transaction name for named-pipe subcommands. */
export const PIPE_TRANSACTION_NAME = '\\PIPE\\';

export interface TransactionRequest {
  name: string;
  setup: number[];
  parameters: Buffer;
  data: Buffer;
  maxParameterCount: number;
  maxDataCount: number;
  maxSetupCount: number;
  flags: number;
  timeout: number;
}

/** A one-message request (Total counts = counts). Offsets are relative to the SMB header; params and data start on 4-byte boundaries. */
export function encodeTransactionRequest(req: TransactionRequest, unicode: boolean): Smb1BodyParts {
  if (req.setup.length > 255) throw new MalformedError('TRANSACTION request', 'too many setup words');
  const wordsLength = 28 + req.setup.length * 2;
  const bytesOffset = SMB1_HEADER_SIZE + 1 + wordsLength + 2;
  const b = new ByteWriter(64 + req.parameters.length + req.data.length);
  b.bytes(encodeSmbString(req.name, unicode, bytesOffset));
  b.align(4, -bytesOffset);
  const parameterOffset = bytesOffset + b.length;
  b.bytes(req.parameters);
  b.align(4, -bytesOffset);
  const dataOffset = bytesOffset + b.length;
  b.bytes(req.data);
  if (bytesOffset + b.length > 0xffff) throw new MalformedError('TRANSACTION request', 'too large for one message');
  const w = new ByteWriter(wordsLength);
  w.u16le(req.parameters.length).u16le(req.data.length).u16le(req.maxParameterCount).u16le(req.maxDataCount);
  w.u8(req.maxSetupCount).u8(0).u16le(req.flags).u32le(req.timeout).u16le(0);
  w.u16le(req.parameters.length).u16le(req.parameters.length ? parameterOffset : 0);
  w.u16le(req.data.length).u16le(req.data.length ? dataOffset : 0);
  w.u8(req.setup.length).u8(0);
  for (const s of req.setup) w.u16le(s);
  return { words: w.finish(), bytes: b.finish() };
}

/** Reads `count` bytes at absolute `offset` of a block (offset relative to the SMB header). */
function slice(block: Smb1Block, offset: number, count: number, what: string): Buffer {
  if (count === 0) return Buffer.alloc(0);
  const start = offset - block.bytesOffset;
  if (start < 0 || start + count > block.bytes.length) {
    throw new MalformedError(what, `${count} bytes at offset ${offset} outside the data block [${block.bytesOffset}, ${block.bytesOffset + block.bytes.length})`);
  }
  return Buffer.from(block.bytes.subarray(start, start + count));
}

export function decodeTransactionRequest(block: Smb1Block, unicode: boolean): TransactionRequest {
  const wr = new ByteReader(block.words, 'TRANSACTION request words');
  const totalParameterCount = wr.u16le();
  const totalDataCount = wr.u16le();
  const maxParameterCount = wr.u16le();
  const maxDataCount = wr.u16le();
  const maxSetupCount = wr.u8();
  wr.skip(1);
  const flags = wr.u16le();
  const timeout = wr.u32le();
  wr.skip(2);
  const parameterCount = wr.u16le();
  const parameterOffset = wr.u16le();
  const dataCount = wr.u16le();
  const dataOffset = wr.u16le();
  const setupCount = wr.u8();
  wr.skip(1);
  if (wr.remaining !== setupCount * 2) throw new MalformedError('TRANSACTION request', `SetupCount ${setupCount} vs WordCount ${block.words.length / 2}`);
  if (parameterCount !== totalParameterCount || dataCount !== totalDataCount) throw new MalformedError('TRANSACTION request', 'secondary requests are not supported');
  const setup: number[] = [];
  for (let i = 0; i < setupCount; i++) setup.push(wr.u16le());
  const name = decodeSmbString(new ByteReader(block.bytes, 'TRANSACTION name'), unicode, block.bytesOffset);
  return {
    name, setup, maxParameterCount, maxDataCount, maxSetupCount, flags, timeout,
    parameters: slice(block, parameterOffset, parameterCount, 'TRANSACTION parameters'),
    data: slice(block, dataOffset, dataCount, 'TRANSACTION data'),
  };
}

/** One TRANSACTION response message ([MS-CIFS] §2.2.4.33.2). */
export interface TransactionResponsePart {
  totalParameterCount: number;
  totalDataCount: number;
  parameterDisplacement: number;
  dataDisplacement: number;
  setup: number[];
  parameters: Buffer;
  data: Buffer;
}

export function decodeTransactionResponsePart(block: Smb1Block): TransactionResponsePart {
  if (block.words.length < 20) throw new MalformedError('TRANSACTION response', `WordCount ${block.words.length / 2}`);
  const wr = new ByteReader(block.words, 'TRANSACTION response words');
  const totalParameterCount = wr.u16le();
  const totalDataCount = wr.u16le();
  wr.skip(2);
  const parameterCount = wr.u16le();
  const parameterOffset = wr.u16le();
  const parameterDisplacement = wr.u16le();
  const dataCount = wr.u16le();
  const dataOffset = wr.u16le();
  const dataDisplacement = wr.u16le();
  const setupCount = wr.u8();
  wr.skip(1);
  if (wr.remaining !== setupCount * 2) throw new MalformedError('TRANSACTION response', `SetupCount ${setupCount} vs WordCount ${block.words.length / 2}`);
  const setup: number[] = [];
  for (let i = 0; i < setupCount; i++) setup.push(wr.u16le());
  return {
    totalParameterCount, totalDataCount, parameterDisplacement, dataDisplacement, setup,
    parameters: slice(block, parameterOffset, parameterCount, 'TRANSACTION response parameters'),
    data: slice(block, dataOffset, dataCount, 'TRANSACTION response data'),
  };
}

/** Encodes one response part as a server would (for tests): params and data 4-aligned. */
export function encodeTransactionResponsePart(p: TransactionResponsePart): Smb1BodyParts {
  const wordsLength = 20 + p.setup.length * 2;
  const bytesOffset = SMB1_HEADER_SIZE + 1 + wordsLength + 2;
  const b = new ByteWriter(64);
  b.align(4, -bytesOffset);
  const parameterOffset = bytesOffset + b.length;
  b.bytes(p.parameters);
  b.align(4, -bytesOffset);
  const dataOffset = bytesOffset + b.length;
  b.bytes(p.data);
  const w = new ByteWriter(wordsLength);
  w.u16le(p.totalParameterCount).u16le(p.totalDataCount).u16le(0);
  w.u16le(p.parameters.length).u16le(parameterOffset).u16le(p.parameterDisplacement);
  w.u16le(p.data.length).u16le(dataOffset).u16le(p.dataDisplacement).u8(p.setup.length).u8(0);
  for (const s of p.setup) w.u16le(s);
  return { words: w.finish(), bytes: b.finish() };
}

/**
 * Reassembles a multi-part response ([MS-CIFS] §3.2.5.x: totals may shrink but never grow). Caps the
 * totals at what the client asked for, so a hostile server cannot make us allocate more.
 */
export class TransactionAssembler {
  private parameters: Buffer | null = null;
  private data: Buffer | null = null;
  private paramTotal = 0;
  private dataTotal = 0;
  private paramGot = 0;
  private dataGot = 0;
  parts = 0;
  setup: number[] = [];

  constructor(
    private readonly maxParameterCount: number,
    private readonly maxDataCount: number,
    private readonly maxParts = 64,
  ) {}

  add(p: TransactionResponsePart): void {
    if (++this.parts > this.maxParts) throw new MalformedError('TRANSACTION response', `more than ${this.maxParts} parts`);
    if (this.parameters === null || this.data === null) {
      if (p.totalParameterCount > this.maxParameterCount || p.totalDataCount > this.maxDataCount) {
        throw new MalformedError('TRANSACTION response', `totals ${p.totalParameterCount}/${p.totalDataCount} exceed requested ${this.maxParameterCount}/${this.maxDataCount}`);
      }
      this.paramTotal = p.totalParameterCount;
      this.dataTotal = p.totalDataCount;
      this.parameters = Buffer.alloc(this.paramTotal);
      this.data = Buffer.alloc(this.dataTotal);
      this.setup = p.setup;
    } else {
      if (p.totalParameterCount > this.paramTotal || p.totalDataCount > this.dataTotal) throw new MalformedError('TRANSACTION response', 'totals grew');
      this.paramTotal = p.totalParameterCount;
      this.dataTotal = p.totalDataCount;
    }
    if (p.parameterDisplacement + p.parameters.length > this.paramTotal) throw new MalformedError('TRANSACTION response', 'parameters past total');
    if (p.dataDisplacement + p.data.length > this.dataTotal) throw new MalformedError('TRANSACTION response', 'data past total');
    p.parameters.copy(this.parameters, p.parameterDisplacement);
    p.data.copy(this.data!, p.dataDisplacement);
    this.paramGot += p.parameters.length;
    this.dataGot += p.data.length;
  }

  /** True once the bytes received cover the totals. */
  get complete(): boolean {
    return this.parameters !== null && this.paramGot >= this.paramTotal && this.dataGot >= this.dataTotal;
  }

  result(): { setup: number[]; parameters: Buffer; data: Buffer } {
    if (!this.parameters || !this.data) throw new MalformedError('TRANSACTION response', 'no parts');
    return { setup: this.setup, parameters: this.parameters.subarray(0, this.paramTotal), data: this.data.subarray(0, this.dataTotal) };
  }
}
