/**
 * The SMB1 (NT LM 0.12) client as an RPC transport: NEGOTIATE, SESSION_SETUP_ANDX (extended security
 * with NTLMSSP/SPNEGO, or the challenge/response form), MD5 signing, TREE_CONNECT_ANDX to IPC$ and named
 * pipes (NT_CREATE_ANDX, TRANSACTION/TransactNmPipe, WRITE_ANDX, READ_ANDX, CLOSE). [MS-CIFS] §3.2,
 * [MS-SMB] §3.2. One request is in flight at a time; replies are matched by MID.
 */
import { randomInt } from 'node:crypto';
import { createNtlmAuthenticator, ntlmV2ChallengeResponse, type Authenticator, type Credentials } from '../../auth/index.js';
import { NetsendError, MalformedError, NT, usageError } from '../../status/index.js';
import { DEFAULT_TIMEOUT_MS, raceWait, throwIfAborted, type WaitOptions } from '../../util/abort.js';
import { Deadline } from '../../util/deadline.js';
import { SerialQueue } from '../../util/serial-queue.js';
import { guidFromBytes } from '../../util/guid.js';
import { hideSecrets } from '../../util/secret.js';
import type { MessageStream } from '../../transport/message-stream.js';
import { PIPE_WRITE_MAX, type NamedPipe, type PipeRead, type PipeRequestOptions, type SmbClient, type SmbSessionInfo } from '../types.js';
import { invalidSignatureError } from '../errors.js';
import { guestLogonBlocked } from '../session-policy.js';
import { runGssLegs, type GssLegReply } from '../gss-legs.js';
import { parseSmb1, type Smb1Block, type Smb1BodyParts, type Smb1Parsed } from './andx.js';
import { checkEmptyResponse, encodeCloseRequest, encodeLogoffRequest, encodeTreeDisconnectRequest } from './close.js';
import { isBufferOverflow, isMoreProcessing, smb1Error } from './errors.js';
import { emptyHeader, encodeSmb1Message, Smb1Command, SMB1Flags, SMB1Flags2, type Smb1Header } from './header.js';
import {
  Capabilities,
  classifyNegotiateReply,
  DEFAULT_NEGOTIATE_FLAGS2,
  DIALECT_NT_LM_012,
  encodeNegotiateRequest,
  SecurityMode,
  type NegotiateResponseChallenge,
  type NegotiateResponseExtended,
} from './negotiate.js';
import { decodeNtCreateResponse, encodeNtCreateRequest, FILE_OPEN, FILE_SHARE_READ_WRITE, PIPE_DESIRED_ACCESS, SECURITY_IMPERSONATION } from './nt-create.js';
import { decodeReadAndxResponse, encodeReadAndxRequest } from './read-andx.js';
import { decodeSessionSetupResponse, encodeSessionSetupRequest, SessionAction } from './session-setup.js';
import { signSmb1Message, verifySmb1Signature } from './signing.js';
import {
  decodeTransactionResponsePart,
  encodeTransactionRequest,
  PIPE_TRANSACTION_NAME,
  TRANS_TRANSACT_NMPIPE,
  TransactionAssembler,
} from './transaction.js';
import { decodeTreeConnectResponse, encodeTreeConnectRequest, SERVICE_ANY } from './tree-connect.js';
import { decodeWriteAndxResponse, encodeWriteAndxRequest, WriteMode } from './write-andx.js';

/** The pieces of an NTLM challenge/response computed for the non-extended SESSION_SETUP form. */
export interface ChallengeResponse {
  lmResponse: Buffer;
  ntResponse: Buffer;
  /** 16-byte session base key. */
  sessionBaseKey: Buffer;
}

export type AuthenticatorFactory = (creds: Credentials, opts: { spnego: boolean }) => Authenticator;
export type ChallengeResponder = (creds: Credentials, serverChallenge: Buffer) => ChallengeResponse;

