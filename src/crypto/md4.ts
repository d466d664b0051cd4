/**
 * MD4 message digest, RFC 1320. node:crypto on Node >= 17 refuses 'md4' unless the OpenSSL legacy
 * provider is loaded, and NTLM's NTOWF needs it ([MS-NLMP] §3.3.1), so it lives here.
 */

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

/** RFC 1320 §3.4 round-2 and round-3 additive constants. */
const K2 = 0x5a827999;
const K3 = 0x6ed9eba1;
/** Shift amounts per round (RFC 1320 §3.4). */
const S1 = [3, 7, 11, 19];
const S2 = [3, 5, 9, 13];
const S3 = [3, 9, 11, 15];
/** Word order of round 3. */
const R3 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];

/** MD4 digest (16 bytes) of `data`. */
export function md4(data: Uint8Array): Buffer {
  const bitLen = BigInt(data.length) * 8n;
  // Pad: 0x80, zeros to 56 mod 64, then the 64-bit little-endian bit length (RFC 1320 §3.1-3.2).
  const padded = Buffer.alloc((((data.length + 8) >> 6) + 1) << 6);
  padded.set(data, 0);
  padded[data.length] = 0x80;
  padded.writeBigUInt64LE(bitLen & 0xffffffffffffffffn, padded.length - 8);

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Uint32Array(16);

  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) x[i] = padded.readUInt32LE(off + i * 4);
    const aa = a;
    const bb = b;
    const cc = c;
    const dd = d;
    // Round 1: F(x,y,z) = xy | ~x z
    for (let i = 0; i < 16; i++) {
      const f = (b & c) | (~b & d);
      const t = rotl((a + f + x[i]!) >>> 0, S1[i & 3]!);
      a = d;
      d = c;
      c = b;
      b = t;
    }
    // Round 2: G(x,y,z) = xy | xz | yz, word order i*4 mod 15 over columns
    for (let i = 0; i < 16; i++) {
      const k = (i & 3) * 4 + (i >> 2);
      const g = (b & c) | (b & d) | (c & d);
      const t = rotl((a + g + x[k]! + K2) >>> 0, S2[i & 3]!);
      a = d;
      d = c;
      c = b;
      b = t;
    }
    // Round 3: H(x,y,z) = x ^ y ^ z
    for (let i = 0; i < 16; i++) {
      const h = b ^ c ^ d;
      const t = rotl((a + h + x[R3[i]!]! + K3) >>> 0, S3[i & 3]!);
      a = d;
      d = c;
      c = b;
      b = t;
    }
    a = (a + aa) >>> 0;
    b = (b + bb) >>> 0;
    c = (c + cc) >>> 0;
    d = (d + dd) >>> 0;
  }
  const out = Buffer.alloc(16);
  out.writeUInt32LE(a, 0);
  out.writeUInt32LE(b, 4);
  out.writeUInt32LE(c, 8);
  out.writeUInt32LE(d, 12);
  return out;
}
