/**
 * Connectionless DCE/RPC client (ncadg_ip_udp; C706 ch. 10 & 12, [MS-RPCE] §3.2.2), implementing
 * RpcCaller. One UDP socket and one activity per client; calls on it run one at a time (an activity
 * carries one call at a time, C706 §10.1), numbered by seq from 0.
 *
 * Per call: the request goes out in fragments of at most CL_MAX_BODY bytes (non-final bodies a
 * multiple of 8); it is retransmitted on a timer that doubles up to a cap ([MS-RPCE] §3.2.2.2.1)
 * until the server shows it has the request (a fack for every fragment, WORKING, or the response),
 * then the client PINGs on the same timer. A NOCALL without a body means the server lost the call:
 * the request is sent again. The response is reassembled by fragnum with a FACK for each fragment
 * that asks for one; after a non-idempotent call or a fragmented response the client ACKs
 * ([MS-RPCE] §4.4). A conv who_are_you(2) callback from the server is answered from the activity
 * and the learned boot time (clrpc-mailslot-notes §2.3).
 *
 * Hostile input: replies are accepted only from the address the call went to (any source port, since
 * a forwarded call is answered from the real server's port); malformed datagrams, other activities and
 * stale seqs are dropped. The whole call is one wait on the operation's Deadline and AbortSignal.
 */
import * as crypto from 'node:crypto';
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as netMod from 'node:net';
import { NetsendError, toNetsendError, usageError } from '../status/error.js';
import { socketError } from '../transport/tcp.js';
import { raceWait, type WaitOptions } from '../util/abort.js';
import { Deadline } from '../util/deadline.js';
import { SerialQueue } from '../util/serial-queue.js';
import { ByteReader, ByteWriter } from '../util/bytes.js';
import type { RpcCaller } from './caller.js';
import { RpcFaultError, type CallOptions, type RpcInterface } from './client.js';
import { CL_FLAGS1, CL_MUST_RECV_FRAG, CL_PTYPE, clHeader, decodeClPdu, encodeClPdu, NCA_STATUS, type ClFack, type ClHeader, type ClPdu } from './cl-pdu.js';
import type { NdrCall, Param, ParamValues } from './ndr/call.js';
import { PFC } from './pdu.js';
import { uuidFromBytes, uuidToBytes } from './uuid.js';

/** conv (DCE conv.idl): the callback interface a server uses to learn a client's seq. */
export const CONV: RpcInterface = { name: 'conv', syntax: { uuid: '333a2276-0000-0000-0d00-00809c000000', major: 3, minor: 0 } };
/** conv_who_are_you opnum: a server asks for the client's activity sequence number (C706 §10.1). */
export const CONV_WHO_ARE_YOU = 0;
/** conv_who_are_you2 opnum: as conv_who_are_you, also asking for the client's address space UUID. */
export const CONV_WHO_ARE_YOU2 = 1;

const EPM_UUID = 'e1af8308-5d1f-11c9-91a4-08002b14a0fa';

/** Reject statuses after which the manager certainly did not run (DCE rpc__dg_call_did_mgr_execute). */
const NOT_EXECUTED = new Set<number>([NCA_STATUS.nca_s_unk_if, NCA_STATUS.nca_s_op_rng_error, NCA_STATUS.nca_s_who_are_you_failed, NCA_STATUS.nca_s_wrong_boot_time, 0x1c010017, 0x1c00000c]);

/** A UDP address and port. */
export interface Endpoint {
  address: string;
  port: number;
}

/** Sees every datagram the client sends or accepts (for --pcap). */
export type DatagramTap = (dir: 'out' | 'in', local: Endpoint, remote: Endpoint, data: Buffer) => void;

