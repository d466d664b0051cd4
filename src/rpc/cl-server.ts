/**
 * Connectionless DCE/RPC server (ncadg_ip_udp; C706 ch. 10, [MS-RPCE] §3.2.3), enough to serve small
 * interfaces such as msgsvcsend and ept_map. Per datagram it applies the checks of
 * clrpc-mailslot-notes §1.9: a decodable header, the boot time, a known interface and opnum (else
 * REJECT, never for broadcast calls); requests are reassembled by (activity, seq); a duplicate request
 * for a finished call is answered from the cached reply and the manager does not run again; PINGs get
 * NOCALL / WORKING / the cached reply ([MS-RPCE] §3.2.3.5.x, DCE ping_common); an ACK or the next seq
 * frees the cached reply. A non-idempotent call from an activity the server has not seen is checked with
 * a conv who_are_you2 callback first ([MS-RPCE] §4 CL example), unless `callback` is off.
 *
 * All state is bounded: activities (oldest evicted), fragments and bytes per call; anything malformed is
 * dropped and counted.
 */
import * as crypto from 'node:crypto';
import * as dgram from 'node:dgram';
import * as netMod from 'node:net';
import { NetsendError, toNetsendError } from '../status/error.js';
import { socketError } from '../transport/tcp.js';
import { raceWait } from '../util/abort.js';
import { ByteReader, ByteWriter } from '../util/bytes.js';
import { CONV, CONV_WHO_ARE_YOU2, type DatagramTap, type Endpoint } from './cl-client.js';
import { CL_FLAGS1, CL_MUST_RECV_FRAG, CL_PTYPE, clHeader, decodeClPdu, encodeClPdu, NCA_STATUS, type ClBody, type ClHeader, type ClPdu } from './cl-pdu.js';
import type { RpcInterface } from './client.js';
import { uuidFromBytes, uuidToBytes } from './uuid.js';

/** What a handler knows about the call it serves. */
export interface ClCallContext {
  from: Endpoint;
  /** The request's integer byte order (the stub follows it). */
  littleEndian: boolean;
  activity: string;
  seq: number;
}

/** One interface a connectionless server serves. */
export interface ClHandler {
  iface: RpcInterface;
  /** Number of operations: opnum ≥ this is rejected with nca_s_op_rng_error. */
  opcount: number;
  /** Returns the response stub; a thrown NetsendError with layer 'rpc-fault' becomes that FAULT, any other error nca_s_fault_ndr. */
  handle(opnum: number, stub: Buffer, ctx: ClCallContext): Promise<Buffer> | Buffer;
}

/** What a connectionless server serves, where, and its bounds per activity and request. */
export interface ClServerOptions {
  handlers: ClHandler[];
  host?: string;
  port?: number;
  /** Our boot time (non-zero; default: seconds now). */
  bootTime?: number;
  /** Do the conv who_are_you2 callback for non-idempotent calls from new activities (default true). */
  callback?: boolean;
  /** Callback retransmit interval and tries (default 500 ms, 8: the callback must survive the loss the call itself survives). */
  callbackRetransmitMs?: number;
  callbackTries?: number;
  maxActivities?: number;
  maxRequestStub?: number;
  /** Dropped datagrams and handler failures; the server keeps running. */
  onError?: (e: NetsendError, from: Endpoint) => void;
  tap?: DatagramTap;
}

/** Counters of a connectionless server. */
export interface ClServerStats {
  datagrams: number;
  dropped: number;
  calls: number;
  duplicates: number;
  rejects: number;
  callbacks: number;
  acks: number;
}

interface CallState {
  seq: number;
  state: 'receiving' | 'callback' | 'executing' | 'done';
  frags: Map<number, Buffer>;
  bytes: number;
  lastFrag: number | undefined;
  first: ClHeader;
  reply: Buffer[];
  highSerial: number;
}

interface Activity {
  id: string;
  validated: boolean;
  call: CallState | undefined;
  /** Lowest seq still allowed ([MS-RPCE] §3.2.3.5.4). */
  lowSeq: number;
  seen: number;
}

const MAX_FRAGS = 64;

/**
 * A connectionless DCE/RPC server over UDP (C706 §10): tracks activities, answers duplicates from its cache, and does
 * the conv callback for at-most-once calls.
 */
export class ClServer {
  readonly bootTime: number;
  private sock: dgram.Socket | undefined;
  private readonly activities = new Map<string, Activity>();
  private readonly handlers: ClHandler[];
  private readonly pendingCallbacks = new Map<string, (p: ClPdu) => void>();
  private readonly counters: ClServerStats = { datagrams: 0, dropped: 0, calls: 0, duplicates: 0, rejects: 0, callbacks: 0, acks: 0 };
  private closed = false;

