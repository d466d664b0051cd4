/**
 * The SMB 2/3 client the RPC layer uses: connect, authenticate, IPC$, named pipes
 * ([MS-SMB2] §3.2.4.2 - §3.2.4.20).
 */
import { createNtlmAuthenticator } from '../../auth/index.js';
import type { Authenticator, Credentials } from '../../auth/types.js';
import { NetsendError } from '../../status/error.js';
import { NT } from '../../status/index.js';
import type { MessageStream } from '../../transport/message-stream.js';
import { openDirectTcp } from '../../transport/nbss.js';
import type { TrafficTap } from '../../transport/tcp.js';
import type { WaitOptions } from '../../util/abort.js';
import { Deadline } from '../../util/deadline.js';
import { guidFromBytes } from '../../util/guid.js';
import { PIPE_WRITE_MAX, type PipeOpenEvents, type NamedPipe, type PipeRead, type PipeRequestOptions, type SmbClient, type SmbSessionInfo } from '../types.js';
import {
  CreateDisposition,
  FSCTL_PIPE_TRANSCEIVE,
  FSCTL_VALIDATE_NEGOTIATE_INFO,
  IOCTL_IS_FSCTL,
  ImpersonationLevel,
  PIPE_DESIRED_ACCESS,
  SessionFlags,
  ShareAccess,
  ShareFlags,
  Smb2Command,
  Smb2Flags,
  cipherName,
  dialectName,
  signingAlgorithmName,
  type CipherId,
  type DialectRevision,
  type SigningAlgorithmId,
} from './constants.js';
import { Smb2Connection, type CompoundPart, type Smb2Response } from './connection.js';
import { invalidSignature } from './crypto.js';
import { SMB2_DEFAULTS } from './defaults.js';
import {
  decodeCreateResponse,
  decodeEmpty4,
  decodeIoctlResponse,
  decodeReadResponse,
  decodeTreeConnectResponse,
  decodeValidateNegotiateInfoResponse,
  decodeWriteResponse,
  encodeCloseRequest,
  encodeCreateRequest,
  encodeEmpty4,
  encodeIoctlRequest,
  encodeReadRequest,
  encodeTransceive,
  transceiveTemplate,
  encodeTreeConnectRequest,
  encodeValidateNegotiateInfoRequest,
  encodeWriteRequest,
} from './messages.js';

/**
 * `deadline` (or else `timeoutMs` from the start) bounds the whole connect, every request of it
 * together; `timeoutMs` is also the per-request default for later calls. `signal` aborts any wait.
 */
export interface Smb2ConnectOptions extends WaitOptions {
  /** An already connected transport (NBSS on 139, or one handed over by the SMB1 negotiate). */
  stream?: MessageStream;
  host: string;
  port?: number;
  credentials: Credentials;
  /** Builds the GSS context; defaults to the auth layer's NTLMSSP-in-SPNEGO authenticator. */
  authenticator?: (creds: Credentials) => Authenticator;
  /** Dialect range offered (inclusive). Default 2.0.2 .. 3.1.1. */
  dialects?: { min?: DialectRevision; max?: DialectRevision };
  requireSigning?: boolean;
  /** Encrypt everything after session setup even when the server does not ask (3.x only). */
  requireEncryption?: boolean;
  tap?: TrafficTap;
  /** The SMB2 NEGOTIATE response an SMB1 multi-protocol NEGOTIATE drew on `stream`. */
  smb1NegotiateReply?: Buffer;
  /** Server name for \\SERVER\IPC$ (default `host`). */
  serverName?: string;
  ciphers?: CipherId[];
  signingAlgorithms?: SigningAlgorithmId[];
  /** Accept a guest/null session for a logon with credentials (default: refused, STATUS_SMB_GUEST_LOGON_BLOCKED). */
  allowGuest?: boolean;
  /**
   * Connect IPC$ with the first pipe open, in one compound with it (Smb2Client.deferTreeConnect);
   * not on 3.0/3.0.2 with a key, where VALIDATE_NEGOTIATE_INFO needs the tree first.
   */
  deferTreeConnect?: boolean;
}

