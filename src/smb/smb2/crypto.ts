/**
 * SMB2/3 message signing ([MS-SMB2] §3.1.4.1, §3.1.5.1), encryption ([MS-SMB2] §3.1.4.3, §3.2.5.1.1.1)
 * and the 3.1.1 pre-authentication integrity hash ([MS-SMB2] §3.2.5.2, §3.2.5.3.1).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { aeadDecrypt, aeadEncrypt, aesCmac, aesGmac, hmacSha256, smb3Keys, type AeadAlgorithm, type Smb3Keys } from '../../crypto/index.js';
import type { AesCmacKey } from '../../crypto/cmac.js';
import type { AesGcmKey } from '../../crypto/gcm.js';
import { MalformedError, NetsendError } from '../../status/error.js';
import { NT } from '../../status/ntstatus.js';
import { invalidSignatureError } from '../errors.js';
import { Cipher, SMB2_HEADER_SIZE, SigningAlgorithm, Smb2Command, Smb2Flags, TRANSFORM_FLAG_ENCRYPTED, TRANSFORM_HEADER_SIZE, type CipherId, type SigningAlgorithmId } from './constants.js';
import { dialectTraits } from './dialects.js';
import { HDR_FLAGS_OFFSET, HDR_MESSAGE_ID_OFFSET, HDR_SIGNATURE_OFFSET, decodeTransformHeader, encodeTransformHeader } from './header.js';

/** STATUS_INVALID_SIGNATURE ([MS-ERREF] 0xC000A000): raised locally, so on the 'protocol' layer. */
export const STATUS_INVALID_SIGNATURE: number = NT.STATUS_INVALID_SIGNATURE;

export function invalidSignature(detail: string): NetsendError {
  return invalidSignatureError(`SMB2 signature check failed: ${detail}`);
}

/**
 * AES-GMAC nonce ([MS-SMB2] §3.1.4.1): MessageId (8 bytes LE), then a 32-bit field whose bit 0 is set
 * when the sender is the server and bit 1 when the message is a CANCEL request.
 */
export function gmacNonce(msg: Buffer): Buffer {
  const n = Buffer.alloc(12);
  msg.copy(n, 0, HDR_MESSAGE_ID_OFFSET, HDR_MESSAGE_ID_OFFSET + 8);
  const flags = msg.readUInt32LE(HDR_FLAGS_OFFSET);
  const command = msg.readUInt16LE(12);
  let bits = flags & Smb2Flags.SERVER_TO_REDIR ? 1 : 0;
  if (command === Smb2Command.CANCEL && !(flags & Smb2Flags.SERVER_TO_REDIR)) bits |= 2;
  n.writeUInt32LE(bits, 8);
  return n;
}

/**
 * The 16-byte signature of `msg` (its signature field is treated as zero). Computed over `msg`
 * itself with the field zeroed for the duration and put back, not over a copy: this runs twice on
 * every signed call (bench/warm.mjs), and the hash functions never keep the buffer.
 */
export function computeSignature(alg: SigningAlgorithmId, key: Buffer, msg: Buffer): Buffer {
  if (msg.length < SMB2_HEADER_SIZE) throw new MalformedError('SMB2 message', 'shorter than a header');
  const saved = Buffer.from(msg.subarray(HDR_SIGNATURE_OFFSET, HDR_SIGNATURE_OFFSET + 16));
  msg.fill(0, HDR_SIGNATURE_OFFSET, HDR_SIGNATURE_OFFSET + 16);
  try {
    return signatureOver(alg, key, msg);
  } finally {
    saved.copy(msg, HDR_SIGNATURE_OFFSET);
  }
}

function signatureOver(alg: SigningAlgorithmId, key: Buffer, m: Buffer): Buffer {
  switch (alg) {
    case SigningAlgorithm.HMAC_SHA256:
      return hmacSha256(key, m).subarray(0, 16);
    case SigningAlgorithm.AES_CMAC:
      return aesCmac(key, m);
    case SigningAlgorithm.AES_GMAC:
      return aesGmac(key, gmacNonce(m), m);
    default:
      throw new NetsendError('usage', 0, 'SMB2_BAD_SIGNING_ALGORITHM', `unknown signing algorithm ${String(alg)}`);
  }
}

