/**
 * Connection-oriented DCE/RPC PDUs (C706 §12.6, [MS-RPCE] §2.2.2): common header, bind family,
 * request/response/fault, and the small control PDUs. One fragment per encode/decode call; the
 * client reassembles fragments.
 */
import { ByteReader, ByteWriter } from '../util/bytes.js';
import { MalformedError, NetsendError } from '../status/error.js';
import { checkDrep, NDR_DREP_LE } from './ndr/core.js';
import { type SyntaxId, readSyntax, uuidFromBytes, uuidToBytes, writeSyntax } from './uuid.js';

/** C706 §12.6.3.1 / [MS-RPCE] §2.2.2.1 PTYPE values. */
export const PTYPE = {
  request: 0,
  response: 2,
  fault: 3,
  bind: 11,
  bind_ack: 12,
  bind_nak: 13,
  alter_context: 14,
  alter_context_resp: 15,
  auth3: 16,
  shutdown: 17,
  co_cancel: 18,
  orphaned: 19,
} as const;
/** A connection-oriented PDU type name (C706 §12.6.4). */
export type PduTypeName = keyof typeof PTYPE;

/** pfc_flags (C706 §12.6.3.1; 0x04 is SUPPORT_HEADER_SIGN in the bind family, [MS-RPCE] §2.2.2.3). */
export const PFC = {
  FIRST_FRAG: 0x01,
  LAST_FRAG: 0x02,
  PENDING_CANCEL: 0x04,
  SUPPORT_HEADER_SIGN: 0x04,
  CONC_MPX: 0x10,
  DID_NOT_EXECUTE: 0x20,
  MAYBE: 0x40,
  OBJECT_UUID: 0x80,
} as const;

/** Size of the common header (C706 §12.6.3.1). */
export const COMMON_HEADER_LENGTH = 16;
/** Size of a request's header, before the stub (C706 §12.6.4.9). */
export const REQUEST_HEADER_LENGTH = 24;
/** Size of a response's header, before the stub (C706 §12.6.4.10). */
export const RESPONSE_HEADER_LENGTH = 24;
/** Size of the sec_trailer (auth_verifier_co_t, [MS-RPCE] §2.2.2.11). */
export const SEC_TRAILER_LENGTH = 8;
/** Fragment size proposed on named pipes (what Windows 2000 and Samba use). */
export const NP_MAX_FRAG = 4280;

/** sec_trailer plus auth_value ([MS-RPCE] §2.2.2.11). */
export interface AuthVerifier {
  authType: number;
  authLevel: number;
  authPadLength: number;
  authContextId: number;
  token: Buffer;
}

interface Base {
  /** pfc_flags; encode defaults to FIRST_FRAG|LAST_FRAG. */
  flags?: number;
  callId: number;
  auth?: AuthVerifier;
}

/** p_cont_elem_t: one proposed presentation context (C706 §12.6.3.1). */
export interface ContextElem {
  contextId: number;
  abstractSyntax: SyntaxId;
  transferSyntaxes: SyntaxId[];
}

/** bind / alter_context body (C706 §12.6.4.3, §12.6.4.1). */
export interface BindBody {
  maxXmitFrag: number;
  maxRecvFrag: number;
  assocGroupId: number;
  contexts: ContextElem[];
}

/** p_result_t: the server's answer to one proposed context (C706 §12.6.3.1). */
export interface ContextResult {
  /** 0 acceptance, 1 user_rejection, 2 provider_rejection, 3 negotiate_ack. */
  result: number;
  /** Provider reason, or the feature bits on negotiate_ack. */
  reason: number;
  transferSyntax: SyntaxId;
}

/** bind_ack / alter_context_resp body (C706 §12.6.4.4, §12.6.4.2). */
export interface BindAckBody {
  maxXmitFrag: number;
  maxRecvFrag: number;
  assocGroupId: number;
  /** Secondary address (e.g. "\PIPE\wkssvc"); '' when absent. */
  secAddr: string;
  results: ContextResult[];
}

