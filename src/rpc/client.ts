/**
 * Connection-oriented DCE/RPC client (C706 ch. 12, [MS-RPCE] §3.3) over any message-mode byte
 * channel. A `NamedPipe` from the SMB layer satisfies `RpcTransport` as it is.
 */
import { MalformedError, NetsendError } from '../status/error.js';
import { bindNakError, bindRejectError, breaksConnection, rpcFault, rpcFaultError, toNetsendError } from '../status/index.js';
import { raceWait, type WaitOptions } from '../util/abort.js';
import { SerialQueue } from '../util/serial-queue.js';
import { Deadline } from '../util/deadline.js';
import type { NdrLimits } from './ndr/core.js';
import type { NdrCall, Param, ParamValues } from './ndr/call.js';
import {
  COMMON_HEADER_LENGTH,
  decodeHeader,
  decodePdu,
  encodePdu,
  encodePlainRequest,
  NP_MAX_FRAG,
  PFC,
  REQUEST_HEADER_LENGTH,
  type AuthVerifier,
  type BindAckBody,
  type BindBody,
  type Pdu,
} from './pdu.js';
import { bindTimeFeatureSyntax, formatSyntax, NDR20, type SyntaxId } from './uuid.js';
import { AUTH_PAD_ALIGNMENT, RpcSecurity, type RpcAuthOptions } from './security.js';

/** What the RPC layer needs from a transport (structurally a NamedPipe, src/smb/types.ts). */
export interface RpcTransport {
  /** One request, one (possibly partial) response: SMB TransactNmPipe / FSCTL_PIPE_TRANSCEIVE. */
  /** `opts.onWritten`: runs once the request has been handed whole to the connection (PipeRequestOptions). */
  transact(request: Buffer, maxResponse: number, opts?: WaitOptions & { onWritten?: () => void }): Promise<{ data: Buffer; more: boolean }>;
  /** Writes a PDU that gets no answer of its own: a long request's leading fragments, or auth3. */
  write(data: Buffer, opts?: WaitOptions): Promise<void>;
  /** `more` is true when the pipe message continues (STATUS_BUFFER_OVERFLOW). */
  read(maxBytes: number, opts?: WaitOptions): Promise<{ data: Buffer; more: boolean }>;
  /** Closes the pipe or connection. */
  close(opts?: WaitOptions): Promise<void>;
  /**
   * True when every wait of this transport ends by itself at `opts.deadline` (or `opts.timeoutMs`)
   * and on `opts.signal` (the SMB pipes): the client then does not race each wait a second time.
   * Absent: each wait is raced against the deadline here too.
   */
  readonly boundsWaits?: boolean;
}

/** An interface (abstract syntax) as its IDL's uuid/version attributes give it. */
export interface RpcInterface {
  name: string;
  syntax: SyntaxId;
}

export interface BindOptions extends WaitOptions {
  /** Proposed max_xmit_frag / max_recv_frag (default 4280 each, as on named pipes). */
  maxXmitFrag?: number;
  maxRecvFrag?: number;
  /** Offer bind-time feature negotiation ([MS-RPCE] §3.3.1.5.3) with these bits as a second context. */
  featureNegotiation?: number;
}

/** What a bind settled: the presentation context and the fragment size to send with (C706 §12.6.4.4). */
export interface BindResult {
  contextId: number;
  /** Fragment size we send with: min(our max_xmit_frag, the server's max_recv_frag). */
  maxXmitFrag: number;
  /** Fragment size we accept. */
  maxRecvFrag: number;
  assocGroupId: number;
  secAddr: string;
  /** Feature bits the server acknowledged, when negotiation was offered and acknowledged. */
  features?: number;
  /** With RPC auth: the server agreed to header signing (PFC_SUPPORT_HEADER_SIGN in bind_ack). */
  headerSigning?: boolean;
}

