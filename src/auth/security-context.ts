/**
 * A mechanism-neutral client security context (the GSS-API shape, RFC 2743 §2.2-2.3): initiate
 * legs, the session key, per-message integrity (sign/verify) and confidentiality (seal/unseal) with
 * per-direction sequence numbers. DCE/RPC auth ([MS-RPCE] §3.3.1.5.2) and SMB session setup both
 * drive it through `next()`; only RPC uses the per-message services.
 *
 * Implemented here by NTLMSSP ([MS-NLMP], RPC auth_type 10 "WINNT") and by NTLMSSP wrapped in SPNEGO
 * ([MS-SPNG], RPC auth_type 9 "GSS_NEGOTIATE").
 */
import { NetsendError } from '../status/error.js';
import { createNtlmAuthenticator, type NtlmOptions } from './ntlm.js';
import type { NtlmSecurityContext } from './ntlm-session.js';
import { decodeNegTokenResp } from './spnego.js';
import type { Authenticator, Credentials } from './types.js';

/** Builds the bytes a signature covers, given the message body as it stands (plaintext). */
export type SignedBytes = (plain: Buffer) => Buffer;

export interface SecurityContext extends Authenticator {
  /**
   * True while the last token produced needs the server's answer before the context completes
   * (SPNEGO's final accept-completed leg); false when the last token ends the exchange (raw NTLMSSP's
   * AUTHENTICATE). Decides between AUTH3 and a third alter_context leg in DCE/RPC ([MS-RPCE] §3.3.1.5.2.1).
   */
  readonly expectsServerToken: boolean;
  /** Octets of every signature this mechanism produces (NTLMSSP_MESSAGE_SIGNATURE: 16). */
  readonly signatureLength: number;
  /** Integrity: signature over `message` with the next outgoing sequence number. */
  sign(message: Buffer): Buffer;
  /** Throws NetsendError (layer 'ntlm', NTLM_BAD_SIGNATURE) when the signature does not verify. */
  verify(message: Buffer, signature: Buffer): void;
  /** Confidentiality: encrypts `plain`; the signature covers `signed(plain)` (default `plain`). */
  seal(plain: Buffer, signed?: SignedBytes): { sealed: Buffer; signature: Buffer };
  /** Decrypts `sealed` and verifies the signature over `signed(plain)`; throws like `verify`. */
  unseal(sealed: Buffer, signature: Buffer, signed?: SignedBytes): Buffer;
}

/** Options of an NTLM security context for DCE/RPC authentication ([MS-RPCE] §2.2.1.1.7). */
export interface NtlmContextOptions extends Pick<NtlmOptions, 'targetName' | 'now' | 'randomBytes'> {
  /** Wrap in SPNEGO (RPC auth_type 9) instead of raw NTLMSSP (auth_type 10). */
  spnego?: boolean;
  /**
   * Ask for NTLMSSP_NEGOTIATE_SIGN (default true). Leave it off for authentication without
   * per-message protection (RPC auth level connect): a server that sees SIGN expects signed PDUs.
   */
  sign?: boolean;
  /** Ask for NTLMSSP_NEGOTIATE_SEAL (confidentiality; implies SIGN). */
  seal?: boolean;
}

/** NTLMSSP signatures are Version(4) || Checksum(8) || SeqNum(4), [MS-NLMP] §2.2.2.9.1. */
export const NTLMSSP_SIGNATURE_LENGTH = 16;

/** An NTLMSSP (optionally SPNEGO-wrapped) client security context. */
export function createNtlmSecurityContext(creds: Credentials, opts: NtlmContextOptions = {}): SecurityContext {
  const spnego = opts.spnego === true;
  const auth = createNtlmAuthenticator(creds, { ...opts, spnego, sign: opts.sign !== false || opts.seal === true, seal: opts.seal === true });
  let legs = 0;
  let perMessage: NtlmSecurityContext | undefined;
  let clientMic = false;
  let serverMic = false;
  const ready = (): NtlmSecurityContext => {
    if (!auth.complete) throw new NetsendError('usage', 0, 'SEC_CONTEXT_INCOMPLETE', 'per-message security before the context is complete');
    // One context for the life of the connection: sequence numbers and RC4 state run on. After
    // SPNEGO's mechListMICs the RC4 handles restart but their sequence numbers stay spent
    // ([MS-SPNG] §3.3.5.1: the first signed message uses the key state the MIC used).
    if (!perMessage) {
      perMessage = auth.securityContext();
      if (spnego) perMessage.advanceSequence(clientMic ? 1 : 0, serverMic ? 1 : 0);
    }
    return perMessage;
  };
  return {
    mechanism: auth.mechanism,
    get complete() {
      return auth.complete;
    },
    get serverInfo() {
      return auth.serverInfo;
    },
    get expectsServerToken() {
      // Raw NTLMSSP ends with our third token; SPNEGO waits for the server's accept-completed.
      return spnego && legs === 2 && !auth.complete;
    },
    signatureLength: NTLMSSP_SIGNATURE_LENGTH,
    next(serverToken?: Buffer): Buffer | null {
      const finalLeg = spnego && legs === 2 && serverToken !== undefined && serverToken.length > 0;
      const out = auth.next(serverToken);
      if (spnego && legs === 1 && out !== null) clientMic = decodeNegTokenResp(out).mechListMIC !== undefined;
      // The server's accept-completed token was checked by the authenticator; note whether it had a MIC.
      if (finalLeg) serverMic = decodeNegTokenResp(serverToken).mechListMIC !== undefined;
      if (out !== null) legs++;
      return out;
    },
    sessionKey: () => auth.sessionKey(),
    sign: (message) => ready().sign(message),
    verify: (message, signature) => ready().verify(message, signature),
    seal: (plain, signed) => ready().seal(plain, signed),
    unseal: (sealed, signature, signed) => ready().unseal(sealed, signature, signed),
  };
}
