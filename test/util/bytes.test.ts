/** ByteReader/ByteWriter: every parser rests on their bounds checks, so they are tested on their own. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteReader, ByteWriter } from '../../src/util/bytes.js';
import { MalformedError } from '../../src/status/error.js';

describe('ByteReader', () => {
  it('reads little- and big-endian integers and advances', () => {
    const r = new ByteReader(Buffer.from('01 0203 0405 06070809 0a0b0c0d fffffffe 1112131415161718'.replace(/ /g, ''), 'hex'), 't');
    expect(r.u8()).toBe(1);
    expect(r.u16le()).toBe(0x0302);
    expect(r.u16be()).toBe(0x0405);
    expect(r.u32le()).toBe(0x09080706);
    expect(r.u32be()).toBe(0x0a0b0c0d);
    expect(r.i32le()).toBe(-16777217); // 0xFEFFFFFF as a signed 32-bit value
    expect(r.u64le()).toBe(0x1817161514131211n);
    expect(r.remaining).toBe(0);
  });

  it('throws MalformedError naming the structure on every read past the end, and does not move', () => {
    const reads: [string, (r: ByteReader) => unknown, number][] = [
      ['u8', (r) => r.u8(), 1],
      ['u16le', (r) => r.u16le(), 2],
      ['u16be', (r) => r.u16be(), 2],
      ['u32le', (r) => r.u32le(), 4],
      ['u32be', (r) => r.u32be(), 4],
      ['i32le', (r) => r.i32le(), 4],
      ['u64le', (r) => r.u64le(), 8],
    ];
    for (const [name, read, size] of reads) {
      const r = new ByteReader(Buffer.alloc(size - 1), 'SMB thing');
      expect(() => read(r), name).toThrow(MalformedError);
      expect(() => read(r), name).toThrow(/malformed SMB thing/);
      expect(r.offset).toBe(0);
    }
  });

  it('bytes() is a bounded view; rest() takes what is left; skip/seek/need check their argument', () => {
    const buf = Buffer.from([1, 2, 3, 4, 5]);
    const r = new ByteReader(buf, 't');
    const v = r.bytes(2, 'head');
    expect([...v]).toEqual([1, 2]);
    expect(v.buffer).toBe(buf.buffer); // a view, no copy
    expect(() => r.bytes(4, 'body')).toThrow(/body needs 4 bytes at offset 2, 3 left/);
    for (const n of [-1, 1.5, Number.NaN, 4]) expect(() => r.skip(n)).toThrow(MalformedError);
    for (const o of [-1, 6, 0.5]) expect(() => r.seek(o)).toThrow(MalformedError);
    r.seek(4);
    expect([...r.rest()]).toEqual([5]);
    expect(() => new ByteReader(buf, 't', 6)).toThrow(MalformedError);
  });

  it('cstring() stops at NUL within max and consumes it; no NUL or too long throws', () => {
    const r = new ByteReader(Buffer.from('ab\0cdef\0', 'latin1'), 't');
    expect(r.cstring().toString('latin1')).toBe('ab');
    expect(() => r.cstring(3)).toThrow(/unterminated/);
    expect(r.cstring(4).toString('latin1')).toBe('cdef');
    expect(() => new ByteReader(Buffer.from('abc'), 't').cstring()).toThrow(MalformedError);
  });

  it('align() pads relative to base and checks the padding fits', () => {
    const r = new ByteReader(Buffer.alloc(8), 't', 1);
    r.align(4);
    expect(r.offset).toBe(4);
    r.align(4, 1);
    expect(r.offset).toBe(5);
    const short = new ByteReader(Buffer.alloc(6), 't', 5);
    expect(() => short.align(4)).toThrow(MalformedError); // 3 bytes of padding, 1 left
  });

  it('random reads on random input either succeed in bounds or throw MalformedError (property)', () => {
    const ops = ['u8', 'u16le', 'u16be', 'u32le', 'u32be', 'i32le', 'u64le', 'cstring', 'bytes', 'skip', 'align'] as const;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.array(fc.tuple(fc.constantFrom(...ops), fc.integer({ min: -2, max: 50 })), { maxLength: 20 }), (data, steps) => {
        const r = new ByteReader(Buffer.from(data), 'fuzz');
        for (const [op, n] of steps) {
          try {
            if (op === 'bytes' || op === 'skip') r[op](n);
            else if (op === 'align') r.align(Math.max(1, n));
            else if (op === 'cstring') r.cstring();
            else r[op]();
          } catch (e) {
            expect(e).toBeInstanceOf(MalformedError);
          }
          expect(r.offset).toBeGreaterThanOrEqual(0);
          expect(r.offset).toBeLessThanOrEqual(data.length);
        }
      }),
    );
  });
});

describe('ByteWriter', () => {
  it('writes the same layout ByteReader reads (round-trip property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: -0x80000000, max: 0x7fffffff }),
        fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
        fc.uint8Array({ maxLength: 300 }),
        (a, b, c, d, e, bytes) => {
          const buf = new ByteWriter(1).u8(a).u16le(b).u16be(b).u32le(c).u32be(c).i32le(d).u64le(e).bytes(bytes).finish();
          const r = new ByteReader(buf, 't');
          expect([r.u8(), r.u16le(), r.u16be(), r.u32le(), r.u32be(), r.i32le(), r.u64le()]).toEqual([a, b, b, c, c, d, e]);
          expect([...r.rest()]).toEqual([...bytes]);
        },
      ),
    );
  });

  it('grows from any initial size, zero included', () => {
    for (const initial of [0, 1, 3, 256]) {
      const out = new ByteWriter(initial).zeros(5).u32le(0xdeadbeef).finish();
      expect(out.toString('hex')).toBe('0000000000efbeadde');
    }
  });

  it('align pads with zeros relative to base; patch overwrites earlier fields; finish copies', () => {
    const w = new ByteWriter(4).u8(0xaa).align(4).u16le(0).u8(1).align(4, 1);
    expect(w.length).toBe(9);
    w.patchU16le(4, 0x1234).patchU32le(0, 0xcafef00d);
    const out = w.finish();
    expect(out.toString('hex')).toBe('0df0feca3412010000');
    w.u8(9);
    expect(out.length).toBe(9); // finish() returned a copy, later writes do not show
  });

  it('refuses values out of range (Node throws RangeError), never writes a wrapped value', () => {
    expect(() => new ByteWriter().u8(256)).toThrow(RangeError);
    expect(() => new ByteWriter().u16le(-1)).toThrow(RangeError);
  });
});
