import { timingSafeEqual } from 'node:crypto';
import { hmacMd5 } from '../crypto/aead.js';
import { Rc4 } from '../crypto/rc4.js';
import { NetsendError } from '../status/error.js';
import { NtlmFlags } from './ntlm-messages.js';
import { sealKey, signKey } from './ntlm-crypto.js';

/**
 * NTLMSSP session security with extended session security ([MS-NLMP] §3.4): signatures are
 * NTLMSSP_MESSAGE_SIGNATURE (§2.2.2.9.2) = Version 1 || Checksum(8) || SeqNum(4), where
 * Checksum = HMAC_MD5(SignKey, SeqNum || Message)[0..7], RC4-encrypted with the sealing handle when
 * KEY_EXCH was negotiated. Sealing RC4-encrypts the message with the same running handle, before
 * the checksum is encrypted (§3.4.3). Each direction has its own keys, handle and sequence counter.
 */
export class NtlmSecurityContext {
  readonly flags: number;
  private readonly sendSignKey: Buffer;
  private readonly recvSignKey: Buffer;
  private readonly sendHandle: Rc4;
  private readonly recvHandle: Rc4;
  private sendSeq = 0;
  private recvSeq = 0;

  /** `mode` says which end we are ('client' sends with the client-to-server keys). */
  constructor(exportedSessionKey: Buffer, flags: number, mode: 'client' | 'server' = 'client') {
    if (!(flags & NtlmFlags.EXTENDED_SESSIONSECURITY)) {
      throw new NetsendError('ntlm', 0, 'NTLM_NO_ESS', 'NTLM signing/sealing needs NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY, which the server did not grant');
    }
    if (exportedSessionKey.length !== 16) throw new NetsendError('usage', 0, 'NTLM_BAD_KEY', 'session key must be 16 bytes');
    const peer = mode === 'client' ? 'server' : 'client';
    this.flags = flags;
    this.sendSignKey = signKey(exportedSessionKey, mode);
    this.recvSignKey = signKey(exportedSessionKey, peer);
    this.sendHandle = new Rc4(sealKey(flags, exportedSessionKey, mode));
    this.recvHandle = new Rc4(sealKey(flags, exportedSessionKey, peer));
  }

  /**
   * Moves the sequence counters on without touching the RC4 handles: after SPNEGO's mechListMIC the
   * handles restart but the numbers used by the MICs stay used ([MS-SPNG] §3.3.5.1).
   */
  advanceSequence(send: number, recv: number): void {
    this.sendSeq += send;
    this.recvSeq += recv;
  }

  private mac(key: Buffer, handle: Rc4, seq: number, message: Buffer): Buffer {
    const seqBuf = Buffer.alloc(4);
    seqBuf.writeUInt32LE(seq >>> 0, 0);
    let checksum = hmacMd5(key, seqBuf, message).subarray(0, 8);
    if (this.flags & NtlmFlags.KEY_EXCH) checksum = handle.update(checksum);
    const sig = Buffer.alloc(16);
    sig.writeUInt32LE(1, 0);
    checksum.copy(sig, 4);
    seqBuf.copy(sig, 12);
    return sig;
  }

  /** GSS_GetMICEx: signature over `message` with the next (or given) outgoing sequence number. */
  sign(message: Buffer, seq?: number): Buffer {
    const s = seq ?? this.sendSeq;
    this.sendSeq = s + 1;
    return this.mac(this.sendSignKey, this.sendHandle, s, message);
  }

  /** GSS_VerifyMICEx: throws NetsendError layer 'ntlm' when the signature does not match. */
  verify(message: Buffer, signature: Buffer, seq?: number): void {
    const s = seq ?? this.recvSeq;
    this.recvSeq = s + 1;
    const want = this.mac(this.recvSignKey, this.recvHandle, s, message);
    if (signature.length !== 16 || !timingSafeEqual(want, signature)) {
      throw new NetsendError('ntlm', 0, 'NTLM_BAD_SIGNATURE', 'NTLMSSP message signature did not verify');
    }
  }

  /**
   * GSS_WrapEx: encrypts `plaintext` and signs `signed` (defaults to the plaintext). DCE/RPC passes the
   * stub as `plaintext` and the whole PDU with the plaintext stub in place as `signed` ([MS-RPCE] §3.3.1.5.2).
   */
  seal(plaintext: Buffer, signed?: (sealed: Buffer) => Buffer, seq?: number): { sealed: Buffer; signature: Buffer } {
    const s = seq ?? this.sendSeq;
    this.sendSeq = s + 1;
    const sealed = this.sendHandle.update(plaintext);
    const signature = this.mac(this.sendSignKey, this.sendHandle, s, signed ? signed(plaintext) : plaintext);
    return { sealed, signature };
  }

  /** GSS_UnwrapEx: decrypts, then verifies the signature over `signed(plain)` (defaults to the plaintext). */
  unseal(sealed: Buffer, signature: Buffer, signed?: (plain: Buffer) => Buffer, seq?: number): Buffer {
    const s = seq ?? this.recvSeq;
    this.recvSeq = s + 1;
    const plain = this.recvHandle.update(sealed);
    const want = this.mac(this.recvSignKey, this.recvHandle, s, signed ? signed(plain) : plain);
    if (signature.length !== 16 || !timingSafeEqual(want, signature)) {
      throw new NetsendError('ntlm', 0, 'NTLM_BAD_SIGNATURE', 'NTLMSSP sealed message signature did not verify');
    }
    return plain;
  }
}
