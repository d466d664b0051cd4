import { NetsendError } from '../status/error.js';
import { hmacSha256 } from './aead.js';

/**
 * NIST SP800-108 KDF in counter mode with HMAC-SHA256 as the PRF, the form [MS-SMB2] §3.1.4.2 uses:
 *   K(i) = HMAC-SHA256(Ki, [i]_32be || Label || 0x00 || Context || [L]_32be), r = 32,
 * output = first L bits of K(1) || K(2) ... (SMB only ever needs L = 128 or 256, i.e. one block).
 * `label` and `context` are passed exactly as bytes (SMB's strings include their trailing NUL).
 */
export function sp800108CounterHmacSha256(ki: Uint8Array, label: Uint8Array, context: Uint8Array, lBits: number): Buffer {
  if (!Number.isInteger(lBits) || lBits <= 0 || lBits % 8 !== 0 || lBits > 32 * 8 * 255) {
    throw new NetsendError('usage', 0, 'KDF_BAD_LENGTH', `KDF output length must be a positive multiple of 8 bits, got ${lBits}`);
  }
  const outLen = lBits / 8;
  const lField = Buffer.alloc(4);
  lField.writeUInt32BE(lBits, 0);
  const blocks: Buffer[] = [];
  for (let i = 1, have = 0; have < outLen; i++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(i, 0);
    const k = hmacSha256(ki, counter, label, Buffer.from([0]), context, lField);
    blocks.push(k);
    have += k.length;
  }
  return Buffer.concat(blocks).subarray(0, outLen);
}

/** SMB dialect revisions that derive keys with the KDF ([MS-SMB2] §2.2.3), as numbers or strings. */
export type Smb3Dialect = 0x0300 | 0x0302 | 0x0311 | '3.0' | '3.0.2' | '3.1.1';

const DIALECT_NUMBERS: Record<string, number> = { '3.0': 0x0300, '3.0.2': 0x0302, '3.1.1': 0x0311 };

/** The SMB 3.x session keys ([MS-SMB2] §3.2.5.3.1), derived with SP800-108 KDF in counter mode. */
export interface Smb3Keys {
  signingKey: Buffer;
  /** Client -> server encryption key (the server's DecryptionKey). */
  encryptionKey: Buffer;
  /** Server -> client: the key the client decrypts with. */
  decryptionKey: Buffer;
  applicationKey: Buffer;
}

/**
 * Label/context pairs ([MS-SMB2] §3.2.5.3.1 / §3.3.5.5.3). All strings include their terminating NUL.
 *
 * | key            | 3.0 / 3.0.2 label, context        | 3.1.1 label, context                  |
 * |----------------|-----------------------------------|---------------------------------------|
 * | Signing        | "SMB2AESCMAC\0", "SmbSign\0"      | "SMBSigningKey\0", PreauthIntegrityHash |
 * | Application    | "SMB2APP\0", "SmbRpc\0"           | "SMBAppKey\0", PreauthIntegrityHash     |
 * | Enc (C->S)     | "SMB2AESCCM\0", "ServerIn \0"     | "SMBC2SCipherKey\0", Preauth hash       |
 * | Dec (S->C)     | "SMB2AESCCM\0", "ServerOut\0"     | "SMBS2CCipherKey\0", Preauth hash       |
 *
 * Note the space in "ServerIn \0". Signing and application keys are always 128 bits; the cipher keys
 * are 256 bits when AES-256-CCM/GCM was negotiated (3.1.1 only), else 128.
 */
export const SMB3_KDF_PARAMS = {
  '3.0': {
    signing: { label: 'SMB2AESCMAC\0', context: 'SmbSign\0' },
    application: { label: 'SMB2APP\0', context: 'SmbRpc\0' },
    encryption: { label: 'SMB2AESCCM\0', context: 'ServerIn \0' },
    decryption: { label: 'SMB2AESCCM\0', context: 'ServerOut\0' },
  },
  '3.1.1': {
    signing: { label: 'SMBSigningKey\0' },
    application: { label: 'SMBAppKey\0' },
    encryption: { label: 'SMBC2SCipherKey\0' },
    decryption: { label: 'SMBS2CCipherKey\0' },
  },
} as const;

/**
 * Derives the SMB 3.x session keys from the session key (for NTLM, the 16-byte ExportedSessionKey).
 * `preauthHash` (64 bytes, SHA-512) is required for 3.1.1 and ignored otherwise.
 */
export function smb3Keys(sessionKey: Uint8Array, dialectIn: Smb3Dialect, preauthHash?: Uint8Array, cipherKeyBits: 128 | 256 = 128): Smb3Keys {
  const dialect = typeof dialectIn === 'string' ? (DIALECT_NUMBERS[dialectIn] ?? -1) : dialectIn;
  if (cipherKeyBits !== 128 && cipherKeyBits !== 256) {
    throw new NetsendError('usage', 0, 'KDF_BAD_LENGTH', `cipher key bits must be 128 or 256, got ${String(cipherKeyBits)}`);
  }
  const a = (s: string): Buffer => Buffer.from(s, 'latin1');
  if (dialect === 0x0311) {
    if (!preauthHash || preauthHash.length !== 64) {
      throw new NetsendError('usage', 0, 'KDF_NEED_PREAUTH', 'SMB 3.1.1 key derivation needs the 64-byte preauth integrity hash');
    }
    const p = SMB3_KDF_PARAMS['3.1.1'];
    return {
      signingKey: sp800108CounterHmacSha256(sessionKey, a(p.signing.label), preauthHash, 128),
      applicationKey: sp800108CounterHmacSha256(sessionKey, a(p.application.label), preauthHash, 128),
      encryptionKey: sp800108CounterHmacSha256(sessionKey, a(p.encryption.label), preauthHash, cipherKeyBits),
      decryptionKey: sp800108CounterHmacSha256(sessionKey, a(p.decryption.label), preauthHash, cipherKeyBits),
    };
  }
  if (dialect !== 0x0300 && dialect !== 0x0302) {
    throw new NetsendError('usage', 0, 'KDF_BAD_DIALECT', `dialect ${String(dialectIn)} does not use the SMB 3 KDF`);
  }
  if (cipherKeyBits !== 128) throw new NetsendError('usage', 0, 'KDF_BAD_LENGTH', 'SMB 3.0/3.0.2 only use 128-bit keys');
  const p = SMB3_KDF_PARAMS['3.0'];
  return {
    signingKey: sp800108CounterHmacSha256(sessionKey, a(p.signing.label), a(p.signing.context), 128),
    applicationKey: sp800108CounterHmacSha256(sessionKey, a(p.application.label), a(p.application.context), 128),
    encryptionKey: sp800108CounterHmacSha256(sessionKey, a(p.encryption.label), a(p.encryption.context), 128),
    decryptionKey: sp800108CounterHmacSha256(sessionKey, a(p.decryption.label), a(p.decryption.context), 128),
  };
}