const ALL_FF = Buffer.alloc(16, 0xff);

/**
 * Statuses with which a server may refuse a request because it came in a compound (a server that
 * does not do related operations on pipes): the request is sent again on its own.
 */
const COMPOUND_REFUSED: ReadonlySet<number> = new Set([NT.STATUS_INVALID_PARAMETER, NT.STATUS_NOT_SUPPORTED, NT.STATUS_INTERNAL_ERROR]);

/** Strips "\", "\PIPE\" and "PIPE\" prefixes: SMB2 CREATE wants the bare name ([MS-SMB2] §3.2.4.3). */
export function bareName(name: string): string {
  return name.replace(/^\\+/, '').replace(/^pipe\\/i, '');
}

/** An open pipe: FSCTL_PIPE_TRANSCEIVE, WRITE, READ, CLOSE. */
export class Smb2Pipe implements NamedPipe {
  private closed = false;
  /** Every request ends at its deadline and on its signal (Smb2Connection.request): RpcTransport.boundsWaits. */
  readonly boundsWaits = true;
  /** This pipe's FSCTL_PIPE_TRANSCEIVE request with no input: each transact copies it and patches the counts. */
  private readonly transceiveTemplate: Buffer;
  constructor(
    private readonly client: Smb2Client,
    readonly name: string,
    readonly fileId: Buffer,
  ) {
    this.transceiveTemplate = transceiveTemplate(fileId);
  }

  private get conn(): Smb2Connection {
    return this.client.connection;
  }

  private live(what: string): void {
    if (this.closed) throw new NetsendError('usage', 0, 'EBADF', `${what} on closed pipe ${this.name}`);
  }

  /** One round trip ([MS-SMB2] §3.2.4.20.1; [MS-FSCC] §2.3.48). STATUS_BUFFER_OVERFLOW -> more = true. */
  async transact(request: Buffer, maxResponse: number = SMB2_DEFAULTS.maxPipeResponse, opts: PipeRequestOptions = {}): Promise<PipeRead> {
    this.live('transact');
    const max = Math.min(maxResponse, this.client.maxTransact);
    const body = encodeTransceive(this.transceiveTemplate, request, max);
    const resp = await this.conn.request(Smb2Command.IOCTL, body, {
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      deadline: opts.deadline,
      treeId: this.client.treeId,
      expectedResponse: max,
      onWritten: opts.onWritten,
    });
    Smb2Connection.check(resp, `transact on pipe ${this.name}`, [0, NT.STATUS_BUFFER_OVERFLOW]);
    const r = decodeIoctlResponse(resp.body);
    if (r.output.length > max) throw new NetsendError('protocol', 0, 'SMB2_OVERLONG_RESPONSE', `transact returned ${r.output.length} bytes, asked for at most ${max}`);
    return { data: r.output, more: resp.header.status === NT.STATUS_BUFFER_OVERFLOW };
  }

  /**
   * WRITE ([MS-SMB2] §3.2.4.7) in pieces of at most the server's MaxWriteSize and PIPE_WRITE_MAX
   * (../types.ts), as Smb1Pipe does with
   * WRITE_ANDX: the pipe carries a byte stream to the RPC server, which reassembles fragments by
   * their frag_length ([MS-RPCE] §2.1.1.2). Remaining tells the server how many bytes follow (a
   * hint, [MS-SMB2] §2.2.21). One deadline covers every piece; `opts.onWritten` runs once the piece
   * holding the last byte is sent.
   */
  async write(data: Buffer, opts: PipeRequestOptions = {}): Promise<void> {
    this.live('write');
    const { onWritten, ...wait } = opts;
    const deadline = Deadline.of(wait, this.conn.timeoutMs);
    const max = Math.min(this.client.maxWrite, PIPE_WRITE_MAX);
    let offset = 0;
    do {
      const piece = data.subarray(offset, offset + max);
      const rest = data.length - offset - piece.length;
      const body = encodeWriteRequest({ offset: 0n, fileId: this.fileId, remainingBytes: rest, flags: 0, data: piece });
      const resp = await this.conn.request(Smb2Command.WRITE, body, { ...deadline.waitOptions(), treeId: this.client.treeId, ...(rest === 0 && onWritten ? { onWritten } : {}) });
      Smb2Connection.check(resp, `write to pipe ${this.name}`);
      const w = decodeWriteResponse(resp.body);
      if (w.count !== piece.length) throw new NetsendError('protocol', 0, 'SMB2_SHORT_WRITE', `pipe took ${w.count} of ${piece.length} bytes`);
      offset += piece.length;
    } while (offset < data.length);
  }

