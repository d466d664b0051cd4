export type { Authenticator, Credentials } from './types.js';
export {
  createNtlmAuthenticator,
  ntlmV2ChallengeResponse,
  ntlmV1ChallengeResponse,
  type NtlmAuthenticator,
  type NtlmKeys,
  type NtlmOptions,
} from './ntlm.js';
export { NtlmSecurityContext } from './ntlm-session.js';
export { createNtlmSecurityContext, NTLMSSP_SIGNATURE_LENGTH, type SecurityContext, type NtlmContextOptions, type SignedBytes } from './security-context.js';
export {
  ntHash,
  parseHashes,
  ntowfv2,
  computeNtlmV2,
  ntlmv2Temp,
  encryptSessionKey,
  signKey,
  sealKey,
  toFileTime,
  type NtlmV2Responses,
} from './ntlm-crypto.js';
export {
  NtlmFlags,
  AvId,
  AvFlags,
  parseAvPairs,
  encodeAvPairs,
  describeTargetInfo,
  encodeNegotiate,
  decodeNegotiate,
  encodeChallenge,
  decodeChallenge,
  encodeAuthenticate,
  decodeAuthenticate,
  type AvPair,
  type TargetInfo,
  type NegotiateMessage,
  type ChallengeMessage,
  type AuthenticateMessage,
  type NtlmVersion,
} from './ntlm-messages.js';
export {
  OID_NTLMSSP,
  OID_SPNEGO,
  OID_KRB5,
  OID_MS_KRB5,
  OID_NEGOEX,
  NegState,
  encodeMechTypes,
  encodeNegTokenInit,
  decodeNegTokenInit,
  encodeNegTokenResp,
  decodeNegTokenResp,
  type NegTokenInit,
  type NegTokenResp,
} from './spnego.js';
