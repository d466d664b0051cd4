/**
 * NetBIOS session service (RFC 1002 §4.3) on TCP 139 and the Direct TCP transport
 * ([MS-SMB2] §2.1, also used by SMB1) on 445: packet codecs, client session setup, and the
 * server-side accept used by our receiver. Both present whole SMB messages as a MessageStream.
 */
import * as net from 'node:net';
import * as os from 'node:os';
import { MalformedError, NetsendError, usageError } from '../status/error.js';
import { nbssError } from '../status/builders.js';
import { raceWait, DEFAULT_TIMEOUT_MS, throwIfAborted, type WaitOptions } from '../util/abort.js';
import { Deadline } from '../util/deadline.js';
import { ByteReader, ByteWriter } from '../util/bytes.js';
import type { MessageStream } from './message-stream.js';
import { ByteStream, connectTcp, type TrafficTap } from './tcp.js';
import {
  encodeName,
  formatNetbiosName,
  netbiosName,
  parseNetbiosName,
  readName,
  NB_SUFFIX,
  SMBSERVER_NAME,
  type NetbiosName,
} from './names.js';

/** RFC 1002 §4.3.1 packet types. */
export const NBSS_TYPE = {
  SESSION_MESSAGE: 0x00,
  SESSION_REQUEST: 0x81,
  POSITIVE_SESSION_RESPONSE: 0x82,
  NEGATIVE_SESSION_RESPONSE: 0x83,
  RETARGET_SESSION_RESPONSE: 0x84,
  SESSION_KEEP_ALIVE: 0x85,
} as const;

/** RFC 1002 §4.3.1: 17-bit length (flags bit 0 is length bit 16). */
export const NBSS_MAX_LENGTH = 0x1ffff;
/** [MS-SMB2] §2.1: 24-bit StreamProtocolLength. */
export const DIRECT_TCP_MAX_LENGTH = 0xffffff;
/**
 * Default inbound cap on Direct TCP: 1 MiB plus headers. Larger than any message netsend asks for;
 * callers that read more (SMB2 large reads) pass their own `maxFrame`.
 */
export const DEFAULT_DIRECT_MAX_FRAME = 1024 * 1024 + 64 * 1024;

/** TCP port of the NetBIOS session service (RFC 1002 §4.3). */
export const NBSS_PORT = 139;
/** TCP port of SMB over Direct TCP ([MS-SMB2] §2.1). */
export const DIRECT_TCP_PORT = 445;

const KNOWN_TYPES = new Set<number>(Object.values(NBSS_TYPE));

/** One session service packet (RFC 1002 §4.3.1). */
export interface NbssPacket {
  /** TYPE (RFC 1002 §4.3.1). */
  type: number;
  /** The packet's trailer after the header. */
  body: Buffer;
}

/** The four-byte session service header (RFC 1002 §4.3.1): type and length. */
export interface NbssHeader {
  /** TYPE (RFC 1002 §4.3.1). */
  type: number;
  /** LENGTH of the packet body (RFC 1002 §4.3.1). */
  length: number;
}

/** Encodes one NBSS packet; body length must fit 17 bits. */
export function encodeNbssPacket(type: number, body: Buffer = Buffer.alloc(0)): Buffer {
  if (!KNOWN_TYPES.has(type)) throw usageError(`unknown NBSS packet type 0x${type.toString(16)}`);
  if (body.length > NBSS_MAX_LENGTH) throw new NetsendError('usage', 0, 'EMSGSIZE', `NBSS packet body of ${body.length} bytes exceeds ${NBSS_MAX_LENGTH}`);
  const out = Buffer.allocUnsafe(4 + body.length);
  out[0] = type;
  out[1] = (body.length >> 16) & 0x01;
  out.writeUInt16BE(body.length & 0xffff, 2);
  body.copy(out, 4);
  return out;
}

/**
 * Decodes the 4-byte NBSS header. Reserved flag bits (1..7) must be zero unless `extendedLength`,
 * which reads the whole flags byte as length bits 16..23 (a non-RFC extension some SMB1 peers use
 * for large reads on 139).
 */
