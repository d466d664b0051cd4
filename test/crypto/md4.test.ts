import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { md4 } from '../../src/crypto/md4.js';

// RFC 1320 §A.5 test suite.
const VECTORS: Array<[string, string]> = [
  ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
  ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
  ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
  ['message digest', 'd9130a8164549fe818874806e1c7014b'],
  ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
  ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'e33b4ddc9c38f2199c3e7b164fcc0536'],
];

describe('md4 (RFC 1320 §A.5)', () => {
  for (const [input, hex] of VECTORS) {
    it(`MD4("${input.length > 20 ? input.slice(0, 20) + '...' : input}")`, () => {
      expect(md4(Buffer.from(input, 'latin1')).toString('hex')).toBe(hex);
    });
  }

  it('handles padding boundaries (55, 56, 63, 64, 65 bytes) deterministically and distinctly', () => {
    const seen = new Set<string>();
    for (const n of [55, 56, 57, 63, 64, 65, 119, 120, 128]) {
      const d = md4(Buffer.alloc(n, 0x61));
      expect(d.length).toBe(16);
      seen.add(d.toString('hex'));
    }
    expect(seen.size).toBe(9);
  });

  it('property: output is 16 bytes and depends on every input byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), (data, pos) => {
        const a = md4(data);
        expect(a.length).toBe(16);
        const flipped = Uint8Array.from(data);
        flipped[pos % data.length]! ^= 0x01;
        expect(md4(flipped).equals(a)).toBe(false);
      }),
    );
  });
});
