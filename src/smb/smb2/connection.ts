/**
 * One SMB 2/3 connection over a MessageStream: negotiate, the request loop (async interim responses,
 * message-id matching), session setup ([MS-SMB2] §3.2). Its parts live beside it: credits and message
 * ids (credits.ts), session keys, signing and encryption (session-crypto.ts), what each dialect
 * requires (dialects.ts), the NEGOTIATE contexts and response checks (negotiate.ts), the GSS leg
 * loop (../gss-legs.ts).
 *
 * Several requests may be in flight at once ([MS-SMB2] §3.2.4.1, §3.2.5.1): each takes credits and
 * MessageIds (waiting for a grant when the server's credits are spent and others are in flight, so
 * it never sends beyond them, §3.2.4.1.5), is written whole in one socket write, and registers a
 * waiter under its MessageId. One reader (the stream's push mode, MessageStream.listen, where it has
 * one; else a receive loop) takes messages off the stream while anyone waits and hands each response
 * to its waiter; interim STATUS_PENDING responses and their AsyncId are kept per
 * request (§3.2.5.1.5); signatures and encryption are checked per response as it arrives (§3.2.5.1.3,
 * §3.2.5.1.1.1). NEGOTIATE and SESSION_SETUP still run one at a time, in order. Callers that want
 * concurrency use several pipes on one session; each pipe (and its RPC client) runs one call at a time.
 *
 * Failures. A request's own timeout or abort fails that request only: its MessageIds are remembered,
 * and an answer that comes for them later is dropped (the "late answer" rule). A response its request
 * cannot accept (another command, a changed AsyncId, a compounded answer to a lone request) fails that
 * request only. What makes the stream untrustworthy tears the connection down, failing every waiting
 * request and every later one with the same error: a stream failure (closed, reset, a partial or
 * oversized frame), a message that does not decrypt, a bad or missing signature where one is due, a
 * clear-text answer to an encrypted request, a header that does not parse, and a response for a
 * MessageId never sent or already answered (a duplicate).
 */
import { randomBytes } from 'node:crypto';
import type { Authenticator } from '../../auth/types.js';
import { MalformedError, NetsendError, toNetsendError, usageError } from '../../status/error.js';
import { NT, ntStatusError } from '../../status/index.js';
import type { MessageStream } from '../../transport/message-stream.js';
import { raceWait, throwIfAborted, type WaitOptions } from '../../util/abort.js';
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
import { SMB2_MAX_COMPOUND, decodeHeader, isTransformMessage, splitCompound, writeRequestHeader, type Smb2Header } from './header.js';
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

function noop(): void {}

/** Step names of lone requests by command ("SMB2 IOCTL"), made once. */
const REQUEST_STEPS: string[] = [];
function requestStep(command: number): string {
  return (REQUEST_STEPS[command] ??= `SMB2 ${commandName(command)}`);
}

/** MessageIds of abandoned requests remembered at most (rememberAbandoned). */
const MAX_ABANDONED = 1024;

/** One request or related chain in flight: its waiters, the responses so far, and its promise. */
interface Exchange {
  readonly waiters: Waiter[];
  readonly out: Smb2Response[];
  remaining: number;
  /** A related chain (resolves to every response) rather than a lone request (resolves to its one). */
  readonly compound: boolean;
  resolve: (r: Smb2Response | Smb2Response[]) => void;
  reject: (e: NetsendError) => void;
}

