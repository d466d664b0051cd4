/**
 * Connectionless DCE/RPC PDUs (RPC version 4, ncadg_ip_udp): C706 ch. 12 (CL PDU structure),
 * [MS-RPCE] §2.2.3 / §3.2. One 80-byte header, then a body whose shape depends on the packet type.
 * Every multi-byte header field and the stub follow the sender's data representation (drep[0] high
 * nibble 1 = little-endian, 0 = big-endian); we always send little-endian and decode either.
 */
import { MalformedError } from '../status/error.js';
import { ByteReader, ByteWriter } from '../util/bytes.js';
import { NIL_UUID, uuidFromBytes, uuidToBytes } from './uuid.js';

/** rpc_vers of connectionless PDUs (C706 §12.5.1). */
export const CL_RPC_VERSION = 4;
/** Size of the connectionless PDU header (C706 §12.5.1). */
export const CL_HEADER_LENGTH = 80;
/** C706 Table K-2 / DCE `RPC_C_DG_MUST_RECV_FRAG_SIZE`: every receiver takes a whole PDU this big. */
export const CL_MUST_RECV_FRAG = 1464;
/** Largest body in a PDU of CL_MUST_RECV_FRAG bytes, rounded down to 8 (non-final bodies are 8-aligned). */
export const CL_MAX_BODY = CL_MUST_RECV_FRAG - CL_HEADER_LENGTH;
/** Header field that means "no hint" (C706 §12.5.2.x ihint/ahint). */
export const CL_NO_HINT = 0xffff;

/** C706 §12.5.3.1 packet types. */
export const CL_PTYPE = {
  request: 0,
  ping: 1,
  response: 2,
  fault: 3,
  working: 4,
  nocall: 5,
  reject: 6,
  ack: 7,
  cl_cancel: 8,
  fack: 9,
  cancel_ack: 10,
} as const;
/** A connectionless PDU type name (C706 §12.5.1). */
export type ClPtypeName = keyof typeof CL_PTYPE;
const PTYPE_NAMES: ClPtypeName[] = ['request', 'ping', 'response', 'fault', 'working', 'nocall', 'reject', 'ack', 'cl_cancel', 'fack', 'cancel_ack'];

/** C706 §12.5.3.3 flags1 ([MS-RPCE] §2.2.3.3). */
export const CL_FLAGS1 = {
  LASTFRAG: 0x02,
  FRAG: 0x04,
  NOFACK: 0x08,
  MAYBE: 0x10,
  IDEMPOTENT: 0x20,
  BROADCAST: 0x40,
} as const;

/** flags2: CANCEL_PENDING (C706), PF2_UNRELATED ([MS-RPCE] §2.2.3.3). */
export const CL_FLAGS2 = { CANCEL_PENDING: 0x02, UNRELATED: 0x04 } as const;

/** Reject/fault status codes used by the runtime (C706 Appendix E, DCE rpcsts.idl). */
export const NCA_STATUS = {
  nca_s_unspec_reject: 0x1c000009,
  nca_s_bad_actid: 0x1c00000a,
  nca_s_who_are_you_failed: 0x1c00000b,
  nca_s_comm_failure: 0x1c010001,
  nca_s_op_rng_error: 0x1c010002,
  nca_s_unk_if: 0x1c010003,
  nca_s_wrong_boot_time: 0x1c010006,
  nca_s_you_crashed: 0x1c010009,
  nca_s_proto_error: 0x1c01000b,
  nca_s_fault_ndr: 0x000006f7,
} as const;

/** The 80-byte CL header (C706 §12.5.2). Serial = serial_hi << 8 | serial_lo. */
export interface ClHeader {
  ptype: number;
  flags1: number;
  flags2: number;
  /** True when the sender's drep says little-endian integers. */
  littleEndian: boolean;
  /** drep[0] low nibble (0 ASCII, 1 EBCDIC) and drep[1] (float rep), kept for round trips. */
  charRep: number;
  floatRep: number;
  serial: number;
  object: string;
  iface: string;
  activity: string;
  serverBoot: number;
  /** if_vers: major in the low 16 bits, minor in the high (DCE com.h). */
  ifVersion: number;
  seq: number;
  opnum: number;
  ihint: number;
  ahint: number;
  fragnum: number;
  authProto: number;
}

/** Fack body (DCE rpc_dg_fackpkt_body_t; Wireshark dissect_dcerpc_dg_fack). */
export interface ClFack {
  version: number;
  windowSize: number;
  maxTsdu: number;
  maxFragSize: number;
  serial: number;
  selack: number[];
}

/** The body of a connectionless PDU, by type (C706 §12.5.3). */
export type ClBody =
  | { kind: 'stub'; stub: Buffer } // request, response
  | { kind: 'status'; status: number } // fault, reject
  | { kind: 'empty' } // ping, working, ack, nocall without fack
  | { kind: 'fack'; fack: ClFack } // fack, nocall with fack
  | { kind: 'cancel'; version: number; cancelId: number } // cl_cancel (empty body = orphan, kind 'empty')
  | { kind: 'cancel_ack'; version: number; cancelId: number; accepting: boolean };