  /** READ ([MS-SMB2] §3.2.4.6). STATUS_BUFFER_OVERFLOW -> more = true. */
  async read(maxBytes: number, opts: WaitOptions = {}): Promise<PipeRead> {
    this.live('read');
    const len = Math.max(1, Math.min(maxBytes, this.client.maxRead));
    const body = encodeReadRequest({ flags: 0, length: len, offset: 0n, fileId: this.fileId, minimumCount: 0, remainingBytes: 0 });
    const { onWritten: _w, ...wait } = opts as PipeRequestOptions;
    const resp = await this.conn.request(Smb2Command.READ, body, { ...wait, treeId: this.client.treeId, expectedResponse: len });
    Smb2Connection.check(resp, `read from pipe ${this.name}`, [0, NT.STATUS_BUFFER_OVERFLOW]);
    const r = decodeReadResponse(resp.body);
    if (r.data.length > len) throw new NetsendError('protocol', 0, 'SMB2_OVERLONG_RESPONSE', `read returned ${r.data.length} bytes, asked for at most ${len}`);
    return { data: r.data, more: resp.header.status === NT.STATUS_BUFFER_OVERFLOW };
  }

  /** CLOSE ([MS-SMB2] §3.2.4.5). */
  async close(opts: WaitOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const resp = await this.conn.request(Smb2Command.CLOSE, encodeCloseRequest({ flags: 0, fileId: this.fileId }), { ...opts, treeId: this.client.treeId });
    Smb2Connection.check(resp, `close pipe ${this.name}`);
  }
}

export class Smb2Client implements SmbClient {
  readonly connection: Smb2Connection;
  /** What SESSION_SETUP established; `info` adds what changes later (encryption turned on by a share). */
  private readonly established: SmbSessionInfo;
  private tree = 0;
  /** IPC$ path whose TREE_CONNECT waits for the first pipe open (deferTreeConnect). */
  private pendingTree: string | null = null;
  private closed = false;

  constructor(connection: Smb2Connection, info: SmbSessionInfo) {
    this.connection = connection;
    this.established = info;
  }

  /** The session as it stands: signing and encryption follow the connection (a share may turn encryption on). */
  get info(): SmbSessionInfo {
    const c = this.connection;
    const info: SmbSessionInfo = { ...this.established, signing: c.signing, encryption: c.encrypting };
    if (c.encrypting && c.cipher !== null) info.cipher = cipherName(c.cipher);
    return info;
  }

  /** TreeId of IPC$ once connected, else 0. */
  get treeId(): number {
    return this.tree;
  }

  get maxTransact(): number {
    return Math.min(this.connection.negotiateResponse?.maxTransactSize ?? 65536, SMB2_DEFAULTS.maxReadSize);
  }
  get maxRead(): number {
    return Math.min(this.connection.negotiateResponse?.maxReadSize ?? 65536, SMB2_DEFAULTS.maxReadSize);
  }
  get maxWrite(): number {
    return Math.min(this.connection.negotiateResponse?.maxWriteSize ?? 65536, SMB2_DEFAULTS.maxReadSize);
  }
  /** Requests sent on this connection so far. */
  get requestsSent(): number {
    return this.connection.requestsSent;
  }

