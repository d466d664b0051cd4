/**
 * Protocol defaults in one place: what the client offers and asks for unless told otherwise.
 */
import { Capabilities, Cipher, Dialect, SigningAlgorithm, type CipherId, type DialectRevision, type SigningAlgorithmId } from './constants.js';

export const SMB2_DEFAULTS = {
  /** Dialects offered, lowest first; the range option narrows this list. */
  dialects: [Dialect.SMB2_0_2, Dialect.SMB2_1, Dialect.SMB3_0, Dialect.SMB3_0_2, Dialect.SMB3_1_1] as DialectRevision[],
  /** Cipher preference for 3.1.1 ([MS-SMB2] §2.2.3.1.2): GCM first (faster), 256-bit before 128-bit. */
  ciphers: [Cipher.AES_128_GCM, Cipher.AES_128_CCM, Cipher.AES_256_GCM, Cipher.AES_256_CCM] as CipherId[],
  /** Signing algorithm preference for 3.1.1 ([MS-SMB2] §2.2.3.1.7). */
  signingAlgorithms: [SigningAlgorithm.AES_GMAC, SigningAlgorithm.AES_CMAC, SigningAlgorithm.HMAC_SHA256] as SigningAlgorithmId[],
  /** Capabilities advertised in NEGOTIATE (3.x): we only need encryption; large MTU lets 2.1+ use credit charges. */
  capabilities: Capabilities.ENCRYPTION | Capabilities.LARGE_MTU,
  /** Salt length of the PREAUTH_INTEGRITY context. */
  preauthSaltLength: 32,
  /** Credits asked for in NEGOTIATE; later requests top up towards creditTarget. */
  negotiateCreditRequest: 31,
  creditTarget: 128,
  /** Bytes one credit covers when LARGE_MTU is in force ([MS-SMB2] §3.1.5.2). */
  creditUnit: 65536,
  /** FSCTL_PIPE_TRANSCEIVE MaxOutputResponse when the caller gives none: the ncacn_np fragment size. */
  maxPipeResponse: 4280,
  /** Caps on what we ask the server to send in one READ/IOCTL, whatever it negotiated. */
  maxReadSize: 1024 * 1024,
  /**
   * Upper bound on any one incoming message (defends against a hostile length): the largest READ/IOCTL
   * output we ask for (maxReadSize) plus room for headers and a TRANSFORM header. It must stay below the
   * 24-bit Direct TCP limit (0xFFFFFF), or no frame header could ever exceed it.
   */
  maxMessageSize: 1024 * 1024 + 64 * 1024,
  timeoutMs: 10_000,
  port: 445,
} as const;