  constructor(readonly opts: ClServerOptions) {
    this.handlers = opts.handlers;
    this.bootTime = (opts.bootTime ?? Math.floor(Date.now() / 1000)) >>> 0 || 1;
  }

  /** The bound address (the configured one before `listen`). */
  get address(): Endpoint {
    const a = this.sock?.address();
    return a ? { address: a.address, port: a.port } : { address: this.opts.host ?? '127.0.0.1', port: this.opts.port ?? 0 };
  }

  /** A snapshot of the counters. */
  stats(): ClServerStats {
    return { ...this.counters };
  }

  /** Binds the socket; rejects with the socket error (EACCES for 135 unprivileged, EADDRINUSE). */
  async listen(): Promise<Endpoint> {
    const host = this.opts.host ?? '127.0.0.1';
    const sock = dgram.createSocket(netMod.isIPv6(host) ? 'udp6' : 'udp4');
    await raceWait(
      `UDP bind ${host}:${this.opts.port ?? 0}`,
      { timeoutMs: 5000 },
      () =>
        new Promise<void>((resolve, reject) => {
          sock.once('error', (e) => reject(socketError(e, `UDP bind ${host}:${this.opts.port ?? 0}`)));
          sock.bind({ port: this.opts.port ?? 0, address: host }, () => resolve());
        }),
      () => sock.close(),
    );
    sock.removeAllListeners('error');
    sock.on('error', (e) => this.opts.onError?.(socketError(e, 'CL server'), this.address));
    sock.on('message', (msg, rinfo) => {
      try {
        this.onDatagram(msg, { address: rinfo.address, port: rinfo.port });
      } catch (e) {
        this.drop({ address: rinfo.address, port: rinfo.port }, toNetsendError(e));
      }
    });
    this.sock = sock;
    return this.address;
  }