/** Where a connectionless client sends and how it retransmits. */
export interface ClClientOptions {
  host: string;
  port: number;
  iface: RpcInterface;
  /** Mark calls idempotent (flags1 0x20): no callback, no ACK (default false). */
  idempotent?: boolean;
  /** First retransmission / ping interval (default 1000 ms, [MS-RPCE] §3.2.2.2.1). */
  retransmitMs?: number;
  /** Cap of the doubling interval (default 8000 ms). */
  maxRetransmitMs?: number;
  /** Largest datagram we send (default and at most 1464, the must-receive size). */
  maxDatagram?: number;
  /** Largest reassembled response stub (default 1 MiB). */
  maxResponseStub?: number;
  /** Activity UUID (default random). */
  activity?: string;
  localAddress?: string;
  tap?: DatagramTap;
  /**
   * Connect the socket to host:port, so an ICMP port-unreachable ends the call at once with
   * ECONNREFUSED and datagrams from other ports never reach us. Default: true, except for a
   * non-EPM interface sent to UDP 135, which a DCE endpoint mapper forwards and the real server
   * answers from its own port (clrpc-mailslot-notes §1.10).
   */
  connect?: boolean;
}

export interface ClCallOptions extends CallOptions {
  idempotent?: boolean;
}

/** What one call did on the wire (for the messenger's outcome and the report). */
export interface ClCallStats {
  datagramsSent: number;
  datagramsReceived: number;
  retransmissions: number;
  pings: number;
  callbacks: number;
}

interface ActiveCall {
  seq: number;
  opnum: number;
  onPacket(p: ClPdu, from: Endpoint): void;
  fail(e: NetsendError): void;
}

function isIpLiteral(h: string): boolean {
  return netMod.isIP(h) !== 0;
}

function normAddr(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a.toLowerCase();
}

/**
 * A connectionless (ncadg_ip_udp) DCE/RPC client ([MS-RPCE] §3.2, C706 §10): retransmits, pings, answers the conv
 * callback and reassembles fragments.
 */
export class ClClient implements RpcCaller {
  readonly activity: string;
  /** A fixed non-nil UUID for this client's address space (conv who_are_you2 cas_uuid). */
  readonly casUuid = crypto.randomUUID();
  private seq = 0;
  private serverBoot = 0;
  private ahint = 0xffff;
  private ihint = 0xffff;
  private sock: dgram.Socket | undefined;
  private opening: Promise<dgram.Socket> | undefined;
  private address: string | undefined;
  private connected = false;
  private active: ActiveCall | undefined;
  /** The last finished call that needed an ACK: a duplicate response for it gets the ACK again. */
  private lastAcked: { seq: number; to: Endpoint } | undefined;
  private readonly queue = new SerialQueue();
  private closed = false;
  private readonly maxBody: number;
  /** Datagrams dropped as malformed or foreign since the client opened (diagnostics). */
  dropped = 0;
  lastStats: ClCallStats | undefined;

