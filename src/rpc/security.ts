/**
 * DCE/RPC connection-oriented authentication ([MS-RPCE] §2.2.2.11-12, §3.3.1.5.2; C706 §13.2.6):
 * the sec_trailer + auth_value appended to bind, bind_ack, alter_context, AUTH3, request and response
 * PDUs, and the per-fragment protection at the packet integrity and packet privacy levels.
 *
 * The mechanism behind it is any `SecurityContext` (src/auth/security-context.ts).
 */
import type { SecurityContext } from '../auth/security-context.js';
import { NetsendError } from '../status/error.js';
import { ByteReader } from '../util/bytes.js';
import { COMMON_HEADER_LENGTH, decodeHeader, PFC, PTYPE, REQUEST_HEADER_LENGTH, RESPONSE_HEADER_LENGTH, SEC_TRAILER_LENGTH, type AuthVerifier } from './pdu.js';

/** auth_level ([MS-RPCE] §2.2.1.1.8). */
export const AUTH_LEVEL = { none: 1, connect: 2, call: 3, packet: 4, integrity: 5, privacy: 6 } as const;
/** Authentication levels this client offers ([MS-RPCE] §2.2.1.1.8). */
export type AuthLevelName = 'none' | 'connect' | 'integrity' | 'privacy';

/** auth_type ([MS-RPCE] §2.2.1.1.7). */
export const AUTH_TYPE = { none: 0, spnego: 9, ntlmssp: 10, kerberos: 16 } as const;

/** Stub data plus auth padding is a multiple of this before the sec_trailer ([MS-RPCE] §2.2.2.11). */
export const AUTH_PAD_ALIGNMENT = 16;

/** Our auth_context_id: any value, the same on every PDU of the association ([MS-RPCE] §2.2.2.11). */
export const DEFAULT_AUTH_CONTEXT_ID = 1;

/** The authentication an RPC client runs ([MS-RPCE] §3.3.1.5.2). */
export interface RpcAuthOptions {
  /** 'connect' authenticates the bind only; 'integrity' signs and 'privacy' seals every fragment. */
  level: Exclude<AuthLevelName, 'none'>;
  /** The client security context, fresh (no legs run). */
  context: SecurityContext;
  /** auth_type on the wire: 10 for raw NTLMSSP, 9 for SPNEGO (default: from the context's mechanism). */
  authType?: number;
  authContextId?: number;
}

const LEVEL_NAMES: Record<number, string> = { 1: 'none', 2: 'connect', 3: 'call', 4: 'packet', 5: 'integrity', 6: 'privacy' };
const TYPE_NAMES: Record<number, string> = { 9: 'SPNEGO', 10: 'NTLMSSP', 16: 'Kerberos' };

/** A verifier that fails to verify, or a PDU that should carry one and does not. */
export class RpcVerifierError extends NetsendError {
  constructor(name: 'SEC_E_MESSAGE_ALTERED' | 'RPC_VERIFIER_MISSING' | 'RPC_VERIFIER_MISMATCH', message: string, cause?: unknown) {
    super('protocol', 0, name, message, cause === undefined ? undefined : { cause });
  }
}

/** The security state of one association: the context after its legs, level and type. */
export class RpcSecurity {
  readonly level: number;
  readonly authType: number;
  readonly authContextId: number;
  readonly context: SecurityContext;
  /** The server echoed PFC_SUPPORT_HEADER_SIGN in bind_ack ([MS-RPCE] §3.3.1.5.2.3). */
  headerSigning = false;

  constructor(opts: RpcAuthOptions) {
    this.level = AUTH_LEVEL[opts.level];
    this.context = opts.context;
    this.authType = opts.authType ?? (opts.context.mechanism === 'spnego' ? AUTH_TYPE.spnego : AUTH_TYPE.ntlmssp);
    this.authContextId = opts.authContextId ?? DEFAULT_AUTH_CONTEXT_ID;
  }

  /** The auth level's name, for messages. */
  get levelName(): string {
    return LEVEL_NAMES[this.level] ?? String(this.level);
  }

  private get describe(): string {
    return `${TYPE_NAMES[this.authType] ?? `auth_type ${this.authType}`} at ${this.levelName}`;
  }

  /** A sec_trailer + token for a bind-family or AUTH3 PDU. */
  verifier(token: Buffer): AuthVerifier {
    return { authType: this.authType, authLevel: this.level, authPadLength: 0, authContextId: this.authContextId, token };
  }

  /** Whether request/response fragments carry a verifier (integrity and privacy; connect does not). */
  get protectsFragments(): boolean {
    return this.level >= AUTH_LEVEL.packet;
  }

  /**
   * Octets a request fragment spends on authentication besides the padding: sec_trailer plus the
   * signature. Padding is avoided by cutting stub fragments on AUTH_PAD_ALIGNMENT boundaries.
   */
  get fragmentOverhead(): number {
    return this.protectsFragments ? SEC_TRAILER_LENGTH + this.context.signatureLength : 0;
  }

  /** A placeholder verifier for a request fragment: `protect` fills it in. */
  requestVerifier(): AuthVerifier | undefined {
    return this.protectsFragments ? this.verifier(Buffer.alloc(this.context.signatureLength)) : undefined;
  }

