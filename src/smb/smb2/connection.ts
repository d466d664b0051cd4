/**
 * One SMB 2/3 connection over a MessageStream: negotiate, credits and message ids, signing,
 * encryption, async interim responses, session setup ([MS-SMB2] §3.2).
 * Requests are serialised: one is outstanding at a time, which is all a named-pipe client needs.
 */
import { randomBytes } from 'node:crypto';
import type { Authenticator } from '../../auth/types.js';
import { MalformedError, NetsendError } from '../../status/error.js';
import { NT, ntStatusError } from '../../status/index.js';
import type { MessageStream } from '../../transport/message-stream.js';
import { throwIfAborted, type WaitOptions } from '../../util/abort.js';
import { Deadline } from '../../util/deadline.js';
import { hideSecrets } from '../../util/secret.js';
import { guestLogonBlocked } from '../session-policy.js';
import {
  Capabilities,
  Cipher,
  Dialect,
  HashAlgorithm,
  NegotiateContextType,
  SMB2_HEADER_SIZE,
  SecurityMode,
  SessionFlags,
  SigningAlgorithm,
  Smb2Command,
  Smb2Flags,
  UNSOLICITED_MESSAGE_ID,
  commandName,
  dialectName,
  type CipherId,
  type DialectRevision,
  type SigningAlgorithmId,
} from './constants.js';
import { NonceSequence, PREAUTH_INITIAL, decryptMessage, deriveSmb3Keys, encryptMessage, invalidSignature, preauthUpdate, signMessage, verifyMessage } from './crypto.js';
import { SMB2_DEFAULTS } from './defaults.js';
import { decodeHeader, encodeHeader, isTransformMessage, type Smb2Header } from './header.js';
import {
  decodeIdList,
  decodeNegotiateResponse,
  decodePreauthCaps,
  decodeSessionSetupResponse,
  encodeIdList,
  encodeNegotiateRequest,
  encodePreauthCaps,
  encodeSessionSetupRequest,
  type NegotiateContext,
  type NegotiateResponse,
} from './messages.js';

export interface Smb2Response {
  header: Smb2Header;
  body: Buffer;
  /** The whole plaintext message (header + body), as signed / hashed. */
  raw: Buffer;
  /** The request as sent (plaintext, signed if it was). */
  sent: Buffer;
  encrypted: boolean;
}

export interface RequestOptions extends WaitOptions {
  treeId?: number;
  /** Force signing (VALIDATE_NEGOTIATE_INFO) even when the session does not require it. */
  sign?: boolean;
  /** Skip response signature verification (session setup legs: the caller verifies). */
  noVerify?: boolean;
  /** Bytes the response may carry, for the credit charge ([MS-SMB2] §3.1.5.2). */
  expectedResponse?: number;
  /** Runs once the request has been handed whole to the socket (PipeRequestOptions). */
  onWritten?: () => void;
}

export interface Smb2ConnectionOptions {
  dialects?: { min?: DialectRevision; max?: DialectRevision };
  requireSigning?: boolean;
  requireEncryption?: boolean;
  timeoutMs?: number;
  clientGuid?: Buffer;
  ciphers?: CipherId[];
  signingAlgorithms?: SigningAlgorithmId[];
  /**
   * Accept a guest (or null) session although the logon carried credentials. Off by default: such a
   * session has no key, so a man in the middle who sets IS_GUEST could take it over unseen.
   */
  allowGuest?: boolean;
}

/**
 * Smallest MaxTransactSize / MaxReadSize / MaxWriteSize accepted: [MS-SMB2] §3.2.5.2 says the client
 * SHOULD disconnect below 65536, and every SMB2 server must offer at least that much (2.0.2 servers
 * offer exactly 65536). Tiny sizes would split one RPC call into hundreds of 1-byte reads.
 */
export const SMB2_MIN_IO_SIZE = 65536;

/** Session state ([MS-SMB2] §3.2.1.3). The keys are non-enumerable: inspect/JSON of a connection leaves them out. */
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

