/**
 * The keys of one SMB 2/3 session and what they protect: key derivation and the checks on the final
 * SESSION_SETUP response ([MS-SMB2] §3.2.5.3.1), signing and verification ([MS-SMB2] §3.1.4.1,
 * §3.2.5.1.3), encryption and decryption ([MS-SMB2] §3.1.4.3, §3.2.5.1.1.1).
 * Nothing outside this class changes its state; the connection asks it to protect and open messages.
 */
import { NetsendError } from '../../status/error.js';
import { hideSecrets } from '../../util/secret.js';
import { guestLogonBlocked } from '../session-policy.js';
import { Cipher, SessionFlags, SigningAlgorithm, Smb2Flags, dialectName, type CipherId, type DialectRevision, type SigningAlgorithmId } from './constants.js';
import { AesCmacKey } from '../../crypto/cmac.js';
import { AesGcmKey } from '../../crypto/gcm.js';
import {
  NonceSequence,
  cmacSigner,
  decryptMessage,
  deriveSmb3Keys,
  encryptMessage,
  gmacSigner,
  invalidSignature,
  isGcm,
  signMessage,
  signMessageKept,
  verifyMessage,
  verifyMessageKept,
  type KeptSigner,
} from './crypto.js';
import { dialectTraits } from './dialects.js';
import type { Smb2Header } from './header.js';

/** Session state ([MS-SMB2] §3.2.1.3), as others may read it. The keys are non-enumerable: inspect/JSON leave them out. */
export interface Smb2Session {
  readonly id: bigint;
  readonly signingKey: Buffer | null;
  readonly encryptionKey: Buffer | null;
  readonly decryptionKey: Buffer | null;
  readonly signingRequired: boolean;
  readonly encryptData: boolean;
  readonly isGuest: boolean;
  readonly isNull: boolean;
}

interface SessionState {
  id: bigint;
  signingKey: Buffer | null;
  encryptionKey: Buffer | null;
  decryptionKey: Buffer | null;
  signingRequired: boolean;
  encryptData: boolean;
  nonces: NonceSequence | null;
  isGuest: boolean;
  isNull: boolean;
}

/** What the connection negotiated and what the caller demands, as SESSION_SETUP completes. */
export interface EstablishInput {
  dialect: DialectRevision;
  signingAlgorithm: SigningAlgorithmId;
  cipher: CipherId | null;
  /** The final SESSION_SETUP response (plaintext header and whole message, as signed). */
  finalResponse: { header: Smb2Header; raw: Buffer };
  sessionFlags: number;
  /** The GSS session key, full length (AES-256 ciphers use up to 32 bytes of it). */
  sessionKey: Buffer;
  /** Session.PreauthIntegrityHashValue up to the final response (3.1.1). */
  preauthHash: Buffer;
  /** The client asked for a null session. */
  anonymous: boolean;
  requireSigning: boolean;
  requireEncryption: boolean;
  allowGuest: boolean;
  serverRequiresSigning: boolean;
}

function protocolError(name: string, message: string): NetsendError {
  return new NetsendError('protocol', 0, name, message);
}

export class SessionCrypto {
  private readonly state: SessionState;
  /**
   * AES-GMAC signing and AES-GCM keys kept for the session's life (crypto/gcm.ts), made at first use:
   * a new cipher per message was the largest cost of a signed or encrypted warm call. Private (#)
   * fields, so that inspecting the object shows nothing derived from a key.
   */
  #signer: KeptSigner | null | undefined;
  #encryptGcm: AesGcmKey | null = null;
  #decryptGcm: AesGcmKey | null = null;

  private constructor(
    readonly dialect: DialectRevision,
    readonly signingAlgorithm: SigningAlgorithmId,
    readonly cipher: CipherId | null,
    state: SessionState,
  ) {
    this.state = state;
  }

