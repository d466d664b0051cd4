/**
 * What each SMB 2/3 dialect requires of a client, in one table ([MS-SMB2] §1.7, §3.2.4, §3.2.5), so
 * that dialect-specific behaviour is looked up here rather than tested with `dialect === ...` in
 * the connection, session and client code.
 */
import { Dialect, SigningAlgorithm, type DialectRevision, type SigningAlgorithmId } from './constants.js';

/** How a dialect chooses its cipher. */
export type CipherSupport =
  /** 2.0.2, 2.1: no encryption at all. */
  | 'none'
  /** 3.0, 3.0.2: AES-128-CCM when the server sets SMB2_GLOBAL_CAP_ENCRYPTION ([MS-SMB2] §3.2.5.2). */
  | 'capability'
  /** 3.1.1: the cipher the server picks in SMB2_ENCRYPTION_CAPABILITIES ([MS-SMB2] §3.2.5.2, §2.2.3.1.2). */
  | 'negotiate-context';

export interface DialectTraits {
  /** CreditCharge is meaningful (2.1 and later); 2.0.2 requests carry 0 ([MS-SMB2] §3.2.4.1.5). */
  readonly creditCharge: boolean;
  /** Keys come from the SMB 3 KDF (SP800-108), else the session key signs directly ([MS-SMB2] §3.2.5.3.1). */
  readonly smb3Kdf: boolean;
  /** Signing algorithm before any SIGNING_CAPABILITIES choice: HMAC-SHA256 for 2.x, AES-CMAC for 3.x ([MS-SMB2] §3.1.4.1). */
  readonly defaultSigning: SigningAlgorithmId;
  /** The signing algorithm is chosen in SMB2_SIGNING_CAPABILITIES ([MS-SMB2] §2.2.3.1.7). */
  readonly signingContext: boolean;
  readonly cipher: CipherSupport;
  /** NEGOTIATE carries negotiate contexts and pre-auth integrity (SHA-512) feeds the KDF ([MS-SMB2] §3.2.5.2, §3.2.5.3.1). */
  readonly preauthIntegrity: boolean;
  /** FSCTL_VALIDATE_NEGOTIATE_INFO after the first tree connect ([MS-SMB2] §3.2.5.14.12): 3.0 and 3.0.2 only. */
  readonly validateNegotiate: boolean;
  /** TREE_CONNECT is always signed on an authenticated session ([MS-SMB2] §3.2.4.1.1, §3.3.5.7). */
  readonly signedTreeConnect: boolean;
  /** The final SESSION_SETUP response of a keyed session is always signed ([MS-SMB2] §3.3.5.5.3). */
  readonly signedFinalSessionSetup: boolean;
}

const SMB2X = { creditCharge: true, smb3Kdf: false, defaultSigning: SigningAlgorithm.HMAC_SHA256, signingContext: false, cipher: 'none', preauthIntegrity: false, validateNegotiate: false, signedTreeConnect: false, signedFinalSessionSetup: false } as const;
const SMB30 = { ...SMB2X, smb3Kdf: true, defaultSigning: SigningAlgorithm.AES_CMAC, cipher: 'capability', validateNegotiate: true } as const;

/** The traits of every dialect this client offers. */
export const DIALECT_TRAITS: Readonly<Record<DialectRevision, DialectTraits>> = {
  [Dialect.SMB2_0_2]: { ...SMB2X, creditCharge: false },
  [Dialect.SMB2_1]: SMB2X,
  [Dialect.SMB3_0]: SMB30,
  [Dialect.SMB3_0_2]: SMB30,
  [Dialect.SMB3_1_1]: {
    ...SMB30,
    signingContext: true,
    cipher: 'negotiate-context',
    preauthIntegrity: true,
    validateNegotiate: false,
    signedTreeConnect: true,
    signedFinalSessionSetup: true,
  },
};

export function dialectTraits(d: DialectRevision): DialectTraits {
  return DIALECT_TRAITS[d];
}

/**
 * Whether a NEGOTIATE carrying `dialect` (any wire value, 0x02FF included) has negotiate contexts:
 * only 3.1.1 does ([MS-SMB2] §2.2.3, §2.2.4). For the codecs, which see dialects as raw numbers.
 */
export function hasNegotiateContexts(dialect: number): boolean {
  return Object.hasOwn(DIALECT_TRAITS, dialect) && DIALECT_TRAITS[dialect as DialectRevision].preauthIntegrity;
}