export interface Smb1ConnectOptions extends WaitOptions {
  stream: MessageStream;
  /** Server name or address, used in \\HOST\IPC$. */
  host: string;
  credentials: Credentials;
  /** Default: NTLMv2 in SPNEGO (src/auth). */
  createAuthenticator?: AuthenticatorFactory;
  /** For servers that offer only the challenge/response form (no CAP_EXTENDED_SECURITY). Default: NTLMv2. */
  challengeResponse?: ChallengeResponder;
  /** A NEGOTIATE reply already received on `stream` (from connectSmb's multi-protocol NEGOTIATE). */
  negotiateReply?: Buffer;
  /** Fail unless the session is signed. */
  requireSigning?: boolean;
  /**
   * Sign when the server merely allows it. This is the default for logons with credentials; the option
   * matters only together with allowUnsigned.
   */
  sign?: boolean;
  /**
   * Go on unsigned when a logon with credentials does not end in a signed session: the server does not
   * offer signing, or leaves the final SESSION_SETUP_ANDX reply unsigned (Samba 4.17 does so for every
   * non-extended logon). Default false: such a session is refused with SIGNING_UNAVAILABLE, since a man in
   * the middle can strip the signature. A client-side requireSigning still wins.
   */
  allowUnsigned?: boolean;
  /** Accept a guest session (Action bit 0) for a logon with credentials (default: STATUS_SMB_GUEST_LOGON_BLOCKED). */
  allowGuest?: boolean;
  /** Per-request timeout when a call passes none (default 10 s). */
  requestTimeoutMs?: number;
  /** Ask for extended security (default true); false makes servers answer with the 8-byte challenge form. */
  extendedSecurity?: boolean;
  /** Ask for NT status codes (default true); false makes servers answer errors in the DOS class/code form. */
  ntStatus?: boolean;
  /** Use Unicode strings when the server offers them (default true); false sends OEM strings. */
  unicode?: boolean;
  /** MaxBufferSize we announce in SESSION_SETUP (default 16644): the largest reply message we accept. */
  maxBufferSize?: number;
}

const CLIENT_CAPABILITIES_ALL =
  Capabilities.UNICODE | Capabilities.LARGE_FILES | Capabilities.NT_SMBS | Capabilities.STATUS32 | Capabilities.LARGE_READX | Capabilities.LARGE_WRITEX;
const OUR_MAX_BUFFER = 16644;
const MAX_SESSION_LEGS = 6;
const MAX_STRAY_REPLIES = 32;
/**
 * Smallest server MaxBufferSize accepted: [MS-CIFS] §2.2.4.52.2 has the server offer at least 1024 bytes.
 * Less would split every pipe call into a flood of tiny TRANSACTION/WRITE_ANDX requests.
 */
export const SMB1_MIN_MAX_BUFFER_SIZE = 1024;
/** Fixed overhead of a TRANSACTION request around its data (header, 16 words, name, pads). */
const TRANSACT_OVERHEAD = 32 + 3 + 32 + 20;

const BSRSPYL = Buffer.from('BSRSPYL ', 'latin1');

/** True when a reply's signature field holds no signature: zeros or the "BSRSPYL " placeholder. */
function isUnsignedPlaceholder(raw: Buffer): boolean {
  const sig = raw.subarray(14, 22);
  return sig.equals(BSRSPYL) || sig.every((b) => b === 0);
}

/** Normalises "wkssvc", "\wkssvc", "\PIPE\wkssvc" to "wkssvc". */
export function barePipeName(name: string): string {
  let n = name.replace(/^\\+/, '');
  if (/^pipe\\/i.test(n)) n = n.slice(5);
  if (n === '' || /[\\/\0]/.test(n)) throw usageError(`bad pipe name ${JSON.stringify(name)}`);
  return n;
}

interface Signing {
  macKey: Buffer;
  nextSequence: number;
}

export class Smb1Client implements SmbClient {
  info: SmbSessionInfo;
  /** Requests sent on this connection (each is one round trip; a multi-part reply still counts once). */
  roundTrips = 0;
  /** TRANSACTION response messages received (more than one per call when the server split a reply). */
  transactionResponses = 0;
  private readonly stream: MessageStream;
  private readonly pid = randomInt(1, 0xfeff);
  private mid = 1;
  uid = 0;
  tid = 0;
  private unicode = false;
  private ntStatus = false;
  private extended = false;
  private signing: Signing | null = null;
  private serverMaxBuffer = OUR_MAX_BUFFER;
  private serverCaps = 0;
  private readonly queue = new SerialQueue();
  private readonly defaultTimeout: number;
  private closed = false;

