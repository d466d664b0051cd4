/** Credentials for NTLMSSP. A password is never logged, printed or put in an error message. */
export interface Credentials {
  /** Account name; empty for a null session. */
  user: string;
  /** Account domain (the AUTHENTICATE message's DomainName, [MS-NLMP] §2.2.1.3). */
  domain?: string;
  /** The account password (never logged or printed). */
  password?: string;
  /** 16-byte NT hash (pass-the-hash), instead of a password. */
  ntHash?: Buffer;
  /** 16-byte LM hash, only for NTLMv1 (`allowNtlmV1`). */
  lmHash?: Buffer;
  /** Our workstation name in the AUTHENTICATE message. */
  workstation?: string;
  /** Null session: empty user and password. */
  anonymous?: boolean;
  /** NTLMv1 / LM responses are refused unless this is set. */
  allowNtlmV1?: boolean;
}

/**
 * A GSS-style security context (go-smb2's Initiator). SMB session setup and DCE/RPC auth use
 * the same object; signing and encryption need only `sessionKey()`.
 */
export interface Authenticator {
  /** 'spnego' wraps NTLMSSP in SPNEGO tokens; 'ntlmssp' sends raw NTLMSSP. */
  readonly mechanism: 'spnego' | 'ntlmssp';
  /**
   * Next token to send. First call passes no server token (or the server's NEGOTIATE hint, which may be
   * empty). Returns null when the context is complete and nothing more needs sending.
   * Throws NetsendError (layer 'ntlm') on a bad or unverifiable server token.
   */
  next(serverToken?: Buffer): Buffer | null;
  /** True once the exchange finished and the session key is known. */
  readonly complete: boolean;
  /** The exported session key (16 bytes) once complete. Anonymous sessions yield 16 zero bytes. */
  sessionKey(): Buffer;
  /** Target information learnt from the CHALLENGE (server NetBIOS/DNS names), for display. */
  readonly serverInfo?: { netbiosComputer?: string; netbiosDomain?: string; dnsComputer?: string; dnsDomain?: string };
}
