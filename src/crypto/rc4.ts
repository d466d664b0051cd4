import { NetsendError } from '../status/error.js';

/**
 * RC4 stream cipher (the algorithm RFC 6229 gives vectors for). node:crypto only offers it with the
 * OpenSSL legacy provider; NTLM needs it for KEY_EXCH and for sealing ([MS-NLMP] §3.4.3, §3.4.4.2).
 *
 * The object is stateful: NTLMSSP sealing keeps one keystream running across messages
 * ([MS-NLMP] §3.4.3: the handle is initialised once per direction).
 */
export class Rc4 {
  private readonly s = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    if (key.length < 1 || key.length > 256) {
      throw new NetsendError('usage', 0, 'RC4_BAD_KEY', `RC4 key must be 1..256 bytes, got ${key.length}`);
    }
    const s = this.s;
    for (let k = 0; k < 256; k++) s[k] = k;
    let j = 0;
    for (let k = 0; k < 256; k++) {
      j = (j + s[k]! + key[k % key.length]!) & 0xff;
      const t = s[k]!;
      s[k] = s[j]!;
      s[j] = t;
    }
  }

  /** XORs the next keystream bytes into a copy of `data` (encrypt and decrypt are the same). */
  update(data: Uint8Array): Buffer {
    const out = Buffer.alloc(data.length);
    const s = this.s;
    let i = this.i;
    let j = this.j;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      j = (j + s[i]!) & 0xff;
      const t = s[i]!;
      s[i] = s[j]!;
      s[j] = t;
      out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
    }
    this.i = i;
    this.j = j;
    return out;
  }
}

/** One-shot RC4 with a fresh key schedule ([MS-NLMP] §6 "RC4K"). */
export function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  return new Rc4(key).update(data);
}
