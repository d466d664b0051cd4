import { createCipheriv, timingSafeEqual, type Cipher } from 'node:crypto';
import { NetsendError } from '../status/error.js';

/**
 * AES-GCM and AES-GMAC (NIST SP 800-38D) with the key schedule kept per key: one AES-ECB cipher
 * object from node:crypto, made once, encrypts the counter blocks (GCTR, §6.5) of every message, and
 * GHASH (§6.4) runs here. SMB 3.1.1 signs (AES-GMAC, [MS-SMB2] §3.1.4.1) and encrypts (AES-GCM,
 * §3.1.4.3) every message of a session under one key with a new nonce, and node:crypto can only
 * take a new nonce by building a new cipher (a name look-up, a context and a key schedule each
 * time): the per-message cost the warm-call path paid twice per call (bench/warm.mjs).
 *
 * GHASH multiplies in GF(2^128) with 8-bit tables of multiples of H built per key (Shoup's method,
 * as in portable GCM implementations without carry-less multiply): table look-ups indexed by data
 * that depends on H, so the timing of the CPU cache can show something of H to code on the same
 * machine; not across a network. The results are checked against node:crypto's own AES-GCM in
 * test/crypto/gcm.test.ts.
 */

const BLOCK = 16;

/** Multiplies (z0..z3) by x in GCM's bit order (bit 0 = x^0 = MSB of the first byte), reducing by x^128 + x^7 + x^2 + x + 1. */
function mulX(z: Uint32Array): void {
  const carry = z[3]! & 1;
  z[3] = (z[3]! >>> 1) | (z[2]! << 31);
  z[2] = (z[2]! >>> 1) | (z[1]! << 31);
  z[1] = (z[1]! >>> 1) | (z[0]! << 31);
  z[0] = (z[0]! >>> 1) ^ (carry ? 0xe1000000 : 0);
}

/**
 * REDUCE[b]: what multiplying by x^8 adds to the first word when the last byte shifted out is b
 * (b(x)·x^128 reduced). Derived here from mulX rather than written out.
 */
const REDUCE = (() => {
  const r = new Uint32Array(256);
  const z = new Uint32Array(4);
  for (let b = 0; b < 256; b++) {
    z.fill(0);
    z[3] = b;
    for (let i = 0; i < 8; i++) mulX(z);
    if (z[1] !== 0 || z[2] !== 0 || z[3] !== 0) throw new Error('GHASH reduction table: reduction left the first word');
    r[b] = z[0]!;
  }
  return r;
})();

/** Reads the 32-bit big-endian word at `o`. */
function be32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** GHASH state of one computation: Y (four words) under the tables of one H. */
class Ghash {
  y0 = 0;
  y1 = 0;
  y2 = 0;
  y3 = 0;
  constructor(private readonly table: Uint32Array) {}

  /** Y = (Y xor X)·H for the block X = (x0..x3) (SP 800-38D §6.4). */
  block(x0: number, x1: number, x2: number, x3: number): void {
    const t = this.table;
    const a0 = this.y0 ^ x0;
    const a1 = this.y1 ^ x1;
    const a2 = this.y2 ^ x2;
    const a3 = this.y3 ^ x3;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    // Horner over the 16 bytes from the last: Z = Z·x^8 + byte(x)·H.
    for (let wi = 3; wi >= 0; wi--) {
      let word = wi === 3 ? a3 : wi === 2 ? a2 : wi === 1 ? a1 : a0;
      for (let k = 0; k < 4; k++) {
        const r = z3 & 0xff;
        z3 = (z3 >>> 8) | (z2 << 24);
        z2 = (z2 >>> 8) | (z1 << 24);
        z1 = (z1 >>> 8) | (z0 << 24);
        z0 = (z0 >>> 8) ^ REDUCE[r]!;
        const e = (word & 0xff) << 2;
        z0 ^= t[e]!;
        z1 ^= t[e + 1]!;
        z2 ^= t[e + 2]!;
        z3 ^= t[e + 3]!;
        word >>>= 8;
      }
    }
    this.y0 = z0 >>> 0;
    this.y1 = z1 >>> 0;
    this.y2 = z2 >>> 0;
    this.y3 = z3 >>> 0;
  }

  /**
   * Absorbs `data` zero-padded to whole blocks. `zeroFrom`: the 16-byte block starting there (a
   * multiple of 16) counts as zeros (an SMB2 signature field, signed as zero).
   */
  absorb(data: Uint8Array, zeroFrom = -1): void {
    const whole = data.length - (data.length % BLOCK);
    for (let o = 0; o < whole; o += BLOCK) {
      if (o === zeroFrom) this.block(0, 0, 0, 0);
      else this.block(be32(data, o), be32(data, o + 4), be32(data, o + 8), be32(data, o + 12));
    }
    if (whole < data.length) {
      const last = new Uint8Array(BLOCK);
      last.set(data.subarray(whole));
      this.block(be32(last, 0), be32(last, 4), be32(last, 8), be32(last, 12));
    }
  }

  /** The final length block: bit lengths of A and C, 64 bits each (SP 800-38D §7.1 step 5). */
  lengths(aadBytes: number, textBytes: number): void {
    const a = aadBytes * 8;
    const c = textBytes * 8;
    this.block(Math.floor(a / 0x100000000) >>> 0, a >>> 0, Math.floor(c / 0x100000000) >>> 0, c >>> 0);
  }