  private readonly askExtended: boolean;
  private readonly askNtStatus: boolean;
  private readonly askUnicode: boolean;

  constructor(stream: MessageStream, requestTimeoutMs = DEFAULT_TIMEOUT_MS, prefs: { extendedSecurity?: boolean; ntStatus?: boolean; unicode?: boolean } = {}) {
    this.stream = stream;
    this.defaultTimeout = requestTimeoutMs;
    this.askExtended = prefs.extendedSecurity !== false;
    this.askNtStatus = prefs.ntStatus !== false;
    this.askUnicode = prefs.unicode !== false;
    this.info = { dialect: DIALECT_NT_LM_012, signing: false, encryption: false };
  }

  /** True once messages are signed (signing activated, [MS-CIFS] §3.2.5.3). */
  get signingActive(): boolean {
    return this.signing !== null;
  }
  /** True when strings go as UTF-16LE (negotiated CAP_UNICODE and not turned off). */
  get unicodeStrings(): boolean {
    return this.unicode;
  }
  /** The server's MaxBufferSize from the negotiate response, which bounds every request. */
  get maxBufferSize(): number {
    return this.serverMaxBuffer;
  }

  /** Flags2 for our requests. */
  private flags2(): number {
    let f = SMB1Flags2.LONG_NAMES | SMB1Flags2.EAS | SMB1Flags2.IS_LONG_NAME;
    if (this.unicode) f |= SMB1Flags2.UNICODE;
    if (this.ntStatus) f |= SMB1Flags2.NT_STATUS;
    if (this.extended) f |= SMB1Flags2.EXTENDED_SECURITY;
    if (this.signing || this.wantSigning) f |= SMB1Flags2.SMB_SECURITY_SIGNATURE;
    return f;
  }
  private wantSigning = false;

  private clientCapabilities(): number {
    let caps = CLIENT_CAPABILITIES_ALL;
    if (!this.ntStatus) caps &= ~Capabilities.STATUS32;
    if (!this.unicode) caps &= ~Capabilities.UNICODE;
    return caps;
  }

  private nextMid(): number {
    const m = this.mid;
    this.mid = this.mid >= 0xfffe ? 1 : this.mid + 1;
    return m;
  }

  /**
   * Sends one request and hands each reply with its MID to `onReply` until it returns true (done).
   * Replies with other MIDs (late replies of timed-out calls, oplock breaks) are skipped, a bounded number.
   * With signing active every reply's signature is checked against the request's sequence number + 1.
   * The wait (queue included) ends at `opts.deadline`, else `opts.timeoutMs` (or the client's default) from now.
   */
  async exchange(
    command: number,
    parts: Smb1BodyParts,
    what: string,
    opts: PipeRequestOptions,
    onReply: (p: Smb1Parsed) => boolean = () => true,
    verify = true,
  ): Promise<Smb1Parsed> {
    const deadline = Deadline.of(opts, this.defaultTimeout).within(what);
    // Spent already (e.g. teardown after the operation ran out of time): send nothing.
    deadline.check();
    let abandoned = false;
    const run = async (): Promise<Smb1Parsed> => {
      if (abandoned) throw new NetsendError('abort', 0, 'ABORTED', `${what} abandoned`);
      if (this.closed || this.stream.closed) throw new NetsendError('socket', 0, 'ECONNRESET', `${what}: connection is closed`);
      const h: Smb1Header = emptyHeader(command);
      h.flags = SMB1Flags.CASE_INSENSITIVE | SMB1Flags.CANONICALIZED_PATHS;
      h.flags2 = this.flags2();
      h.pidLow = this.pid;
      h.uid = this.uid;
      h.tid = this.tid;
      h.mid = this.nextMid();
      const msg = encodeSmb1Message(h, parts.words, parts.bytes);
      let replySequence = -1;
      if (this.signing) {
        const seq = this.signing.nextSequence;
        signSmb1Message(this.signing.macKey, msg, seq);
        replySequence = seq + 1;
        this.signing.nextSequence = seq + 2;
      }
      await this.stream.send(msg, deadline.waitOptions());
      this.roundTrips++;
      opts.onWritten?.();
      let stray = 0;
      let first: Smb1Parsed | null = null;
      for (;;) {
        const raw = await this.stream.receive(deadline.waitOptions());
        const p = parseSmb1(raw);
        if (p.header.mid !== h.mid || !(p.header.flags & SMB1Flags.REPLY) || p.header.command !== command) {
          if (++stray > MAX_STRAY_REPLIES) throw new MalformedError(what, 'too many unrelated messages');
          continue;
        }
        if (verify && this.signing && replySequence >= 0) this.checkSignature(raw, replySequence, what);
        first ??= p;
        if (onReply(p)) return first;
      }
    };
    const job = this.queue.run(run);
    return raceWait(what, deadline.waitOptions(), () => job, () => {
      abandoned = true;
    });
  }