  /** Stops listening and releases the socket. */
  async close(): Promise<void> {
    this.closed = true;
    const s = this.sock;
    this.sock = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  private drop(from: Endpoint, e?: NetsendError): void {
    this.counters.dropped++;
    if (e) this.opts.onError?.(e, from);
  }

  private send(pkt: Buffer, to: Endpoint): void {
    if (!this.sock || this.closed) return;
    this.opts.tap?.('out', this.address, to, pkt);
    this.sock.send(pkt, to.port, to.address, () => undefined);
  }

  private reply(h: ClHeader, ptype: number, to: Endpoint, body: ClBody = { kind: 'empty' }, over: Partial<ClHeader> = {}): void {
    this.send(encodeClPdu({ header: { ...h, ptype, flags1: 0, flags2: 0, littleEndian: true, charRep: 0, floatRep: 0, serverBoot: this.bootTime, ...over }, body }), to);
  }

  private reject(h: ClHeader, status: number, to: Endpoint, boot = this.bootTime): void {
    if (h.flags1 & CL_FLAGS1.BROADCAST) return; // never for broadcast calls (DCE dgexec.c)
    this.counters.rejects++;
    this.reply(h, CL_PTYPE.reject, to, { kind: 'status', status }, { serverBoot: boot, fragnum: 0 });
  }

  private activity(id: string): Activity {
    let a = this.activities.get(id);
    if (!a) {
      const max = this.opts.maxActivities ?? 1024;
      if (this.activities.size >= max) {
        // Evict the least recently seen activity.
        let oldest: Activity | undefined;
        for (const x of this.activities.values()) if (!oldest || x.seen < oldest.seen) oldest = x;
        if (oldest) this.activities.delete(oldest.id);
      }
      a = { id, validated: false, call: undefined, lowSeq: 0, seen: 0 };
      this.activities.set(id, a);
    }
    a.seen = Date.now();
    return a;
  }

  private onDatagram(msg: Buffer, from: Endpoint): void {
    this.counters.datagrams++;
    let p: ClPdu;
    try {
      p = decodeClPdu(msg);
    } catch (e) {
      return this.drop(from, toNetsendError(e));
    }
    this.opts.tap?.('in', this.address, from, msg);
    const h = p.header;
    // Answers to our own conv callbacks.
    if (h.iface === CONV.syntax.uuid && h.ptype !== CL_PTYPE.request) {
      const cb = this.pendingCallbacks.get(h.activity);
      if (cb) return cb(p);
      return this.drop(from);
    }
    switch (h.ptype) {
      case CL_PTYPE.request:
        return this.onRequest(p, from);
      case CL_PTYPE.ping:
        return this.onPing(h, from);
      case CL_PTYPE.ack: {
        const a = this.activities.get(h.activity);
        if (a?.call && a.call.seq === h.seq && a.call.state === 'done') {
          this.counters.acks++;
          a.call.reply = [];
        }
        return;
      }
      case CL_PTYPE.fack:
      case CL_PTYPE.cl_cancel:
        return; // we blast whole replies; cancels of finished work are moot
      default:
        return this.drop(from);
    }
  }

  private onPing(h: ClHeader, from: Endpoint): void {
    const a = this.activities.get(h.activity);
    const c = a?.call;
    if (!a || !c || h.seq > c.seq) return this.reply(h, CL_PTYPE.nocall, from);
    if (h.seq < c.seq) return;
    switch (c.state) {
      case 'receiving': {
        let inOrder = -1;
        while (c.frags.has(inOrder + 1)) inOrder++;
        return this.reply(h, CL_PTYPE.nocall, from, { kind: 'fack', fack: { version: 1, windowSize: 24, maxTsdu: CL_MUST_RECV_FRAG, maxFragSize: CL_MUST_RECV_FRAG, serial: h.serial, selack: [0] } }, { fragnum: inOrder < 0 ? 0xffff : inOrder });
      }
      case 'callback':
      case 'executing':
        return this.reply(h, CL_PTYPE.working, from);
      case 'done':
        if (c.reply.length === 0) return this.reply(h, CL_PTYPE.nocall, from);
        this.counters.duplicates++;
        for (const r of c.reply) this.send(r, from);
    }
  }

  private onRequest(p: ClPdu, from: Endpoint): void {
    const h = p.header;
    if (h.serverBoot !== 0 && h.serverBoot !== this.bootTime) return this.reject(h, NCA_STATUS.nca_s_wrong_boot_time, from, h.serverBoot);
    const handler = this.handlers.find((x) => x.iface.syntax.uuid === h.iface);
    if (!handler || (h.ifVersion & 0xffff) !== handler.iface.syntax.major) return this.reject(h, NCA_STATUS.nca_s_unk_if, from);
    if (h.opnum >= handler.opcount) return this.reject(h, NCA_STATUS.nca_s_op_rng_error, from);
    const a = this.activity(h.activity);
    if (h.seq < a.lowSeq) return; // an old call: discard ([MS-RPCE] §3.2.3.5.4)
    let c = a.call;
    if (c && h.seq < c.seq) return;
    if (c && h.seq === c.seq) {
      if (c.state === 'done') {
        // A retransmitted request: our reply was lost. Resend it; never run the call again.
        this.counters.duplicates++;
        if (c.reply.length === 0) return;
        for (const r of c.reply) this.send(r, from);
        return;
      }
      if (c.state !== 'receiving') return this.reply(h, CL_PTYPE.working, from);
    } else {
      // A new seq implicitly acknowledges the previous call (MS-RPCE §4.4).
      c = { seq: h.seq, state: 'receiving', frags: new Map(), bytes: 0, lastFrag: undefined, first: h, reply: [], highSerial: h.serial };
      a.call = c;
      a.lowSeq = h.seq;
    }
    const stub = p.body.kind === 'stub' ? p.body.stub : Buffer.alloc(0);
    const fragmented = (h.flags1 & CL_FLAGS1.FRAG) !== 0;
    if (!fragmented) {
      c.frags.clear();
      c.frags.set(0, Buffer.from(stub));
      c.lastFrag = 0;
    } else {
      if (h.fragnum >= MAX_FRAGS) return this.drop(from, new NetsendError('protocol', 0, 'RPC_S_PROTOCOL_ERROR', `request fragment ${h.fragnum} beyond ${MAX_FRAGS}`));
      if (!c.frags.has(h.fragnum)) {
        c.bytes += stub.length;
        if (c.bytes > (this.opts.maxRequestStub ?? 64 * 1024)) {
          a.call = undefined;
          return this.reject(h, NCA_STATUS.nca_s_proto_error, from);
        }
        c.frags.set(h.fragnum, Buffer.from(stub));
      }
      if (h.flags1 & CL_FLAGS1.LASTFRAG) c.lastFrag = h.fragnum;
    }
    let inOrder = -1;
    while (c.frags.has(inOrder + 1)) inOrder++;
    if (c.lastFrag === undefined || inOrder < c.lastFrag) {
      if (fragmented && (h.flags1 & CL_FLAGS1.NOFACK) === 0) {
        this.reply(h, CL_PTYPE.fack, from, { kind: 'fack', fack: { version: 1, windowSize: 24, maxTsdu: CL_MUST_RECV_FRAG, maxFragSize: CL_MUST_RECV_FRAG, serial: h.serial, selack: [0] } }, { fragnum: inOrder < 0 ? 0xffff : inOrder });
      }
      return;
    }
    const parts: Buffer[] = [];
    for (let i = 0; i <= c.lastFrag; i++) parts.push(c.frags.get(i)!);
    c.frags.clear();
    const full = Buffer.concat(parts);
    const idempotent = (h.flags1 & (CL_FLAGS1.IDEMPOTENT | CL_FLAGS1.MAYBE | CL_FLAGS1.BROADCAST)) !== 0 && !fragmented;
    const call = c;
    if (!idempotent && !a.validated && this.opts.callback !== false) {
      call.state = 'callback';
      void this.whoAreYou(a, call, from).then(
        (ok) => {
          if (a.call !== call) return;
          if (!ok) {
            call.state = 'done';
            return this.reject(call.first, NCA_STATUS.nca_s_who_are_you_failed, from);
          }
          a.validated = true;
          void this.execute(handler, call, full, from, h);
        },
        () => undefined,
      );
      return;
    }
    void this.execute(handler, call, full, from, h);
  }

  /** conv who_are_you2 to the client: is (activity, seq) really its current call? (clrpc-mailslot-notes §2.2) */
  private async whoAreYou(a: Activity, call: CallState, to: Endpoint): Promise<boolean> {
    this.counters.callbacks++;
    const cbActivity = crypto.randomUUID();
    const body = new ByteWriter(20).bytes(uuidToBytes(a.id)).u32le(this.bootTime).finish();
    // flags2 stays 0: PF2_UNRELATED (MS-RPCE §2.2.3.3) stops Wireshark decoding, and we run one callback per activity.
    const h = clHeader({ ptype: CL_PTYPE.request, flags1: CL_FLAGS1.IDEMPOTENT, iface: CONV.syntax.uuid, ifVersion: CONV.syntax.major, activity: cbActivity, opnum: CONV_WHO_ARE_YOU2, serverBoot: 0 });
    const tries = this.opts.callbackTries ?? 8;
    const every = this.opts.callbackRetransmitMs ?? 500;
    return new Promise<boolean>((resolve) => {
      let n = 0;
      let timer: NodeJS.Timeout | undefined;
      const done = (ok: boolean): void => {
        if (timer) clearTimeout(timer);
        this.pendingCallbacks.delete(cbActivity);
        resolve(ok);
      };
      this.pendingCallbacks.set(cbActivity, (p) => {
        if (p.header.ptype === CL_PTYPE.reject || p.header.ptype === CL_PTYPE.fault) return done(false);
        if (p.header.ptype !== CL_PTYPE.response || p.body.kind !== 'stub') return;
        try {
          const r = new ByteReader(p.body.stub, 'conv who_are_you2 response');
          const le = p.header.littleEndian;
          const seq = le ? r.u32le() : r.u32be();
          uuidFromBytes(r.bytes(16, 'cas_uuid'));
          const st = le ? r.u32le() : r.u32be();
          done(st === 0 && seq === call.seq);
        } catch {
          done(false);
        }
      });
      const fire = (): void => {
        if (this.closed || n++ >= tries) return done(false);
        this.send(encodeClPdu({ header: { ...h, serial: n - 1 }, body: { kind: 'stub', stub: body } }), to);
        timer = setTimeout(fire, every);
      };
      fire();
    });
  }

  private async execute(handler: ClHandler, call: CallState, stub: Buffer, to: Endpoint, last: ClHeader): Promise<void> {
    call.state = 'executing';
    this.counters.calls++;
    const h = call.first;
    let packets: Buffer[];
    const base: ClHeader = { ...h, flags1: 0, flags2: 0, littleEndian: true, charRep: 0, floatRep: 0, serverBoot: this.bootTime, ihint: 0, ahint: 0, fragnum: 0, serial: 0 };
    try {
      const out = await handler.handle(h.opnum, stub, { from: to, littleEndian: h.littleEndian, activity: h.activity, seq: h.seq });
      const max = Math.floor((CL_MUST_RECV_FRAG - 80) / 8) * 8;
      const n = Math.max(1, Math.ceil(out.length / max));
      packets = [];
      for (let i = 0; i < n; i++) {
        let flags1 = 0;
        if (n > 1) flags1 = CL_FLAGS1.FRAG | CL_FLAGS1.NOFACK | (i === n - 1 ? CL_FLAGS1.LASTFRAG : 0);
        packets.push(encodeClPdu({ header: { ...base, ptype: CL_PTYPE.response, flags1, fragnum: i, serial: i }, body: { kind: 'stub', stub: out.subarray(i * max, (i + 1) * max) } }));
      }
    } catch (e) {
      const err = toNetsendError(e);
      this.opts.onError?.(err, to);
      const status = err.layer === 'rpc-fault' ? err.code : NCA_STATUS.nca_s_fault_ndr;
      packets = (last.flags1 & CL_FLAGS1.BROADCAST) !== 0 ? [] : [encodeClPdu({ header: { ...base, ptype: CL_PTYPE.fault }, body: { kind: 'status', status } })];
    }
    call.state = 'done';
    call.reply = (last.flags1 & CL_FLAGS1.MAYBE) !== 0 ? [] : packets;
    for (const p of call.reply) this.send(p, to);
  }
}
