import { createHash } from 'node:crypto';
import { hmacMd5 } from '../crypto/aead.js';
import { md4 } from '../crypto/md4.js';
import { rc4 } from '../crypto/rc4.js';
import { NetsendError } from '../status/error.js';
import { NtlmFlags } from './ntlm-messages.js';

/** NTLM key and response computations, [MS-NLMP] §3.3.2 and §3.4.5. */

export function unicode(s: string): Buffer {
  return Buffer.from(s, 'utf16le');
}

/**
 * UpperCase() for NTOWFv2. Windows maps each UTF-16 code unit on its own, so characters whose
 * JavaScript upper case has a different length (e.g. U+00DF) are kept unchanged.
 */
export function ntlmUpperCase(s: string): string {
  let out = '';
  for (const ch of s) {
    const up = ch.toUpperCase();
    out += up.length === ch.length ? up : ch;
  }
  return out;
}

/** NT hash: MD4(UNICODE(password)) ([MS-NLMP] §3.3.1 NTOWFv1, the hash NTOWFv2 keys on). */
export function ntHash(password: string): Buffer {
  return md4(unicode(password));
}

/**
 * Parses "LM:NT" or "NT" (32 hex digits each; the LM part may be empty as in ":NT").
 * The error message never echoes the input.
 */
export function parseHashes(s: string): { lmHash?: Buffer; ntHash: Buffer } {
  const bad = (why: string): never => {
    throw new NetsendError('usage', 0, 'NTLM_BAD_HASH', `hash must be 32 hex digits (NT) or LM:NT; ${why}`);
  };
  const parts = s.trim().split(':');
  if (parts.length > 2) bad('too many colons');
  const hex32 = /^[0-9a-fA-F]{32}$/;
  const nt = parts[parts.length - 1]!;
  if (!hex32.test(nt)) bad('NT part is not 32 hex digits');
  const result: { lmHash?: Buffer; ntHash: Buffer } = { ntHash: Buffer.from(nt, 'hex') };
  if (parts.length === 2 && parts[0] !== '') {
    if (!hex32.test(parts[0]!)) bad('LM part is not 32 hex digits');
    result.lmHash = Buffer.from(parts[0]!, 'hex');
  }
  return result;
}

/** NTOWFv2 = HMAC_MD5(NT hash, UNICODE(UpperCase(User) || UserDom)) ([MS-NLMP] §3.3.2). LMOWFv2 is the same. */
export function ntowfv2(ntHashValue: Buffer, user: string, domain: string): Buffer {
  return hmacMd5(ntHashValue, unicode(ntlmUpperCase(user) + domain));
}

/** Builds the NTLMv2 client challenge structure "temp" ([MS-NLMP] §3.3.2, §2.2.2.7). */
export function ntlmv2Temp(timestamp: bigint, clientChallenge: Buffer, serverName: Buffer): Buffer {
  const head = Buffer.alloc(28);
  head[0] = 1; // RespType
  head[1] = 1; // HiRespType
  head.writeBigUInt64LE(timestamp, 8);
  clientChallenge.copy(head, 16);
  return Buffer.concat([head, serverName, Buffer.alloc(4)]);
}

/**
 * The NTLMv2 responses and key of one logon ([MS-NLMP] §3.3.2): what AUTHENTICATE_MESSAGE carries and what signing
 * keys derive from.
 */
export interface NtlmV2Responses {
  ntProofStr: Buffer;
  ntChallengeResponse: Buffer;
  lmChallengeResponse: Buffer;
  sessionBaseKey: Buffer;
}

/**
 * ComputeResponse for NTLMv2 ([MS-NLMP] §3.3.2). `serverName` is the AV pair list placed in temp.
 * `zeroLm` sends Z(24) as the LM response (required when the server sent MsvAvTimestamp, §3.1.5.1.2).
 */
export function computeNtlmV2(
  responseKeyNT: Buffer,
  serverChallenge: Buffer,
  clientChallenge: Buffer,
  timestamp: bigint,
  serverName: Buffer,
  zeroLm = false,
): NtlmV2Responses {
  if (serverChallenge.length !== 8 || clientChallenge.length !== 8) {
    throw new NetsendError('usage', 0, 'NTLM_BAD_CHALLENGE', 'server and client challenges must be 8 bytes');
  }
  const temp = ntlmv2Temp(timestamp, clientChallenge, serverName);
  const ntProofStr = hmacMd5(responseKeyNT, serverChallenge, temp);
  const lmChallengeResponse = zeroLm
    ? Buffer.alloc(24)
    : Buffer.concat([hmacMd5(responseKeyNT, serverChallenge, clientChallenge), clientChallenge]);
  return {
    ntProofStr,
    ntChallengeResponse: Buffer.concat([ntProofStr, temp]),
    lmChallengeResponse,
    sessionBaseKey: hmacMd5(responseKeyNT, ntProofStr),
  };
}

/** Milliseconds since 1970 -> FILETIME (100 ns ticks since 1601). */
export function toFileTime(d: Date): bigint {
  return (BigInt(d.getTime()) + 11644473600000n) * 10000n;
}

/** RC4K(KeyExchangeKey, ExportedSessionKey) for NTLMSSP_NEGOTIATE_KEY_EXCH ([MS-NLMP] §3.1.5.1.2). */
export function encryptSessionKey(keyExchangeKey: Buffer, exportedSessionKey: Buffer): Buffer {
  return rc4(keyExchangeKey, exportedSessionKey);
}

const md5 = (...parts: Buffer[]): Buffer => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};

const MAGIC = {
  clientSign: Buffer.from('session key to client-to-server signing key magic constant\0', 'latin1'),
  serverSign: Buffer.from('session key to server-to-client signing key magic constant\0', 'latin1'),
  clientSeal: Buffer.from('session key to client-to-server sealing key magic constant\0', 'latin1'),
  serverSeal: Buffer.from('session key to server-to-client sealing key magic constant\0', 'latin1'),
};

/** SIGNKEY with extended session security ([MS-NLMP] §3.4.5.2). */
export function signKey(exportedSessionKey: Buffer, mode: 'client' | 'server'): Buffer {
  return md5(exportedSessionKey, mode === 'client' ? MAGIC.clientSign : MAGIC.serverSign);
}

/** SEALKEY with extended session security ([MS-NLMP] §3.4.5.3): 128, 56 or 40 bits of the key, then MD5. */
export function sealKey(flags: number, exportedSessionKey: Buffer, mode: 'client' | 'server'): Buffer {
  let base: Buffer;
  if (flags & NtlmFlags.NEGOTIATE_128) base = exportedSessionKey;
  else if (flags & NtlmFlags.NEGOTIATE_56) base = exportedSessionKey.subarray(0, 7);
  else base = exportedSessionKey.subarray(0, 5);
  return md5(base, mode === 'client' ? MAGIC.clientSeal : MAGIC.serverSeal);
}