export interface CallOptions extends WaitOptions {
  contextId?: number;
  /** Object UUID: sets PFC_OBJECT_UUID. */
  object?: string;
  /**
   * Progress of the last request fragment (PFC_LAST_FRAG): 'writing' just before it goes to the
   * transport, 'written' once the transport handed it whole to the connection. A server runs a
   * call only after its last fragment arrived (C706 ch. 12, PFC_LAST_FRAG), so a call that breaks before
   * 'written' did not run, and one that breaks after it may have.
   */
  onLastFragment?: (state: 'writing' | 'written') => void;
}

/** Limits and authentication of a connection-oriented RPC client. */
export interface RpcClientOptions {
  /** Largest reassembled response stub accepted (default 4 MiB, Samba's request limit). */
  maxResponseStub?: number;
  ndrLimits?: Partial<NdrLimits>;
  /** RPC-level authentication ([MS-RPCE] §3.3.1.5.2); absent = auth level none. */
  auth?: RpcAuthOptions;
}

/** A FAULT PDU as an error: layer 'rpc-fault', name nca_s_* (or Win32 name for Win32-valued faults). */
export class RpcFaultError extends NetsendError {
  /** PFC_DID_NOT_EXECUTE was set: the server guarantees the call did not run. */
  readonly didNotExecute: boolean;
  readonly faultFlags: number;

  constructor(status: number, pfcFlags: number, faultFlags: number, context: string) {
    const base = rpcFaultError(status, context);
    const didNotExecute = (pfcFlags & PFC.DID_NOT_EXECUTE) !== 0;
    super('rpc-fault', base.code, rpcFault(status).name, didNotExecute ? `${base.message} (did not execute)` : base.message);
    this.didNotExecute = didNotExecute;
    this.faultFlags = faultFlags;
  }
}

const EMPTY = Buffer.alloc(0);

function protocolError(name: string, message: string): NetsendError {
  return new NetsendError('protocol', 0, name, message);
}

/**
 * Runs one transport operation of a bind or call on the step's deadline: the caller's operation
 * deadline, or one of `timeoutMs` for this bind or call alone. The race also bounds a transport that
 * ignores the options it is given.
 */
function onDeadline<T>(deadline: Deadline, op: (o: WaitOptions) => Promise<T>): Promise<T> {
  const o = deadline.waitOptions();
  return raceWait(deadline.step ?? 'RPC', o, () => op(o));
}

/** A response fragment set ends with the fragment flagged PFC_LAST_FRAG, or with a fault. */
function lastResponseFragment(p: Pdu): boolean {
  return p.type === 'fault' || ((p.flags ?? 0) & PFC.LAST_FRAG) !== 0;
}

function anyPdu(): boolean {
  return true;
}

/** Step names of calls by opnum, made once ("RPC call opnum 12"). */
const CALL_STEPS: string[] = [];
function callStep(opnum: number): string {
  return (CALL_STEPS[opnum] ??= `RPC call opnum ${opnum}`);
}

/**
 * A connection-oriented DCE/RPC client ([MS-RPCE] §3.3, C706 §12.6): binds, fragments and reassembles, verifies and
 * signs per the authentication level.
 */
export class RpcClient {
  private nextCallId = 1;
  private nextContextId = 0;
  private sendFrag = NP_MAX_FRAG;
  private recvFrag = NP_MAX_FRAG;
  private assocGroupId = 0;
  private bound = false;
  private defaultContext: number | undefined;
  private broken: NetsendError | undefined;
  private readonly queue = new SerialQueue();
  private readonly maxResponseStub: number;
  private readonly ndrLimits: Partial<NdrLimits>;
  /** RPC-level security of this association, when auth was asked for. */
  readonly security: RpcSecurity | undefined;
  private auth3Unconfirmed = false;

  constructor(
    readonly transport: RpcTransport,
    opts: RpcClientOptions = {},
  ) {
    this.maxResponseStub = opts.maxResponseStub ?? 4 * 1024 * 1024;
    this.ndrLimits = opts.ndrLimits ?? {};
    this.security = opts.auth ? new RpcSecurity(opts.auth) : undefined;
  }