/** Sets SMB2_FLAGS_SIGNED and writes the signature in place. */
export function signMessage(alg: SigningAlgorithmId, key: Buffer, msg: Buffer): void {
  msg.writeUInt32LE((msg.readUInt32LE(HDR_FLAGS_OFFSET) | Smb2Flags.SIGNED) >>> 0, HDR_FLAGS_OFFSET);
  computeSignature(alg, key, msg).copy(msg, HDR_SIGNATURE_OFFSET);
}

/** Throws STATUS_INVALID_SIGNATURE unless `msg` carries the right signature (constant-time compare). */
export function verifyMessage(alg: SigningAlgorithmId, key: Buffer, msg: Buffer): void {
  if (msg.length < SMB2_HEADER_SIZE) throw new MalformedError('SMB2 message', 'shorter than a header');
  const got = msg.subarray(HDR_SIGNATURE_OFFSET, HDR_SIGNATURE_OFFSET + 16);
  const want = computeSignature(alg, key, msg);
  if (!timingSafeEqual(got, want)) throw invalidSignature(`bad signature on command ${msg.readUInt16LE(12)}`);
}

/**
 * A signing key kept for a session's life ([MS-SMB2] §3.1.4.1): it computes the signature of a
 * message with the Signature field taken as zero, without a cipher built per message and without
 * zeroing the field (crypto/gcm.ts, crypto/cmac.ts). signMessageKept/verifyMessageKept give what
 * signMessage/verifyMessage give for the same algorithm.
 */
export interface KeptSigner {
  signature(msg: Buffer): Buffer;
}

/** AES-GMAC (3.1.1) with a kept key: the nonce comes from the message (gmacNonce). */
export function gmacSigner(key: AesGcmKey): KeptSigner {
  return { signature: (m) => key.gmac(gmacNonce(m), m, HDR_SIGNATURE_OFFSET) };
}

/** AES-128-CMAC (3.0, 3.0.2, and 3.1.1 without GMAC) with a kept key. */
export function cmacSigner(key: AesCmacKey): KeptSigner {
  return { signature: (m) => key.mac(m, HDR_SIGNATURE_OFFSET) };
}

export function signMessageKept(signer: KeptSigner, msg: Buffer): void {
  if (msg.length < SMB2_HEADER_SIZE) throw new MalformedError('SMB2 message', 'shorter than a header');
  msg.writeUInt32LE((msg.readUInt32LE(HDR_FLAGS_OFFSET) | Smb2Flags.SIGNED) >>> 0, HDR_FLAGS_OFFSET);
  signer.signature(msg).copy(msg, HDR_SIGNATURE_OFFSET);
}

export function verifyMessageKept(signer: KeptSigner, msg: Buffer): void {
  if (msg.length < SMB2_HEADER_SIZE) throw new MalformedError('SMB2 message', 'shorter than a header');
  const want = signer.signature(msg);
  if (!timingSafeEqual(msg.subarray(HDR_SIGNATURE_OFFSET, HDR_SIGNATURE_OFFSET + 16), want)) throw invalidSignature(`bad signature on command ${msg.readUInt16LE(12)}`);
}

/** SHA-512 chaining of the pre-auth integrity hash: H' = SHA-512(H || message) ([MS-SMB2] §3.2.5.2). */
export function preauthUpdate(hash: Buffer, message: Buffer): Buffer {
  return createHash('sha512').update(hash).update(message).digest();
}
export const PREAUTH_INITIAL = Buffer.alloc(64);

export function aeadAlgorithm(cipher: CipherId): AeadAlgorithm {
  switch (cipher) {
    case Cipher.AES_128_CCM:
      return 'aes-128-ccm';
    case Cipher.AES_128_GCM:
      return 'aes-128-gcm';
    case Cipher.AES_256_CCM:
      return 'aes-256-ccm';
    case Cipher.AES_256_GCM:
      return 'aes-256-gcm';
  }
}

function nonceLength(cipher: CipherId): number {
  return cipher === Cipher.AES_128_CCM || cipher === Cipher.AES_256_CCM ? 11 : 12;
}

/**
 * Builds nonces that are never reused under one key: a random prefix fixed per generator, then a
 * 64-bit counter ([MS-SMB2] §3.1.4.3 only requires uniqueness per key).
 */
