import { MalformedError } from '../status/error.js';

/**
 * Bounds-checked little/big-endian reader over a Buffer. Every read that would run past the end
 * throws MalformedError naming `what`, so parsers never see undefined or read foreign memory.
 */
export class ByteReader {
  readonly buf: Buffer;
  offset: number;
  readonly what: string;

  constructor(buf: Buffer, what: string, offset = 0) {
    this.buf = buf;
    this.offset = offset;
    this.what = what;
    if (offset < 0 || offset > buf.length) throw new MalformedError(what, `start offset ${offset} outside ${buf.length} bytes`);
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  need(n: number, field = 'field'): void {
    if (!Number.isInteger(n) || n < 0 || this.offset + n > this.buf.length) {
      throw new MalformedError(this.what, `${field} needs ${n} bytes at offset ${this.offset}, ${this.remaining} left`);
    }
  }

  seek(offset: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.buf.length) {
      throw new MalformedError(this.what, `offset ${offset} outside ${this.buf.length} bytes`);
    }
    this.offset = offset;
  }

  skip(n: number): void {
    this.need(n, 'skip');
    this.offset += n;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }
  u16le(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }
  u16be(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  u32le(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  u32be(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  i32le(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  u64le(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.offset);
    this.offset += 8;
    return v;
  }
  /** A view (no copy) of the next n bytes. */
  bytes(n: number, field = 'bytes'): Buffer {
    this.need(n, field);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
  rest(): Buffer {
    return this.bytes(this.remaining);
  }
  /** Bytes up to (not including) a NUL; consumes the NUL. Throws if none within `max`. */
  cstring(max = this.remaining): Buffer {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0 || end - this.offset > max) throw new MalformedError(this.what, `unterminated string at offset ${this.offset}`);
    const v = this.buf.subarray(this.offset, end);
    this.offset = end + 1;
    return v;
  }
  align(n: number, base = 0): void {
    const pad = (n - ((this.offset - base) % n)) % n;
    this.skip(pad);
  }
}

/** Growable little/big-endian writer. */
export class ByteWriter {
  private buf: Buffer;
  length = 0;

  constructor(initial = 256) {
    this.buf = Buffer.alloc(initial);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, 64); // from 0, doubling would never grow
    while (size < this.length + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf.writeUInt8(v, this.length);
    this.length += 1;
    return this;
  }
  u16le(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.length);
    this.length += 2;
    return this;
  }
  u16be(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.length);
    this.length += 2;
    return this;
  }
  u32le(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.length);
    this.length += 4;
    return this;
  }
  u32be(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.length);
    this.length += 4;
    return this;
  }
  i32le(v: number): this {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.length);
    this.length += 4;
    return this;
  }
  u64le(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigUInt64LE(v, this.length);
    this.length += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }
  /** Pad with zeros so that (length - base) is a multiple of n. */
  align(n: number, base = 0): this {
    return this.zeros((n - ((this.length - base) % n)) % n);
  }
  /** Overwrite at an earlier position (for length fields written after the body). */
  patchU16le(at: number, v: number): this {
    this.buf.writeUInt16LE(v, at);
    return this;
  }
  patchU32le(at: number, v: number): this {
    this.buf.writeUInt32LE(v >>> 0, at);
    return this;
  }
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}