  /** TREE_CONNECT ([MS-SMB2] §3.2.4.2.4); honours SMB2_SHAREFLAG_ENCRYPT_DATA. */
  async treeConnect(path: string, opts: WaitOptions = {}): Promise<void> {
    // 3.1.1 TREE_CONNECT is always signed (or encrypted) on an authenticated session ([MS-SMB2] §3.2.4.1.1, §3.3.5.7).
    const sign = this.connection.traits.signedTreeConnect;
    const resp = await this.connection.request(Smb2Command.TREE_CONNECT, encodeTreeConnectRequest({ flags: 0, path }), { ...opts, sign });
    this.adoptTree(resp, path);
  }

  private adoptTree(resp: Smb2Response, path: string): void {
    this.pendingTree = null;
    Smb2Connection.check(resp, `tree connect ${path}`);
    const t = decodeTreeConnectResponse(resp.body);
    this.tree = resp.header.treeId;
    if (t.shareFlags & ShareFlags.ENCRYPT_DATA && !this.connection.encrypting) this.connection.enableEncryption();
  }

  /**
   * Leaves TREE_CONNECT of `path` to the first pipe open, which sends it in the same compound as the
   * CREATE (openPipeAndTransact) or just before it (openPipe).
   */
  deferTreeConnect(path: string): void {
    this.pendingTree = path;
  }

  /** Sends a deferred TREE_CONNECT on its own (when the first pipe operation cannot carry it). */
  async connectDeferredTree(opts: WaitOptions = {}): Promise<void> {
    if (this.pendingTree !== null) await this.treeConnect(this.pendingTree, opts);
  }

  /** FSCTL_VALIDATE_NEGOTIATE_INFO for 3.0 / 3.0.2 ([MS-SMB2] §3.2.5.14.12): signed, must echo the negotiate. */
  async validateNegotiate(opts: WaitOptions = {}): Promise<void> {
    const c = this.connection;
    const n = c.negotiateResponse!;
    const input = encodeValidateNegotiateInfoRequest({ capabilities: c.capabilities, guid: c.clientGuid, securityMode: c.securityMode, dialects: c.offeredDialects });
    const body = encodeIoctlRequest({ ctlCode: FSCTL_VALIDATE_NEGOTIATE_INFO, fileId: ALL_FF, input, maxInputResponse: 0, maxOutputResponse: 24, flags: IOCTL_IS_FSCTL });
    const resp = await c.request(Smb2Command.IOCTL, body, { ...opts, treeId: this.treeId, sign: true });
    if (!resp.encrypted && !(resp.header.flags & Smb2Flags.SIGNED)) throw invalidSignature('VALIDATE_NEGOTIATE_INFO response is not signed');
    Smb2Connection.check(resp, 'validate negotiate');
    const v = decodeValidateNegotiateInfoResponse(decodeIoctlResponse(resp.body).output);
    if (v.capabilities !== n.capabilities || !v.guid.equals(n.serverGuid) || v.securityMode !== n.securityMode || v.dialect !== n.dialect) {
      throw new NetsendError('protocol', 0, 'SMB2_NEGOTIATE_TAMPERED', 'VALIDATE_NEGOTIATE_INFO does not match the NEGOTIATE response');
    }
  }

  /** CREATE of a pipe on IPC$ by bare name ([MS-SMB2] §3.2.4.3): Impersonation, read|write sharing, FILE_OPEN. */
  async openPipe(name: string, opts: WaitOptions = {}): Promise<NamedPipe> {
    if (this.closed) throw new NetsendError('usage', 0, 'EBADF', 'openPipe on a closed SMB2 client');
    const bare = bareName(name);
    await this.connectDeferredTree(opts);
    const resp = await this.connection.request(Smb2Command.CREATE, pipeCreateBody(bare), { ...opts, treeId: this.treeId });
    Smb2Connection.check(resp, `open pipe ${bare}`);
    const c = decodeCreateResponse(resp.body);
    return new Smb2Pipe(this, bare, c.fileId);
  }

