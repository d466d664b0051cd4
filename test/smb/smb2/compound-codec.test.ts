/** splitCompound ([MS-SMB2] §2.2.1.1 NextCommand, §3.2.5.1.9): chains, limits, hostile input. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MalformedError, NetsendError } from '../../../src/status/error.js';
import { SMB2_MAX_COMPOUND, decodeHeader, encodeHeader, splitCompound, type Smb2Header } from '../../../src/smb/smb2/header.js';

function header(nextCommand: number, messageId: bigint): Smb2Header {
  return { creditCharge: 1, status: 0, command: 5, credits: 1, flags: 1, nextCommand, messageId, treeId: 1, sessionId: 7n, signature: Buffer.alloc(16) };
}

/** A chain of messages with `bodies`, each padded to 8 bytes except the last. */
function chain(bodies: Buffer[]): Buffer {
  return Buffer.concat(
    bodies.map((b, i) => {
      const last = i === bodies.length - 1;
      const size = 64 + b.length;
      const padded = last ? size : (size + 7) & ~7;
      const m = Buffer.alloc(padded);
      encodeHeader(header(last ? 0 : padded, BigInt(i))).copy(m);
      b.copy(m, 64);
      return m;
    }),
  );
}

describe('splitCompound', () => {
  it('returns a single message whole', () => {
    const m = chain([Buffer.from('abcd')]);
    expect(splitCompound(m)).toEqual([m]);
  });

  it('splits a chain at NextCommand, padding kept with the part it follows (as signed)', () => {
    const m = chain([Buffer.alloc(3, 1), Buffer.alloc(5, 2)]);
    const parts = splitCompound(m);
    expect(parts.map((p) => p.length)).toEqual([72, 69]);
    expect(parts.map((p) => decodeHeader(p).messageId)).toEqual([0n, 1n]);
  });

  it('round-trips any chain up to the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: SMB2_MAX_COMPOUND }), (arrs) => {
        const bodies = arrs.map((a) => Buffer.from(a));
        const parts = splitCompound(chain(bodies));
        expect(parts.length).toBe(bodies.length);
        parts.forEach((p, i) => expect(p.subarray(64, 64 + bodies[i]!.length)).toEqual(bodies[i]));
      }),
    );
  });

  it('refuses a chain longer than the limit', () => {
    const m = chain(Array.from({ length: SMB2_MAX_COMPOUND + 1 }, () => Buffer.alloc(8)));
    expect(() => splitCompound(m)).toThrow(MalformedError);
  });

  it('refuses NextCommand that is unaligned, shorter than a header, past the end, or leaves a short tail', () => {
    const m = chain([Buffer.alloc(8), Buffer.alloc(8)]);
    for (const next of [4, 73, 60, 0x10000, m.length + 8]) {
      const bad = Buffer.from(m);
      bad.writeUInt32LE(next, 20);
      expect(() => splitCompound(bad), `NextCommand ${next}`).toThrow(MalformedError);
    }
    const tail = Buffer.concat([chain([Buffer.alloc(8)]).fill(0, 20, 24), Buffer.alloc(8)]);
    tail.writeUInt32LE(72, 20);
    expect(() => splitCompound(tail)).toThrow(MalformedError);
  });

  it('fuzz: random and mutated chains throw NetsendError or split into parts that tile the input', () => {
    const seed = chain([Buffer.alloc(12, 3), Buffer.alloc(20, 4), Buffer.alloc(4, 5)]);
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
      fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(seed.length)).map(([i, v, cut]) => {
        const b = Buffer.from(seed);
        b[i] = v;
        return b.subarray(0, cut);
      }),
    );
    fc.assert(
      fc.property(input, (b) => {
        try {
          const parts = splitCompound(b);
          expect(parts.reduce((n, p) => n + p.length, 0)).toBe(b.length);
          expect(parts.length).toBeLessThanOrEqual(SMB2_MAX_COMPOUND);
        } catch (e) {
          expect(e).toBeInstanceOf(NetsendError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