/** A request waiting for its final response: what its response is checked against, and its exchange. */
interface Waiter {
  readonly messageId: bigint;
  readonly command: number;
  /** Its place in the exchange (0 for a lone request). */
  readonly index: number;
  /** The plaintext message as sent (signed if it was). */
  readonly sent: Buffer;
  readonly encrypt: boolean;
  readonly sign: boolean;
  readonly noVerify: boolean;
  /** Part of a related chain: its response may come back compounded with the others. */
  readonly compound: boolean;
  /** AsyncId of its interim STATUS_PENDING response, when one came ([MS-SMB2] §3.2.5.1.5). */
  asyncId: bigint | undefined;
  readonly group: Exchange;
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
  /** NEGOTIATE and SESSION_SETUP: one at a time, in order (each leg depends on the one before). */
  private readonly setupQueue = new SerialQueue();
  /** Requests sent and not finally answered, by MessageId ([MS-SMB2] §3.2.1.2 OutstandingRequests). */
  private readonly pending = new Map<bigint, Waiter>();
  /** MessageIds whose requests gave up (timeout, abort) before an answer: their answers are dropped. */
  private readonly abandoned = new Set<bigint>();
  /** Requests waiting for the server to grant credits. */
  private readonly creditWaiters = new Set<() => void>();
  /** The reader runs: a readLoop has a receive outstanding, or the stream pushes messages to onPushed. */
  private readerRunning = false;
  /** Stops the stream's push mode (MessageStream.listen) while it serves this connection. */
  private unlisten: (() => void) | null = null;
  /** Set when the stream can no longer be trusted (failAll): every later request fails with it. */
  private broken: NetsendError | null = null;
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
  /** MessageIds sent and not finally answered, of requests still waiting ([MS-SMB2] §3.2.1.2 OutstandingRequests). */
  get requestsInFlight(): number {
    return this.pending.size;
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
   * Other requests may be in flight at the same time (the class comment says how they are matched);
   * NEGOTIATE and SESSION_SETUP run one at a time, in the order they were asked for.
   */
  request(command: number, body: Buffer, opts: RequestOptions = {}): Promise<Smb2Response> {
    const what = requestStep(command);
    // One shape for every part (expectedResponse present, maybe undefined): chargeOf stays monomorphic.
    const parts: CompoundPart[] = [{ command, body, expectedResponse: opts.expectedResponse }];
    if (command === Smb2Command.NEGOTIATE || command === Smb2Command.SESSION_SETUP) {
      return this.setupQueue.run(() => this.exchange(parts, opts, what, false) as Promise<Smb2Response>);
    }
    return this.exchange(parts, opts, what, false) as Promise<Smb2Response>;
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
    if (parts.length === 0 || parts.length > SMB2_MAX_COMPOUND) return Promise.reject(usageError(`a compound holds 1..${SMB2_MAX_COMPOUND} requests, got ${parts.length}`));
    const what = `SMB2 compound ${parts.map((p) => commandName(p.command)).join('+')}`;
    if (parts.some((p) => p.command === Smb2Command.NEGOTIATE || p.command === Smb2Command.SESSION_SETUP)) return Promise.reject(usageError(`${what}: NEGOTIATE and SESSION_SETUP are never compounded here`));
    return this.exchange(parts, opts, what, true) as Promise<Smb2Response[]>;
  }

  /** Credits a compound of `parts` spends ([MS-SMB2] §3.1.5.2): callers compare it with `credits` to choose. */
  compoundCost(parts: CompoundPart[]): number {
    return parts.reduce((n, p) => n + Math.max(1, this.chargeOf(p)), 0);
  }

  private chargeOf(p: CompoundPart): number {
    const largeMtu = this.negotiated !== null && (this.negotiated.capabilities & Capabilities.LARGE_MTU) !== 0;
    return CreditWindow.charge(Math.max(p.body.length, p.expectedResponse ?? 0), this.traits.creditCharge, largeMtu);
  }

  /**
   * Puts one request, or one related chain, on the wire and waits for its final responses: credits
   * ([MS-SMB2] §3.2.4.1.5; waits for a grant while other requests are in flight), MessageIds, header,
   * signature (§3.2.4.1.1) or encryption (§3.2.4.1.8), one write, then a waiter per MessageId that the
   * reader (readLoop) settles. The deadline bounds the credit wait, the write and the answer.
   * Resolves to the one response of a lone request, or to the chain's responses in order.
   */
  private async exchange(parts: CompoundPart[], opts: RequestOptions, what: string, compound: boolean): Promise<Smb2Response | Smb2Response[]> {
    throwIfAborted(opts.signal, what);
    const deadline = Deadline.of(opts, this.timeoutMs).within(what);
    // Spent before it started (teardown after the time ran out): send nothing.
    deadline.check();
    this.checkUsable(what);
    const cost = compound ? this.compoundCost(parts) : Math.max(1, this.chargeOf(parts[0]!));
    // All or nothing: a chain cut short by missing credits would leave MessageIds spent and unsent.
    // Checked again after every wait, and taken below with no await in between: several requests may wait.
    while (this.window.credits < cost) await this.creditGrant(cost, what, deadline);
    const first = parts[0]!.command;
    const sc = first !== Smb2Command.SESSION_SETUP && first !== Smb2Command.NEGOTIATE ? this.crypto : null;
    const encrypt = sc !== null && sc.encrypting;
    const sign = sc !== null && sc.signs(opts.sign === true);
    const sessionId = first === Smb2Command.NEGOTIATE ? 0n : (this.crypto?.id ?? this.pendingSessionId);
    const treeId = opts.treeId ?? 0;
    const group: Exchange = { waiters: [], out: [], remaining: parts.length, compound, resolve: noop, reject: noop };
    const msgs: Buffer[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const grant = this.window.take(this.chargeOf(p), what);
      const last = i === parts.length - 1;
      const size = SMB2_HEADER_SIZE + p.body.length;
      const padded = last ? size : (size + 7) & ~7;
      const msg = Buffer.allocUnsafe(padded);
      writeRequestHeader(msg, grant.charge, p.command, grant.request, i === 0 ? 0 : Smb2Flags.RELATED_OPERATIONS, last ? 0 : padded, grant.messageId, treeId, sessionId);
      p.body.copy(msg, SMB2_HEADER_SIZE);
      if (padded > size) msg.fill(0, size);
      if (sign) sc.sign(msg);
      msgs.push(msg);
      group.waiters.push({ messageId: grant.messageId, command: p.command, index: i, sent: msg, encrypt, sign, noVerify: opts.noVerify === true, compound, asyncId: undefined, group });
    }
    const plain = msgs.length === 1 ? msgs[0]! : Buffer.concat(msgs);
    const wire = encrypt ? sc.encrypt(plain) : plain;
    const answered = new Promise<Smb2Response | Smb2Response[]>((resolve, reject) => {
      group.resolve = resolve;
      group.reject = reject;
    });
    // Settled by the reader, possibly before anyone awaits it (a teardown during the write): never unhandled.
    answered.catch(noop);
    for (const w of group.waiters) this.pending.set(w.messageId, w);
    try {
      // Most sends go to the kernel at once (sendNow gives null): no promise to wait for then.
      const queued = this.stream.sendNow ? this.stream.sendNow(wire, deadline.waitOptions()) : this.stream.send(wire, deadline.waitOptions());
      if (queued !== null) await queued;
    } catch (e) {
      // Nothing or part of it went out: a partial frame closes the stream (the reader then fails
      // everyone), a refused write leaves the MessageIds unused. Either way this exchange is over.
      this.finish(group, false);
      throw e;
    }
    this.sent += parts.length;
    opts.onWritten?.();
    this.startReader();
    const wait = deadline.waitOptions();
    // raceWait refuses at once, without its clean-up, when the time or the caller gave up during the write.
    if (wait.signal?.aborted || deadline.expired) {
      this.finish(group, true);
      deadline.check(what);
    }
    return raceWait(what, wait, () => answered, () => this.finish(group, true));
  }

  /** Throws when no request can be sent: the connection was torn down, or the stream is closed. */
  private checkUsable(what: string): void {
    const b = this.broken;
    if (b) throw new NetsendError(b.layer, b.code, b.name, `${what}: connection unusable after: ${b.message}`, { cause: b });
    if (this.stream.closed) throw new NetsendError('socket', 0, 'ECONNRESET', `${what}: connection is closed`);
  }

  /**
   * Waits for the next credit grant, or for nothing to be in flight any more ([MS-SMB2] §3.2.4.1.5: a
   * client never sends beyond the credits granted). Only responses grant credits, so with nothing in
   * flight the wait could never end: that is SMB2_NO_CREDITS at once, as a lone request always had it.
   */
  private creditGrant(cost: number, what: string, deadline: Deadline): Promise<void> {
    this.checkUsable(what);
    if (this.pending.size === 0) throw protocolError('SMB2_NO_CREDITS', `${what}: needs ${cost} credits, the server granted ${this.window.credits}`);
    let wake: () => void = noop;
    return raceWait(
      what,
      deadline.waitOptions(),
      () =>
        new Promise<void>((resolve) => {
          wake = resolve;
          this.creditWaiters.add(resolve);
        }),
      () => this.creditWaiters.delete(wake),
    );
  }

  /** Lets every request waiting for credits look again (after a grant, or when nothing is in flight any more). */
  private wakeCreditWaiters(): void {
    if (this.creditWaiters.size === 0) return;
    const all = [...this.creditWaiters];
    this.creditWaiters.clear();
    for (const wake of all) wake();
  }

  /**
   * Ends an exchange's wait for its responses. `abandon`: it timed out or was aborted while its
   * requests were out, so answers to them may still come: those are late answers, dropped
   * (dispatch). The reader stops once nobody waits.
   */
  private finish(group: Exchange, abandon: boolean): void {
    for (const w of group.waiters) {
      if (this.pending.get(w.messageId) !== w) continue;
      this.pending.delete(w.messageId);
      if (abandon) this.rememberAbandoned(w.messageId);
    }
    if (this.pending.size === 0) {
      // A late answer waits in the stream's buffer for the next reader, which drops it.
      this.stopListening();
      // Nothing in flight: a request waiting for credits would wait for nothing (creditGrant).
      this.wakeCreditWaiters();
    }
  }

  private rememberAbandoned(id: bigint): void {
    this.abandoned.add(id);
    // Bounded: a server that never answers cannot grow it without end; the oldest go first.
    if (this.abandoned.size > MAX_ABANDONED) this.abandoned.delete(this.abandoned.values().next().value!);
  }

  /**
   * Starts the one reader of this connection unless it runs. A stream that can push (FramedMessageStream)
   * hands each message over from its socket's data event while requests wait (onPushed): no
   * receive, promise or timer per message. Any other stream is read by readLoop.
   */
  private startReader(): void {
    if (this.readerRunning || this.pending.size === 0) return;
    this.readerRunning = true;
    if (this.stream.listen) this.unlisten = this.stream.listen((m) => this.onPushed(m), (e) => this.onPushFailed(e));
    else void this.readLoop();
  }

  /** One message pushed by the stream: dispatched at once; listening stops when nobody waits. */
  private onPushed(raw: Buffer): void {
    try {
      this.dispatch(raw);
    } catch (e) {
      this.failAll(toNetsendError(e), true);
      return;
    }
    if (this.pending.size === 0) this.stopListening();
  }

  private onPushFailed(e: NetsendError): void {
    this.unlisten = null;
    this.readerRunning = false;
    // The stream failed (closed, reset, a bad frame): every request waiting fails with it.
    this.failAll(e, false);
  }

  private stopListening(): void {
    if (this.unlisten === null) return;
    this.unlisten();
    this.unlisten = null;
    this.readerRunning = false;
  }

  /**
   * The reader ([MS-SMB2] §3.2.5.1): takes each message off the stream and hands its responses to
   * their requests by MessageId (dispatch), while any request waits. Nobody waits on the reader
   * itself: each request has its own deadline (exchange). Its receive waits at most `timeoutMs` at a
   * time and looks again while anyone waits. It is not cancelled when the last request gives up:
   * that receive ends with the next message (a late answer, dropped) or its timeout, and a request
   * sent meanwhile is served by it. Never rejects.
   */
  private async readLoop(): Promise<void> {
    try {
      while (this.pending.size > 0 && this.broken === null) {
        let raw: Buffer;
        try {
          raw = await this.stream.receive({ timeoutMs: this.timeoutMs });
        } catch (e) {
          if (e instanceof NetsendError && e.layer === 'timeout' && !this.stream.closed) continue;
          // The stream failed (closed, reset, a bad frame): every request waiting fails with it.
          this.failAll(toNetsendError(e), false);
          return;
        }
        try {
          this.dispatch(raw);
        } catch (e) {
          this.failAll(toNetsendError(e), true);
          return;
        }
      }
    } finally {
      this.readerRunning = false;
    }
  }

  /**
   * Fails every waiting request with `e`. `tearDown`: the stream can no longer be trusted (a message
   * that failed its integrity check, one no request can own, a header that does not parse): the
   * connection is closed and every later request fails with the same error.
   */
  private failAll(e: NetsendError, tearDown: boolean): void {
    if (tearDown && this.broken === null) this.broken = e;
    this.stopListening();
    const groups = new Set<Exchange>();
    for (const w of this.pending.values()) groups.add(w.group);
    this.pending.clear();
    for (const g of groups) {
      g.reject(e);
    }
    if (tearDown) this.stream.close();
    this.wakeCreditWaiters();
  }

  /**
   * One message from the server: opens it (§3.2.5.1.1.1), splits a compounded one (§3.2.5.1.9) and
   * hands each response to its request. Throws (and the reader tears the connection down) for what
   * cannot be trusted or owned; a response its request does not accept fails that request only.
   */
  private dispatch(raw: Buffer): void {
    let plain = raw;
    let encrypted = false;
    if (isTransformMessage(raw)) {
      if (!this.crypto) throw protocolError('SMB2_UNEXPECTED_ENCRYPTION', 'SMB2 response: encrypted message before keys exist');
      plain = this.crypto.decrypt(raw, 'SMB2 response');
      encrypted = true;
    }
    const parts = plain.length >= SMB2_HEADER_SIZE && plain.readUInt32LE(20) === 0 ? [plain] : splitCompound(plain);
    for (const part of parts) this.dispatchOne(part, encrypted, parts.length > 1);
  }

  private dispatchOne(part: Buffer, encrypted: boolean, chained: boolean): void {
    const h = decodeHeader(part);
    if (!(h.flags & Smb2Flags.SERVER_TO_REDIR)) throw new MalformedError('SMB2 response', 'SERVER_TO_REDIR flag missing');
    // Every message grants what it says (§3.2.5.1.4), whoever it is for.
    this.window.grant(h.credits);
    if (h.credits > 0) this.wakeCreditWaiters();
    if (h.messageId === UNSOLICITED_MESSAGE_ID) return; // oplock/lease break: we hold none
    const interim = (h.flags & Smb2Flags.ASYNC_COMMAND) !== 0 && h.status === NT.STATUS_PENDING;
    const w = this.pending.get(h.messageId);
    if (w === undefined) {
      // A late answer to a request that timed out or was aborted: dropped (an interim one keeps the id for its final answer).
      if (this.abandoned.has(h.messageId)) {
        if (!interim) this.abandoned.delete(h.messageId);
        return;
      }
      if (h.messageId >= this.window.nextId) throw protocolError('SMB2_BAD_MESSAGE_ID', `SMB2 response for MessageId ${h.messageId}, which was never sent`);
      throw protocolError('SMB2_BAD_MESSAGE_ID', `SMB2 response for MessageId ${h.messageId}, which was already answered`);
    }
    const what = `SMB2 ${commandName(w.command)}`;
    // Integrity first: what fails it tears the connection down (thrown to the reader).
    if (w.encrypt && !encrypted) throw protocolError('SMB2_UNENCRYPTED_RESPONSE', `${what}: the server answered an encrypted request in clear text`);
    const verifier = this.crypto;
    if (!encrypted && !w.noVerify && verifier?.canVerify && w.command !== Smb2Command.SESSION_SETUP) {
      if (h.flags & Smb2Flags.SIGNED) verifier.verify(part);
      else if (w.sign && !interim) throw invalidSignature(`${what}: response to a signed request is not signed`);
    }
    // The rest is about this request alone: it fails, the stream goes on.
    let refused: NetsendError | null = null;
    if (h.command !== w.command) refused = new MalformedError('SMB2 response', `command ${commandName(h.command)} for a ${commandName(w.command)} request`);
    else if (chained && !w.compound) refused = new MalformedError('SMB2 response', 'compounded response to a single request');
    else if (w.asyncId !== undefined && h.asyncId !== undefined && h.asyncId !== w.asyncId) refused = protocolError('SMB2_BAD_ASYNC_ID', `${what}: AsyncId changed between interim and final response`);
    if (refused !== null) {
      const g = w.group;
      this.finish(g, true);
      g.reject(refused);
      return;
    }
    if (interim) {
      w.asyncId = h.asyncId;
      this.interim++;
      return; // [MS-SMB2] §3.2.5.1.5: wait for the final response
    }
    this.pending.delete(h.messageId);
    const g = w.group;
    g.out[w.index] = { header: h, body: part.subarray(SMB2_HEADER_SIZE), raw: part, sent: w.sent, encrypted };
    if (--g.remaining === 0) {
      g.resolve(g.compound ? g.out : g.out[0]!);
    }
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