function protocolError(name: string, message: string): NetsendError {
  return new NetsendError('protocol', 0, name, message);
}

export class Smb2Connection {
  readonly stream: MessageStream;
  readonly clientGuid: Buffer;
  readonly securityMode: number;
  readonly capabilities: number;
  readonly offeredDialects: DialectRevision[];
  readonly requireSigning: boolean;
  readonly requireEncryption: boolean;
  readonly allowGuest: boolean;
  readonly timeoutMs: number;
  private readonly ciphers: CipherId[];
  private readonly signingAlgorithms: SigningAlgorithmId[];

  dialect: DialectRevision = Dialect.SMB2_0_2;
  negotiateResponse: NegotiateResponse | null = null;
  /** Connection.PreauthIntegrityHashValue after NEGOTIATE (3.1.1 only). */
  private preauthHash: Buffer = PREAUTH_INITIAL;
  cipher: CipherId | null = null;
  signingAlgorithm: SigningAlgorithmId = SigningAlgorithm.HMAC_SHA256;
  serverRequiresSigning = false;

  credits = 1;
  private nextMessageId = 0n;
  /** Requests put on the wire, for measurements. */
  requestsSent = 0;
  /** STATUS_PENDING interim responses seen ([MS-SMB2] §3.2.5.1.5). */
  interimResponses = 0;
  session: SessionState | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(stream: MessageStream, opts: Smb2ConnectionOptions = {}) {
    this.stream = stream;
    this.clientGuid = opts.clientGuid ?? randomBytes(16);
    this.requireSigning = opts.requireSigning === true;
    this.requireEncryption = opts.requireEncryption === true;
    this.allowGuest = opts.allowGuest === true;
    this.securityMode = SecurityMode.SIGNING_ENABLED | (this.requireSigning ? SecurityMode.SIGNING_REQUIRED : 0);
    this.timeoutMs = opts.timeoutMs ?? SMB2_DEFAULTS.timeoutMs;
    const min = opts.dialects?.min ?? Dialect.SMB2_0_2;
    const max = opts.dialects?.max ?? Dialect.SMB3_1_1;
    this.offeredDialects = SMB2_DEFAULTS.dialects.filter((d) => d >= min && d <= max);
    if (this.offeredDialects.length === 0) throw new NetsendError('usage', 0, 'EINVAL', `empty SMB2 dialect range ${dialectName(min)}..${dialectName(max)}`);
    if (this.requireEncryption && max < Dialect.SMB3_0) throw new NetsendError('usage', 0, 'EINVAL', 'encryption needs SMB 3.0 or later');
    this.capabilities = this.offeredDialects.some((d) => d >= Dialect.SMB3_0) ? SMB2_DEFAULTS.capabilities : 0;
    this.ciphers = opts.ciphers ?? [...SMB2_DEFAULTS.ciphers];
    this.signingAlgorithms = opts.signingAlgorithms ?? [...SMB2_DEFAULTS.signingAlgorithms];
  }

  /** Credit charge of a request moving `bytes` ([MS-SMB2] §3.1.5.2); 0 on 2.0.2, which has no charges. */
  private creditCharge(bytes: number): number {
    if (this.dialect === Dialect.SMB2_0_2) return 0;
    if (!this.negotiateResponse || !(this.negotiateResponse.capabilities & Capabilities.LARGE_MTU)) return 1;
    return Math.max(1, Math.ceil(bytes / SMB2_DEFAULTS.creditUnit));
  }

