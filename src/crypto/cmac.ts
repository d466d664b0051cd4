import { createCipheriv, type Cipher } from 'node:crypto';
import { NetsendError } from '../status/error.js';

/**
 * AES-128-CMAC, RFC 4493 (SMB 3.0/3.0.2 signing, [MS-SMB2] §3.1.4.1). Built on AES-128-ECB from
 * node:crypto, which has no CMAC API.
 */

const RB = 0x87;

function aesBlock(key: Uint8Array, block: Uint8Array): Buffer {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** Left shift of a 128-bit string by one bit, XOR Rb when the MSB was set (RFC 4493 §2.3). */
function dbl(b: Buffer): Buffer {
  const out = Buffer.alloc(16);
  let carry = 0;
  for (let i = 15; i >= 0; i--) {
    const v = b[i]!;
    out[i] = ((v << 1) | carry) & 0xff;
    carry = v >>> 7;
  }
  if (b[0]! & 0x80) out[15] = out[15]! ^ RB;
  return out;
}

/**
 * K1, K2 (RFC 4493 §2.3) of the last key used: a session signs every message with one key, so this
 * saves an AES block per signature. Kept by value (a copy of the key), so a caller that reuses or
 * overwrites its key buffer can never get the subkeys of an older key.
 */
let lastSubkeys: { key: Buffer; k1: Buffer; k2: Buffer } | null = null;

function subkeys(key: Uint8Array): { k1: Buffer; k2: Buffer } {
  if (lastSubkeys !== null && lastSubkeys.key.equals(key)) return lastSubkeys;
  const k1 = dbl(aesBlock(key, Buffer.alloc(16)));
  lastSubkeys = { key: Buffer.from(key), k1, k2: dbl(k1) };
  return lastSubkeys;
}

/** AES-CMAC (16-byte tag) of `msg` under a 16-byte key (RFC 4493 §2.4). */
export function aesCmac(key: Uint8Array, msg: Uint8Array): Buffer {
  if (key.length !== 16) throw new NetsendError('usage', 0, 'CMAC_BAD_KEY', `AES-128-CMAC key must be 16 bytes, got ${key.length}`);
  const { k1, k2 } = subkeys(key);
  const n = Math.max(1, Math.ceil(msg.length / 16));
  const complete = msg.length > 0 && msg.length % 16 === 0;
  const last = Buffer.alloc(16);
  const tailStart = (n - 1) * 16;
  if (complete) {
    for (let i = 0; i < 16; i++) last[i] = msg[tailStart + i]! ^ k1[i]!;
  } else {
    const rem = msg.length - tailStart;
    for (let i = 0; i < rem; i++) last[i] = msg[tailStart + i]!;
    last[rem] = 0x80;
    for (let i = 0; i < 16; i++) last[i] = last[i]! ^ k2[i]!;
  }
  // CBC-MAC over the first n-1 blocks plus the prepared last block: AES-CBC with a zero IV, keep the last block.
  const c = createCipheriv('aes-128-cbc', key, Buffer.alloc(16));
  c.setAutoPadding(false);
  const body = Buffer.concat([c.update(msg.subarray(0, tailStart)), c.update(last), c.final()]);
  return Buffer.from(body.subarray(body.length - 16));
}

/**
 * AES-128-CMAC under one key kept for many messages (an SMB 3.0/3.0.2 session signs every message
 * with one key, [MS-SMB2] §3.1.4.1): one AES-CBC cipher object made once instead of one per message.
 * CBC carries its chaining value from one update to the next, so each message's first block is
 * XORed with the last output block of the one before: the chain then starts from zero again, as
 * CBC-MAC with a zero IV wants (RFC 4493 §2.4). Results equal aesCmac (test/crypto/cmac.test.ts).
 */
export class AesCmacKey {
  private readonly cbc: Cipher;
  private readonly k1: Buffer;
  private readonly k2: Buffer;
  /** The CBC chaining value the next update starts from: the last block it output. */
  private chain = Buffer.alloc(16);

  constructor(key: Uint8Array) {
    if (key.length !== 16) throw new NetsendError('usage', 0, 'CMAC_BAD_KEY', `AES-128-CMAC key must be 16 bytes, got ${key.length}`);
    this.k1 = dbl(aesBlock(key, Buffer.alloc(16)));
    this.k2 = dbl(this.k1);
    this.cbc = createCipheriv('aes-128-cbc', key, Buffer.alloc(16));
    this.cbc.setAutoPadding(false);
  }

  /**
   * The 16-byte tag of `msg`. `zeroFrom`: the 16 bytes from there (a multiple of 16) count as zeros
   * (an SMB2 Signature field), without touching `msg`.
   */
  mac(msg: Uint8Array, zeroFrom = -1): Buffer {
    const n = Math.max(1, Math.ceil(msg.length / 16));
    const input = Buffer.allocUnsafe(n * 16);
    input.set(msg.subarray(0, Math.min(msg.length, n * 16)));
    if (zeroFrom >= 0 && zeroFrom + 16 <= msg.length) input.fill(0, zeroFrom, zeroFrom + 16);
    const tailStart = (n - 1) * 16;
    const complete = msg.length > 0 && msg.length % 16 === 0;
    // RFC 4493 §2.4 steps 3-4: the last block XOR K1 when whole, padded (10*) XOR K2 when not.
    if (!complete) {
      const rem = msg.length - tailStart;
      input[tailStart + rem] = 0x80;
      input.fill(0, tailStart + rem + 1);
    }
    const sub = complete ? this.k1 : this.k2;
    for (let i = 0; i < 16; i++) input[tailStart + i] = input[tailStart + i]! ^ sub[i]!;
    // Undo the chaining value the cipher carries over from the message before.
    for (let i = 0; i < 16; i++) input[i] = input[i]! ^ this.chain[i]!;
    const out = this.cbc.update(input);
    if (out.length !== input.length) throw new NetsendError('protocol', 0, 'AES_CBC', `AES-CBC gave ${out.length} bytes for ${input.length}`);
    this.chain = Buffer.from(out.subarray(out.length - 16));
    return Buffer.from(this.chain);
  }
}