  /** Checks a bind-family reply's verifier names our context ([MS-RPCE] §3.3.1.5.2.1). */
  checkReplyVerifier(auth: AuthVerifier | undefined, where: string): AuthVerifier {
    if (!auth) throw new RpcVerifierError('RPC_VERIFIER_MISSING', `${where}: the server sent no auth verifier (${this.describe})`);
    if (auth.authType !== this.authType || auth.authLevel !== this.level || auth.authContextId !== this.authContextId) {
      throw new RpcVerifierError(
        'RPC_VERIFIER_MISMATCH',
        `${where}: verifier for auth_type ${auth.authType} level ${auth.authLevel} context ${auth.authContextId}, expected ${this.authType}/${this.level}/${this.authContextId}`,
      );
    }
    return auth;
  }

  /**
   * Signs or seals an encoded request fragment in place ([MS-RPCE] §3.3.1.5.2.2): the signature
   * covers the PDU from the header through the sec_trailer (NTLMSSP signs the header whether or not
   * header signing was negotiated); privacy encrypts the stub and its auth padding.
   */
  protect(pdu: Buffer): Buffer {
    if (!this.protectsFragments) return pdu;
    const sigLen = this.context.signatureLength;
    const sigAt = pdu.length - sigLen;
    const trailerAt = sigAt - SEC_TRAILER_LENGTH;
    const stubAt = (pdu[3]! & PFC.OBJECT_UUID) !== 0 ? REQUEST_HEADER_LENGTH + 16 : REQUEST_HEADER_LENGTH;
    if (pdu[2] !== PTYPE.request || pdu.readUInt16LE(10) !== sigLen || trailerAt < stubAt) {
      throw new NetsendError('usage', 0, 'RPC_INVALID_PDU', 'protect() takes a request fragment with a placeholder verifier');
    }
    if (this.level === AUTH_LEVEL.privacy) {
      const { sealed, signature } = this.context.seal(Buffer.from(pdu.subarray(stubAt, trailerAt)), () => pdu.subarray(0, sigAt));
      sealed.copy(pdu, stubAt);
      signature.copy(pdu, sigAt);
    } else {
      this.context.sign(pdu.subarray(0, sigAt)).copy(pdu, sigAt);
    }
    return pdu;
  }

  /**
   * Verifies (integrity) or unseals (privacy) one received response or fault fragment and returns
   * it with the plaintext stub in place. Throws RpcVerifierError naming the verifier when it fails.
   * A fault without a verifier is accepted: it carries a status, no stub.
   */
  unprotect(raw: Buffer, fragment: number): Buffer {
    if (!this.protectsFragments) return raw;
    const h = decodeHeader(raw.subarray(0, COMMON_HEADER_LENGTH));
    if (h.type !== 'response' && h.type !== 'fault') return raw;
    const where = `${h.type} call_id ${h.callId} fragment ${fragment}`;
    if (h.authLength === 0) {
      if (h.type === 'fault') return raw;
      throw new RpcVerifierError('RPC_VERIFIER_MISSING', `${where}: no auth verifier on a ${this.describe} association`);
    }
    const sigLen = this.context.signatureLength;
    const stubAt = h.type === 'fault' ? RESPONSE_HEADER_LENGTH + 8 : RESPONSE_HEADER_LENGTH;
    const sigAt = raw.length - h.authLength;
    const trailerAt = sigAt - SEC_TRAILER_LENGTH;
    if (h.authLength !== sigLen || trailerAt < stubAt) {
      throw new RpcVerifierError('SEC_E_MESSAGE_ALTERED', `${where}: auth_length ${h.authLength} in ${raw.length} bytes, expected a ${sigLen}-byte ${this.describe} verifier`);
    }
    const t = new ByteReader(raw, 'sec_trailer', trailerAt);
    const authType = t.u8();
    const authLevel = t.u8();
    const padLength = t.u8();
    t.skip(1);
    const authContextId = t.u32le();
    if (authType !== this.authType || authLevel !== this.level || authContextId !== this.authContextId || padLength > trailerAt - stubAt) {
      throw new RpcVerifierError('RPC_VERIFIER_MISMATCH', `${where}: sec_trailer ${authType}/${authLevel}/${authContextId} pad ${padLength}, expected ${this.authType}/${this.level}/${this.authContextId}`);
    }
    const signature = raw.subarray(sigAt);
    try {
      if (this.level === AUTH_LEVEL.privacy) {
        const out = Buffer.from(raw);
        const plain = this.context.unseal(Buffer.from(raw.subarray(stubAt, trailerAt)), signature, (p) => {
          p.copy(out, stubAt);
          return out.subarray(0, sigAt);
        });
        plain.copy(out, stubAt);
        return out;
      }
      this.context.verify(raw.subarray(0, sigAt), signature);
      return raw;
    } catch (e) {
      if (e instanceof NetsendError && e.name === 'NTLM_BAD_SIGNATURE') {
        throw new RpcVerifierError('SEC_E_MESSAGE_ALTERED', `${where}: the ${this.describe} verifier did not verify (the PDU was altered or the keys differ)`, e);
      }
      throw e;
    }
  }
}