  /** Runs `fn` after every earlier request has finished. */
  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Sends one request and waits for its final response (skipping STATUS_PENDING interim ones), until
   * `opts.deadline`, else `opts.timeoutMs` (or the connection's default) after the request starts.
   */
  request(command: number, body: Buffer, opts: RequestOptions = {}): Promise<Smb2Response> {
    return this.serialize(() => this.requestNow(command, body, opts));
  }

  private async requestNow(command: number, body: Buffer, opts: RequestOptions): Promise<Smb2Response> {
    const what = `SMB2 ${commandName(command)}`;
    throwIfAborted(opts.signal, what);
    const deadline = Deadline.of(opts, this.timeoutMs).within(what);
    // Spent before it started (queued behind a slow request, or teardown after the time ran out): send nothing.
    deadline.check();
    if (this.stream.closed) throw new NetsendError('socket', 0, 'ECONNRESET', `${what}: connection is closed`);
    const charge = this.creditCharge(Math.max(body.length, opts.expectedResponse ?? 0));
    const cost = Math.max(1, charge);
    if (this.credits < cost) throw protocolError('SMB2_NO_CREDITS', `${what}: needs ${cost} credits, the server granted ${this.credits}`);
    const messageId = this.nextMessageId;
    this.nextMessageId += BigInt(cost);
    this.credits -= cost;
    const s = this.session;
    const established = s !== null && command !== Smb2Command.SESSION_SETUP && command !== Smb2Command.NEGOTIATE;
    const encrypt = established && s.encryptData;
    const sign = established && !encrypt && s.signingKey !== null && (s.signingRequired || opts.sign === true);
    const want = Math.max(1, SMB2_DEFAULTS.creditTarget - this.credits);
    const header: Smb2Header = {
      creditCharge: charge,
      status: 0,
      command,
      credits: Math.min(want, 0xffff),
      flags: 0,
      nextCommand: 0,
      messageId,
      treeId: opts.treeId ?? 0,
      sessionId: command === Smb2Command.NEGOTIATE ? 0n : (s?.id ?? this.pendingSessionId),
      signature: Buffer.alloc(16),
    };
    const msg = Buffer.concat([encodeHeader(header), body]);
    if (sign) signMessage(this.signingAlgorithm, s.signingKey!, msg);
    const wire = encrypt ? encryptMessage(this.cipher!, s.encryptionKey!, s.nonces!.next(), s.id, msg) : msg;
    await this.stream.send(wire, deadline.waitOptions());
    this.requestsSent++;
    opts.onWritten?.();

    let asyncId: bigint | undefined;
    for (;;) {
      // Interim responses and stray messages must not stretch the deadline either.
      deadline.check();
      const raw = await this.stream.receive(deadline.waitOptions());
      let plain = raw;
      let encrypted = false;
      if (isTransformMessage(raw)) {
        if (!s || !s.decryptionKey || this.cipher === null) throw protocolError('SMB2_UNEXPECTED_ENCRYPTION', `${what}: encrypted message before keys exist`);
        const d = decryptMessage(this.cipher, s.decryptionKey, raw);
        if (d.sessionId !== s.id) throw protocolError('SMB2_UNEXPECTED_ENCRYPTION', `${what}: encrypted message for another session`);
        plain = d.plain;
        encrypted = true;
      }
      const h = decodeHeader(plain);
      if (!(h.flags & Smb2Flags.SERVER_TO_REDIR)) throw new MalformedError('SMB2 response', 'SERVER_TO_REDIR flag missing');
      if (h.nextCommand !== 0) throw new MalformedError('SMB2 response', 'compounded response to a single request');
      this.credits += h.credits;
      if (h.messageId === UNSOLICITED_MESSAGE_ID) continue; // oplock/lease break: we hold none
      if (h.messageId < messageId) continue; // late answer to a request that timed out earlier
      if (h.messageId !== messageId) throw protocolError('SMB2_BAD_MESSAGE_ID', `${what}: response for MessageId ${h.messageId}, expected ${messageId}`);
      if (h.command !== command) throw new MalformedError('SMB2 response', `command ${commandName(h.command)} for a ${commandName(command)} request`);
      const interim = (h.flags & Smb2Flags.ASYNC_COMMAND) !== 0 && h.status === NT.STATUS_PENDING;
      if (encrypt && !encrypted) throw protocolError('SMB2_UNENCRYPTED_RESPONSE', `${what}: the server answered an encrypted request in clear text`);
      if (!encrypted && !opts.noVerify && s?.signingKey && command !== Smb2Command.SESSION_SETUP) {
        if (h.flags & Smb2Flags.SIGNED) verifyMessage(this.signingAlgorithm, s.signingKey, plain);
        else if (sign && !interim) throw invalidSignature(`${what}: response to a signed request is not signed`);
      }
      if (asyncId !== undefined && h.asyncId !== undefined && h.asyncId !== asyncId) {
        throw protocolError('SMB2_BAD_ASYNC_ID', `${what}: AsyncId changed between interim and final response`);
      }
      if (interim) {
        asyncId = h.asyncId;
        this.interimResponses++;
        continue; // [MS-SMB2] §3.2.5.1.5: wait for the final response
      }
      return { header: h, body: plain.subarray(SMB2_HEADER_SIZE), raw: plain, sent: msg, encrypted };
    }
  }

  /** SessionId the server assigned in the first SESSION_SETUP response, until the session is complete. */
  private pendingSessionId = 0n;

  /** Throws the NTSTATUS of a response as NetsendError (layer 'ntstatus') unless it is in `ok`. */
  static check(resp: Smb2Response, context: string, ok: number[] = [0]): void {
    if (!ok.includes(resp.header.status)) throw ntStatusError(resp.header.status, context);
  }

  /**
   * Adopts the SMB2 NEGOTIATE response an SMB1 multi-protocol NEGOTIATE drew ([MS-SMB2] §3.2.4.2.2.1,
   * §3.2.5.2). 0x02FF: the next SMB2 NEGOTIATE uses MessageId 1. 0x0202: the connection is negotiated.
   * Returns true when no SMB2 NEGOTIATE is needed any more.
   */
  adoptSmb1Reply(reply: Buffer): boolean {
    const h = decodeHeader(reply);
    if (h.command !== Smb2Command.NEGOTIATE || !(h.flags & Smb2Flags.SERVER_TO_REDIR)) throw new MalformedError('SMB2 NEGOTIATE response', 'not a NEGOTIATE response');
    if (h.status !== 0) throw ntStatusError(h.status, 'SMB2 negotiate');
    const n = decodeNegotiateResponse(reply.subarray(SMB2_HEADER_SIZE));
    this.nextMessageId = 1n;
    this.credits = Math.max(0, this.credits - 1) + h.credits;
    if (n.dialect === Dialect.SMB2_WILDCARD) return false;
    if (n.dialect !== Dialect.SMB2_0_2 || !this.offeredDialects.includes(Dialect.SMB2_0_2)) {
      throw protocolError('SMB2_BAD_DIALECT', `server chose dialect ${dialectName(n.dialect)} in answer to an SMB1 negotiate`);
    }
    this.applyNegotiate(n);
    return true;
  }

  /** SMB2 NEGOTIATE ([MS-SMB2] §3.2.4.2.2.2, §3.2.5.2). */
  async negotiate(opts: WaitOptions = {}): Promise<NegotiateResponse> {
    const contexts: NegotiateContext[] = [];
    if (this.offeredDialects.includes(Dialect.SMB3_1_1)) {
      contexts.push({
        type: NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES,
        data: encodePreauthCaps({ hashAlgorithms: [HashAlgorithm.SHA_512], salt: randomBytes(SMB2_DEFAULTS.preauthSaltLength) }),
      });
      contexts.push({ type: NegotiateContextType.ENCRYPTION_CAPABILITIES, data: encodeIdList(this.ciphers) });
      contexts.push({ type: NegotiateContextType.SIGNING_CAPABILITIES, data: encodeIdList(this.signingAlgorithms) });
    }
    const body = encodeNegotiateRequest({
      securityMode: this.securityMode,
      capabilities: this.capabilities,
      clientGuid: this.clientGuid,
      dialects: this.offeredDialects,
      contexts,
    });
    const resp = await this.request(Smb2Command.NEGOTIATE, body, opts);
    Smb2Connection.check(resp, 'SMB2 negotiate');
    const n = decodeNegotiateResponse(resp.body);
    if (!this.offeredDialects.includes(n.dialect as DialectRevision)) {
      throw protocolError('SMB2_BAD_DIALECT', `server chose dialect ${dialectName(n.dialect)}, which was not offered`);
    }
    if (n.dialect === Dialect.SMB3_1_1) {
      this.preauthHash = preauthUpdate(preauthUpdate(PREAUTH_INITIAL, resp.sent), resp.raw);
    }
    this.applyNegotiate(n);
    return n;
  }

  private applyNegotiate(n: NegotiateResponse): void {
    for (const [field, size] of [['MaxTransactSize', n.maxTransactSize], ['MaxReadSize', n.maxReadSize], ['MaxWriteSize', n.maxWriteSize]] as const) {
      if (size < SMB2_MIN_IO_SIZE) {
        throw new NetsendError('protocol', NT.STATUS_INVALID_NETWORK_RESPONSE, 'STATUS_INVALID_NETWORK_RESPONSE', `SMB2 negotiate: the server offers ${field} ${size}, below the minimum of ${SMB2_MIN_IO_SIZE} bytes ([MS-SMB2] §3.2.5.2)`);
      }
    }
    this.dialect = n.dialect as DialectRevision;
    this.negotiateResponse = n;
    this.serverRequiresSigning = (n.securityMode & SecurityMode.SIGNING_REQUIRED) !== 0;
    if (this.dialect === Dialect.SMB3_0 || this.dialect === Dialect.SMB3_0_2) {
      this.signingAlgorithm = SigningAlgorithm.AES_CMAC;
      if (n.capabilities & Capabilities.ENCRYPTION) this.cipher = Cipher.AES_128_CCM;
    } else if (this.dialect === Dialect.SMB3_1_1) {
      this.signingAlgorithm = SigningAlgorithm.AES_CMAC;
      let preauth = 0;
      for (const c of n.contexts) {
        switch (c.type) {
          case NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES: {
            const p = decodePreauthCaps(c.data);
            if (p.hashAlgorithms.length !== 1 || p.hashAlgorithms[0] !== HashAlgorithm.SHA_512) {
              throw protocolError('SMB2_BAD_NEGOTIATE_CONTEXT', 'server did not select SHA-512 for pre-auth integrity');
            }
            preauth++;
            break;
          }
          case NegotiateContextType.ENCRYPTION_CAPABILITIES: {
            const ids = decodeIdList(c.data, 'ENCRYPTION_CAPABILITIES');
            const id = ids[0]!;
            if (ids.length !== 1 || (id !== 0 && !this.ciphers.includes(id as CipherId))) {
              throw protocolError('SMB2_BAD_NEGOTIATE_CONTEXT', `server selected cipher list [${ids.join(',')}]`);
            }
            this.cipher = id === 0 ? null : (id as CipherId);
            break;
          }
          case NegotiateContextType.SIGNING_CAPABILITIES: {
            const ids = decodeIdList(c.data, 'SIGNING_CAPABILITIES');
            const id = ids[0]!;
            if (ids.length !== 1 || !this.signingAlgorithms.includes(id as SigningAlgorithmId)) {
              throw protocolError('SMB2_BAD_NEGOTIATE_CONTEXT', `server selected signing algorithm list [${ids.join(',')}]`);
            }
            this.signingAlgorithm = id as SigningAlgorithmId;
            break;
          }
          default:
            break; // contexts we did not offer or do not use are ignored ([MS-SMB2] §3.2.5.2)
        }
      }
      if (preauth !== 1) throw protocolError('SMB2_BAD_NEGOTIATE_CONTEXT', `expected one PREAUTH_INTEGRITY context, got ${preauth}`);
    }
  }

  /**
   * Multi-leg SESSION_SETUP ([MS-SMB2] §3.2.4.2.3, §3.2.5.3): feeds tokens between the server and
   * `auth` until success, derives the keys, and verifies the signed final response.
   */
  async sessionSetup(auth: Authenticator, opts: WaitOptions = {}, anonymous = false): Promise<{ sessionFlags: number }> {
    const is311 = this.dialect === Dialect.SMB3_1_1;
    let hash = this.preauthHash;
    const hint = this.negotiateResponse?.securityBuffer;
    let token = auth.next(hint && hint.length > 0 ? hint : undefined);
    if (!token) throw new NetsendError('ntlm', 0, 'NTLM_NO_TOKEN', 'authenticator produced no initial token');
    for (let leg = 0; leg < 8; leg++) {
      const body = encodeSessionSetupRequest({
        flags: 0,
        securityMode: this.requireSigning ? SecurityMode.SIGNING_REQUIRED | SecurityMode.SIGNING_ENABLED : SecurityMode.SIGNING_ENABLED,
        capabilities: 0,
        previousSessionId: 0n,
        securityBuffer: token,
      });
      const resp = await this.request(Smb2Command.SESSION_SETUP, body, { ...opts, noVerify: true });
      if (is311) hash = preauthUpdate(hash, resp.sent);
      const status = resp.header.status;
      if (status === NT.STATUS_MORE_PROCESSING_REQUIRED) {
        if (is311) hash = preauthUpdate(hash, resp.raw);
        if (this.pendingSessionId === 0n) this.pendingSessionId = resp.header.sessionId;
        else if (resp.header.sessionId !== this.pendingSessionId) throw protocolError('SMB2_BAD_SESSION_ID', 'SessionId changed during session setup');
        const r = decodeSessionSetupResponse(resp.body);
        const next = auth.next(r.securityBuffer);
        if (!next) throw new NetsendError('ntlm', 0, 'NTLM_NO_TOKEN', 'server wants another leg but the authenticator is done');
        token = next;
        continue;
      }
      Smb2Connection.check(resp, 'SMB2 session setup');
      const r = decodeSessionSetupResponse(resp.body);
      if (r.securityBuffer.length > 0 || !auth.complete) {
        // The last server token carries the SPNEGO mechListMIC; the authenticator verifies it.
        const extra = auth.next(r.securityBuffer);
        if (extra) throw new NetsendError('ntlm', 0, 'NTLM_UNEXPECTED_TOKEN', 'authenticator wants to send after the server accepted');
      }
      if (!auth.complete) throw new NetsendError('ntlm', 0, 'NTLM_INCOMPLETE', 'server accepted a session the authenticator did not complete');
      // An anonymous GSS context is a null session whatever the flags say ([MS-SMB2] §3.2.5.3.1 Session.IsAnonymous).
      const flags = anonymous ? r.sessionFlags | SessionFlags.IS_NULL : r.sessionFlags;
      this.establish(resp, flags, auth.sessionKey(), hash, anonymous);
      return { sessionFlags: flags };
    }
    throw protocolError('SMB2_TOO_MANY_LEGS', 'session setup did not finish within 8 legs');
  }

  /**
   * Completes the session ([MS-SMB2] §3.2.5.3.1). `anonymous`: the client asked for a null session.
   * A logon with credentials that comes back guest or null is refused unless allowGuest (see
   * ../session-policy.ts); when either side requires signing, a session without a key is refused even then.
   */
  private establish(resp: Smb2Response, sessionFlags: number, sessionKeyFull: Buffer, hash: Buffer, anonymous: boolean): void {
    const id = resp.header.sessionId;
    if (this.pendingSessionId !== 0n && id !== this.pendingSessionId) throw protocolError('SMB2_BAD_SESSION_ID', 'SessionId changed during session setup');
    const isGuest = (sessionFlags & SessionFlags.IS_GUEST) !== 0;
    const isNull = (sessionFlags & SessionFlags.IS_NULL) !== 0;
    const noKeys = isGuest || isNull;
    const kind = isGuest ? 'guest' : 'null';
    if (noKeys && !anonymous && !this.allowGuest) throw guestLogonBlocked(kind, 'SMB2 session setup');
    const signingRequired = !noKeys && (this.requireSigning || this.serverRequiresSigning);
    // A null session the caller asked for is exempt from the server's signing requirement (an anonymous
    // session has Session.SigningRequired FALSE, [MS-SMB2] §3.2.5.3.1); a credentialed one without a key is not.
    if (noKeys && (this.requireSigning || this.requireEncryption || (!anonymous && this.serverRequiresSigning))) {
      const who = this.requireSigning || this.requireEncryption ? 'the client requires' : 'the server requires';
      throw protocolError('SMB2_NO_SESSION_KEY', `server gave a ${kind} session, which cannot sign or encrypt, and ${who} ${this.requireEncryption ? 'encryption' : 'signing'}`);
    }
    const sessionKey = Buffer.alloc(16);
    sessionKeyFull.copy(sessionKey, 0, 0, Math.min(16, sessionKeyFull.length));
    let signingKey: Buffer | null = null;
    let encryptionKey: Buffer | null = null;
    let decryptionKey: Buffer | null = null;
    // Keys are derived even when the server claims guest/null, so that a signed final response is still
    // verified: otherwise a forged IS_GUEST flag would switch verification off.
    if (this.dialect >= Dialect.SMB3_0) {
      const bits = this.cipher === Cipher.AES_256_CCM || this.cipher === Cipher.AES_256_GCM ? 256 : 128;
      const k = deriveSmb3Keys(sessionKeyFull.length > 16 && bits === 256 ? sessionKeyFull : sessionKey, this.dialect as 0x0300 | 0x0302 | 0x0311, this.dialect === Dialect.SMB3_1_1 ? hash : undefined, bits);
      signingKey = k.signingKey;
      encryptionKey = k.encryptionKey;
      decryptionKey = k.decryptionKey;
    } else {
      signingKey = sessionKey;
    }
    // The final SESSION_SETUP response is signed with the new key: always on 3.1.1 ([MS-SMB2] §3.3.5.5.3),
    // and whenever signing is required. It must verify before the session is trusted.
    const signed = (resp.header.flags & Smb2Flags.SIGNED) !== 0;
    if (signed) verifyMessage(this.signingAlgorithm, signingKey, resp.raw);
    else if (!noKeys && (this.dialect === Dialect.SMB3_1_1 || signingRequired)) throw invalidSignature('final SESSION_SETUP response is not signed');
    if (noKeys) {
      signingKey = null;
      encryptionKey = null;
      decryptionKey = null;
    }
    const encryptData = !noKeys && (this.requireEncryption || (sessionFlags & SessionFlags.ENCRYPT_DATA) !== 0);
    if (encryptData && (this.cipher === null || encryptionKey === null)) {
      throw protocolError('SMB2_ENCRYPTION_UNAVAILABLE', `encryption is required but dialect ${dialectName(this.dialect)} with this server has no cipher`);
    }
    this.session = hideSecrets(
      {
        id,
        signingKey,
        encryptionKey,
        decryptionKey,
        signingRequired,
        encryptData,
        nonces: encryptData || this.cipher !== null ? new NonceSequence(this.cipher ?? Cipher.AES_128_CCM) : null,
        isGuest,
        isNull,
      },
      'signingKey',
      'encryptionKey',
      'decryptionKey',
    );
  }

  /** Turns on encryption for everything after this point (share with SMB2_SHAREFLAG_ENCRYPT_DATA). */
  enableEncryption(): void {
    const s = this.session;
    if (!s || s.encryptionKey === null || this.cipher === null) {
      throw protocolError('SMB2_ENCRYPTION_UNAVAILABLE', `the share requires encryption, which dialect ${dialectName(this.dialect)} with this server cannot do`);
    }
    s.encryptData = true;
  }

  get signing(): boolean {
    const s = this.session;
    return !!s && !s.encryptData && s.signingKey !== null && s.signingRequired;
  }

  get encrypting(): boolean {
    return !!this.session?.encryptData;
  }

  close(): void {
    this.stream.close();
  }
}