  private checkSignature(raw: Buffer, sequence: number, what: string): void {
    if (!this.signing) return;
    if (!verifySmb1Signature(this.signing.macKey, raw, sequence)) {
      this.abort();
      throw invalidSignatureError(`${what}: bad SMB1 signature on the reply (sequence ${sequence}); raised locally`);
    }
  }

  /** Throws the typed error of a reply's status unless it is success or `allowed`. */
  private check(p: Smb1Parsed, what: string, allowed?: (h: Smb1Header) => boolean): Smb1Block {
    if (!(allowed?.(p.header) ?? false)) {
      const e = smb1Error(p.header, what);
      if (e) throw e;
    }
    return p.blocks[0]!;
  }

  // ---- connection setup ----

  /**
   * Sends SMB_COM_NEGOTIATE ([MS-CIFS] §2.2.4.52) offering NT LM 0.12, or parses `reply` when a multi-protocol
   * negotiate already got one.
   */
  async negotiate(opts: WaitOptions, reply?: Buffer): Promise<NegotiateResponseExtended | NegotiateResponseChallenge> {
    let raw = reply;
    if (!raw) {
      let flags2 = DEFAULT_NEGOTIATE_FLAGS2;
      if (!this.askExtended) flags2 &= ~SMB1Flags2.EXTENDED_SECURITY;
      if (!this.askNtStatus) flags2 &= ~SMB1Flags2.NT_STATUS;
      if (!this.askUnicode) flags2 &= ~SMB1Flags2.UNICODE;
      const req = encodeNegotiateRequest([DIALECT_NT_LM_012], { pid: this.pid, mid: 0, flags2 });
      const wait = Deadline.of(opts, this.defaultTimeout).waitOptions('negotiate');
      await this.stream.send(req, wait);
      this.roundTrips++;
      raw = await this.stream.receive(wait);
    }
    const r = classifyNegotiateReply(raw);
    if (r.protocol === 'smb2') throw new NetsendError('protocol', 0, 'UNEXPECTED_SMB2', 'server answered the SMB1 NEGOTIATE with SMB2');
    const e = smb1Error(r.message.header, 'negotiate');
    if (e) throw e;
    const resp = r.response;
    if (resp.kind === 'none') {
      throw new NetsendError('protocol', resp.dialectIndex, 'NO_COMMON_DIALECT', `server accepted none of our SMB1 dialects (DialectIndex 0x${resp.dialectIndex.toString(16)})`);
    }
    // Both our NEGOTIATEs (SMB1-only and connectSmb's multi-protocol one) list "NT LM 0.12" first.
    if (resp.dialectIndex !== 0) throw new MalformedError('NEGOTIATE response', `DialectIndex ${resp.dialectIndex} is not NT LM 0.12`);
    this.serverCaps = resp.capabilities >>> 0;
    this.unicode = this.askUnicode && (this.serverCaps & Capabilities.UNICODE) !== 0;
    this.ntStatus = this.askNtStatus && (this.serverCaps & Capabilities.STATUS32) !== 0;
    this.extended = resp.kind === 'extended';
    if (resp.maxBufferSize < SMB1_MIN_MAX_BUFFER_SIZE) {
      throw new NetsendError('protocol', NT.STATUS_INVALID_NETWORK_RESPONSE, 'STATUS_INVALID_NETWORK_RESPONSE', `SMB1 negotiate: the server offers MaxBufferSize ${resp.maxBufferSize}, below the minimum of ${SMB1_MIN_MAX_BUFFER_SIZE} bytes ([MS-CIFS] §2.2.4.52.2)`);
    }
    this.serverMaxBuffer = Math.min(resp.maxBufferSize, 0xffff);
    if (resp.kind === 'extended') this.info.serverGuid = guidFromBytes(resp.serverGuid);
    else {
      if (resp.domainName) this.info.serverDomain = resp.domainName;
      if (resp.serverName) this.info.serverName = resp.serverName;
    }
    return resp;
  }

