import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rc4, rc4 } from '../../src/crypto/rc4.js';
import { NetsendError } from '../../src/status/error.js';

// RFC 6229 §2, the key set 0x0102...20 truncated to the key length; keystream at selected offsets.
const KEY1 = Buffer.from('0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', 'hex');
const RFC6229: Record<number, Record<number, string>> = {
  40: { 0: 'b2396305f03dc027ccc3524a0a1118a8', 16: '6982944f18fc82d589c403a47a0d0919', 240: '28cb1132c96ce286421dcaadb8b69eae', 1008: '45129048e6a0ed0b56b490338f078da5', 4096: 'ff25b58995996707e51fbdf08b34d875' },
  56: { 0: '293f02d47f37c9b633f2af5285feb46b', 16: 'e620f1390d19bd84e2e0fd752031afc1', 240: '914f02531c9218810df60f67e338154c', 1008: 'f3b9a7e3b297bf9ad804512f9063eff1', 4096: 'e74b0b9731227fd37c0ec08a47ddd8b8' },
  64: { 0: '97ab8a1bf0afb96132f2f67258da15a8', 16: '8263efdb45c4a18684ef87e6b19e5b09', 240: '9636ebc9841926f4f7d1f362bddf6e18', 1008: '273c9c4b27f322e4e716ef53a47de7a4', 4096: '3fb46e2c8f0f068edce8cdcd7dfc5862' },
  128: { 0: '9ac7cc9a609d1ef7b2932899cde41b97', 16: '5248c4959014126a6e8a84f11d1a9e1c', 240: '065902e4b620f6cc36c8589f66432f2b', 1008: 'e7a72574f8782ae26aabcf9ebcd66065', 4096: 'a36a4c301ae8ac13610ccbc12256cacc' },
  256: { 0: 'eaa6bd25880bf93d3f5d1e4ca2611d91', 16: 'cfa45c9f7e714b54bdfa80027cb14380', 240: '114ae344ded71b35f2e60febad727fd8', 1008: 'c799b596738f6b018c76c74b1759bd90', 4096: 'f3e4c0a2e02d1d01f7f0a74618af2b48' },
};

describe('rc4 (RFC 6229)', () => {
  for (const [bits, offsets] of Object.entries(RFC6229)) {
    it(`${bits}-bit key keystream at offsets ${Object.keys(offsets).join(',')}`, () => {
      const ks = rc4(KEY1.subarray(0, Number(bits) / 8), Buffer.alloc(4112));
      for (const [off, hex] of Object.entries(offsets)) {
        expect(ks.subarray(Number(off), Number(off) + 16).toString('hex')).toBe(hex);
      }
    });
  }

  it('stateful object continues the keystream across calls', () => {
    const key = KEY1.subarray(0, 16);
    const whole = rc4(key, Buffer.alloc(300));
    const s = new Rc4(key);
    const parts = Buffer.concat([s.update(Buffer.alloc(7)), s.update(Buffer.alloc(0)), s.update(Buffer.alloc(293))]);
    expect(parts.equals(whole)).toBe(true);
  });

  it('rejects empty and oversized keys with a usage error', () => {
    expect(() => new Rc4(Buffer.alloc(0))).toThrow(NetsendError);
    expect(() => new Rc4(Buffer.alloc(257))).toThrow(NetsendError);
  });

  it('property: encrypting twice with the same key is the identity (involution)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.uint8Array({ maxLength: 512 }), (key, data) => {
        expect(rc4(key, rc4(key, data)).equals(Buffer.from(data))).toBe(true);
      }),
    );
  });

  it('property: splitting the input anywhere gives the same stream', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), fc.nat(), (key, data, cut) => {
        const at = data.length === 0 ? 0 : cut % (data.length + 1);
        const s = new Rc4(key);
        const joined = Buffer.concat([s.update(data.subarray(0, at)), s.update(data.subarray(at))]);
        expect(joined.equals(rc4(key, data))).toBe(true);
      }),
    );
  });
});