/** A decoded connectionless PDU: its 80-byte header and its type's body (C706 §12.5). */
export interface ClPdu {
  header: ClHeader;
  body: ClBody;
}

/** The C706 name of a connectionless PDU type, for messages and traces. */
export function clPtypeName(ptype: number): string {
  return PTYPE_NAMES[ptype] ?? `ptype ${ptype}`;
}

/** A header with our defaults: little-endian ASCII IEEE, nil object, no hints, serial 0. */
export function clHeader(h: Partial<ClHeader> & Pick<ClHeader, 'ptype' | 'iface' | 'activity'>): ClHeader {
  return {
    flags1: 0,
    flags2: 0,
    littleEndian: true,
    charRep: 0,
    floatRep: 0,
    serial: 0,
    object: NIL_UUID,
    serverBoot: 0,
    ifVersion: 0,
    seq: 0,
    opnum: 0,
    ihint: CL_NO_HINT,
    ahint: CL_NO_HINT,
    fragnum: 0,
    authProto: 0,
    ...h,
  };
}

/** Writes u16/u32/UUIDs in the header's byte order. */
class OrderedWriter {
  constructor(
    readonly w: ByteWriter,
    readonly le: boolean,
  ) {}
  u16(v: number): this {
    if (this.le) this.w.u16le(v);
    else this.w.u16be(v);
    return this;
  }
  u32(v: number): this {
    if (this.le) this.w.u32le(v);
    else this.w.u32be(v);
    return this;
  }
  uuid(s: string): this {
    const b = uuidToBytes(s);
    if (!this.le) {
      b.subarray(0, 4).reverse();
      b.subarray(4, 6).reverse();
      b.subarray(6, 8).reverse();
    }
    this.w.bytes(b);
    return this;
  }
}

class OrderedReader {
  constructor(
    readonly r: ByteReader,
    readonly le: boolean,
  ) {}
  u16(): number {
    return this.le ? this.r.u16le() : this.r.u16be();
  }
  u32(): number {
    return this.le ? this.r.u32le() : this.r.u32be();
  }
  uuid(field: string): string {
    const b = Buffer.from(this.r.bytes(16, field));
    if (!this.le) {
      b.subarray(0, 4).reverse();
      b.subarray(4, 6).reverse();
      b.subarray(6, 8).reverse();
    }
    return uuidFromBytes(b);
  }
}

function encodeBody(o: OrderedWriter, ptype: number, body: ClBody): void {
  switch (body.kind) {
    case 'stub':
      o.w.bytes(body.stub);
      return;
    case 'status':
      o.u32(body.status);
      return;
    case 'empty':
      return;
    case 'fack': {
      const f = body.fack;
      o.w.u8(f.version).u8(0);
      o.u16(f.windowSize).u32(f.maxTsdu).u32(f.maxFragSize).u16(f.serial).u16(f.selack.length);
      for (const s of f.selack) o.u32(s);
      return;
    }
    case 'cancel':
      o.u32(body.version).u32(body.cancelId);
      return;
    case 'cancel_ack':
      o.u32(body.version).u32(body.cancelId);
      o.w.u8(body.accepting ? 1 : 0);
      return;
  }
  throw new MalformedError('CL PDU', `no body for ${clPtypeName(ptype)}`);
}

/** Encodes one CL PDU; `len` is computed from the body. */
export function encodeClPdu(p: ClPdu): Buffer {
  const h = p.header;
  const bodyW = new ByteWriter(64);
  encodeBody(new OrderedWriter(bodyW, h.littleEndian), h.ptype, p.body);
  const body = bodyW.finish();
  if (body.length > 0xffff) throw new MalformedError('CL PDU', `body of ${body.length} bytes does not fit len`);
  const w = new ByteWriter(CL_HEADER_LENGTH + body.length);
  const o = new OrderedWriter(w, h.littleEndian);
  w.u8(CL_RPC_VERSION).u8(h.ptype).u8(h.flags1).u8(h.flags2);
  w.u8(((h.littleEndian ? 1 : 0) << 4) | (h.charRep & 0x0f)).u8(h.floatRep).u8(0);
  w.u8((h.serial >>> 8) & 0xff);
  o.uuid(h.object).uuid(h.iface).uuid(h.activity);
  o.u32(h.serverBoot).u32(h.ifVersion).u32(h.seq);
  o.u16(h.opnum).u16(h.ihint).u16(h.ahint).u16(body.length).u16(h.fragnum);
  w.u8(h.authProto).u8(h.serial & 0xff);
  w.bytes(body);
  return w.finish();
}

/**
 * Decodes the header and checks it as a receiver must ([MS-RPCE] §3.2, DCE `rpc__dg_pkt_is_valid`):
 * version 4, ptype ≤ 10, a drep we can read, and len + 80 ≤ the datagram.
 */