  /**
   * Runs SMB_COM_SESSION_SETUP_ANDX ([MS-CIFS] §2.2.4.53) to a session, with signing started per the options
   * ([MS-CIFS] §3.2.5.3).
   */
  async sessionSetup(
    neg: NegotiateResponseExtended | NegotiateResponseChallenge,
    o: Pick<Smb1ConnectOptions, 'credentials' | 'createAuthenticator' | 'challengeResponse' | 'requireSigning' | 'sign' | 'maxBufferSize' | 'allowUnsigned' | 'allowGuest'>,
    opts: WaitOptions,
  ): Promise<void> {
    const serverRequires = (neg.securityMode & SecurityMode.SIGNATURES_REQUIRED) !== 0;
    const serverEnables = (neg.securityMode & SecurityMode.SIGNATURES_ENABLED) !== 0 || serverRequires;
    const anonymous = o.credentials.anonymous === true;
    if (o.requireSigning && !serverEnables) throw new NetsendError('protocol', 0, 'SIGNING_UNAVAILABLE', 'signing required but the server does not support SMB1 signing');
    // A logon with credentials is signed whenever the server offers signing, unless the caller explicitly
    // allows otherwise. A server that offers none (Samba's SMB1 default, SecurityMode 0x3) gets an unsigned
    // session, as with Windows clients; only requireSigning refuses it (the NEGOTIATE reply is unprotected).
    this.wantSigning = !anonymous && serverEnables && (serverRequires || o.requireSigning === true || o.sign === true || o.allowUnsigned !== true);
    const common = {
      maxBufferSize: o.maxBufferSize ?? OUR_MAX_BUFFER, maxMpxCount: Math.max(1, Math.min(neg.maxMpxCount, 50)), vcNumber: 1, vcSessionKey: neg.vcSessionKey,
      nativeOs: 'Unix', nativeLanMan: 'netsend',
    };
    let macKey: Buffer;
    let final: Smb1Parsed;
    let action: number;
    if (neg.kind === 'extended') {
      const auth = (o.createAuthenticator ?? createNtlmAuthenticator)(o.credentials, { spnego: true });
      let last: { p: Smb1Parsed; action: number } | undefined;
      const sendLeg = async (token: Buffer, leg: number): Promise<GssLegReply> => {
        const parts = encodeSessionSetupRequest({ kind: 'extended', ...common, capabilities: this.clientCapabilities() | Capabilities.EXTENDED_SECURITY, securityBlob: token }, this.unicode);
        const p = await this.exchange(Smb1Command.SESSION_SETUP_ANDX, parts, 'session setup', opts, undefined, false);
        if (leg === 0 || this.uid === 0) this.uid = p.header.uid;
        const block = this.check(p, 'session setup', isMoreProcessing);
        const resp = decodeSessionSetupResponse(block, this.unicode);
        const more = isMoreProcessing(p.header);
        if (!resp.extended && !more) throw new MalformedError('session setup', 'non-extended reply to an extended request');
        if (!more) last = { p, action: resp.action };
        return { more, token: resp.securityBlob };
      };
      await runGssLegs(auth, sendLeg, { maxLegs: MAX_SESSION_LEGS, what: 'session setup', hint: neg.securityBlob });
      final = last!.p;
      action = last!.action;
      if (auth.serverInfo?.netbiosComputer) this.info.serverName = auth.serverInfo.netbiosComputer;
      if (auth.serverInfo?.netbiosDomain) this.info.serverDomain = auth.serverInfo.netbiosDomain;
      macKey = auth.sessionKey();
    } else {
      const challengeResponse = o.challengeResponse ?? ntlmV2ChallengeResponse;
      const cr = anonymous ? { lmResponse: Buffer.alloc(0), ntResponse: Buffer.alloc(0), sessionBaseKey: Buffer.alloc(16) } : challengeResponse(o.credentials, neg.challenge);
      const parts = encodeSessionSetupRequest(
        {
          kind: 'challenge', ...common, capabilities: this.clientCapabilities(), oemPassword: cr.lmResponse, unicodePassword: cr.ntResponse,
          accountName: anonymous ? '' : o.credentials.user, primaryDomain: o.credentials.domain ?? '',
        },
        this.unicode,
      );
      const p = await this.exchange(Smb1Command.SESSION_SETUP_ANDX, parts, 'session setup', opts, undefined, false);
      this.uid = p.header.uid;
      const resp = decodeSessionSetupResponse(this.check(p, 'session setup'), this.unicode);
      final = p;
      action = resp.action;
      // [MS-CIFS] §3.2.5.3: key = session key || the response sent in the field the server used.
      macKey = Buffer.concat([cr.sessionBaseKey, action & SessionAction.USE_LANMAN_KEY ? cr.lmResponse : cr.ntResponse]);
    }
    const isGuest = (action & SessionAction.GUEST) !== 0;
    this.info.isGuest = isGuest;
    this.info.isAnonymous = anonymous;
    if (isGuest && !anonymous && !o.allowGuest) throw guestLogonBlocked('guest', 'SMB1 session setup');
    // [MS-CIFS] §3.2.5.3 "Activating Signing": never for guest or anonymous sessions.
    // A server that has not turned signing on leaves zeros or the "BSRSPYL " placeholder in the final
    // reply. Samba 4.17 does so for every non-extended logon, even with signing mandatory, and then
    // neither signs nor checks signatures (observed). Signing starts only on a signed final reply; a
    // logon with credentials that ends unsigned is refused unless the caller allowed it, and always
    // when the caller requires signing.
    if (this.wantSigning && !isGuest && !isUnsignedPlaceholder(final.raw)) {
      this.signing = hideSecrets({ macKey, nextSequence: 2 }, 'macKey');
      this.checkSignature(final.raw, 1, 'session setup');
      this.info.signing = true;
    } else if (o.requireSigning) {
      throw new NetsendError('protocol', 0, 'SIGNING_UNAVAILABLE', 'signing required but the server did not sign the session (guest, anonymous, or not activated)');
    } else if (!anonymous && serverEnables && !o.allowUnsigned && (!isGuest || serverRequires)) {
      const why = isGuest ? 'a guest session has no key, and the server requires signing' : 'the final SESSION_SETUP_ANDX reply is not signed';
      throw new NetsendError('protocol', 0, 'SIGNING_UNAVAILABLE', `session setup: ${why}; pass allowUnsigned (--allow-unsigned) to go on unsigned`);
    }
    this.wantSigning = false;
  }