/** A decoded connection-oriented PDU, by type (C706 §12.6.4). */
export type Pdu =
  | (Base & { type: 'bind' | 'alter_context' } & BindBody)
  | (Base & { type: 'bind_ack' | 'alter_context_resp' } & BindAckBody)
  | (Base & { type: 'bind_nak'; reason: number; versions: { major: number; minor: number }[]; signature?: Buffer })
  | (Base & { type: 'request'; allocHint: number; contextId: number; opnum: number; object?: string; stub: Buffer })
  | (Base & { type: 'response'; allocHint: number; contextId: number; cancelCount: number; stub: Buffer })
  | (Base & { type: 'fault'; allocHint: number; contextId: number; cancelCount: number; faultFlags: number; status: number; stub: Buffer })
  | (Base & { type: 'auth3' | 'shutdown' | 'co_cancel' | 'orphaned' });

/** The PDU variant of one type. */
export type PduOf<K extends Pdu['type']> = Extract<Pdu, { type: K }>;

const TYPE_BY_NUMBER = new Map<number, PduTypeName>(Object.entries(PTYPE).map(([k, v]) => [v, k as PduTypeName]));

function bad(detail: string): MalformedError {
  return new MalformedError('DCE/RPC PDU', detail);
}

function usage(message: string): NetsendError {
  return new NetsendError('usage', 0, 'RPC_INVALID_PDU', message);
}

function writeBindBody(w: ByteWriter, p: BindBody): void {
  w.u16le(p.maxXmitFrag).u16le(p.maxRecvFrag).u32le(p.assocGroupId);
  if (p.contexts.length > 255) throw usage('at most 255 presentation contexts');
  w.u8(p.contexts.length).zeros(3);
  for (const c of p.contexts) {
    if (c.transferSyntaxes.length > 255 || c.transferSyntaxes.length === 0) throw usage('1..255 transfer syntaxes per context');
    w.u16le(c.contextId).u8(c.transferSyntaxes.length).u8(0);
    writeSyntax(w, c.abstractSyntax);
    for (const t of c.transferSyntaxes) writeSyntax(w, t);
  }
}

function readBindBody(r: ByteReader): BindBody {
  const maxXmitFrag = r.u16le();
  const maxRecvFrag = r.u16le();
  const assocGroupId = r.u32le();
  const n = r.u8();
  r.skip(3);
  // Each context needs at least 4 + 20 + 20 octets: bound n before building the list.
  r.need(n * 44, 'presentation context list');
  const contexts: ContextElem[] = [];
  for (let i = 0; i < n; i++) {
    const contextId = r.u16le();
    const nts = r.u8();
    r.skip(1);
    r.need(20 + nts * 20, 'transfer syntaxes');
    const abstractSyntax = readSyntax(r);
    const transferSyntaxes: SyntaxId[] = [];
    for (let j = 0; j < nts; j++) transferSyntaxes.push(readSyntax(r));
    contexts.push({ contextId, abstractSyntax, transferSyntaxes });
  }
  return { maxXmitFrag, maxRecvFrag, assocGroupId, contexts };
}

function writeBindAckBody(w: ByteWriter, p: BindAckBody): void {
  w.u16le(p.maxXmitFrag).u16le(p.maxRecvFrag).u32le(p.assocGroupId);
  const addr = p.secAddr === '' ? Buffer.alloc(0) : Buffer.concat([Buffer.from(p.secAddr, 'latin1'), Buffer.alloc(1)]);
  w.u16le(addr.length).bytes(addr);
  w.align(4);
  if (p.results.length > 255) throw usage('at most 255 results');
  w.u8(p.results.length).zeros(3);
  for (const r of p.results) {
    w.u16le(r.result).u16le(r.reason);
    writeSyntax(w, r.transferSyntax);
  }
}

function readBindAckBody(r: ByteReader): BindAckBody {
  const maxXmitFrag = r.u16le();
  const maxRecvFrag = r.u16le();
  const assocGroupId = r.u32le();
  const len = r.u16le();
  const raw = r.bytes(len, 'sec_addr');
  const nul = raw.indexOf(0);
  const secAddr = (nul >= 0 ? raw.subarray(0, nul) : raw).toString('latin1');
  r.align(4);
  const n = r.u8();
  r.skip(3);
  r.need(n * 24, 'result list');
  const results: ContextResult[] = [];
  for (let i = 0; i < n; i++) {
    const result = r.u16le();
    const reason = r.u16le();
    results.push({ result, reason, transferSyntax: readSyntax(r) });
  }
  return { maxXmitFrag, maxRecvFrag, assocGroupId, secAddr, results };
}