export function decodeNbssHeader(hdr: Buffer, extendedLength = false): NbssHeader {
  const r = new ByteReader(hdr, 'NBSS header');
  const type = r.u8();
  const flags = r.u8();
  const low = r.u16be();
  if (!KNOWN_TYPES.has(type)) throw new MalformedError('NBSS header', `unknown packet type 0x${type.toString(16)}`);
  if (extendedLength && type === NBSS_TYPE.SESSION_MESSAGE) return { type, length: (flags << 16) | low };
  if ((flags & 0xfe) !== 0) throw new MalformedError('NBSS header', `reserved flag bits set (0x${flags.toString(16)})`);
  return { type, length: ((flags & 1) << 16) | low };
}

/** Decodes a buffer holding exactly one NBSS packet. */
export function decodeNbssPacket(buf: Buffer): NbssPacket {
  const h = decodeNbssHeader(buf.subarray(0, 4));
  if (buf.length !== 4 + h.length) throw new MalformedError('NBSS packet', `length field ${h.length} but ${buf.length - 4} body bytes`);
  return { type: h.type, body: buf.subarray(4) };
}

/** RFC 1002 §4.3.2: SESSION REQUEST body = called name, calling name (second-level, no pointers). */
export function encodeSessionRequest(called: NetbiosName, calling: NetbiosName): Buffer {
  return Buffer.concat([encodeName(called), encodeName(calling)]);
}

/** Parses a SESSION REQUEST body: called and calling names (RFC 1002 §4.3.2). */
export function decodeSessionRequest(body: Buffer): { called: NetbiosName; calling: NetbiosName } {
  const r = new ByteReader(body, 'NBSS session request');
  const called = readName(r);
  const calling = readName(r);
  if (r.remaining !== 0) throw new MalformedError('NBSS session request', `${r.remaining} trailing bytes`);
  return { called, calling };
}

/** RFC 1002 §4.3.5: RETARGET body = IPv4 address, port. */
export function encodeRetarget(address: string, port: number): Buffer {
  if (!net.isIPv4(address)) throw usageError(`retarget address ${address} is not IPv4`);
  if (!Number.isInteger(port) || port < 1 || port > 0xffff) throw usageError(`retarget port ${port}`);
  const w = new ByteWriter(6);
  for (const part of address.split('.')) w.u8(Number(part));
  w.u16be(port);
  return w.finish();
}

/** Parses a RETARGET SESSION RESPONSE body (RFC 1002 §4.3.5); port 0 is MalformedError. */
export function decodeRetarget(body: Buffer): { address: string; port: number } {
  const r = new ByteReader(body, 'NBSS retarget response');
  const ip = r.bytes(4);
  const port = r.u16be();
  if (r.remaining !== 0) throw new MalformedError('NBSS retarget response', `${r.remaining} trailing bytes`);
  if (port === 0) throw new MalformedError('NBSS retarget response', 'port 0');
  return { address: Array.from(ip).join('.'), port };
}

/** Direct TCP header ([MS-SMB2] §2.1): a zero byte then a 24-bit big-endian length. */
export function encodeDirectTcpFrame(message: Buffer): Buffer {
  if (message.length > DIRECT_TCP_MAX_LENGTH) throw new NetsendError('usage', 0, 'EMSGSIZE', `message of ${message.length} bytes exceeds ${DIRECT_TCP_MAX_LENGTH}`);
  const out = Buffer.allocUnsafe(4 + message.length);
  out.writeUInt32BE(message.length, 0);
  message.copy(out, 4);
  return out;
}

/** Reads the Direct TCP header ([MS-SMB2] §2.1); a non-zero first byte is MalformedError. */
export function decodeDirectTcpHeader(hdr: Buffer): number {
  const r = new ByteReader(hdr, 'Direct TCP header');
  const zero = r.u8();
  if (zero !== 0) throw new MalformedError('Direct TCP header', `first byte 0x${zero.toString(16)} is not zero`);
  return (r.u8() << 16) | r.u16be();
}

// ---------------------------------------------------------------------------------------------
// Framed message stream
// ---------------------------------------------------------------------------------------------

type Framing = 'nbss' | 'direct';