  /** Connects to a share, IPC$ by default (SMB_COM_TREE_CONNECT_ANDX, [MS-CIFS] §2.2.4.55). */
  async treeConnect(host: string, opts: WaitOptions, share = 'IPC$'): Promise<void> {
    const path = `\\\\${host.toUpperCase()}\\${share}`;
    const parts = encodeTreeConnectRequest({ flags: 0, password: Buffer.alloc(1), path, service: SERVICE_ANY }, this.unicode);
    const p = await this.exchange(Smb1Command.TREE_CONNECT_ANDX, parts, `tree connect ${path}`, opts);
    decodeTreeConnectResponse(this.check(p, `tree connect ${path}`), this.unicode);
    this.tid = p.header.tid;
  }

  // ---- SmbClient ----

  async openPipe(name: string, opts: WaitOptions = {}): Promise<NamedPipe> {
    const bare = barePipeName(name);
    const parts = encodeNtCreateRequest(
      {
        flags: 0, rootDirectoryFid: 0, desiredAccess: PIPE_DESIRED_ACCESS, allocationSize: 0n, extFileAttributes: 0,
        shareAccess: FILE_SHARE_READ_WRITE, createDisposition: FILE_OPEN, createOptions: 0, impersonationLevel: SECURITY_IMPERSONATION,
        securityFlags: 0, fileName: `\\${bare}`,
      },
      this.unicode,
    );
    const what = `open pipe \\${bare}`;
    const p = await this.exchange(Smb1Command.NT_CREATE_ANDX, parts, what, opts);
    const resp = decodeNtCreateResponse(this.check(p, what));
    return new Smb1Pipe(this, bare, resp.fid);
  }