/** Encodes one PDU fragment; frag_length and auth_length are computed. */
export function encodePdu(p: Pdu): Buffer {
  const w = new ByteWriter(128);
  const ptype = PTYPE[p.type];
  let flags = p.flags ?? PFC.FIRST_FRAG | PFC.LAST_FRAG;
  if (p.type === 'request' && p.object !== undefined) flags |= PFC.OBJECT_UUID;
  w.u8(5).u8(0).u8(ptype).u8(flags).bytes(NDR_DREP_LE).u16le(0).u16le(0).u32le(p.callId);
  switch (p.type) {
    case 'bind':
    case 'alter_context':
      writeBindBody(w, p);
      break;
    case 'bind_ack':
    case 'alter_context_resp':
      writeBindAckBody(w, p);
      break;
    case 'bind_nak':
      w.u16le(p.reason).u8(p.versions.length);
      for (const v of p.versions) w.u8(v.major).u8(v.minor);
      if (p.signature) {
        if (p.signature.length !== 16) throw usage('bind_nak signature is 16 bytes');
        w.bytes(p.signature);
      }
      break;
    case 'request':
      w.u32le(p.allocHint).u16le(p.contextId).u16le(p.opnum);
      if (p.object !== undefined) w.bytes(uuidToBytes(p.object));
      w.bytes(p.stub);
      break;
    case 'response':
      w.u32le(p.allocHint).u16le(p.contextId).u8(p.cancelCount).u8(0).bytes(p.stub);
      break;
    case 'fault':
      w.u32le(p.allocHint).u16le(p.contextId).u8(p.cancelCount).u8(p.faultFlags).u32le(p.status).u32le(0).bytes(p.stub);
      break;
    case 'auth3':
      w.zeros(4);
      break;
    default:
      break;
  }
  if (p.auth) {
    const a = p.auth;
    // The verifier starts 4-aligned ([MS-RPCE] §2.2.2.11); stubs pad to 16 relative to the stub.
    const stubStart = p.type === 'request' ? (p.object !== undefined ? 40 : 24) : 24;
    const base = p.type === 'request' || p.type === 'response' ? stubStart : 0;
    const align = p.type === 'request' || p.type === 'response' ? 16 : 4;
    const pad = (align - ((w.length - base) % align)) % align;
    w.zeros(pad);
    w.u8(a.authType).u8(a.authLevel).u8(pad).u8(0).u32le(a.authContextId).bytes(a.token);
    if (a.token.length > 0xffff) throw usage('auth token too long');
    w.patchU16le(10, a.token.length);
  }
  if (w.length > 0xffff) throw usage(`PDU of ${w.length} bytes exceeds frag_length`);
  w.patchU16le(8, w.length);
  return w.finish();
}

/**
 * A request fragment without object UUID or verifier (C706 §12.6.4.9), written straight into one
 * buffer: what encodePdu gives for the same fields, without its general writer (the warm-call path).
 */
export function encodePlainRequest(flags: number, callId: number, allocHint: number, contextId: number, opnum: number, stub: Buffer): Buffer {
  const length = REQUEST_HEADER_LENGTH + stub.length;
  if (length > 0xffff) throw usage(`PDU of ${length} bytes exceeds frag_length`);
  const b = Buffer.allocUnsafe(length);
  b[0] = 5;
  b[1] = 0;
  b[2] = PTYPE.request;
  b[3] = flags;
  NDR_DREP_LE.copy(b, 4);
  b.writeUInt16LE(length, 8);
  b.writeUInt16LE(0, 10);
  b.writeUInt32LE(callId >>> 0, 12);
  b.writeUInt32LE(allocHint >>> 0, 16);
  b.writeUInt16LE(contextId, 20);
  b.writeUInt16LE(opnum, 22);
  stub.copy(b, REQUEST_HEADER_LENGTH);
  return b;
}

/** The common header of a connection-oriented PDU (C706 §12.6.3.1). */
export interface PduHeader {
  type: PduTypeName;
  ptype: number;
  flags: number;
  drep: Buffer;
  fragLength: number;
  authLength: number;
  callId: number;
}