  /**
   * Completes the session ([MS-SMB2] §3.2.5.3.1). A logon with credentials that comes back guest or
   * null is refused unless allowGuest (see ../session-policy.ts); when either side requires signing,
   * a session without a key is refused even then. The final response must verify before the session
   * is trusted.
   */
  static establish(i: EstablishInput): SessionCrypto {
    const traits = dialectTraits(i.dialect);
    const id = i.finalResponse.header.sessionId;
    const isGuest = (i.sessionFlags & SessionFlags.IS_GUEST) !== 0;
    const isNull = (i.sessionFlags & SessionFlags.IS_NULL) !== 0;
    const noKeys = isGuest || isNull;
    const kind = isGuest ? 'guest' : 'null';
    if (noKeys && !i.anonymous && !i.allowGuest) throw guestLogonBlocked(kind, 'SMB2 session setup');
    const signingRequired = !noKeys && (i.requireSigning || i.serverRequiresSigning);
    // A null session the caller asked for is exempt from the server's signing requirement (an anonymous
    // session has Session.SigningRequired FALSE, [MS-SMB2] §3.2.5.3.1); a credentialed one without a key is not.
    if (noKeys && (i.requireSigning || i.requireEncryption || (!i.anonymous && i.serverRequiresSigning))) {
      const who = i.requireSigning || i.requireEncryption ? 'the client requires' : 'the server requires';
      throw protocolError('SMB2_NO_SESSION_KEY', `server gave a ${kind} session, which cannot sign or encrypt, and ${who} ${i.requireEncryption ? 'encryption' : 'signing'}`);
    }
    const sessionKey = Buffer.alloc(16);
    i.sessionKey.copy(sessionKey, 0, 0, Math.min(16, i.sessionKey.length));
    let signingKey: Buffer | null = null;
    let encryptionKey: Buffer | null = null;
    let decryptionKey: Buffer | null = null;
    // Keys are derived even when the server claims guest/null, so that a signed final response is still
    // verified: otherwise a forged IS_GUEST flag would switch verification off.
    if (traits.smb3Kdf) {
      const bits = i.cipher === Cipher.AES_256_CCM || i.cipher === Cipher.AES_256_GCM ? 256 : 128;
      const k = deriveSmb3Keys(i.sessionKey.length > 16 && bits === 256 ? i.sessionKey : sessionKey, i.dialect as 0x0300 | 0x0302 | 0x0311, traits.preauthIntegrity ? i.preauthHash : undefined, bits);
      signingKey = k.signingKey;
      encryptionKey = k.encryptionKey;
      decryptionKey = k.decryptionKey;
    } else {
      signingKey = sessionKey;
    }
    // The final SESSION_SETUP response is signed with the new key: always on 3.1.1 ([MS-SMB2] §3.3.5.5.3),
    // and whenever signing is required. It must verify before the session is trusted.
    const signed = (i.finalResponse.header.flags & Smb2Flags.SIGNED) !== 0;
    if (signed) verifyMessage(i.signingAlgorithm, signingKey, i.finalResponse.raw);
    else if (!noKeys && (traits.signedFinalSessionSetup || signingRequired)) throw invalidSignature('final SESSION_SETUP response is not signed');
    if (noKeys) {
      signingKey = null;
      encryptionKey = null;
      decryptionKey = null;
    }
    const encryptData = !noKeys && (i.requireEncryption || (i.sessionFlags & SessionFlags.ENCRYPT_DATA) !== 0);
    if (encryptData && (i.cipher === null || encryptionKey === null)) {
      throw protocolError('SMB2_ENCRYPTION_UNAVAILABLE', `encryption is required but dialect ${dialectName(i.dialect)} with this server has no cipher`);
    }
    const state = hideSecrets(
      {
        id,
        signingKey,
        encryptionKey,
        decryptionKey,
        signingRequired,
        encryptData,
        nonces: encryptData || i.cipher !== null ? new NonceSequence(i.cipher ?? Cipher.AES_128_CCM) : null,
        isGuest,
        isNull,
      },
      'signingKey',
      'encryptionKey',
      'decryptionKey',
    );
    return new SessionCrypto(i.dialect, i.signingAlgorithm, i.cipher, state);
  }