  async close(opts: WaitOptions = {}): Promise<void> {
    if (this.closed) return;
    // Inside an operation the goodbye shares its deadline; alone it gets 2 s.
    const o = opts.deadline ? opts : { timeoutMs: opts.timeoutMs ?? 2000, signal: opts.signal };
    try {
      if (this.tid && !this.stream.closed) {
        const p = await this.exchange(Smb1Command.TREE_DISCONNECT, encodeTreeDisconnectRequest(), 'tree disconnect', o);
        checkEmptyResponse(this.check(p, 'tree disconnect'), 'tree disconnect');
        this.tid = 0;
      }
      if (this.uid && !this.stream.closed) {
        const p = await this.exchange(Smb1Command.LOGOFF_ANDX, encodeLogoffRequest(), 'logoff', o);
        checkEmptyResponse(this.check(p, 'logoff'), 'logoff', true);
        this.uid = 0;
      }
    } catch {
      /* the connection is going away regardless */
    } finally {
      this.abort();
    }
  }

  /** Drops the connection without a goodbye. */
  abort(): void {
    this.closed = true;
    this.stream.close();
  }

  // ---- pipe operations (used by Smb1Pipe) ----

  /** Largest request data a single TRANSACTION can carry on this connection. */
  get maxTransactData(): number {
    return this.serverMaxBuffer - TRANSACT_OVERHEAD;
  }

  /** One pipe round trip through TRANS_TRANSACT_NMPIPE ([MS-CIFS] §2.2.5.6). */
  async transactPipe(fid: number, request: Buffer, maxResponse: number, opts: PipeRequestOptions): Promise<PipeRead> {
    if (maxResponse < 0 || maxResponse > 0xffff) throw usageError(`maxResponse ${maxResponse} outside 0..65535`);
    const parts = encodeTransactionRequest(
      {
        name: PIPE_TRANSACTION_NAME, setup: [TRANS_TRANSACT_NMPIPE, fid], parameters: Buffer.alloc(0), data: request,
        maxParameterCount: 0, maxDataCount: maxResponse, maxSetupCount: 0, flags: 0, timeout: 0,
      },
      this.unicode,
    );
    const asm = new TransactionAssembler(0xffff, maxResponse);
    let more = false;
    await this.exchange(Smb1Command.TRANSACTION, parts, 'TransactNmPipe', opts, (p) => {
      this.check(p, 'TransactNmPipe', isBufferOverflow);
      if (isBufferOverflow(p.header)) more = true;
      this.transactionResponses++;
      asm.add(decodeTransactionResponsePart(p.blocks[0]!));
      return asm.complete;
    });
    return { data: Buffer.from(asm.result().data), more };
  }

  /** WRITE_ANDX in chunks; `opts.onWritten` runs after the chunk holding the last byte is sent. */
  async writePipe(fid: number, data: Buffer, opts: PipeRequestOptions): Promise<void> {
    const { onWritten, ...wait } = opts;
    const large = (this.serverCaps & Capabilities.LARGE_WRITEX) !== 0;
    const chunk = Math.min(PIPE_WRITE_MAX, large ? 0xffff - 64 : this.serverMaxBuffer - 64);
    let offset = 0;
    do {
      const piece = data.subarray(offset, offset + chunk);
      const parts = encodeWriteAndxRequest({
        fid, offset: 0n, timeout: 0, writeMode: offset === 0 ? WriteMode.MSG_START : 0,
        // Remaining is a USHORT ([MS-CIFS] §2.2.4.43.1): a write of 64 KiB or more says "at least 65535".
        remaining: Math.min(0xffff, data.length - offset), data: piece,
      });
      const last = offset + piece.length >= data.length;
      const p = await this.exchange(Smb1Command.WRITE_ANDX, parts, 'pipe write', last && onWritten ? { ...wait, onWritten } : wait);
      const resp = decodeWriteAndxResponse(this.check(p, 'pipe write'));
      if (resp.count === 0 && piece.length > 0) throw new MalformedError('WRITE_ANDX response', 'server accepted 0 bytes');
      if (resp.count > piece.length) throw new MalformedError('WRITE_ANDX response', `count ${resp.count} over ${piece.length} sent`);
      offset += resp.count;
    } while (offset < data.length);
  }

