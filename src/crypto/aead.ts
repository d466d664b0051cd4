import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { NetsendError } from '../status/error.js';

/**
 * AES-CCM / AES-GCM wrappers for SMB 3.x encryption ([MS-SMB2] §3.1.4.3) and AES-GMAC for SMB 3.1.1
 * signing ([MS-SMB2] §3.1.4.1). Nonces: CCM 11 bytes, GCM 12 bytes; tags are always 16 bytes.
 */

export type AeadAlgorithm = 'aes-128-ccm' | 'aes-256-ccm' | 'aes-128-gcm' | 'aes-256-gcm';

const TAG_LEN = 16;

function checkParams(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array): void {
  const keyLen = alg.startsWith('aes-128') ? 16 : 32;
  const nonceLen = alg.endsWith('ccm') ? 11 : 12;
  if (key.length !== keyLen) throw new NetsendError('usage', 0, 'AEAD_BAD_KEY', `${alg} needs a ${keyLen}-byte key, got ${key.length}`);
  if (nonce.length !== nonceLen) {
    throw new NetsendError('usage', 0, 'AEAD_BAD_NONCE', `${alg} needs a ${nonceLen}-byte nonce, got ${nonce.length}`);
  }
}

/** Encrypts `plaintext`, authenticating `aad` too. Returns the ciphertext and 16-byte tag separately. */
export function aeadEncrypt(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Buffer; tag: Buffer } {
  checkParams(alg, key, nonce);
  if (alg.endsWith('ccm')) {
    const c = createCipheriv(alg as 'aes-128-ccm', key, nonce, { authTagLength: TAG_LEN });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
    return { ciphertext, tag: c.getAuthTag() };
  }
  const c = createCipheriv(alg as 'aes-128-gcm', key, nonce, { authTagLength: TAG_LEN });
  c.setAAD(aad);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
  return { ciphertext, tag: c.getAuthTag() };
}

/**
 * Decrypts and verifies. A wrong tag (tampering, wrong key) throws NetsendError layer 'protocol',
 * name 'AEAD_AUTH_FAILED' so callers can map it to their own status.
 */
export function aeadDecrypt(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Buffer {
  checkParams(alg, key, nonce);
  if (tag.length !== TAG_LEN) throw new NetsendError('protocol', 0, 'AEAD_AUTH_FAILED', `tag must be ${TAG_LEN} bytes, got ${tag.length}`);
  try {
    if (alg.endsWith('ccm')) {
      const d = createDecipheriv(alg as 'aes-128-ccm', key, nonce, { authTagLength: TAG_LEN });
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: ciphertext.length });
      // CCM verifies inside update(); final() is still required by the API.
      const out = d.update(ciphertext);
      d.final();
      return out;
    }
    const d = createDecipheriv(alg as 'aes-128-gcm', key, nonce, { authTagLength: TAG_LEN });
    d.setAuthTag(tag);
    d.setAAD(aad);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  } catch (e) {
    throw new NetsendError('protocol', 0, 'AEAD_AUTH_FAILED', `${alg} authentication tag did not verify`, { cause: e });
  }
}

/** AES-GMAC: GCM over an empty plaintext with `aad` as the message (SMB 3.1.1 AES-GMAC signing). */
export function aesGmac(key: Uint8Array, nonce12: Uint8Array, aad: Uint8Array): Buffer {
  const alg: AeadAlgorithm = key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
  return aeadEncrypt(alg, key, nonce12, Buffer.alloc(0), aad).tag;
}

/** HMAC-MD5 over the concatenation of `parts` ([MS-NLMP] §6 HMAC_MD5). */
export function hmacMd5(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('md5', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** HMAC-SHA256 over the concatenation of `parts` (SMB 2.x signing, SP800-108 PRF). */
export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
}