export class NonceSequence {
  private counter = 0n;
  private readonly prefix: Buffer;
  constructor(cipher: CipherId) {
    this.prefix = randomBytes(nonceLength(cipher) - 8);
  }
  next(): Buffer {
    const n = Buffer.alloc(16);
    this.prefix.copy(n, 0);
    n.writeBigUInt64LE(this.counter, this.prefix.length);
    this.counter += 1n;
    if (this.counter >= 0xffffffffffffffffn) throw new NetsendError('protocol', 0, 'SMB2_NONCE_EXHAUSTED', 'encryption nonce space exhausted');
    return n;
  }
}

/** Wraps `plain` in a TRANSFORM header ([MS-SMB2] §3.1.4.3). AAD = transform header bytes 20..52. */
export function encryptMessage(cipher: CipherId, key: Buffer, nonce16: Buffer, sessionId: bigint, plain: Buffer, gcm?: AesGcmKey): Buffer {
  const hdr = encodeTransformHeader({ signature: Buffer.alloc(16), nonce: nonce16, originalMessageSize: plain.length, flags: TRANSFORM_FLAG_ENCRYPTED, sessionId });
  const aad = hdr.subarray(20, TRANSFORM_HEADER_SIZE);
  const nonce = nonce16.subarray(0, nonceLength(cipher));
  // A GCM cipher with the session's kept key (crypto/gcm.ts) needs no cipher object per message.
  const { ciphertext, tag } = gcm && isGcm(cipher) ? gcm.seal(nonce, plain, aad) : aeadEncrypt(aeadAlgorithm(cipher), key, nonce, plain, aad);
  tag.copy(hdr, 4);
  return Buffer.concat([hdr, ciphertext]);
}

/** Unwraps a TRANSFORM message; a bad tag throws NetsendError 'protocol' SMB2_DECRYPTION_FAILED. */
/** AES-GCM (either key size): the ciphers crypto/gcm.ts can do with a kept key. */
export function isGcm(cipher: CipherId): boolean {
  return cipher === Cipher.AES_128_GCM || cipher === Cipher.AES_256_GCM;
}

export function decryptMessage(cipher: CipherId, key: Buffer, msg: Buffer, gcm?: AesGcmKey): { sessionId: bigint; plain: Buffer } {
  const t = decodeTransformHeader(msg);
  const body = msg.subarray(TRANSFORM_HEADER_SIZE);
  if (t.originalMessageSize !== body.length) {
    throw new MalformedError('SMB2 TRANSFORM header', `OriginalMessageSize ${t.originalMessageSize} but ${body.length} encrypted bytes`);
  }
  if (t.flags !== TRANSFORM_FLAG_ENCRYPTED) throw new MalformedError('SMB2 TRANSFORM header', `Flags 0x${t.flags.toString(16)}`);
  const nl = nonceLength(cipher);
  if (!t.nonce.subarray(nl).equals(Buffer.alloc(16 - nl))) throw new MalformedError('SMB2 TRANSFORM header', 'nonce padding is not zero');
  try {
    const nonce = t.nonce.subarray(0, nl);
    const aad = msg.subarray(20, TRANSFORM_HEADER_SIZE);
    const plain = gcm && isGcm(cipher) ? gcm.open(nonce, body, t.signature, aad) : aeadDecrypt(aeadAlgorithm(cipher), key, nonce, body, t.signature, aad);
    return { sessionId: t.sessionId, plain };
  } catch (e) {
    throw new NetsendError('protocol', 0, 'SMB2_DECRYPTION_FAILED', 'SMB2 encrypted message did not authenticate', { cause: e });
  }
}

/** SMB 3.x session keys ([MS-SMB2] §3.2.5.3.1, KDF §3.1.4.2); labels in src/crypto/kdf.ts. */
export function deriveSmb3Keys(sessionKey: Buffer, dialect: 0x0300 | 0x0302 | 0x0311, preauthHash: Buffer | undefined, cipherKeyBits: 128 | 256): Smb3Keys {
  const preauth = dialectTraits(dialect).preauthIntegrity;
  return smb3Keys(sessionKey, dialect, preauth ? preauthHash : undefined, preauth ? cipherKeyBits : 128);
}