  /** The session as others may read it (the same object: keys stay non-enumerable). */
  get session(): Smb2Session {
    return this.state;
  }

  get id(): bigint {
    return this.state.id;
  }

  /** Everything is encrypted from now on. */
  get encrypting(): boolean {
    return this.state.encryptData;
  }

  /** Every request is signed (and every response checked) because the session requires it. */
  get signing(): boolean {
    const s = this.state;
    return !s.encryptData && s.signingKey !== null && s.signingRequired;
  }

  /** Whether a request is signed: not when encrypted; when the session requires it or `force` asks (VALIDATE_NEGOTIATE_INFO). */
  signs(force: boolean): boolean {
    const s = this.state;
    return !s.encryptData && s.signingKey !== null && (s.signingRequired || force);
  }

  /** Turns on encryption for everything after this point (share with SMB2_SHAREFLAG_ENCRYPT_DATA). */
  enableEncryption(): void {
    const s = this.state;
    if (s.encryptionKey === null || this.cipher === null) {
      throw protocolError('SMB2_ENCRYPTION_UNAVAILABLE', `the share requires encryption, which dialect ${dialectName(this.dialect)} with this server cannot do`);
    }
    s.encryptData = true;
  }

  /** Signs `msg` in place ([MS-SMB2] §3.2.4.1.1). */
  sign(msg: Buffer): void {
    const kept = this.keptSigner();
    if (kept) signMessageKept(kept, msg);
    else signMessage(this.signingAlgorithm, this.state.signingKey!, msg);
  }

  /** The session's kept AES-GMAC or AES-CMAC signer, made at first use; null for HMAC-SHA256 (2.x), whose createHmac is cheap. */
  private keptSigner(): KeptSigner | null {
    if (this.#signer === undefined) {
      const key = this.state.signingKey!;
      if (this.signingAlgorithm === SigningAlgorithm.AES_GMAC) this.#signer = gmacSigner(new AesGcmKey(key));
      else if (this.signingAlgorithm === SigningAlgorithm.AES_CMAC) this.#signer = cmacSigner(new AesCmacKey(key));
      else this.#signer = null;
    }
    return this.#signer;
  }

  /** Wraps `msg` in a TRANSFORM_HEADER with the next nonce ([MS-SMB2] §3.2.4.1.8). */
  encrypt(msg: Buffer): Buffer {
    const s = this.state;
    const gcm = isGcm(this.cipher!) ? (this.#encryptGcm ??= new AesGcmKey(s.encryptionKey!)) : undefined;
    return encryptMessage(this.cipher!, s.encryptionKey!, s.nonces!.next(), s.id, msg, gcm);
  }

  /** Opens a TRANSFORM message for this session ([MS-SMB2] §3.2.5.1.1.1); throws when it cannot or it is for another session. */
  decrypt(raw: Buffer, what: string): Buffer {
    const s = this.state;
    if (!s.decryptionKey || this.cipher === null) throw protocolError('SMB2_UNEXPECTED_ENCRYPTION', `${what}: encrypted message before keys exist`);
    const gcm = isGcm(this.cipher) ? (this.#decryptGcm ??= new AesGcmKey(s.decryptionKey)) : undefined;
    const d = decryptMessage(this.cipher, s.decryptionKey, raw, gcm);
    if (d.sessionId !== s.id) throw protocolError('SMB2_UNEXPECTED_ENCRYPTION', `${what}: encrypted message for another session`);
    return d.plain;
  }

  /** True when responses on this session can be verified (it has a signing key). */
  get canVerify(): boolean {
    return this.state.signingKey !== null;
  }

  /** Verifies a signed message ([MS-SMB2] §3.2.5.1.3); throws STATUS_INVALID_SIGNATURE. */
  verify(plain: Buffer): void {
    const kept = this.keptSigner();
    if (kept) verifyMessageKept(kept, plain);
    else verifyMessage(this.signingAlgorithm, this.state.signingKey!, plain);
  }
}