  /** Fragment sizes in force (after bind). */
  get fragmentSizes(): { xmit: number; recv: number } {
    return { xmit: this.sendFrag, recv: this.recvFrag };
  }

  /** Runs operations one at a time: a pipe carries one exchange at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  private fail(e: unknown): never {
    // After a timeout, abort or desynchronisation the pipe may hold half an answer: refuse reuse.
    if (breaksConnection(e)) this.broken = toNetsendError(e);
    throw e;
  }

  private checkUsable(): void {
    if (this.broken) throw new NetsendError('protocol', 0, 'RPC_CONNECTION_BROKEN', `RPC connection unusable after: ${this.broken.message}`, { cause: this.broken });
  }

  /**
   * Binds `iface` (bind the first time, alter_context afterwards) with NDR 2.0 and returns the
   * negotiated fragment sizes. Rejection -> 'rpc-bind' error named by provider reason; bind_nak ->
   * 'rpc-bind-nak'.
   */
  bind(iface: RpcInterface, opts: BindOptions = {}): Promise<BindResult> {
    return this.serial(async () => {
      this.checkUsable();
      const deadline = Deadline.of(opts).within(`RPC bind ${iface.name}`);
      const maxXmitFrag = opts.maxXmitFrag ?? NP_MAX_FRAG;
      const maxRecvFrag = opts.maxRecvFrag ?? NP_MAX_FRAG;
      const contextId = this.nextContextId++;
      const contexts = [{ contextId, abstractSyntax: iface.syntax, transferSyntaxes: [NDR20] }];
      if (opts.featureNegotiation !== undefined) {
        contexts.push({ contextId: this.nextContextId++, abstractSyntax: iface.syntax, transferSyntaxes: [bindTimeFeatureSyntax(opts.featureNegotiation)] });
      }
      const callId = this.nextCallId++;
      const type = this.bound ? 'alter_context' : 'bind';
      // The first bind carries the first leg of RPC authentication ([MS-RPCE] §3.3.1.5.2.1).
      const sec = !this.bound ? this.security : undefined;
      const authFields = sec ? { flags: PFC.FIRST_FRAG | PFC.LAST_FRAG | (sec.protectsFragments ? PFC.SUPPORT_HEADER_SIGN : 0), auth: sec.verifier(sec.context.next() ?? Buffer.alloc(0)) } : {};
      const pdu = encodePdu({ type, callId, maxXmitFrag, maxRecvFrag, assocGroupId: this.assocGroupId, contexts, ...authFields });
      let reply: Pdu;
      try {
        const first = await onDeadline(deadline, (o) => this.transport.transact(pdu, maxRecvFrag, o));
        reply = (await this.readPdus(first, maxRecvFrag, deadline, anyPdu))[0]!;
      } catch (e) {
        this.fail(e);
      }
      const where = `bind ${iface.name} (${formatSyntax(iface.syntax)})`;
      if (reply.callId !== callId) this.fail(protocolError('RPC_CALL_ID_MISMATCH', `${where}: reply call_id ${reply.callId}, expected ${callId}`));
      if (reply.type === 'bind_nak') throw bindNakError(reply.reason, where);
      if (reply.type === 'fault') throw new RpcFaultError(reply.status, reply.flags ?? 0, reply.faultFlags, where);
      const want = type === 'bind' ? 'bind_ack' : 'alter_context_resp';
      if (reply.type !== want) this.fail(protocolError('RPC_UNEXPECTED_PDU', `${where}: got ${reply.type}, expected ${want}`));
      const ack = reply as BindAckBody;
      if (this.bound === false) {
        // A bind_ack establishes the association even when it rejects our context (C706 §12.6.4.3);
        // later bindings must use alter_context. Fragments must hold at least a request header.
        if (ack.maxRecvFrag < 32 || ack.maxXmitFrag < 32) this.fail(new MalformedError('bind_ack', `fragment sizes ${ack.maxXmitFrag}/${ack.maxRecvFrag} too small`));
        this.sendFrag = Math.min(maxXmitFrag, ack.maxRecvFrag);
        this.recvFrag = Math.max(maxRecvFrag, ack.maxXmitFrag);
        this.assocGroupId = ack.assocGroupId;
        this.bound = true;
      }
      const res = ack.results[0];
      if (!res) this.fail(new MalformedError('bind_ack', 'no result for the presentation context'));
      if (res.result !== 0) throw bindRejectError(res.result, res.reason, where);
      if (sec) {
        try {
          await this.authenticate(sec, ack, { type, contexts, maxXmitFrag, maxRecvFrag }, where, deadline);
        } catch (e) {
          this.fail(e);
        }
      }
      this.defaultContext = contextId;
      const out: BindResult = { contextId, maxXmitFrag: this.sendFrag, maxRecvFrag: this.recvFrag, assocGroupId: this.assocGroupId, secAddr: ack.secAddr };
      const feat = ack.results[1];
      // negotiate_ack carries the accepted feature bits in `reason` ([MS-RPCE] §2.2.2.14).
      if (opts.featureNegotiation !== undefined && feat && feat.result === 3) out.features = feat.reason;
      if (this.security) out.headerSigning = this.security.headerSigning;
      return out;
    });
  }