/** Bounds and timeouts of a framed message stream. */
export interface FramedStreamOptions {
  /** Largest inbound message accepted; larger frames close the connection with MalformedError. */
  maxFrame?: number;
  /** Default receive timeout (idle timeout) when a receive call gives none. */
  idleTimeoutMs?: number;
  /** NBSS only: accept 24-bit session-message lengths (flags byte as length bits 16..23). */
  extendedLength?: boolean;
}

/** Whole SMB messages over NBSS session messages or Direct TCP frames. */
export class FramedMessageStream implements MessageStream {
  /** The connected byte stream underneath. */
  readonly stream: ByteStream;
  /** 'nbss' (RFC 1002 §4.3 packets) or 'direct' (the [MS-SMB2] §2.1 four-byte header). */
  readonly framing: Framing;
  /** Largest inbound message accepted. */
  readonly maxFrame: number;
  private readonly idleTimeoutMs: number;
  private readonly extendedLength: boolean;
  /** Body length of a frame whose header was read but whose body a timed-out receive left unread. */
  private pendingLength = -1;
  private receiving = false;

  constructor(stream: ByteStream, framing: Framing, opts: FramedStreamOptions = {}) {
    this.stream = stream;
    this.framing = framing;
    this.extendedLength = framing === 'nbss' && opts.extendedLength === true;
    const limit = framing === 'direct' || this.extendedLength ? DIRECT_TCP_MAX_LENGTH : NBSS_MAX_LENGTH;
    const wanted = opts.maxFrame ?? (framing === 'direct' ? DEFAULT_DIRECT_MAX_FRAME : NBSS_MAX_LENGTH);
    this.maxFrame = Math.min(wanted, limit);
    this.idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** True once the connection ended or failed. */
  get closed(): boolean {
    return this.stream.closed;
  }

  /** The largest message send() accepts on this framing. */
  get maxSend(): number {
    return this.framing === 'direct' || this.extendedLength ? DIRECT_TCP_MAX_LENGTH : NBSS_MAX_LENGTH;
  }

  /** The bytes `send` writes for `message` under this framing. */
  frame(message: Buffer): Buffer {
    if (this.framing === 'direct') return encodeDirectTcpFrame(message);
    if (message.length > NBSS_MAX_LENGTH && this.extendedLength && message.length <= DIRECT_TCP_MAX_LENGTH) {
      const out = Buffer.allocUnsafe(4 + message.length);
      out.writeUInt32BE(message.length, 0); // type 0x00 and a 24-bit length
      message.copy(out, 4);
      return out;
    }
    return encodeNbssPacket(NBSS_TYPE.SESSION_MESSAGE, message);
  }

  /** Frames and writes one message. */
  async send(message: Buffer, opts: WaitOptions = {}): Promise<void> {
    const bytes = this.frame(message);
    await this.write(bytes, opts, 'send');
  }

  /** MessageStream.sendNow: null when the framed message went to the kernel whole at once. */
  sendNow(message: Buffer, opts: WaitOptions = {}): Promise<void> | null {
    let bytes: Buffer;
    try {
      throwIfAborted(opts.signal, 'send');
      bytes = this.frame(message);
    } catch (e) {
      return Promise.reject(e);
    }
    const queued = this.stream.writeNow(bytes);
    if (queued === null) return null;
    // A write that cannot finish leaves a partial frame behind: the connection is unusable then.
    return raceWait('send', Deadline.of(opts, this.idleTimeoutMs).waitOptions(), () => queued, () => this.stream.close());
  }

  /**
   * Frames several messages and writes them as one buffer (one write, so they leave in as few TCP
   * segments as the kernel allows): how a client pipelines requests without reading between them.
   */
  async sendMany(messages: readonly Buffer[], opts: WaitOptions = {}): Promise<void> {
    if (messages.length === 0) return;
    const bytes = messages.length === 1 ? this.frame(messages[0]!) : Buffer.concat(messages.map((m) => this.frame(m)));
    await this.write(bytes, opts, 'send');
  }

  /** RFC 1002 §4.3.7 SESSION KEEP ALIVE (NBSS only; Direct TCP has none). */
  async sendKeepalive(opts: WaitOptions = {}): Promise<void> {
    if (this.framing !== 'nbss') throw usageError('Direct TCP has no keepalive packet');
    await this.write(encodeNbssPacket(NBSS_TYPE.SESSION_KEEP_ALIVE), opts, 'keepalive');
  }

  private async write(bytes: Buffer, opts: WaitOptions, what: string): Promise<void> {
    throwIfAborted(opts.signal, what);
    // Most writes go to the kernel at once: then there is nothing to wait for (ByteStream.writeNow).
    const queued = this.stream.writeNow(bytes);
    if (queued === null) return;
    // A write that cannot finish leaves a partial frame behind: the connection is unusable then.
    await raceWait(what, Deadline.of(opts, this.idleTimeoutMs).waitOptions(), () => queued, () => this.stream.close());
  }

  /**
   * The body length a frame header announces, or null for a keepalive (skipped). A header that is
   * not a session message, or announces more than maxFrame, closes the connection and throws.
   */
  private frameLength(hdr: Buffer): number | null {
    try {
      let length: number;
      if (this.framing === 'direct') {
        // 85 00 00 00 (an NBSS keepalive) is never a valid Direct TCP header; skip it like on 139 in case a peer sends one.
        if (hdr.readUInt32BE(0) === 0x85000000) return null;
        length = decodeDirectTcpHeader(hdr);
      } else {
        const h = decodeNbssHeader(hdr, this.extendedLength);
        if (h.type === NBSS_TYPE.SESSION_KEEP_ALIVE && h.length === 0) return null;
        if (h.type !== NBSS_TYPE.SESSION_MESSAGE) throw new MalformedError('NBSS stream', `unexpected packet type 0x${h.type.toString(16)} in an established session`);
        length = h.length;
      }
      if (length > this.maxFrame) throw new MalformedError(this.framing === 'direct' ? 'Direct TCP frame' : 'NBSS frame', `${length} bytes exceeds the limit of ${this.maxFrame}`);
      return length;
    } catch (e) {
      this.stream.close();
      throw e;
    }
  }

  async receive(opts: WaitOptions = {}): Promise<Buffer> {
    if (this.receiving) throw new NetsendError('usage', 0, 'EBUSY', 'concurrent receive on one stream');
    this.receiving = true;
    try {
      const deadline = Deadline.of(opts, this.idleTimeoutMs);
      for (;;) {
        // A keepalive flood must not stretch the deadline: check it on every frame, not only in reads.
        deadline.check('receive');
        if (this.pendingLength < 0) {
          const hdr = await this.stream.read(4, deadline.waitOptions(), 'receive');
          const length = this.frameLength(hdr);
          if (length === null) continue;
          this.pendingLength = length;
        }
        const body = this.pendingLength === 0 ? Buffer.alloc(0) : await this.stream.read(this.pendingLength, deadline.waitOptions(), 'receive');
        this.pendingLength = -1;
        return body;
      }
    } finally {
      this.receiving = false;
    }
  }

  /**
   * Push mode: `onMessage` gets each whole message as it arrives, straight from the socket's data
   * event (no promise, timer or read per message), and those already buffered (from a microtask); `onError`
   * gets the failure that ends the stream (closed, reset, a bad frame header) once. Returns the
   * function that stops listening; receive() may not run meanwhile. The listener's owner bounds its
   * own waits (an SMB2 connection gives each request a deadline).
   */
  listen(onMessage: (message: Buffer) => void, onError: (e: NetsendError) => void): () => void {
    if (this.receiving) throw new NetsendError('usage', 0, 'EBUSY', 'listen while a receive waits');
    let active = true;
    const stop = (): void => {
      if (!active) return;
      active = false;
      this.receiving = false;
      this.stream.setListener(null);
    };
    const drain = (): void => {
      while (active) {
        if (this.pendingLength < 0) {
          const hdr = this.stream.takeNow(4);
          if (hdr === null) break;
          let length: number | null;
          try {
            length = this.frameLength(hdr);
          } catch (e) {
            stop();
            onError(e as NetsendError);
            return;
          }
          if (length === null) continue;
          this.pendingLength = length;
        }
        const body = this.pendingLength === 0 ? Buffer.alloc(0) : this.stream.takeNow(this.pendingLength);
        if (body === null) break;
        this.pendingLength = -1;
        onMessage(body);
      }
      const e = this.stream.error;
      if (active && e !== null) {
        stop();
        onError(e);
      }
    };
    this.receiving = true;
    this.stream.setListener(drain);
    // What is buffered already is handed over from a microtask, after the caller has the stop function.
    if (this.stream.buffered > 0 || this.stream.error !== null) queueMicrotask(drain);
    return stop;
  }

  /** Closes the connection. */
  close(): void {
    this.stream.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

export interface TransportConnectOptions extends WaitOptions, FramedStreamOptions {
  /** Host name or address to connect to. */
  host: string;
  /** TCP port (default per transport: 139 for NBSS, 445 for Direct TCP). */
  port?: number;
  /** Sees the connection's bytes (e.g. for --pcap). */
  tap?: TrafficTap;
  /** Use this connected stream instead of opening one (tests, proxies). */
  stream?: ByteStream;
}

export interface NbssConnectOptions extends TransportConnectOptions {
  /** "NAME<xx>", "NAME" (suffix <20>) or a NetbiosName. Default *SMBSERVER<20>. */
  calledName?: NetbiosName | string;
  /** Default: this host's name, suffix <00>. */
  callingName?: NetbiosName | string;
  /** How many RETARGET responses to follow (default 1). */
  followRetarget?: number;
}

/** An established NBSS session. */
export class NbssSession extends FramedMessageStream {
  /** The called name of the session request. */
  readonly called: NetbiosName;
  /** The calling name of the session request. */
  readonly calling: NetbiosName;
  constructor(stream: ByteStream, called: NetbiosName, calling: NetbiosName, opts: FramedStreamOptions = {}) {
    super(stream, 'nbss', opts);
    this.called = called;
    this.calling = calling;
  }
}

/** This machine's host name as a NetBIOS name (first DNS label, unsupported characters dropped). */
export function localCallingName(suffix: number = NB_SUFFIX.WORKSTATION): NetbiosName {
  const label = (os.hostname().split('.')[0] ?? '').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 15);
  return netbiosName(label === '' ? 'NETSEND' : label, suffix);
}

/** Reads one whole NBSS packet (keepalives skipped) with a shared deadline; bad framing closes the stream. */
async function readControlPacket(stream: ByteStream, deadline: Deadline, what: string, maxBody: number, expected: readonly number[]): Promise<NbssPacket> {
  for (;;) {
    const hdr = await stream.read(4, deadline.waitOptions(), what);
    let h: NbssHeader;
    try {
      h = decodeNbssHeader(hdr);
      if (h.type !== NBSS_TYPE.SESSION_KEEP_ALIVE && !expected.includes(h.type)) throw new MalformedError(what, `unexpected packet type 0x${h.type.toString(16)}`);
      if (h.length > maxBody) throw new MalformedError('NBSS packet', `type 0x${h.type.toString(16)} with ${h.length} body bytes (at most ${maxBody} expected)`);
    } catch (e) {
      stream.close();
      throw e;
    }
    const body = h.length === 0 ? Buffer.alloc(0) : await stream.read(h.length, deadline.waitOptions(), what);
    if (h.type === NBSS_TYPE.SESSION_KEEP_ALIVE && h.length === 0) continue;
    return { type: h.type, body };
  }
}

/**
 * Opens a NetBIOS session (RFC 1002 §4.3.2): session request with called and calling names, then
 * a positive response (session ready), a negative one (NetsendError layer 'nbss', e.g.
 * NBSS_CALLED_NAME_NOT_PRESENT 0x82) or a retarget, followed at most `followRetarget` times.
 */
export async function openNbssSession(opts: NbssConnectOptions): Promise<NbssSession> {
  const port = opts.port ?? NBSS_PORT;
  const called = parseNetbiosName(opts.calledName ?? SMBSERVER_NAME, NB_SUFFIX.SERVER);
  const calling = opts.callingName === undefined ? localCallingName() : parseNetbiosName(opts.callingName, NB_SUFFIX.WORKSTATION);
  const deadline = Deadline.of(opts);
  let host = opts.host;
  let hopPort = port;
  let stream = opts.stream;
  let retargetsLeft = opts.followRetarget ?? 1;
  const seen = new Set<string>();
  for (;;) {
    const where = `${host}:${hopPort}`;
    seen.add(where);
    const s = stream ?? (await connectTcp({ host, port: hopPort, tap: opts.tap, ...deadline.waitOptions() }));
    stream = undefined;
    const what = `NBSS session request to ${formatNetbiosName(called)} at ${where}`;
    let pkt: NbssPacket;
    try {
      await raceWait(what, deadline.waitOptions(), () => s.write(encodeNbssPacket(NBSS_TYPE.SESSION_REQUEST, encodeSessionRequest(called, calling))));
      pkt = await readControlPacket(s, deadline, what, 6, [
        NBSS_TYPE.POSITIVE_SESSION_RESPONSE,
        NBSS_TYPE.NEGATIVE_SESSION_RESPONSE,
        NBSS_TYPE.RETARGET_SESSION_RESPONSE,
      ]);
    } catch (e) {
      s.close();
      throw e;
    }
    switch (pkt.type) {
      case NBSS_TYPE.POSITIVE_SESSION_RESPONSE:
        if (pkt.body.length !== 0) {
          s.close();
          throw new MalformedError('NBSS positive session response', `${pkt.body.length} body bytes`);
        }
        return new NbssSession(s, called, calling, opts);
      case NBSS_TYPE.NEGATIVE_SESSION_RESPONSE: {
        s.close();
        if (pkt.body.length !== 1) throw new MalformedError('NBSS negative session response', `${pkt.body.length} body bytes, expected 1`);
        throw nbssError(pkt.body[0]!, what);
      }
      case NBSS_TYPE.RETARGET_SESSION_RESPONSE: {
        s.close();
        const target = decodeRetarget(pkt.body);
        const next = `${target.address}:${target.port}`;
        if (retargetsLeft <= 0 || seen.has(next)) {
          throw new NetsendError('nbss', NBSS_TYPE.RETARGET_SESSION_RESPONSE, 'NBSS_RETARGET', `${what}: retargeted to ${next}, not followed`);
        }
        retargetsLeft--;
        host = target.address;
        hopPort = target.port;
        continue;
      }
      default:
        s.close();
        throw new MalformedError('NBSS session response', `unexpected packet type 0x${pkt.type.toString(16)}`);
    }
  }
}

/** Opens a Direct TCP connection ([MS-SMB2] §2.1): no session request, 4-byte frame headers. */
export async function openDirectTcp(opts: TransportConnectOptions): Promise<FramedMessageStream> {
  const s = opts.stream ?? (await connectTcp({ host: opts.host, port: opts.port ?? DIRECT_TCP_PORT, tap: opts.tap, timeoutMs: opts.timeoutMs, signal: opts.signal, deadline: opts.deadline }));
  return new FramedMessageStream(s, 'direct', opts);
}

/** NBSS on port 139 (session request to `calledName`, default *SMBSERVER<20>), Direct TCP on any other. */
export async function connectSmbTransport(opts: NbssConnectOptions): Promise<FramedMessageStream> {
  const port = opts.port ?? DIRECT_TCP_PORT;
  if (port === NBSS_PORT) return openNbssSession({ ...opts, port });
  return openDirectTcp({ ...opts, port });
}

// ---------------------------------------------------------------------------------------------
// Server side
// ---------------------------------------------------------------------------------------------

/**
 * Answer to a session request: accept, refuse with an error byte, or retarget to another address (RFC 1002
 * §4.3.3-§4.3.5).
 */
export type SessionDecision = 'accept' | { refuse: number } | { retarget: { address: string; port: number } };

/** How a listener accepts one connection. */
export interface AcceptOptions extends FramedStreamOptions {
  /** Time allowed for the session request to arrive (default 10 s). */
  timeoutMs?: number;
  /** Aborts waiting for the session request. */
  signal?: AbortSignal;
  /** Sees the connection's bytes (e.g. for --pcap). */
  tap?: TrafficTap;
}

/** How an NBSS listener answers session requests (RFC 1002 §4.3.2). */
export interface NbssAcceptOptions extends AcceptOptions {
  /** Decides on each session request: accept, refuse with an RFC 1002 §4.3.4 error byte, or retarget. */
  onSessionRequest(called: NetbiosName, calling: NetbiosName): SessionDecision | Promise<SessionDecision>;
}

function toByteStream(s: net.Socket | ByteStream, tap?: TrafficTap): ByteStream {
  return s instanceof ByteStream ? s : new ByteStream(s, tap);
}

/** Half-closes so the refusal reaches the peer, then destroys if the peer lingers. */
function endGracefully(s: ByteStream): void {
  s.socket.end();
  setTimeout(() => s.close(), 2_000).unref();
}

/**
 * Serves the session setup on an accepted TCP connection (RFC 1002 §4.3.2): reads the SESSION
 * REQUEST, asks `onSessionRequest`, answers positive / negative / retarget. Resolves with the
 * session when accepted; otherwise closes the connection and rejects (NetsendError layer 'nbss').
 */
export async function acceptNbss(socket: net.Socket | ByteStream, opts: NbssAcceptOptions): Promise<NbssSession> {
  const s = toByteStream(socket, opts.tap);
  const deadline = Deadline.of(opts);
  const what = 'NBSS session request';
  try {
    // Two names with maximal scopes fit in 2 * 255 bytes.
    const pkt = await readControlPacket(s, deadline, what, 2 * 255, [NBSS_TYPE.SESSION_REQUEST]);
    if (pkt.type !== NBSS_TYPE.SESSION_REQUEST) throw new MalformedError(what, `expected a session request, got packet type 0x${pkt.type.toString(16)}`);
    let names: { called: NetbiosName; calling: NetbiosName };
    try {
      names = decodeSessionRequest(pkt.body);
    } catch (e) {
      // Samba answers an undecodable session request with 83 00 00 01 82 (measured); do the same.
      await raceWait(what, deadline.waitOptions(), () => s.write(encodeNbssPacket(NBSS_TYPE.NEGATIVE_SESSION_RESPONSE, Buffer.from([0x82])))).catch(() => undefined);
      throw e;
    }
    const { called, calling } = names;
    const decision = await raceWait(what, deadline.waitOptions(), async () => opts.onSessionRequest(called, calling));
    if (decision === 'accept') {
      await raceWait(what, deadline.waitOptions(), () => s.write(encodeNbssPacket(NBSS_TYPE.POSITIVE_SESSION_RESPONSE)));
      return new NbssSession(s, called, calling, opts);
    }
    if ('refuse' in decision) {
      const byte = decision.refuse & 0xff;
      await raceWait(what, deadline.waitOptions(), () => s.write(encodeNbssPacket(NBSS_TYPE.NEGATIVE_SESSION_RESPONSE, Buffer.from([byte]))));
      endGracefully(s);
      throw nbssError(byte, `refused session request to ${formatNetbiosName(called)}`);
    }
    const { address, port } = decision.retarget;
    await raceWait(what, deadline.waitOptions(), () => s.write(encodeNbssPacket(NBSS_TYPE.RETARGET_SESSION_RESPONSE, encodeRetarget(address, port))));
    endGracefully(s);
    throw new NetsendError('nbss', NBSS_TYPE.RETARGET_SESSION_RESPONSE, 'NBSS_RETARGET', `retargeted session request to ${formatNetbiosName(called)} to ${address}:${port}`);
  } catch (e) {
    if (!(e instanceof NetsendError && e.layer === 'nbss')) s.close();
    throw e;
  }
}

/** Wraps an accepted connection on 445 (or any non-NBSS port) as Direct TCP. */
export function acceptDirectTcp(socket: net.Socket | ByteStream, opts: AcceptOptions = {}): FramedMessageStream {
  return new FramedMessageStream(toByteStream(socket, opts.tap), 'direct', opts);
}