  /**
   * CREATE of the pipe and its first FSCTL_PIPE_TRANSCEIVE as one related compound ([MS-SMB2]
   * §3.2.4.1.4; the IOCTL names the new open by FileId 0xFF..FF): one round trip instead of two.
   * A failed CREATE throws its own status (the IOCTL then fails with it, cascaded, §3.3.5.2.7.2).
   * `opts.onWritten` runs once the compound is on the socket.
   */
  async openPipeAndTransact(
    name: string,
    request: Buffer,
    maxResponse: number = SMB2_DEFAULTS.maxPipeResponse,
    opts: PipeRequestOptions & { onOpen?: (pipe: Smb2Pipe) => void; onTree?: () => void } = {},
  ): Promise<{ pipe: Smb2Pipe; first: PipeRead }> {
    if (this.closed) throw new NetsendError('usage', 0, 'EBADF', 'openPipe on a closed SMB2 client');
    const bare = bareName(name);
    const { onOpen, onTree, onWritten, ...wait } = opts;
    const deadline = Deadline.of(wait, this.connection.timeoutMs);
    let written = false;
    const once = onWritten
      ? (): void => {
          if (!written) onWritten();
          written = true;
        }
      : undefined;
    const max = Math.min(maxResponse, this.maxTransact);
    const ioctl = encodeIoctlRequest({ ctlCode: FSCTL_PIPE_TRANSCEIVE, fileId: ALL_FF, input: request, maxInputResponse: 0, maxOutputResponse: max, flags: IOCTL_IS_FSCTL });
    const tree = this.pendingTree;
    const parts: CompoundPart[] = [];
    // A deferred TREE_CONNECT leads the chain; CREATE and IOCTL take its TreeId (related operations).
    if (tree !== null) parts.push({ command: Smb2Command.TREE_CONNECT, body: encodeTreeConnectRequest({ flags: 0, path: tree }) });
    else onTree?.();
    parts.push({ command: Smb2Command.CREATE, body: pipeCreateBody(bare) }, { command: Smb2Command.IOCTL, body: ioctl, expectedResponse: max });
    // Too few credits for the chain (a server granting one at a time): the same requests one by one.
    if (this.connection.compoundCost(parts) > this.connection.credits) {
      if (tree !== null) {
        await this.connectDeferredTree(deadline.waitOptions());
        onTree?.();
      }
      const pipe = (await this.openPipe(bare, deadline.waitOptions())) as Smb2Pipe;
      onOpen?.(pipe);
      return { pipe, first: await pipe.transact(request, max, { ...deadline.waitOptions(), ...(once ? { onWritten: once } : {}) }) };
    }
    const wasEncrypting = this.connection.encrypting;
    // 3.1.1 signs TREE_CONNECT always ([MS-SMB2] §3.2.4.1.1); the rest of its chain is signed with it.
    const sign = tree !== null && this.connection.traits.signedTreeConnect;
    const resps = await this.connection.requestCompound(parts, { ...deadline.waitOptions(), treeId: this.treeId, sign, ...(once ? { onWritten: once } : {}) });
    if (tree !== null) {
      this.adoptTree(resps.shift()!, tree);
      onTree?.();
    }
    const [create, tx] = resps as [Smb2Response, Smb2Response];
    // Sent in the clear to a share that turned out to want encryption, or refused as a compound: again, one by one.
    const redo = (!wasEncrypting && this.connection.encrypting) || COMPOUND_REFUSED.has(create.header.status);
    const again = { ...deadline.waitOptions(), ...(once ? { onWritten: once } : {}) };
    if (create.header.status !== 0 && redo) {
      const pipe = (await this.openPipe(bare, deadline.waitOptions())) as Smb2Pipe;
      onOpen?.(pipe);
      return { pipe, first: await pipe.transact(request, max, again) };
    }
    Smb2Connection.check(create, `open pipe ${bare}`);
    const pipe = new Smb2Pipe(this, bare, decodeCreateResponse(create.body).fileId);
    // The open exists now whatever the IOCTL did: the caller gets it (to close it, or to retry on it).
    onOpen?.(pipe);
    if ((redo || COMPOUND_REFUSED.has(tx.header.status)) && tx.header.status !== 0 && tx.header.status !== NT.STATUS_BUFFER_OVERFLOW) {
      return { pipe, first: await pipe.transact(request, max, again) };
    }
    Smb2Connection.check(tx, `transact on pipe ${bare}`, [0, NT.STATUS_BUFFER_OVERFLOW]);
    const r = decodeIoctlResponse(tx.body);
    if (r.output.length > max) throw new NetsendError('protocol', 0, 'SMB2_OVERLONG_RESPONSE', `transact returned ${r.output.length} bytes, asked for at most ${max}`);
    return { pipe, first: { data: r.output, more: tx.header.status === NT.STATUS_BUFFER_OVERFLOW } };
  }

