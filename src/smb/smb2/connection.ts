/**
 * One SMB 2/3 connection over a MessageStream: negotiate, the request loop (async interim responses,
 * message-id matching), session setup ([MS-SMB2] §3.2). Its parts live beside it: credits and message
 * ids (credits.ts), session keys, signing and encryption (session-crypto.ts), what each dialect
 * requires (dialects.ts), the NEGOTIATE contexts and response checks (negotiate.ts), the GSS leg
 * loop (../gss-legs.ts).
 * Requests are serialised: one request, or one related compound (requestCompound), is outstanding at
 * a time, which is all a named-pipe client needs.
 */
import { randomBytes } from 'node:crypto';
import type { Authenticator } from '../../auth/types.js';
import { MalformedError, NetsendError, usageError } from '../../status/error.js';
import { NT, ntStatusError } from '../../status/index.js';
import type { MessageStream } from '../../transport/message-stream.js';
import { throwIfAborted, type WaitOptions } from '../../util/abort.js';
import { Deadline } from '../../util/deadline.js';
import { SerialQueue } from '../../util/serial-queue.js';
import { runGssLegs, type GssLegReply } from '../gss-legs.js';
import {
  Capabilities,
  Dialect,
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
import { CreditWindow } from './credits.js';
import { PREAUTH_INITIAL, invalidSignature, preauthUpdate } from './crypto.js';
import { SMB2_DEFAULTS } from './defaults.js';
import { dialectTraits, type DialectTraits } from './dialects.js';
import { SMB2_MAX_COMPOUND, decodeHeader, encodeHeader, isTransformMessage, splitCompound, type Smb2Header } from './header.js';
import {
  decodeNegotiateResponse,
  decodeSessionSetupResponse,
  encodeNegotiateRequest,
  encodeSessionSetupRequest,
  type NegotiateResponse,
} from './messages.js';
import { checkNegotiateResponse, negotiateContexts } from './negotiate.js';
import { SessionCrypto, type Smb2Session } from './session-crypto.js';

export type { Smb2Session } from './session-crypto.js';

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

/** One request of a related compound (Smb2Connection.requestCompound). */
export interface CompoundPart {
  command: number;
  body: Buffer;
  /** Bytes the response may carry, for the credit charge. */
  expectedResponse?: number;
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

export { SMB2_MIN_IO_SIZE } from './negotiate.js';

/** SESSION_SETUP legs allowed before the server is taken to be stalling (NTLMSSP in SPNEGO needs 2). */
const SMB2_MAX_SESSION_LEGS = 8;

function protocolError(name: string, message: string): NetsendError {
  return new NetsendError('protocol', 0, name, message);
}

export class Smb2Connection {
  readonly stream: MessageStream;
  readonly clientGuid: Buffer;
  readonly securityMode: number;
  readonly capabilities: number;
  readonly offeredDialects: readonly DialectRevision[];
  readonly requireSigning: boolean;
  readonly requireEncryption: boolean;
  readonly allowGuest: boolean;
  readonly timeoutMs: number;
  private readonly ciphers: CipherId[];
  private readonly signingAlgorithms: SigningAlgorithmId[];

  private negotiated: NegotiateResponse | null = null;
  private negotiatedDialect: DialectRevision = Dialect.SMB2_0_2;
  /** Connection.PreauthIntegrityHashValue after NEGOTIATE (3.1.1 only). */
  private preauthHash: Buffer = PREAUTH_INITIAL;
  private negotiatedCipher: CipherId | null = null;
  private negotiatedSigning: SigningAlgorithmId = SigningAlgorithm.HMAC_SHA256;
  private readonly window = new CreditWindow();
  private readonly queue = new SerialQueue();
  /** The established session's keys; null until SESSION_SETUP succeeds. */
  private crypto: SessionCrypto | null = null;
  /** SessionId the server assigned in the first SESSION_SETUP response, until the session is complete. */
  private pendingSessionId = 0n;
  private sent = 0;
  private interim = 0;

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
    if (this.offeredDialects.length === 0) throw usageError(`empty SMB2 dialect range ${dialectName(min)}..${dialectName(max)}`);
    if (this.requireEncryption && !this.offeredDialects.some((d) => dialectTraits(d).cipher !== 'none')) throw usageError('encryption needs SMB 3.0 or later');
    this.capabilities = this.offeredDialects.some((d) => dialectTraits(d).smb3Kdf) ? SMB2_DEFAULTS.capabilities : 0;
    this.ciphers = opts.ciphers ?? [...SMB2_DEFAULTS.ciphers];
    this.signingAlgorithms = opts.signingAlgorithms ?? [...SMB2_DEFAULTS.signingAlgorithms];
  }

  /** The dialect in force (2.0.2 until NEGOTIATE completes). */
  get dialect(): DialectRevision {
    return this.negotiatedDialect;
  }
  /** What the dialect in force requires. */
  get traits(): DialectTraits {
    return dialectTraits(this.negotiatedDialect);
  }
  get negotiateResponse(): Readonly<NegotiateResponse> | null {
    return this.negotiated;
  }
  get cipher(): CipherId | null {
    return this.negotiatedCipher;
  }
  get signingAlgorithm(): SigningAlgorithmId {
    return this.negotiatedSigning;
  }
  get serverRequiresSigning(): boolean {
    return this.negotiated !== null && (this.negotiated.securityMode & SecurityMode.SIGNING_REQUIRED) !== 0;
  }
  /** Credits granted and not yet spent. */
  get credits(): number {
    return this.window.credits;
  }
  /** Requests put on the wire, for measurements. */
  get requestsSent(): number {
    return this.sent;
  }
  /** STATUS_PENDING interim responses seen ([MS-SMB2] §3.2.5.1.5). */
  get interimResponses(): number {
    return this.interim;
  }
  /** The established session (keys non-enumerable), or null. */
  get session(): Smb2Session | null {
    return this.crypto?.session ?? null;
  }

  /**
   * Sends one request and waits for its final response (skipping STATUS_PENDING interim ones), until
   * `opts.deadline`, else `opts.timeoutMs` (or the connection's default) after the request starts.
   * Requests are serialised: one is outstanding at a time.
   */
  request(command: number, body: Buffer, opts: RequestOptions = {}): Promise<Smb2Response> {
    return this.queue.run(() => this.requestNow(command, body, opts));
  }

  private async requestNow(command: number, body: Buffer, opts: RequestOptions): Promise<Smb2Response> {
    const what = `SMB2 ${commandName(command)}`;
    throwIfAborted(opts.signal, what);
    const deadline = Deadline.of(opts, this.timeoutMs).within(what);
    // Spent before it started (queued behind a slow request, or teardown after the time ran out): send nothing.
    deadline.check();
    if (this.stream.closed) throw new NetsendError('socket', 0, 'ECONNRESET', `${what}: connection is closed`);
    const largeMtu = this.negotiated !== null && (this.negotiated.capabilities & Capabilities.LARGE_MTU) !== 0;
    const charge = CreditWindow.charge(Math.max(body.length, opts.expectedResponse ?? 0), this.traits.creditCharge, largeMtu);
    const grant = this.window.take(charge, what);
    const messageId = grant.messageId;
    const sc = command !== Smb2Command.SESSION_SETUP && command !== Smb2Command.NEGOTIATE ? this.crypto : null;
    const encrypt = sc !== null && sc.encrypting;
    const sign = sc !== null && sc.signs(opts.sign === true);
    const header: Smb2Header = {
      creditCharge: grant.charge,
      status: 0,
      command,
      credits: grant.request,
      flags: 0,
      nextCommand: 0,
      messageId,
      treeId: opts.treeId ?? 0,
      sessionId: command === Smb2Command.NEGOTIATE ? 0n : (this.crypto?.id ?? this.pendingSessionId),
      signature: Buffer.alloc(16),
    };
    const msg = Buffer.concat([encodeHeader(header), body]);
    if (sign) sc.sign(msg);
    const wire = encrypt ? sc.encrypt(msg) : msg;
    await this.stream.send(wire, deadline.waitOptions());
    this.sent++;
    opts.onWritten?.();

    let asyncId: bigint | undefined;
    for (;;) {
      // Interim responses and stray messages must not stretch the deadline either.
      deadline.check();
      const raw = await this.stream.receive(deadline.waitOptions());
      let plain = raw;
      let encrypted = false;
      if (isTransformMessage(raw)) {
        if (!this.crypto) throw protocolError('SMB2_UNEXPECTED_ENCRYPTION', `${what}: encrypted message before keys exist`);
        plain = this.crypto.decrypt(raw, what);
        encrypted = true;
      }
      const h = decodeHeader(plain);
      if (!(h.flags & Smb2Flags.SERVER_TO_REDIR)) throw new MalformedError('SMB2 response', 'SERVER_TO_REDIR flag missing');
      if (h.nextCommand !== 0) throw new MalformedError('SMB2 response', 'compounded response to a single request');
      this.window.grant(h.credits);
      if (h.messageId === UNSOLICITED_MESSAGE_ID) continue; // oplock/lease break: we hold none
      if (h.messageId < messageId) continue; // late answer to a request that timed out earlier
      if (h.messageId !== messageId) throw protocolError('SMB2_BAD_MESSAGE_ID', `${what}: response for MessageId ${h.messageId}, expected ${messageId}`);
      if (h.command !== command) throw new MalformedError('SMB2 response', `command ${commandName(h.command)} for a ${commandName(command)} request`);
      const interim = (h.flags & Smb2Flags.ASYNC_COMMAND) !== 0 && h.status === NT.STATUS_PENDING;
      if (encrypt && !encrypted) throw protocolError('SMB2_UNENCRYPTED_RESPONSE', `${what}: the server answered an encrypted request in clear text`);
      const verifier = this.crypto;
      if (!encrypted && !opts.noVerify && verifier?.canVerify && command !== Smb2Command.SESSION_SETUP) {
        if (h.flags & Smb2Flags.SIGNED) verifier.verify(plain);
        else if (sign && !interim) throw invalidSignature(`${what}: response to a signed request is not signed`);
      }
      if (asyncId !== undefined && h.asyncId !== undefined && h.asyncId !== asyncId) {
        throw protocolError('SMB2_BAD_ASYNC_ID', `${what}: AsyncId changed between interim and final response`);
      }
      if (interim) {
        asyncId = h.asyncId;
        this.interim++;
        continue; // [MS-SMB2] §3.2.5.1.5: wait for the final response
      }
      return { header: h, body: plain.subarray(SMB2_HEADER_SIZE), raw: plain, sent: msg, encrypted };
    }
  }

  /**
   * Sends `parts` as one chain of related operations ([MS-SMB2] §3.2.4.1.4) and waits for every final
   * response, in order. Each message after the first carries SMB2_FLAGS_RELATED_OPERATIONS, so the
   * server takes SessionId, TreeId and a FileId of all 0xFF from the one before; each starts 8-byte
   * aligned (NextCommand); each is signed on its own, padding included (§3.1.4.1); with encryption the
   * whole chain goes in one TRANSFORM message (§3.2.4.1.8). Responses may come back compounded or one
   * by one (an interim STATUS_PENDING splits a chain, §3.2.5.1.5); each is checked as `request` checks
   * one. `opts.onWritten` runs once the chain is on the socket. One deadline covers it all.
   */
  requestCompound(parts: CompoundPart[], opts: RequestOptions = {}): Promise<Smb2Response[]> {
    return this.queue.run(() => this.compoundNow(parts, opts));
  }

  /** Credits a compound of `parts` spends ([MS-SMB2] §3.1.5.2): callers compare it with `credits` to choose. */
  compoundCost(parts: CompoundPart[]): number {
    return parts.reduce((n, p) => n + Math.max(1, this.chargeOf(p)), 0);
  }

  private chargeOf(p: CompoundPart): number {
    const largeMtu = this.negotiated !== null && (this.negotiated.capabilities & Capabilities.LARGE_MTU) !== 0;
    return CreditWindow.charge(Math.max(p.body.length, p.expectedResponse ?? 0), this.traits.creditCharge, largeMtu);
  }

  private async compoundNow(parts: CompoundPart[], opts: RequestOptions): Promise<Smb2Response[]> {
    if (parts.length === 0 || parts.length > SMB2_MAX_COMPOUND) throw usageError(`a compound holds 1..${SMB2_MAX_COMPOUND} requests, got ${parts.length}`);
    const what = `SMB2 compound ${parts.map((p) => commandName(p.command)).join('+')}`;
    throwIfAborted(opts.signal, what);
    const deadline = Deadline.of(opts, this.timeoutMs).within(what);
    deadline.check();
    if (this.stream.closed) throw new NetsendError('socket', 0, 'ECONNRESET', `${what}: connection is closed`);
    if (parts.some((p) => p.command === Smb2Command.NEGOTIATE || p.command === Smb2Command.SESSION_SETUP)) throw usageError(`${what}: NEGOTIATE and SESSION_SETUP are never compounded here`);
    const cost = this.compoundCost(parts);
    // All or nothing: a chain cut short by missing credits would leave MessageIds spent and unsent.
    if (cost > this.window.credits) throw protocolError('SMB2_NO_CREDITS', `${what}: needs ${cost} credits, the server granted ${this.window.credits}`);
    const sc = this.crypto;
    const encrypt = sc !== null && sc.encrypting;
    const sign = sc !== null && sc.signs(opts.sign === true);
    const ids: bigint[] = [];
    const msgs: Buffer[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const grant = this.window.take(this.chargeOf(p), what);
      ids.push(grant.messageId);
      const last = i === parts.length - 1;
      const size = SMB2_HEADER_SIZE + p.body.length;
      const padded = last ? size : (size + 7) & ~7;
      const msg = Buffer.alloc(padded);
      encodeHeader({
        creditCharge: grant.charge,
        status: 0,
        command: p.command,
        credits: grant.request,
        flags: i === 0 ? 0 : Smb2Flags.RELATED_OPERATIONS,
        nextCommand: last ? 0 : padded,
        messageId: grant.messageId,
        treeId: opts.treeId ?? 0,
        sessionId: this.crypto?.id ?? this.pendingSessionId,
        signature: Buffer.alloc(16),
      }).copy(msg);
      p.body.copy(msg, SMB2_HEADER_SIZE);
      if (sign) sc.sign(msg);
      msgs.push(msg);
    }
    const chain = Buffer.concat(msgs);
    await this.stream.send(encrypt ? sc.encrypt(chain) : chain, deadline.waitOptions());
    this.sent += parts.length;
    opts.onWritten?.();

    const out: (Smb2Response | undefined)[] = parts.map(() => undefined);
    const asyncIds: (bigint | undefined)[] = parts.map(() => undefined);
    let waiting = parts.length;
    while (waiting > 0) {
      deadline.check();
      const raw = await this.stream.receive(deadline.waitOptions());
      let plain = raw;
      let encrypted = false;
      if (isTransformMessage(raw)) {
        if (!this.crypto) throw protocolError('SMB2_UNEXPECTED_ENCRYPTION', `${what}: encrypted message before keys exist`);
        plain = this.crypto.decrypt(raw, what);
        encrypted = true;
      }
      for (const part of splitCompound(plain)) {
        const h = decodeHeader(part);
        if (!(h.flags & Smb2Flags.SERVER_TO_REDIR)) throw new MalformedError('SMB2 response', 'SERVER_TO_REDIR flag missing');
        this.window.grant(h.credits);
        if (h.messageId === UNSOLICITED_MESSAGE_ID) continue;
        if (h.messageId < ids[0]!) continue; // late answer to a request that timed out earlier
        const i = ids.indexOf(h.messageId);
        if (i < 0) throw protocolError('SMB2_BAD_MESSAGE_ID', `${what}: response for MessageId ${h.messageId}, expected ${ids.join(', ')}`);
        if (out[i] !== undefined) throw protocolError('SMB2_BAD_MESSAGE_ID', `${what}: second final response for MessageId ${h.messageId}`);
        const command = parts[i]!.command;
        if (h.command !== command) throw new MalformedError('SMB2 response', `command ${commandName(h.command)} for a ${commandName(command)} request`);
        const interim = (h.flags & Smb2Flags.ASYNC_COMMAND) !== 0 && h.status === NT.STATUS_PENDING;
        if (encrypt && !encrypted) throw protocolError('SMB2_UNENCRYPTED_RESPONSE', `${what}: the server answered an encrypted request in clear text`);
        if (!encrypted && !opts.noVerify && sc?.canVerify) {
          if (h.flags & Smb2Flags.SIGNED) sc.verify(part);
          else if (sign && !interim) throw invalidSignature(`${what}: response to a signed request is not signed`);
        }
        if (asyncIds[i] !== undefined && h.asyncId !== undefined && h.asyncId !== asyncIds[i]) {
          throw protocolError('SMB2_BAD_ASYNC_ID', `${what}: AsyncId changed between interim and final response`);
        }
        if (interim) {
          asyncIds[i] = h.asyncId;
          this.interim++;
          continue;
        }
        out[i] = { header: h, body: part.subarray(SMB2_HEADER_SIZE), raw: part, sent: msgs[i]!, encrypted };
        waiting--;
      }
    }
    return out as Smb2Response[];
  }

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
    this.window.afterSmb1Negotiate(h.credits);
    if (n.dialect === Dialect.SMB2_WILDCARD) return false;
    if (n.dialect !== Dialect.SMB2_0_2 || !this.offeredDialects.includes(Dialect.SMB2_0_2)) {
      throw protocolError('SMB2_BAD_DIALECT', `server chose dialect ${dialectName(n.dialect)} in answer to an SMB1 negotiate`);
    }
    this.applyNegotiate(n);
    return true;
  }

  /** SMB2 NEGOTIATE ([MS-SMB2] §3.2.4.2.2.2, §3.2.5.2). */
  async negotiate(opts: WaitOptions = {}): Promise<NegotiateResponse> {
    const contexts = this.offeredDialects.some((d) => dialectTraits(d).preauthIntegrity) ? negotiateContexts(this.ciphers, this.signingAlgorithms) : [];
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
    if (dialectTraits(n.dialect as DialectRevision).preauthIntegrity) {
      this.preauthHash = preauthUpdate(preauthUpdate(PREAUTH_INITIAL, resp.sent), resp.raw);
    }
    this.applyNegotiate(n);
    return n;
  }

  private applyNegotiate(n: NegotiateResponse): void {
    const chosen = checkNegotiateResponse(n, this.ciphers, this.signingAlgorithms);
    this.negotiatedDialect = chosen.dialect;
    this.negotiated = n;
    this.negotiatedCipher = chosen.cipher;
    this.negotiatedSigning = chosen.signingAlgorithm;
  }

  /**
   * Multi-leg SESSION_SETUP ([MS-SMB2] §3.2.4.2.3, §3.2.5.3): feeds tokens between the server and
   * `auth` until success (../gss-legs.ts), derives the keys, and verifies the signed final response
   * (session-crypto.ts). `anonymous`: the client asked for a null session.
   */
  async sessionSetup(auth: Authenticator, opts: WaitOptions = {}, anonymous = false): Promise<{ sessionFlags: number }> {
    const preauth = this.traits.preauthIntegrity;
    let hash = this.preauthHash;
    const out: { final?: { resp: Smb2Response; sessionFlags: number } } = {};
    const sendLeg = async (token: Buffer): Promise<GssLegReply> => {
      const body = encodeSessionSetupRequest({
        flags: 0,
        securityMode: this.requireSigning ? SecurityMode.SIGNING_REQUIRED | SecurityMode.SIGNING_ENABLED : SecurityMode.SIGNING_ENABLED,
        capabilities: 0,
        previousSessionId: 0n,
        securityBuffer: token,
      });
      const resp = await this.request(Smb2Command.SESSION_SETUP, body, { ...opts, noVerify: true });
      if (preauth) hash = preauthUpdate(hash, resp.sent);
      if (resp.header.status === NT.STATUS_MORE_PROCESSING_REQUIRED) {
        if (preauth) hash = preauthUpdate(hash, resp.raw);
        if (this.pendingSessionId === 0n) this.pendingSessionId = resp.header.sessionId;
        else if (resp.header.sessionId !== this.pendingSessionId) throw protocolError('SMB2_BAD_SESSION_ID', 'SessionId changed during session setup');
        return { more: true, token: decodeSessionSetupResponse(resp.body).securityBuffer };
      }
      Smb2Connection.check(resp, 'SMB2 session setup');
      const r = decodeSessionSetupResponse(resp.body);
      out.final = { resp, sessionFlags: r.sessionFlags };
      return { more: false, token: r.securityBuffer };
    };
    const hint = this.negotiated?.securityBuffer;
    await runGssLegs(auth, sendLeg, { maxLegs: SMB2_MAX_SESSION_LEGS, what: 'SMB2 session setup', hint });
    const { resp, sessionFlags } = out.final!;
    if (this.pendingSessionId !== 0n && resp.header.sessionId !== this.pendingSessionId) throw protocolError('SMB2_BAD_SESSION_ID', 'SessionId changed during session setup');
    // An anonymous GSS context is a null session whatever the flags say ([MS-SMB2] §3.2.5.3.1 Session.IsAnonymous).
    const flags = anonymous ? sessionFlags | SessionFlags.IS_NULL : sessionFlags;
    this.crypto = SessionCrypto.establish({
      dialect: this.negotiatedDialect,
      signingAlgorithm: this.negotiatedSigning,
      cipher: this.negotiatedCipher,
      finalResponse: resp,
      sessionFlags: flags,
      sessionKey: auth.sessionKey(),
      preauthHash: hash,
      anonymous,
      requireSigning: this.requireSigning,
      requireEncryption: this.requireEncryption,
      allowGuest: this.allowGuest,
      serverRequiresSigning: this.serverRequiresSigning,
    });
    return { sessionFlags: flags };
  }

  /** Turns on encryption for everything after this point (share with SMB2_SHAREFLAG_ENCRYPT_DATA). */
  enableEncryption(): void {
    if (!this.crypto) {
      throw protocolError('SMB2_ENCRYPTION_UNAVAILABLE', `the share requires encryption, which dialect ${dialectName(this.negotiatedDialect)} with this server cannot do`);
    }
    this.crypto.enableEncryption();
  }

  get signing(): boolean {
    return this.crypto?.signing ?? false;
  }

  get encrypting(): boolean {
    return this.crypto?.encrypting ?? false;
  }

  close(): void {
    this.stream.close();
  }
}