  /** Reads from a pipe (SMB_COM_READ_ANDX, [MS-CIFS] §2.2.4.42); `more` when the pipe message continues. */
  async readPipe(fid: number, maxBytes: number, opts: WaitOptions): Promise<PipeRead> {
    const large = (this.serverCaps & Capabilities.LARGE_READX) !== 0;
    const limit = large ? 0xffff : this.serverMaxBuffer - 64;
    const want = Math.max(0, Math.min(maxBytes, limit));
    const parts = encodeReadAndxRequest({ fid, offset: 0n, maxCount: want, minCount: want, timeout: 0, remaining: want });
    const p = await this.exchange(Smb1Command.READ_ANDX, parts, 'pipe read', opts);
    const block = this.check(p, 'pipe read', isBufferOverflow);
    const resp = decodeReadAndxResponse(block);
    if (resp.data.length > want) throw new MalformedError('READ_ANDX response', `${resp.data.length} bytes, asked for ${want}`);
    return { data: resp.data, more: isBufferOverflow(p.header) };
  }

  /** Closes a file or pipe handle (SMB_COM_CLOSE, [MS-CIFS] §2.2.4.5). */
  async closeFile(fid: number, opts: WaitOptions): Promise<void> {
    const p = await this.exchange(Smb1Command.CLOSE, encodeCloseRequest({ fid, lastTimeModified: 0xffffffff }), 'close pipe', opts);
    checkEmptyResponse(this.check(p, 'close pipe'), 'close pipe');
  }
}

export class Smb1Pipe implements NamedPipe {
  private open = true;
  constructor(
    private readonly client: Smb1Client,
    readonly name: string,
    readonly fid: number,
  ) {}

  private ensureOpen(): void {
    if (!this.open) throw new NetsendError('usage', 0, 'PIPE_CLOSED', `pipe ${this.name} is closed`);
  }

  /** One TRANSACTION round trip; requests too large for one TRANSACTION go as a write then a read. */
  async transact(request: Buffer, maxResponse: number, opts: PipeRequestOptions = {}): Promise<PipeRead> {
    this.ensureOpen();
    if (request.length > this.client.maxTransactData) {
      await this.client.writePipe(this.fid, request, opts);
      const { onWritten: _w, ...wait } = opts;
      return this.client.readPipe(this.fid, maxResponse, wait);
    }
    return this.client.transactPipe(this.fid, request, maxResponse, opts);
  }

  async write(data: Buffer, opts: PipeRequestOptions = {}): Promise<void> {
    this.ensureOpen();
    await this.client.writePipe(this.fid, data, opts);
  }

  /** Reads from the pipe (READ_ANDX); `more` when the pipe message continues. */
  async read(maxBytes: number, opts: WaitOptions = {}): Promise<PipeRead> {
    this.ensureOpen();
    return this.client.readPipe(this.fid, maxBytes, opts);
  }

  /** Closes the pipe handle; a second call does nothing. */
  async close(opts: WaitOptions = {}): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.client.closeFile(this.fid, opts);
  }
}

/**
 * Establishes an SMB1 session with IPC$ connected on an open message stream. Sends its own NEGOTIATE
 * ("NT LM 0.12") unless `negotiateReply` carries the server's reply to one already sent.
 */
export async function connectSmb1(o: Smb1ConnectOptions): Promise<Smb1Client> {
  throwIfAborted(o.signal, 'SMB1 connect');
  const client = new Smb1Client(o.stream, o.requestTimeoutMs, o);
  // One bound for the whole setup (the caller's operation deadline when it has one), not one per step.
  const opts: WaitOptions = Deadline.of(o).waitOptions();
  return raceWait(
    'SMB1 connect',
    opts,
    async () => {
      try {
        const neg = await client.negotiate(opts, o.negotiateReply);
        await client.sessionSetup(neg, o, opts);
        await client.treeConnect(o.host, opts);
        return client;
      } catch (e) {
        client.abort();
        throw e;
      }
    },
    () => client.abort(),
  );
}