  /**
   * A pipe opened by its first transact (openPipeAndTransact), so that an RPC bind costs no round trip
   * of its own. Any other first operation opens it plainly. `onOpen` runs when the CREATE succeeded.
   */
  openPipeDeferred(name: string, events: PipeOpenEvents = {}): NamedPipe {
    return new DeferredSmb2Pipe(this, bareName(name), events);
  }

  /** TREE_DISCONNECT, LOGOFF, socket close. Never throws. */
  abort(): void {
    this.closed = true;
    this.connection.close();
  }

  async close(opts: WaitOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const c = this.connection;
    // Inside an operation the goodbye shares its deadline; alone it gets 2 s.
    const o = opts.deadline ? opts : { timeoutMs: opts.timeoutMs ?? 2000, signal: opts.signal };
    try {
      if (!c.stream.closed && this.treeId) {
        const r = await c.request(Smb2Command.TREE_DISCONNECT, encodeEmpty4(), { ...o, treeId: this.treeId });
        if (r.header.status === 0) decodeEmpty4(r.body, 'SMB2 TREE_DISCONNECT response');
      }
      if (!c.stream.closed && c.session) {
        const r = await c.request(Smb2Command.LOGOFF, encodeEmpty4(), o);
        if (r.header.status === 0) decodeEmpty4(r.body, 'SMB2 LOGOFF response');
      }
    } catch {
      /* the connection is going away either way */
    } finally {
      c.close();
    }
  }

  /** ECHO ([MS-SMB2] §3.2.4.17): a keepalive/liveness probe. */
  async echo(opts: WaitOptions = {}): Promise<void> {
    const r = await this.connection.request(Smb2Command.ECHO, encodeEmpty4(), opts);
    Smb2Connection.check(r, 'echo');
    decodeEmpty4(r.body, 'SMB2 ECHO response');
  }
}

function pipeCreateBody(bare: string): Buffer {
  return encodeCreateRequest({
      requestedOplockLevel: 0,
      impersonationLevel: ImpersonationLevel.Impersonation,
      desiredAccess: PIPE_DESIRED_ACCESS,
      fileAttributes: 0,
      shareAccess: ShareAccess.READ | ShareAccess.WRITE,
      createDisposition: CreateDisposition.OPEN,
      createOptions: 0,
      name: bare,
  });
}

/** Smb2Client.openPipeDeferred: CREATE rides on the first transact. */
class DeferredSmb2Pipe implements NamedPipe {
  private pipe: NamedPipe | null = null;
  /** As Smb2Pipe: every wait, the open's included, ends at the deadline (RpcTransport.boundsWaits). */
  readonly boundsWaits = true;
  constructor(
    private readonly client: Smb2Client,
    readonly name: string,
    private readonly events: PipeOpenEvents,
  ) {}

  private async open(opts: WaitOptions): Promise<NamedPipe> {
    if (!this.pipe) {
      await this.client.connectDeferredTree(opts);
      this.events.onTree?.();
      this.pipe = await this.client.openPipe(this.name, opts);
      this.events.onOpen?.();
    }
    return this.pipe;
  }

  async transact(request: Buffer, maxResponse: number = SMB2_DEFAULTS.maxPipeResponse, opts: PipeRequestOptions = {}): Promise<PipeRead> {
    if (this.pipe) return this.pipe.transact(request, maxResponse, opts);
    const { first } = await this.client.openPipeAndTransact(this.name, request, maxResponse, {
      ...opts,
      ...(this.events.onTree ? { onTree: this.events.onTree } : {}),
      onOpen: (pipe) => {
        this.pipe = pipe;
        this.events.onOpen?.();
      },
    });
    return first;
  }