/** Parses the 16-octet common header (C706 §12.6.3.1). */
export function decodeHeader(buf: Buffer): PduHeader {
  const r = new ByteReader(buf, 'DCE/RPC header');
  const vers = r.u8();
  const minor = r.u8();
  if (vers !== 5 || minor > 1) throw bad(`rpc_vers ${vers}.${minor} (want 5.0 or 5.1)`);
  const ptype = r.u8();
  const type = TYPE_BY_NUMBER.get(ptype);
  if (type === undefined) throw bad(`unknown PTYPE ${ptype}`);
  const flags = r.u8();
  const drep = Buffer.from(r.bytes(4, 'drep'));
  checkDrep(drep);
  const fragLength = r.u16le();
  const authLength = r.u16le();
  const callId = r.u32le();
  if (fragLength < COMMON_HEADER_LENGTH) throw bad(`frag_length ${fragLength} shorter than the header`);
  return { type, ptype, flags, drep, fragLength, authLength, callId };
}

/** Decodes exactly one fragment; `buf.length` must equal frag_length. */
export function decodePdu(buf: Buffer): Pdu {
  const h = decodeHeader(buf);
  if (buf.length !== h.fragLength) throw bad(`frag_length ${h.fragLength} but ${buf.length} bytes`);
  let end = buf.length;
  let auth: AuthVerifier | undefined;
  if (h.authLength > 0) {
    const trailerAt = buf.length - h.authLength - SEC_TRAILER_LENGTH;
    if (trailerAt < COMMON_HEADER_LENGTH) throw bad(`auth_length ${h.authLength} does not fit in ${buf.length} bytes`);
    const t = new ByteReader(buf, 'sec_trailer', trailerAt);
    const authType = t.u8();
    const authLevel = t.u8();
    const authPadLength = t.u8();
    t.skip(1);
    const authContextId = t.u32le();
    const token = Buffer.from(t.bytes(h.authLength, 'auth_value'));
    if (trailerAt - authPadLength < COMMON_HEADER_LENGTH) throw bad(`auth_pad_length ${authPadLength} too large`);
    end = trailerAt - authPadLength;
    auth = { authType, authLevel, authPadLength, authContextId, token };
  }
  const r = new ByteReader(buf.subarray(0, end), `DCE/RPC ${h.type}`, COMMON_HEADER_LENGTH);
  const base = { flags: h.flags, callId: h.callId, ...(auth ? { auth } : {}) };
  switch (h.type) {
    case 'bind':
    case 'alter_context':
      return { type: h.type, ...base, ...readBindBody(r) };
    case 'bind_ack':
    case 'alter_context_resp':
      return { type: h.type, ...base, ...readBindAckBody(r) };
    case 'bind_nak': {
      const reason = r.u16le();
      const n = r.u8();
      r.need(n * 2, 'versions');
      const versions: { major: number; minor: number }[] = [];
      for (let i = 0; i < n; i++) versions.push({ major: r.u8(), minor: r.u8() });
      // [MS-RPCE] §2.2.2.9: the optional Signature follows the versions directly; it is present
      // when frag_length leaves room for it (extended error info may follow; not parsed).
      let signature: Buffer | undefined;
      if (r.remaining >= 16) signature = Buffer.from(r.bytes(16, 'signature'));
      return { type: 'bind_nak', ...base, reason, versions, ...(signature ? { signature } : {}) };
    }
    case 'request': {
      const allocHint = r.u32le();
      const contextId = r.u16le();
      const opnum = r.u16le();
      const object = h.flags & PFC.OBJECT_UUID ? uuidFromBytes(r.bytes(16, 'object uuid')) : undefined;
      return { type: 'request', ...base, allocHint, contextId, opnum, ...(object !== undefined ? { object } : {}), stub: Buffer.from(r.rest()) };
    }
    case 'response': {
      const allocHint = r.u32le();
      const contextId = r.u16le();
      const cancelCount = r.u8();
      r.skip(1);
      // Built in one order with no spread: one object shape per type on the warm path.
      const p: Pdu = { type: 'response', flags: h.flags, callId: h.callId, allocHint, contextId, cancelCount, stub: Buffer.from(r.rest()) };
      if (auth) p.auth = auth;
      return p;
    }
    case 'fault': {
      const allocHint = r.u32le();
      const contextId = r.u16le();
      const cancelCount = r.u8();
      const faultFlags = r.u8();
      const status = r.u32le();
      r.skip(4);
      const p: Pdu = { type: 'fault', flags: h.flags, callId: h.callId, allocHint, contextId, cancelCount, faultFlags, status, stub: Buffer.from(r.rest()) };
      if (auth) p.auth = auth;
      return p;
    }
    case 'auth3':
      r.skip(Math.min(4, r.remaining));
      return { type: 'auth3', ...base };
    default:
      return { type: h.type, ...base };
  }
}