  /** S xor `mask` (E_K(J0)) into a new 16-byte tag. */
  tag(mask: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(BLOCK);
    out.writeUInt32BE((this.y0 ^ be32(mask, 0)) >>> 0, 0);
    out.writeUInt32BE((this.y1 ^ be32(mask, 4)) >>> 0, 4);
    out.writeUInt32BE((this.y2 ^ be32(mask, 8)) >>> 0, 8);
    out.writeUInt32BE((this.y3 ^ be32(mask, 12)) >>> 0, 12);
    return out;
  }
}

/** One AES key for GCM and GMAC with 96-bit nonces: its ECB cipher and GHASH tables, made once. */
export class AesGcmKey {
  private readonly ecb: Cipher;
  /** byte(x)·H for every byte value, four words each. */
  private readonly table = new Uint32Array(256 * 4);

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) throw new NetsendError('usage', 0, 'AEAD_BAD_KEY', `AES-GCM needs a 16- or 32-byte key, got ${key.length}`);
    this.ecb = createCipheriv(key.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null);
    this.ecb.setAutoPadding(false);
    const h = this.aes(Buffer.alloc(BLOCK));
    // H·x^k for k = 0..7, then every byte value as the sum of the powers its bits stand for (MSB = x^0).
    const powers: Uint32Array[] = [];
    const p = new Uint32Array([be32(h, 0), be32(h, 4), be32(h, 8), be32(h, 12)]);
    for (let k = 0; k < 8; k++) {
      powers.push(Uint32Array.from(p));
      mulX(p);
    }
    for (let n = 0; n < 256; n++) {
      for (let k = 0; k < 8; k++) {
        if (!(n & (0x80 >> k))) continue;
        for (let i = 0; i < 4; i++) this.table[n * 4 + i] = this.table[n * 4 + i]! ^ powers[k]![i]!;
      }
    }
  }

  /** AES of whole blocks (ECB: each block alone, so one cipher object serves every message). */
  private aes(blocks: Buffer): Buffer {
    const out = this.ecb.update(blocks);
    if (out.length !== blocks.length) throw new NetsendError('protocol', 0, 'AES_ECB', `AES-ECB gave ${out.length} bytes for ${blocks.length}`);
    return out;
  }

  /** J0 and the counter blocks after it (SP 800-38D §7.1: J0 = IV || 0^31 || 1, then inc32), encrypted. */
  private keystream(nonce12: Uint8Array, blocks: number): Buffer {
    if (nonce12.length !== 12) throw new NetsendError('usage', 0, 'AEAD_BAD_NONCE', `AES-GCM needs a 12-byte nonce, got ${nonce12.length}`);
    const ctr = Buffer.allocUnsafe((blocks + 1) * BLOCK);
    for (let i = 0; i <= blocks; i++) {
      ctr.set(nonce12, i * BLOCK);
      ctr.writeUInt32BE((i + 1) >>> 0, i * BLOCK + 12);
    }
    return this.aes(ctr);
  }

  /**
   * AES-GMAC tag of `aad` (GCM over an empty plaintext). `zeroFrom`: the block at that offset (a
   * multiple of 16) is taken as zeros, so an SMB2 message is signed with its Signature field zero
   * without a copy ([MS-SMB2] §3.1.4.1).
   */
  gmac(nonce12: Uint8Array, aad: Uint8Array, zeroFrom = -1): Buffer {
    const mask = this.keystream(nonce12, 0);
    const g = new Ghash(this.table);
    g.absorb(aad, zeroFrom);
    g.lengths(aad.length, 0);
    return g.tag(mask);
  }

  /** Encrypts `plaintext` and authenticates it with `aad` (SP 800-38D §7.1). */
  seal(nonce12: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { ciphertext: Buffer; tag: Buffer } {
    const n = Math.ceil(plaintext.length / BLOCK);
    const ks = this.keystream(nonce12, n);
    const ciphertext = Buffer.allocUnsafe(plaintext.length);
    for (let i = 0; i < plaintext.length; i++) ciphertext[i] = plaintext[i]! ^ ks[BLOCK + i]!;
    const g = new Ghash(this.table);
    g.absorb(aad);
    g.absorb(ciphertext);
    g.lengths(aad.length, ciphertext.length);
    return { ciphertext, tag: g.tag(ks) };
  }

  /**
   * Checks the tag (constant-time compare) and only then decrypts (SP 800-38D §7.2). A wrong tag is
   * NetsendError 'protocol' AEAD_AUTH_FAILED, as aeadDecrypt has it.
   */
  open(nonce12: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Buffer {
    if (tag.length !== BLOCK) throw new NetsendError('protocol', 0, 'AEAD_AUTH_FAILED', `tag must be ${BLOCK} bytes, got ${tag.length}`);
    const n = Math.ceil(ciphertext.length / BLOCK);
    const ks = this.keystream(nonce12, n);
    const g = new Ghash(this.table);
    g.absorb(aad);
    g.absorb(ciphertext);
    g.lengths(aad.length, ciphertext.length);
    if (!timingSafeEqual(g.tag(ks), tag)) throw new NetsendError('protocol', 0, 'AEAD_AUTH_FAILED', 'AES-GCM authentication tag did not verify');
    const plain = Buffer.allocUnsafe(ciphertext.length);
    for (let i = 0; i < ciphertext.length; i++) plain[i] = ciphertext[i]! ^ ks[BLOCK + i]!;
    return plain;
  }
}
