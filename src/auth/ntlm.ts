import { randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';
import { hmacMd5 } from '../crypto/aead.js';
import { MalformedError, NetsendError } from '../status/error.js';
import {
  AUTHENTICATE_MIC_OFFSET,
  AvFlags,
  AvId,
  DEFAULT_VERSION,
  NtlmFlags,
  decodeChallenge,
  describeTargetInfo,
  encodeAuthenticate,
  encodeAvPairs,
  encodeNegotiate,
  type AvPair,
  type ChallengeMessage,
} from './ntlm-messages.js';
import { computeNtlmV2, encryptSessionKey, ntHash, ntowfv2, toFileTime, unicode } from './ntlm-crypto.js';
import { NtlmSecurityContext } from './ntlm-session.js';
import {
  NegState,
  OID_NTLMSSP,
  checkNotRejected,
  decodeNegTokenInit,
  decodeNegTokenResp,
  encodeMechTypes,
  encodeNegTokenInit,
  encodeNegTokenResp,
} from './spnego.js';
import type { Authenticator, Credentials } from './types.js';

/** How the NTLM client authenticator frames and flags its tokens. */
export interface NtlmOptions {
  /** Wrap NTLMSSP in SPNEGO (SMB session setup). Default true; DCE/RPC auth type 10 uses false. */
  spnego?: boolean;
  /** Ask for NTLMSSP_NEGOTIATE_SIGN (DCE/RPC integrity). Default true (needed for the MIC/mechListMIC too). */
  sign?: boolean;
  /** Ask for NTLMSSP_NEGOTIATE_SEAL (DCE/RPC privacy). Default false. */
  seal?: boolean;
  /** SPN placed in MsvAvTargetName, e.g. "cifs/server". */
  targetName?: string;
  /**
   * Clock for the NTLMv2 timestamp when the server sends none ([MS-NLMP] §3.1.5.1.2); injectable so tests are
   * reproducible.
   */
  now?: () => Date;
  /** Source of the client challenge and exported session key; injectable so tests are reproducible. */
  randomBytes?: (n: number) => Buffer;
}

/** Key material of a finished exchange. */
export interface NtlmKeys {
  flags: number;
  sessionBaseKey: Buffer;
  exportedSessionKey: Buffer;
}

/** An Authenticator that also hands out NTLMSSP session security for DCE/RPC. */
export interface NtlmAuthenticator extends Authenticator {
  /** Negotiated flags (from the AUTHENTICATE message) once it has been built. */
  readonly negotiatedFlags: number;
  /** A fresh security context (sequence numbers at 0, fresh RC4 handles) for signing/sealing. */
  securityContext(): NtlmSecurityContext;
}

function ntlmError(name: string, message: string, cause?: unknown): NetsendError {
  return new NetsendError('ntlm', 0, name, message, cause === undefined ? undefined : { cause });
}

/** Flags we offer in NEGOTIATE ([MS-NLMP] §3.1.5.1.1). */
function negotiateFlags(opts: NtlmOptions): number {
  let f =
    NtlmFlags.UNICODE |
    NtlmFlags.REQUEST_TARGET |
    NtlmFlags.NTLM |
    NtlmFlags.ALWAYS_SIGN |
    NtlmFlags.EXTENDED_SESSIONSECURITY |
    NtlmFlags.TARGET_INFO |
    NtlmFlags.VERSION |
    NtlmFlags.NEGOTIATE_128 |
    NtlmFlags.KEY_EXCH |
    NtlmFlags.NEGOTIATE_56;
  if (opts.sign !== false) f |= NtlmFlags.SIGN;
  if (opts.seal) f |= NtlmFlags.SEAL | NtlmFlags.SIGN;
  return f >>> 0;
}

function responseKey(creds: Credentials): Buffer {
  if (creds.ntHash) {
    if (creds.ntHash.length !== 16) throw new NetsendError('usage', 0, 'NTLM_BAD_HASH', 'NT hash must be 16 bytes');
    return creds.ntHash;
  }
  if (creds.password === undefined) throw new NetsendError('usage', 0, 'NTLM_NO_SECRET', 'credentials need a password or an NT hash');
  return ntHash(creds.password);
}

function checkCredentials(creds: Credentials): void {
  if (creds.anonymous) return;
  if (typeof creds.user !== 'string' || creds.user === '') throw new NetsendError('usage', 0, 'NTLM_NO_USER', 'a user name is required (or anonymous: true)');
  if (!creds.ntHash && creds.password === undefined) throw new NetsendError('usage', 0, 'NTLM_NO_SECRET', 'credentials need a password or an NT hash');
}

/**
 * Builds the temp AV pair list from the server's TargetInfo ([MS-NLMP] §3.1.5.1.2): the server's pairs,
 * MsvAvFlags with the MIC bit, an optional MsvAvTargetName, then MsvAvEOL.
 */
function clientTargetInfo(server: AvPair[], targetName: string | undefined, withMic: boolean): Buffer {
  const pairs: AvPair[] = [];
  let flags = withMic ? AvFlags.MIC_PRESENT : 0;
  for (const p of server) {
    if (p.id === AvId.Flags && p.value.length === 4) flags |= p.value.readUInt32LE(0);
    else if (p.id !== AvId.TargetName || targetName === undefined) pairs.push(p);
  }
  if (flags) {
    const v = Buffer.alloc(4);
    v.writeUInt32LE(flags >>> 0, 0);
    pairs.push({ id: AvId.Flags, value: v });
  }
  if (targetName !== undefined) pairs.push({ id: AvId.TargetName, value: unicode(targetName) });
  return encodeAvPairs(pairs);
}

interface AuthResult {
  message: Buffer;
  keys: NtlmKeys;
}

/** Builds the AUTHENTICATE message for a parsed CHALLENGE ([MS-NLMP] §3.1.5.1.2). */
function buildAuthenticate(
  creds: Credentials,
  opts: NtlmOptions,
  negotiateMsg: Buffer,
  challengeMsg: Buffer,
  challenge: ChallengeMessage,
): AuthResult {
  const random = opts.randomBytes ?? cryptoRandomBytes;
  const offered = negotiateFlags(opts);
  // The server's CHALLENGE decides; keep only what we offered too.
  let flags = (challenge.flags & offered) >>> 0;
  if (!(flags & NtlmFlags.UNICODE)) {
    throw ntlmError('NTLM_NO_UNICODE', 'the server does not support Unicode NTLMSSP, which this client requires');
  }
  flags = (flags & ~(NtlmFlags.TARGET_TYPE_DOMAIN | NtlmFlags.TARGET_TYPE_SERVER)) >>> 0;
  const workstation = creds.workstation ?? '';

  if (creds.anonymous) {
    // Anonymous: LM = Z(1), NT empty, SessionBaseKey = Z(16), no MIC ([MS-NLMP] §3.1.5.1.2, §3.2.5.1.2).
    // The negotiated flags are kept. With KEY_EXCH we send RC4K(Z(16), Z(16)), so that a server that
    // decrypts it and one that ignores it both end with the all-zero session key this API promises.
    flags = (flags | NtlmFlags.ANONYMOUS) >>> 0;
    const zero = Buffer.alloc(16);
    const message = encodeAuthenticate({
      flags,
      lmResponse: Buffer.alloc(1),
      ntResponse: Buffer.alloc(0),
      domain: '',
      user: '',
      workstation,
      encryptedRandomSessionKey: flags & NtlmFlags.KEY_EXCH ? encryptSessionKey(zero, zero) : Buffer.alloc(0),
      version: DEFAULT_VERSION,
    });
    return { message, keys: { flags, sessionBaseKey: zero, exportedSessionKey: Buffer.alloc(16) } };
  }

  const user = creds.user;
  const domain = creds.domain ?? '';
  const responseKeyNT = ntowfv2(responseKey(creds), user, domain);
  const info = describeTargetInfo(challenge.targetInfo);
  const serverTime = info.timestamp;
  const timestamp = serverTime ?? toFileTime((opts.now ?? (() => new Date()))());
  const clientChallenge = random(8);
  const serverName = clientTargetInfo(challenge.targetInfo, opts.targetName, true);
  const r = computeNtlmV2(responseKeyNT, challenge.serverChallenge, clientChallenge, timestamp, serverName, serverTime !== undefined);
  const keyExchangeKey = r.sessionBaseKey; // KXKEY for NTLMv2 (§3.4.5.1)
  let exportedSessionKey: Buffer = keyExchangeKey;
  let encryptedRandomSessionKey: Buffer = Buffer.alloc(0);
  if (flags & NtlmFlags.KEY_EXCH) {
    exportedSessionKey = random(16);
    encryptedRandomSessionKey = encryptSessionKey(keyExchangeKey, exportedSessionKey);
  }
  const fields = {
    flags,
    lmResponse: r.lmChallengeResponse,
    ntResponse: r.ntChallengeResponse,
    domain,
    user,
    workstation,
    encryptedRandomSessionKey,
    version: DEFAULT_VERSION,
  };
  const unsigned = encodeAuthenticate({ ...fields, mic: Buffer.alloc(16) });
  // MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE with MIC zeroed) (§3.1.5.1.2).
  const mic = hmacMd5(exportedSessionKey, negotiateMsg, challengeMsg, unsigned);
  const message = Buffer.from(unsigned);
  mic.copy(message, AUTHENTICATE_MIC_OFFSET);
  return { message, keys: { flags, sessionBaseKey: r.sessionBaseKey, exportedSessionKey } };
}

type Phase = 'start' | 'challenge' | 'final' | 'done';

/**
 * NTLMv2 client ([MS-NLMP]) optionally wrapped in SPNEGO ([MS-SPNG], RFC 4178).
 * SPNEGO flow: NegTokenInit(NEGOTIATE) -> NegTokenResp(CHALLENGE) -> NegTokenResp(AUTHENTICATE,
 * mechListMIC) -> server's accept-completed (its mechListMIC is verified when present).
 * Raw flow: NEGOTIATE -> CHALLENGE -> AUTHENTICATE, complete after the third message.
 */
export function createNtlmAuthenticator(creds: Credentials, opts: NtlmOptions = {}): NtlmAuthenticator {
  checkCredentials(creds);
  const useSpnego = opts.spnego !== false;
  let phase: Phase = 'start';
  let failed = false;
  let negotiateMsg: Buffer | undefined;
  let keys: NtlmKeys | undefined;
  let serverInfo: Authenticator['serverInfo'];
  let mechTypesDer: Buffer = encodeMechTypes([OID_NTLMSSP]);

  const fail = (e: unknown): never => {
    phase = 'done';
    failed = true;
    if (e instanceof NetsendError && e.layer === 'ntlm') throw e;
    if (e instanceof MalformedError) throw ntlmError('NTLM_MALFORMED_TOKEN', e.message, e);
    throw e;
  };

  const onChallenge = (challengeMsg: Buffer): Buffer => {
    const challenge = decodeChallenge(challengeMsg);
    const d = describeTargetInfo(challenge.targetInfo);
    serverInfo = {};
    if (d.netbiosComputer !== undefined) serverInfo.netbiosComputer = d.netbiosComputer;
    if (d.netbiosDomain !== undefined) serverInfo.netbiosDomain = d.netbiosDomain;
    if (d.dnsComputer !== undefined) serverInfo.dnsComputer = d.dnsComputer;
    if (d.dnsDomain !== undefined) serverInfo.dnsDomain = d.dnsDomain;
    if (!creds.anonymous) responseKey(creds); // the caller's secret: a bad one stays a usage error
    let res: AuthResult;
    try {
      res = buildAuthenticate(creds, opts, negotiateMsg!, challengeMsg, challenge);
    } catch (e) {
      // With the secret valid, a usage error here comes from the CHALLENGE, e.g. a TargetInfo so
      // long that AUTHENTICATE's 16-bit field lengths overflow ([MS-NLMP] §2.2.1.3): the server's
      // fault (exit 1), not the caller's.
      if (e instanceof NetsendError && e.layer === 'usage') throw ntlmError('NTLM_BAD_SERVER_TOKEN', `cannot answer the server's CHALLENGE: ${e.message}`, e);
      throw e;
    }
    keys = res.keys;
    return res.message;
  };

  const canSign = (): boolean =>
    keys !== undefined && !creds.anonymous && (keys.flags & NtlmFlags.EXTENDED_SESSIONSECURITY) !== 0 && (keys.flags & (NtlmFlags.SIGN | NtlmFlags.ALWAYS_SIGN)) !== 0;

  const auth: NtlmAuthenticator = {
    mechanism: useSpnego ? 'spnego' : 'ntlmssp',
    get complete() {
      return phase === 'done' && keys !== undefined && !failed;
    },
    get serverInfo() {
      return serverInfo;
    },
    get negotiatedFlags() {
      return keys?.flags ?? 0;
    },
    sessionKey(): Buffer {
      if (failed) throw ntlmError('NTLM_CONTEXT_FAILED', 'the authentication exchange failed; there is no session key');
      if (!keys) throw new NetsendError('usage', 0, 'NTLM_NOT_READY', 'no session key before the AUTHENTICATE message is built');
      return Buffer.from(keys.exportedSessionKey);
    },
    securityContext(): NtlmSecurityContext {
      if (failed) throw ntlmError('NTLM_CONTEXT_FAILED', 'the authentication exchange failed; there is no security context');
      if (!keys) throw new NetsendError('usage', 0, 'NTLM_NOT_READY', 'no security context before the AUTHENTICATE message is built');
      return new NtlmSecurityContext(keys.exportedSessionKey, keys.flags, 'client');
    },
    next(serverToken?: Buffer): Buffer | null {
      if (failed) throw ntlmError('NTLM_CONTEXT_FAILED', 'the authentication exchange already failed');
      try {
        switch (phase) {
          case 'start': {
            if (useSpnego && serverToken && serverToken.length > 0) {
              const hint = decodeNegTokenInit(serverToken);
              if (!hint.mechTypes.includes(OID_NTLMSSP)) {
                throw ntlmError('SPNEGO_NO_NTLMSSP', `the server does not offer NTLMSSP (offers ${hint.mechTypes.join(', ') || 'nothing'})`);
              }
            }
            negotiateMsg = encodeNegotiate({ flags: negotiateFlags(opts), version: DEFAULT_VERSION });
            phase = 'challenge';
            if (!useSpnego) return negotiateMsg;
            mechTypesDer = encodeMechTypes([OID_NTLMSSP]);
            return encodeNegTokenInit({ mechTypes: [OID_NTLMSSP], mechToken: negotiateMsg });
          }
          case 'challenge': {
            if (!serverToken || serverToken.length === 0) throw ntlmError('NTLM_NO_CHALLENGE', 'the server sent no CHALLENGE token');
            if (!useSpnego) {
              const msg = onChallenge(serverToken);
              phase = 'done';
              return msg;
            }
            const resp = decodeNegTokenResp(serverToken);
            checkNotRejected(resp);
            if (resp.supportedMech !== undefined && resp.supportedMech !== OID_NTLMSSP) {
              throw ntlmError('SPNEGO_WRONG_MECH', `the server selected ${resp.supportedMech}, not NTLMSSP`);
            }
            if (!resp.responseToken) throw ntlmError('NTLM_NO_CHALLENGE', 'SPNEGO response without a CHALLENGE token');
            const msg = onChallenge(resp.responseToken);
            // mechListMIC: NTLMSSP signature over the DER MechTypeList, first client sequence number ([MS-SPNG] §3.1.5.1).
            const out: { responseToken: Buffer; mechListMIC?: Buffer } = { responseToken: msg };
            if (canSign()) out.mechListMIC = auth.securityContext().sign(mechTypesDer, 0);
            phase = 'final';
            return encodeNegTokenResp(out);
          }
          case 'final': {
            phase = 'done';
            if (!serverToken || serverToken.length === 0) return null;
            const resp = decodeNegTokenResp(serverToken);
            checkNotRejected(resp);
            if (resp.negState !== undefined && resp.negState !== NegState.acceptCompleted) {
              throw ntlmError('SPNEGO_INCOMPLETE', `the server's final SPNEGO token has negState ${resp.negState}, not accept-completed`);
            }
            if (resp.mechListMIC && canSign()) {
              const want = new NtlmSecurityContext(keys!.exportedSessionKey, keys!.flags, 'server').sign(mechTypesDer, 0);
              const got = resp.mechListMIC;
              if (got.length !== want.length || !timingSafeEqual(got, want)) {
                throw ntlmError('SPNEGO_BAD_MECHLISTMIC', "the server's SPNEGO mechListMIC did not verify");
              }
            }
            return null;
          }
          case 'done':
            return null;
        }
      } catch (e) {
        return fail(e);
      }
    },
  };
  return auth;
}

/**
 * NTLMv2 responses for SMB1 servers without extended security (an 8-byte challenge in the
 * NEGOTIATE reply, [MS-CIFS] §3.2.4.2.4). `targetInfo` is the AV pair list for the blob (default: just
 * MsvAvEOL). SessionBaseKey is the SMB1 session key.
 */
export function ntlmV2ChallengeResponse(
  creds: Credentials,
  serverChallenge: Buffer,
  opts: { targetInfo?: Buffer; now?: () => Date; randomBytes?: (n: number) => Buffer } = {},
): { lmResponse: Buffer; ntResponse: Buffer; sessionBaseKey: Buffer } {
  checkCredentials(creds);
  if (creds.anonymous) return { lmResponse: Buffer.alloc(0), ntResponse: Buffer.alloc(0), sessionBaseKey: Buffer.alloc(16) };
  // The challenge is the server's (SMB1 NEGOTIATE EncryptionKey): a wrong length is its fault.
  if (serverChallenge.length !== 8) {
    throw new NetsendError('protocol', 0, 'NTLM_BAD_CHALLENGE', `the server's challenge is ${serverChallenge.length} bytes; NTLM needs 8 ([MS-CIFS] §2.2.4.52.2, [MS-NLMP] §3.3.2)`);
  }
  const key = ntowfv2(responseKey(creds), creds.user, creds.domain ?? '');
  const random = opts.randomBytes ?? cryptoRandomBytes;
  const ts = toFileTime((opts.now ?? (() => new Date()))());
  const r = computeNtlmV2(key, serverChallenge, random(8), ts, opts.targetInfo ?? encodeAvPairs([]));
  return { lmResponse: r.lmChallengeResponse, ntResponse: r.ntChallengeResponse, sessionBaseKey: r.sessionBaseKey };
}

/**
 * NTLMv1/LM are deliberately absent: they need DES, which Node 20 only offers through the OpenSSL legacy
 * provider, and they are broken (crackable offline). Every current server accepts NTLMv2.
 */
export function ntlmV1ChallengeResponse(): never {
  throw new NetsendError(
    'usage',
    0,
    'NTLM_V1_UNSUPPORTED',
    'NTLMv1/LM authentication is not supported (it needs DES and is insecure); use NTLMv2, which every current server accepts',
  );
}
