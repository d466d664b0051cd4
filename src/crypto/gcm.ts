import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { NetsendError } from '../status/error.js';

/**
 * AES-GCM and AES-GMAC (NIST SP 800-38D) under one key kept for a session's life. SMB 3.1.1 signs
 * (AES-GMAC, [MS-SMB2] §3.1.4.1) and encrypts (AES-GCM, §3.1.4.3) every message of a session under
 * one key with a new nonce. node:crypto takes a new nonce only with a new cipher object; what made
 * that expensive per message was expanding a raw key each time, so the key is imported once as a
 * KeyObject and every message's cipher is built from it. The arithmetic stays OpenSSL's (AES-NI and
 * carry-less multiply where the CPU has them, constant-time): a GHASH of our own measured no faster
 * (bench: ~3 µs per 300-byte GMAC either way) and table-driven GHASH leaks through cache timing.
 */

const TAG = 16;
const ZERO_BLOCK = Buffer.alloc(16);

export class AesGcmKey {
  readonly #key: KeyObject;
  readonly #alg: 'aes-128-gcm' | 'aes-256-gcm';

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) throw new NetsendError('usage', 0, 'AEAD_BAD_KEY', `AES-GCM needs a 16- or 32-byte key, got ${key.length}`);
    this.#key = createSecretKey(key);
    this.#alg = key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
  }

  static #checkNonce(nonce12: Uint8Array): void {
    if (nonce12.length !== 12) throw new NetsendError('usage', 0, 'AEAD_BAD_NONCE', `AES-GCM needs a 12-byte nonce, got ${nonce12.length}`);
  }

  /**
   * AES-GMAC tag of `aad` (GCM over an empty plaintext). `zeroFrom`: the 16 bytes at that offset are
   * taken as zeros, so an SMB2 message is signed with its Signature field zero without a copy
   * ([MS-SMB2] §3.1.4.1); GCM takes its AAD in pieces.
   */
  gmac(nonce12: Uint8Array, aad: Uint8Array, zeroFrom = -1): Buffer {
    AesGcmKey.#checkNonce(nonce12);
    const c = createCipheriv(this.#alg, this.#key, nonce12, { authTagLength: TAG });
    if (zeroFrom < 0) c.setAAD(aad);
    else {
      if (zeroFrom + 16 > aad.length) throw new NetsendError('usage', 0, 'AEAD_BAD_OFFSET', `zeroed block at ${zeroFrom} is past the ${aad.length}-byte message`);
      c.setAAD(aad.subarray(0, zeroFrom));
      c.setAAD(ZERO_BLOCK);
      c.setAAD(aad.subarray(zeroFrom + 16));
    }
    c.final();
    return c.getAuthTag();
  }

  /** Encrypts `plaintext` and authenticates it with `aad` (SP 800-38D §7.1). */
  seal(nonce12: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { ciphertext: Buffer; tag: Buffer } {
    AesGcmKey.#checkNonce(nonce12);
    const c = createCipheriv(this.#alg, this.#key, nonce12, { authTagLength: TAG });
    c.setAAD(aad);
    const ciphertext = c.update(plaintext);
    c.final();
    return { ciphertext, tag: c.getAuthTag() };
  }

  /**
   * Decrypts and checks the tag (SP 800-38D §7.2); nothing is returned unless the tag verified. A
   * wrong tag is NetsendError 'protocol' AEAD_AUTH_FAILED, as aeadDecrypt has it.
   */
  open(nonce12: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Buffer {
    AesGcmKey.#checkNonce(nonce12);
    if (tag.length !== TAG) throw new NetsendError('protocol', 0, 'AEAD_AUTH_FAILED', `tag must be ${TAG} bytes, got ${tag.length}`);
    const d = createDecipheriv(this.#alg, this.#key, nonce12, { authTagLength: TAG });
    d.setAuthTag(tag);
    d.setAAD(aad);
    const plain = d.update(ciphertext);
    try {
      d.final();
    } catch (e) {
      throw new NetsendError('protocol', 0, 'AEAD_AUTH_FAILED', `${this.#alg} authentication tag did not verify`, { cause: e });
    }
    return plain;
  }
}