  async write(data: Buffer, opts: PipeRequestOptions = {}): Promise<void> {
    return (await this.open(opts)).write(data, opts);
  }

  async read(maxBytes: number, opts: WaitOptions = {}): Promise<PipeRead> {
    return (await this.open(opts)).read(maxBytes, opts);
  }

  async close(opts: WaitOptions = {}): Promise<void> {
    await this.pipe?.close(opts);
  }
}


function defaultAuthenticator(creds: Credentials): Authenticator {
  return createNtlmAuthenticator(creds, { spnego: true });
}

/**
 * Connects, negotiates, authenticates and connects \\HOST\IPC$ ([MS-SMB2] §3.2.4.2).
 * On any failure the socket is closed and the error is rethrown.
 */
export async function connectSmb2(opts: Smb2ConnectOptions): Promise<Smb2Client> {
  const makeAuth = opts.authenticator ?? defaultAuthenticator;
  const deadline = Deadline.of(opts, SMB2_DEFAULTS.timeoutMs);
  const wait: WaitOptions = deadline.waitOptions();
  const stream = opts.stream ?? (await openDirectTcp({ host: opts.host, port: opts.port ?? SMB2_DEFAULTS.port, tap: opts.tap, maxFrame: SMB2_DEFAULTS.maxMessageSize, ...wait }));
  let conn: Smb2Connection | null = null;
  try {
    conn = new Smb2Connection(stream, {
      dialects: opts.dialects,
      requireSigning: opts.requireSigning,
      requireEncryption: opts.requireEncryption,
      timeoutMs: deadline.totalMs,
      ciphers: opts.ciphers,
      signingAlgorithms: opts.signingAlgorithms,
      allowGuest: opts.allowGuest,
    });
    const done = opts.smb1NegotiateReply ? conn.adoptSmb1Reply(opts.smb1NegotiateReply) : false;
    if (!done) await conn.negotiate(wait);
    const auth = makeAuth(opts.credentials);
    const anonymous = opts.credentials.anonymous === true || (opts.credentials.user === '' && !opts.credentials.password && !opts.credentials.ntHash);
    const { sessionFlags } = await conn.sessionSetup(auth, wait, anonymous);
    const s = auth.serverInfo;
    const info: SmbSessionInfo = {
      dialect: dialectName(conn.dialect),
      signing: conn.signing,
      encryption: conn.encrypting,
      serverGuid: guidFromBytes(conn.negotiateResponse!.serverGuid),
      isGuest: (sessionFlags & SessionFlags.IS_GUEST) !== 0,
      isAnonymous: (sessionFlags & SessionFlags.IS_NULL) !== 0,
    };
    if (conn.cipher !== null && conn.encrypting) info.cipher = cipherName(conn.cipher);
    if (conn.signing || conn.traits.smb3Kdf) info.signingAlgorithm = signingAlgorithmName(conn.signingAlgorithm);
    if (s?.netbiosComputer ?? s?.dnsComputer) info.serverName = s?.netbiosComputer ?? s?.dnsComputer;
    if (s?.netbiosDomain ?? s?.dnsDomain) info.serverDomain = s?.netbiosDomain ?? s?.dnsDomain;
    const client = new Smb2Client(conn, info);
    const ipc = `\\\\${opts.serverName ?? opts.host}\\IPC$`;
    // Only a session with a key can validate ([MS-SMB2] §3.2.5.14.12): a credentialed session always has
    // one, since a keyless guest/null result is refused in sessionSetup unless allowGuest.
    const validate = conn.traits.validateNegotiate && conn.session?.signingKey;
    // Validation must precede any pipe traffic, so 3.0/3.0.2 sessions with a key connect IPC$ now.
    if (opts.deferTreeConnect && !validate) client.deferTreeConnect(ipc);
    else await client.treeConnect(ipc, wait);
    if (validate) await client.validateNegotiate(wait);
    return client;
  } catch (e) {
    stream.close();
    throw e;
  }
}