  constructor(readonly opts: ClClientOptions) {
    if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) throw usageError(`bad UDP port ${opts.port}`);
    const maxDatagram = Math.min(opts.maxDatagram ?? CL_MUST_RECV_FRAG, CL_MUST_RECV_FRAG);
    // Non-final fragment bodies must be a multiple of 8 (DCE dg.h "Packet lengths").
    this.maxBody = Math.floor((maxDatagram - 80) / 8) * 8;
    if (this.maxBody < 8) throw usageError(`maxDatagram ${maxDatagram} leaves no room for a body`);
    this.activity = opts.activity ?? crypto.randomUUID();
  }

  private get local(): Endpoint {
    const a = this.sock?.address();
    return a ? { address: a.address, port: a.port } : { address: '0.0.0.0', port: 0 };
  }

  private async open(wait: WaitOptions): Promise<dgram.Socket> {
    if (this.sock) return this.sock;
    this.opening ??= (async () => {
      const host = this.opts.host.replace(/^\[(.*)\]$/, '$1');
      const address = isIpLiteral(host) ? host : (await raceWait(`resolve ${host}`, wait, () => dns.promises.lookup(host))).address;
      const sock = dgram.createSocket(netMod.isIPv6(address) ? 'udp6' : 'udp4');
      await raceWait(
        'UDP bind',
        wait,
        () =>
          new Promise<void>((resolve, reject) => {
            sock.once('error', (e) => reject(socketError(e, 'UDP bind')));
            sock.bind({ port: 0, ...(this.opts.localAddress ? { address: this.opts.localAddress } : {}) }, () => resolve());
          }),
        () => sock.close(),
      );
      const connect = this.opts.connect ?? (this.opts.iface.syntax.uuid === EPM_UUID || this.opts.port !== 135);
      if (connect) {
        await raceWait(
          'UDP connect',
          wait,
          () =>
            new Promise<void>((resolve, reject) => {
              sock.once('error', (e) => reject(socketError(e, 'UDP connect')));
              sock.connect(this.opts.port, address, () => resolve());
            }),
          () => sock.close(),
        );
        this.connected = true;
      }
      sock.removeAllListeners('error');
      // ICMP port/host unreachable on a connected socket (ECONNREFUSED...): the call cannot be answered.
      sock.on('error', (e) => this.active?.fail(socketError(e, `UDP ${address}:${this.opts.port}`)));
      sock.on('message', (msg, rinfo) => this.onMessage(msg, { address: rinfo.address, port: rinfo.port }));
      this.address = address;
      this.sock = sock;
      return sock;
    })();
    try {
      return await this.opening;
    } catch (e) {
      this.opening = undefined;
      throw e;
    }
  }

  private send(pkt: Buffer, to: Endpoint): void {
    const sock = this.sock;
    if (!sock) return;
    this.opts.tap?.('out', this.local, to, pkt);
    // A send error (ENETUNREACH...) surfaces as no answer; the call's deadline still bounds it.
    if (this.connected) sock.send(pkt, () => undefined);
    else sock.send(pkt, to.port, to.address, () => undefined);
  }

  private onMessage(msg: Buffer, from: Endpoint): void {
    if (this.address === undefined || normAddr(from.address) !== normAddr(this.address)) {
      this.dropped++;
      return;
    }
    let p: ClPdu;
    try {
      p = decodeClPdu(msg);
    } catch {
      this.dropped++;
      return;
    }
    this.opts.tap?.('in', this.local, from, msg);
    const h = p.header;
    if (h.ptype === CL_PTYPE.request && h.iface === CONV.syntax.uuid) return this.answerConv(p, from);
    if (h.ptype === CL_PTYPE.ping && h.iface === CONV.syntax.uuid) {
      // [MS-RPCE] §3.2.2.5.2: a callback we already answered; DCE answers NOCALL.
      this.send(encodeClPdu({ header: { ...h, ptype: CL_PTYPE.nocall, flags1: 0, flags2: 0, littleEndian: true, charRep: 0, floatRep: 0 }, body: { kind: 'empty' } }), from);
      return;
    }
    if (h.activity !== this.activity) {
      this.dropped++;
      return;
    }
    // A server that knows its boot time must keep it (DCE chk_sboot).
    if (this.serverBoot !== 0 && h.serverBoot !== 0 && h.serverBoot !== this.serverBoot && h.ptype !== CL_PTYPE.reject) {
      this.dropped++;
      return;
    }
    const call = this.active;
    if (call && h.seq === call.seq) {
      call.onPacket(p, from);
      return;
    }
    // A duplicate last response or fault of a call we finished: our ACK was lost (C706 §10, DCE do_common_response).
    const last = this.lastAcked;
    if (last && h.seq === last.seq && (h.ptype === CL_PTYPE.fault || (h.ptype === CL_PTYPE.response && (h.flags1 & CL_FLAGS1.FRAG) === 0) || (h.flags1 & CL_FLAGS1.LASTFRAG) !== 0)) {
      this.sendAck(h.seq, h.opnum, last.to);
      return;
    }
    this.dropped++;
  }

  /** conv who_are_you / who_are_you2 (clrpc-mailslot-notes §2.3). */
  private answerConv(p: ClPdu, from: Endpoint): void {
    const h = p.header;
    if (h.opnum !== CONV_WHO_ARE_YOU && h.opnum !== CONV_WHO_ARE_YOU2) {
      const body = { kind: 'status' as const, status: NCA_STATUS.nca_s_op_rng_error };
      this.send(encodeClPdu({ header: { ...h, ptype: CL_PTYPE.reject, flags1: 0, flags2: 0, littleEndian: true, charRep: 0, floatRep: 0 }, body }), from);
      return;
    }
    let actuid: string;
    let boot: number;
    try {
      const r = new ByteReader(p.body.kind === 'stub' ? p.body.stub : Buffer.alloc(0), 'conv request');
      const raw = Buffer.from(r.bytes(16, 'actuid'));
      if (!h.littleEndian) {
        raw.subarray(0, 4).reverse();
        raw.subarray(4, 6).reverse();
        raw.subarray(6, 8).reverse();
      }
      actuid = uuidFromBytes(raw);
      boot = h.littleEndian ? r.u32le() : r.u32be();
    } catch {
      this.dropped++;
      return;
    }
    let st = 0;
    let seq = 0;
    const call = this.active;
    if (actuid !== this.activity || !call) st = NCA_STATUS.nca_s_bad_actid;
    else if (this.serverBoot !== 0 && boot !== this.serverBoot) st = NCA_STATUS.nca_s_you_crashed;
    else {
      if (this.serverBoot === 0) this.serverBoot = boot;
      seq = call.seq;
    }
    const w = new ByteWriter(24).u32le(seq);
    if (h.opnum === CONV_WHO_ARE_YOU2) w.bytes(uuidToBytes(this.casUuid));
    w.u32le(st);
    // Header copied; flags2 0 (PF2_UNRELATED means something only in requests, and stops tshark).
    this.send(encodeClPdu({ header: { ...h, ptype: CL_PTYPE.response, flags1: 0, flags2: 0, littleEndian: true, charRep: 0, floatRep: 0, fragnum: 0 }, body: { kind: 'stub', stub: w.finish() } }), from);
    if (this.stats) this.stats.callbacks++;
  }

  private stats: ClCallStats | undefined;

  private sendAck(seq: number, opnum: number, to: Endpoint): void {
    const h = clHeader({ ptype: CL_PTYPE.ack, iface: this.opts.iface.syntax.uuid, ifVersion: this.ifVersion, activity: this.activity, seq, opnum, serverBoot: this.serverBoot });
    this.send(encodeClPdu({ header: h, body: { kind: 'empty' } }), to);
  }

  private get ifVersion(): number {
    const s = this.opts.iface.syntax;
    return ((s.minor & 0xffff) << 16) | (s.major & 0xffff);
  }

  call(opnum: number, stub: Buffer, opts: ClCallOptions = {}): Promise<Buffer> {
    if (this.closed) return Promise.reject(new NetsendError('socket', 0, 'ECONNABORTED', 'the connectionless client is closed'));
    const deadline = Deadline.of(opts).within(`RPC call opnum ${opnum} (ncadg_ip_udp)`);
    return this.queue.run(() => this.run(opnum, stub, opts, deadline));
  }

  private async run(opnum: number, stub: Buffer, opts: ClCallOptions, deadline: Deadline): Promise<Buffer> {
    await this.open(deadline.waitOptions());
    const seq = this.seq;
    this.seq = (this.seq + 1) >>> 0;
    const idempotentAsked = opts.idempotent ?? this.opts.idempotent ?? false;
    // Split the stub: non-final bodies a multiple of 8; more than one fragment is never idempotent (DCE).
    const bodies: Buffer[] = [];
    for (let off = 0; off < stub.length || bodies.length === 0; off += this.maxBody) bodies.push(stub.subarray(off, off + this.maxBody));
    const fragmented = bodies.length > 1;
    const idempotent = idempotentAsked && !fragmented;
    const stats: ClCallStats = { datagramsSent: 0, datagramsReceived: 0, retransmissions: 0, pings: 0, callbacks: 0 };
    this.stats = stats;
    this.lastStats = stats;
    const initial = Math.max(1, this.opts.retransmitMs ?? 1000);
    const cap = Math.max(initial, this.opts.maxRetransmitMs ?? 8000);
    const maxResponse = this.opts.maxResponseStub ?? 1 << 20;
    let to: Endpoint = { address: this.address!, port: this.opts.port };
    let serial = 0;
    const header = (ptype: number, over: Partial<ClHeader> = {}): ClHeader =>
      clHeader({ ptype, iface: this.opts.iface.syntax.uuid, ifVersion: this.ifVersion, activity: this.activity, seq, opnum, serverBoot: this.serverBoot, ihint: this.ihint, ahint: this.ahint, serial: serial++ & 0xffff, ...over });
    const fragPacket = (i: number): Buffer => {
      let flags1 = idempotent ? CL_FLAGS1.IDEMPOTENT : 0;
      if (fragmented) {
        flags1 |= CL_FLAGS1.FRAG;
        // Ask for a fack only on the last non-final fragment of the blast; the last is acknowledged by the reply.
        if (i === bodies.length - 1) flags1 |= CL_FLAGS1.LASTFRAG | CL_FLAGS1.NOFACK;
        else if (i !== bodies.length - 2) flags1 |= CL_FLAGS1.NOFACK;
      }
      return encodeClPdu({ header: header(CL_PTYPE.request, { flags1, fragnum: i }), body: { kind: 'stub', stub: bodies[i]! } });
    };
    const xmit = (pkt: Buffer): void => {
      stats.datagramsSent++;
      this.send(pkt, to);
    };

    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      this.active = undefined;
    };
    try {
      return await raceWait(
        deadline.step ?? 'RPC call',
        deadline.waitOptions(),
        () =>
          new Promise<Buffer>((resolve, reject) => {
            const received = new Set<number>(); // request fragments the server facked
            let serverHasAll = false; // WORKING or a fack for every fragment
            let rto = initial;
            const resp = new Map<number, Buffer>();
            let respBytes = 0;
            let lastFrag: number | undefined;
            let respFragmented = false;
            let written = false;
            const sendRequest = (): void => {
              for (let i = 0; i < bodies.length; i++) if (!received.has(i)) xmit(fragPacket(i));
              if (!written) {
                written = true;
                opts.onLastFragment?.('written');
              }
            };
            const arm = (): void => {
              if (timer) clearTimeout(timer);
              timer = setTimeout(onTimer, rto);
            };
            const onTimer = (): void => {
              timer = undefined;
              if (!serverHasAll && resp.size === 0) {
                stats.retransmissions++;
                sendRequest();
              } else {
                stats.pings++;
                xmit(encodeClPdu({ header: header(CL_PTYPE.ping), body: { kind: 'empty' } }));
              }
              rto = Math.min(rto * 2, cap);
              arm();
            };
            const finish = (out: Buffer): void => {
              stop();
              if (!idempotent || respFragmented) {
                this.sendAck(seq, opnum, to);
                stats.datagramsSent++;
                this.lastAcked = { seq, to };
              }
              resolve(out);
            };
            const fail = (e: NetsendError): void => {
              stop();
              reject(e);
            };
            const noteFack = (f: ClFack, fragnum: number): void => {
              if (fragnum !== 0xffff) for (let i = 0; i <= fragnum && i < bodies.length; i++) received.add(i);
              f.selack.forEach((word, wi) => {
                for (let b = 0; b < 32; b++) if (word & (1 << b)) received.add(fragnum + 1 + wi * 32 + b);
              });
              if (received.size >= bodies.length) serverHasAll = true;
            };
            this.active = {
              seq,
              opnum,
              fail,
              onPacket: (p, from) => {
                const h = p.header;
                stats.datagramsReceived++;
                // Forwarded calls are answered from the server's own port: talk to it from now on.
                to = from;
                if (this.serverBoot === 0 && h.serverBoot !== 0 && h.ptype !== CL_PTYPE.reject) this.serverBoot = h.serverBoot;
                switch (h.ptype) {
                  case CL_PTYPE.response: {
                    this.ihint = h.ihint;
                    this.ahint = h.ahint;
                    serverHasAll = true;
                    const stubPart = p.body.kind === 'stub' ? p.body.stub : Buffer.alloc(0);
                    if ((h.flags1 & CL_FLAGS1.FRAG) === 0) {
                      if (resp.size === 0) return finish(Buffer.from(stubPart));
                      return; // a single-packet response in the middle of fragments: ignore it
                    }
                    respFragmented = true;
                    if (!resp.has(h.fragnum)) {
                      respBytes += stubPart.length;
                      if (respBytes > maxResponse) return fail(new NetsendError('protocol', 0, 'RPC_S_PROTOCOL_ERROR', `response larger than ${maxResponse} bytes`));
                      resp.set(h.fragnum, Buffer.from(stubPart));
                    }
                    if (h.flags1 & CL_FLAGS1.LASTFRAG) lastFrag = h.fragnum;
                    let inOrder = -1;
                    while (resp.has(inOrder + 1)) inOrder++;
                    if (lastFrag !== undefined && inOrder >= lastFrag) {
                      const parts: Buffer[] = [];
                      for (let i = 0; i <= lastFrag; i++) parts.push(resp.get(i)!);
                      return finish(Buffer.concat(parts));
                    }
                    if ((h.flags1 & CL_FLAGS1.NOFACK) === 0) {
                      // Fack: the highest in-order fragment, and a bit per later one we hold.
                      const selack = [0];
                      for (const k of resp.keys()) if (k > inOrder + 1 && k - inOrder - 1 <= 32) selack[0]! |= 1 << (k - inOrder - 2);
                      const fack: ClFack = { version: 1, windowSize: 24, maxTsdu: CL_MUST_RECV_FRAG, maxFragSize: CL_MUST_RECV_FRAG, serial: h.serial, selack };
                      xmit(encodeClPdu({ header: header(CL_PTYPE.fack, { fragnum: inOrder < 0 ? 0xffff : inOrder }), body: { kind: 'fack', fack } }));
                    }
                    arm();
                    return;
                  }
                  case CL_PTYPE.fault: {
                    const status = p.body.kind === 'status' ? p.body.status : 0;
                    return fail(new RpcFaultError(status, 0, 0, `opnum ${opnum} over ncadg_ip_udp`));
                  }
                  case CL_PTYPE.reject: {
                    const status = p.body.kind === 'status' ? p.body.status : 0;
                    return fail(new RpcFaultError(status, NOT_EXECUTED.has(status) ? PFC.DID_NOT_EXECUTE : 0, 0, `opnum ${opnum} rejected over ncadg_ip_udp`));
                  }
                  case CL_PTYPE.working:
                    serverHasAll = true;
                    rto = Math.min(rto * 2, cap);
                    arm();
                    return;
                  case CL_PTYPE.nocall:
                    if (p.body.kind === 'fack') {
                      noteFack(p.body.fack, h.fragnum);
                      arm();
                    } else if (resp.size === 0) {
                      // The server does not know the call: it lost the request (or forgot it).
                      serverHasAll = false;
                      received.clear();
                      stats.retransmissions++;
                      sendRequest();
                      arm();
                    }
                    return;
                  case CL_PTYPE.fack:
                    if (p.body.kind === 'fack') noteFack(p.body.fack, h.fragnum);
                    if (!serverHasAll) sendRequest();
                    arm();
                    return;
                  default:
                    this.dropped++; // ping, ack, cancel... are client-to-server packets
                }
              },
            };
            opts.onLastFragment?.('writing');
            sendRequest();
            arm();
          }),
        stop,
      );
    } catch (e) {
      stop();
      throw toNetsendError(e);
    }
  }

  async invoke<I extends readonly Param[], O extends readonly Param[]>(def: NdrCall<I, O>, args: ParamValues<I>, opts: ClCallOptions = {}): Promise<ParamValues<O>> {
    const out = await this.call(def.opnum, def.encodeIn(args), opts);
    return def.decodeOut(out, args);
  }

  /** Releases the socket. */
  async close(): Promise<void> {
    this.closed = true;
    const s = this.sock;
    this.sock = undefined;
    if (s) {
      try {
        s.close();
      } catch {
        /* already closed */
      }
    }
  }
}