export function decodeClHeader(buf: Buffer): { header: ClHeader; len: number } {
  const r = new ByteReader(buf, 'CL PDU header');
  r.need(CL_HEADER_LENGTH, 'CL header');
  const vers = r.u8();
  if (vers !== CL_RPC_VERSION) throw new MalformedError('CL PDU header', `rpc_vers ${vers}, expected 4`);
  const ptype = r.u8();
  if (ptype > CL_PTYPE.cancel_ack) throw new MalformedError('CL PDU header', `ptype ${ptype}`);
  const flags1 = r.u8();
  const flags2 = r.u8();
  const d0 = r.u8();
  const floatRep = r.u8();
  r.u8();
  if ((d0 & 0xee) !== 0 || floatRep > 3) throw new MalformedError('CL PDU header', `unsupported drep ${d0.toString(16)} ${floatRep.toString(16)}`);
  const littleEndian = (d0 & 0x10) !== 0;
  const serialHi = r.u8();
  const o = new OrderedReader(r, littleEndian);
  const object = o.uuid('object');
  const iface = o.uuid('if_id');
  const activity = o.uuid('act_id');
  const serverBoot = o.u32();
  const ifVersion = o.u32();
  const seq = o.u32();
  const opnum = o.u16();
  const ihint = o.u16();
  const ahint = o.u16();
  const len = o.u16();
  const fragnum = o.u16();
  const authProto = r.u8();
  const serialLo = r.u8();
  if (CL_HEADER_LENGTH + len > buf.length) throw new MalformedError('CL PDU header', `len ${len} runs past the ${buf.length}-byte datagram`);
  return {
    header: { ptype, flags1, flags2, littleEndian, charRep: d0 & 0x0f, floatRep, serial: (serialHi << 8) | serialLo, object, iface, activity, serverBoot, ifVersion, seq, opnum, ihint, ahint, fragnum, authProto },
    len,
  };
}

function decodeFack(o: OrderedReader): ClFack {
  const version = o.r.u8();
  o.r.u8();
  const windowSize = o.u16();
  const maxTsdu = o.u32();
  const maxFragSize = o.u32();
  const serial = o.u16();
  const n = o.u16();
  o.r.need(n * 4, 'selack');
  const selack: number[] = [];
  for (let i = 0; i < n; i++) selack.push(o.u32());
  return { version, windowSize, maxTsdu, maxFragSize, serial, selack };
}

/** Decodes one datagram as a CL PDU. Bytes after len (UDP padding) are ignored. */
export function decodeClPdu(buf: Buffer): ClPdu {
  const { header, len } = decodeClHeader(buf);
  const bodyBuf = buf.subarray(CL_HEADER_LENGTH, CL_HEADER_LENGTH + len);
  const o = new OrderedReader(new ByteReader(bodyBuf, `CL ${clPtypeName(header.ptype)} body`), header.littleEndian);
  let body: ClBody;
  switch (header.ptype) {
    case CL_PTYPE.request:
    case CL_PTYPE.response:
      body = { kind: 'stub', stub: bodyBuf };
      break;
    case CL_PTYPE.fault:
    case CL_PTYPE.reject:
      body = { kind: 'status', status: o.u32() };
      break;
    case CL_PTYPE.ping:
    case CL_PTYPE.working:
    case CL_PTYPE.ack:
      body = { kind: 'empty' };
      break;
    case CL_PTYPE.nocall:
      body = len === 0 ? { kind: 'empty' } : { kind: 'fack', fack: decodeFack(o) };
      break;
    case CL_PTYPE.fack:
      body = { kind: 'fack', fack: decodeFack(o) };
      break;
    case CL_PTYPE.cl_cancel:
      body = len === 0 ? { kind: 'empty' } : { kind: 'cancel', version: o.u32(), cancelId: o.u32() };
      break;
    default: {
      // cancel_ack: DCE sends a u8 boolean, Samba's IDL a boolean32; accept both.
      const version = o.u32();
      const cancelId = o.u32();
      const accepting = o.r.remaining >= 4 ? o.u32() !== 0 : o.r.u8() !== 0;
      body = { kind: 'cancel_ack', version, cancelId, accepting };
    }
  }
  return { header, body };
}

/** The stub of a request/response PDU. */
export function clStub(p: ClPdu): Buffer {
  return p.body.kind === 'stub' ? p.body.stub : Buffer.alloc(0);
}

/** The u32 status of a fault/reject PDU. */
export function clStatus(p: ClPdu): number | undefined {
  return p.body.kind === 'status' ? p.body.status : undefined;
}

/**
 * A header-only (or status-only) reply built from a received header, as DCE's
 * rpc__dg_xmit_hdr_only_pkt does: same activity, seq, interface; our drep; flags zero.
 */
export function clReplyTo(h: ClHeader, ptype: number, body: ClBody = { kind: 'empty' }, over: Partial<ClHeader> = {}): Buffer {
  return encodeClPdu({ header: { ...h, ptype, flags1: 0, flags2: 0, littleEndian: true, charRep: 0, floatRep: 0, ...over }, body });
}