  /**
   * Sends one request (fragmented at the negotiated size) and returns the reassembled response
   * stub. A single-fragment request is one transact; earlier fragments go by write.
   */
  call(opnum: number, stub: Buffer, opts: CallOptions = {}): Promise<Buffer> {
    return this.queue.run(() => this.runCall(opnum, stub, opts));
  }

  private async runCall(opnum: number, stub: Buffer, opts: CallOptions): Promise<Buffer> {
    this.checkUsable();
    const contextId = opts.contextId ?? this.defaultContext;
    if (contextId === undefined) throw new NetsendError('usage', 0, 'RPC_NOT_BOUND', 'call before bind');
    const deadline = Deadline.of(opts).within(callStep(opnum));
    const callId = this.nextCallId++;
    const header = REQUEST_HEADER_LENGTH + (opts.object !== undefined ? 16 : 0);
    const sec = this.security;
    // Stub bytes per fragment: room for the header and any sec_trailer + verifier, cut on a multiple
    // of 8 (NDR alignment) or, with a verifier, of the auth padding alignment (so only the last
    // fragment pads, and its padding fits in the room left: [MS-RPCE] §2.2.2.11).
    const align = sec?.protectsFragments ? AUTH_PAD_ALIGNMENT : 8;
    const room = Math.floor((this.sendFrag - header - (sec?.fragmentOverhead ?? 0)) / align) * align;
    if (room <= 0) throw new NetsendError('usage', 0, 'RPC_FRAGMENT_TOO_SMALL', `fragment size ${this.sendFrag} leaves no room for stub data`);
    let frags: Buffer[];
    if (stub.length <= room && sec === undefined && opts.object === undefined) {
      // One fragment, no verifier (the usual warm call): written in one go.
      frags = [encodePlainRequest(PFC.FIRST_FRAG | PFC.LAST_FRAG, callId, stub.length, contextId, opnum, stub)];
    } else {
      frags = [];
      let at = 0;
      do {
        const piece = stub.subarray(at, at + room);
        let flags = 0;
        if (at === 0) flags |= PFC.FIRST_FRAG;
        if (at + piece.length >= stub.length) flags |= PFC.LAST_FRAG;
        const verifier = sec?.requestVerifier();
        const pdu = encodePdu({
          type: 'request',
          flags,
          callId,
          allocHint: stub.length - at,
          contextId,
          opnum,
          ...(opts.object !== undefined ? { object: opts.object } : {}),
          stub: piece,
          ...(verifier ? { auth: verifier } : {}),
        });
        frags.push(sec ? sec.protect(pdu) : pdu);
        at += piece.length;
      } while (at < stub.length);
    }
    try {
      for (let i = 0; i < frags.length - 1; i++) await onDeadline(deadline, (o) => this.transport.write(frags[i]!, o));
      const onLast = opts.onLastFragment;
      onLast?.('writing');
      const last = frags[frags.length - 1]!;
      let first: { data: Buffer; more: boolean };
      if (this.transport.boundsWaits === true) {
        // The transport ends its wait at the deadline itself (RpcTransport.boundsWaits): no second race.
        const o: WaitOptions & { onWritten?: () => void } = deadline.waitOptions();
        if (onLast) o.onWritten = () => onLast('written');
        first = await this.transport.transact(last, this.recvFrag, o);
      } else {
        first = await onDeadline(deadline, (o) => this.transport.transact(last, this.recvFrag, onLast ? { ...o, onWritten: () => onLast('written') } : o));
      }
      const pdus = await this.readPdus(first, this.recvFrag, deadline, lastResponseFragment);
      let one: Buffer | null = null;
      let parts: Buffer[] | null = null;
      let total = 0;
      for (let i = 0; i < pdus.length; i++) {
        const p = pdus[i]!;
        if (p.callId !== callId) throw protocolError('RPC_CALL_ID_MISMATCH', `response call_id ${p.callId}, expected ${callId}`);
        if (p.type === 'fault') {
          // AUTH3 draws no reply ([MS-RPCE] §3.3.1.5.2.1): the server's verdict on it arrives here.
          const note = this.auth3Unconfirmed ? ' (first call after AUTH3: the server may have refused the credentials)' : '';
          throw new RpcFaultError(p.status, p.flags ?? 0, p.faultFlags, `opnum ${opnum}${note}`);
        }
        if (p.type !== 'response') throw protocolError('RPC_UNEXPECTED_PDU', `got ${p.type} in reply to a request`);
        if (i === 0 && ((p.flags ?? 0) & PFC.FIRST_FRAG) === 0) throw new MalformedError('DCE/RPC response', 'first fragment lacks PFC_FIRST_FRAG');
        if (p.contextId !== contextId) throw protocolError('RPC_CONTEXT_MISMATCH', `response context ${p.contextId}, expected ${contextId}`);
        total += p.stub.length;
        if (total > this.maxResponseStub) throw new MalformedError('DCE/RPC response', `stub over ${this.maxResponseStub} bytes`);
        if (i === 0) one = p.stub;
        else (parts ??= [one!]).push(p.stub);
      }
      this.auth3Unconfirmed = false;
      // One fragment (the usual answer): its stub is already a buffer of its own (decodePdu copies it).
      return parts === null ? one! : Buffer.concat(parts, total);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Encodes `args`, calls, decodes the [out] parameters (checked against the [in] ones). */
  async invoke<I extends readonly Param[], O extends readonly Param[]>(def: NdrCall<I, O>, args: ParamValues<I>, opts: CallOptions = {}): Promise<ParamValues<O>> {
    const stub = def.encodeIn(args);
    const out = await this.call(def.opnum, stub, opts);
    return def.decodeOut(out, args, this.ndrLimits);
  }

  /**
   * The remaining legs of RPC authentication after bind_ack ([MS-RPCE] §3.3.1.5.2.1): the server's
   * token goes to the context; its answer goes back in AUTH3 (no reply) when that ends the exchange,
   * or in alter_context when the mechanism waits for a last server token (SPNEGO).
   */
  private async authenticate(
    sec: RpcSecurity,
    ack: BindAckBody & { flags?: number; auth?: AuthVerifier },
    bind: { type: 'bind' | 'alter_context'; contexts: BindBody['contexts']; maxXmitFrag: number; maxRecvFrag: number },
    where: string,
    deadline: Deadline,
  ): Promise<void> {
    sec.headerSigning = ((ack.flags ?? 0) & PFC.SUPPORT_HEADER_SIGN) !== 0;
    const token = sec.context.next(sec.checkReplyVerifier(ack.auth, where).token);
    if (token !== null && sec.context.expectsServerToken) {
      const callId = this.nextCallId++;
      const pdu = encodePdu({ type: 'alter_context', callId, maxXmitFrag: bind.maxXmitFrag, maxRecvFrag: bind.maxRecvFrag, assocGroupId: this.assocGroupId, contexts: bind.contexts, auth: sec.verifier(token) });
      const first = await onDeadline(deadline, (o) => this.transport.transact(pdu, bind.maxRecvFrag, o));
      const reply = (await this.readPdus(first, bind.maxRecvFrag, deadline, anyPdu))[0]!;
      if (reply.callId !== callId) throw protocolError('RPC_CALL_ID_MISMATCH', `${where}: alter_context reply call_id ${reply.callId}, expected ${callId}`);
      if (reply.type === 'fault') throw new RpcFaultError(reply.status, reply.flags ?? 0, reply.faultFlags, `${where} (authentication)`);
      if (reply.type !== 'alter_context_resp') throw protocolError('RPC_UNEXPECTED_PDU', `${where}: got ${reply.type}, expected alter_context_resp`);
      sec.context.next(sec.checkReplyVerifier(reply.auth, where).token);
    } else if (token !== null) {
      await onDeadline(deadline, (o) => this.transport.write(encodePdu({ type: 'auth3', callId: this.nextCallId++, auth: sec.verifier(token) }), o));
      this.auth3Unconfirmed = true;
    }
    if (!sec.context.complete) throw new NetsendError('ntlm', 0, 'SEC_CONTEXT_INCOMPLETE', `${where}: the security context did not complete`);
  }

  /**
   * Reads whole PDUs, starting with what a transact returned, until `done(pdu)`; reads continue
   * while the pipe says more or a PDU is incomplete. Data past the final PDU is a protocol error.
   */
  private async readPdus(first: { data: Buffer; more: boolean }, readSize: number, deadline: Deadline, done: (p: Pdu) => boolean): Promise<Pdu[]> {
    const out: Pdu[] = [];
    let buf = first.data;
    let more = first.more;
    let received = buf.length;
    const limit = this.maxResponseStub + 64 * 1024;
    for (;;) {
      // Take every whole PDU buffered.
      while (buf.length >= COMMON_HEADER_LENGTH) {
        // frag_length alone cuts a whole PDU out (decodePdu then checks all of it, and refuses any
        // data representation but little-endian); a header that leaves us waiting for more bytes, or
        // gives too small a length, is checked first (decodeHeader throws for a bad one).
        const fragLength = buf.readUInt16LE(8);
        if (fragLength < COMMON_HEADER_LENGTH || buf.length < fragLength) decodeHeader(buf.subarray(0, COMMON_HEADER_LENGTH));
        if (fragLength > Math.max(readSize, NP_MAX_FRAG) * 16) throw new MalformedError('DCE/RPC PDU', `frag_length ${fragLength} beyond any negotiated size`);
        if (buf.length < fragLength) break;
        const raw = buf.length === fragLength ? buf : buf.subarray(0, fragLength);
        const p = decodePdu(this.security && this.bound ? this.security.unprotect(raw, out.length) : raw);
        buf = buf.length === fragLength ? EMPTY : buf.subarray(fragLength);
        out.push(p);
        if (done(p) || p.type === 'fault') {
          if (buf.length > 0 || more) throw protocolError('RPC_TRAILING_DATA', `${buf.length} bytes${more ? ' and more' : ''} after the final ${p.type} fragment`);
          return out;
        }
      }
      const chunk = await onDeadline(deadline, (o) => this.transport.read(readSize, o));
      if (chunk.data.length === 0 && !chunk.more) throw protocolError('RPC_SHORT_READ', 'pipe returned no data before the final fragment');
      received += chunk.data.length;
      if (received > limit) throw new MalformedError('DCE/RPC response', `over ${limit} bytes`);
      buf = buf.length === 0 ? chunk.data : Buffer.concat([buf, chunk.data]);
      more = chunk.more;
    }
  }

  /** Closes the transport (the pipe). */
  close(opts: WaitOptions = {}): Promise<void> {
    return this.transport.close(opts);
  }
}
