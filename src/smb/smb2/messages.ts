/**
 * SMB2 message bodies ([MS-SMB2] §2.2.3 - §2.2.32). Encoders return the body that follows the 64-byte
 * header; decoders take that body. Offsets on the wire count from the start of the header, so every
 * offset is converted with HDR and checked against the body before use.
 */
import { MalformedError } from '../../status/error.js';
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { FSCTL_PIPE_TRANSCEIVE, IOCTL_IS_FSCTL, SMB2_HEADER_SIZE } from './constants.js';
import { hasNegotiateContexts } from './dialects.js';

const HDR = SMB2_HEADER_SIZE;

/** A (offset-from-header, length) region of `body`, bounds-checked; offset 0 with length 0 means empty. */
function region(body: Buffer, what: string, offset: number, length: number, minOffset: number): Buffer {
  if (length === 0) return Buffer.alloc(0);
  const start = offset - HDR;
  if (offset < HDR + minOffset || start + length > body.length) {
    throw new MalformedError(what, `buffer at offset ${offset} length ${length} lies outside the ${body.length}-byte body`);
  }
  return Buffer.from(body.subarray(start, start + length));
}

function structureSize(r: ByteReader, expected: number): void {
  const s = r.u16le();
  if (s !== expected) throw new MalformedError(r.what, `StructureSize ${s}, expected ${expected}`);
}

function fileId(r: ByteReader): Buffer {
  return Buffer.from(r.bytes(16, 'FileId'));
}

function checkFileId(id: Buffer): Buffer {
  if (id.length !== 16) throw new MalformedError('SMB2 FileId', `must be 16 bytes, got ${id.length}`);
  return id;
}

// ---------------------------------------------------------------------------------------------
// NEGOTIATE

/** Negotiate context, [MS-SMB2] §2.2.3.1. `data` is the raw context data. */
export interface NegotiateContext {
  type: number;
  data: Buffer;
}

/** SMB2 NEGOTIATE Request, [MS-SMB2] §2.2.3. */
export interface NegotiateRequest {
  securityMode: number;
  capabilities: number;
  clientGuid: Buffer;
  dialects: readonly number[];
  /** Only sent when 0x0311 is offered. */
  contexts: NegotiateContext[];
}

function encodeContexts(w: ByteWriter, contexts: NegotiateContext[]): void {
  contexts.forEach((c, i) => {
    if (i > 0) w.align(8, -HDR);
    w.u16le(c.type).u16le(c.data.length).u32le(0).bytes(c.data);
  });
}

function decodeContexts(body: Buffer, what: string, offset: number, count: number, minOffset: number): NegotiateContext[] {
  if (count === 0) return [];
  const start = offset - HDR;
  if (offset < HDR + minOffset || start > body.length) throw new MalformedError(what, `NegotiateContextOffset ${offset} outside the body`);
  if (offset % 8 !== 0) throw new MalformedError(what, `NegotiateContextOffset ${offset} is not 8-aligned`);
  const r = new ByteReader(body, what, start);
  const out: NegotiateContext[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) r.align(8, -HDR);
    const type = r.u16le();
    const len = r.u16le();
    r.u32le();
    out.push({ type, data: Buffer.from(r.bytes(len, 'negotiate context data')) });
  }
  return out;
}

export function encodeNegotiateRequest(m: NegotiateRequest): Buffer {
  if (m.clientGuid.length !== 16) throw new MalformedError('SMB2 NEGOTIATE request', 'ClientGuid must be 16 bytes');
  const w = new ByteWriter(128);
  w.u16le(36).u16le(m.dialects.length).u16le(m.securityMode).u16le(0).u32le(m.capabilities).bytes(m.clientGuid);
  const ctxOffsetAt = w.length;
  w.u32le(0).u16le(m.contexts.length).u16le(0); // NegotiateContextOffset/Count/Reserved2 (ClientStartTime = 0 otherwise)
  for (const d of m.dialects) w.u16le(d);
  if (m.contexts.length > 0) {
    w.align(8, -HDR);
    w.patchU32le(ctxOffsetAt, HDR + w.length);
    encodeContexts(w, m.contexts);
  }
  return w.finish();
}

export function decodeNegotiateRequest(body: Buffer): NegotiateRequest {
  const r = new ByteReader(body, 'SMB2 NEGOTIATE request');
  structureSize(r, 36);
  const count = r.u16le();
  const securityMode = r.u16le();
  r.u16le();
  const capabilities = r.u32le();
  const clientGuid = Buffer.from(r.bytes(16, 'ClientGuid'));
  const ctxOffset = r.u32le();
  const ctxCount = r.u16le();
  r.u16le();
  const dialects: number[] = [];
  for (let i = 0; i < count; i++) dialects.push(r.u16le());
  const contexts = dialects.some(hasNegotiateContexts) ? decodeContexts(body, r.what, ctxOffset, ctxCount, 36 + 2 * count) : [];
  return { securityMode, capabilities, clientGuid, dialects, contexts };
}

/** SMB2 NEGOTIATE Response, [MS-SMB2] §2.2.4. */
export interface NegotiateResponse {
  securityMode: number;
  dialect: number;
  serverGuid: Buffer;
  capabilities: number;
  maxTransactSize: number;
  maxReadSize: number;
  maxWriteSize: number;
  systemTime: bigint;
  serverStartTime: bigint;
  securityBuffer: Buffer;
  /** Present only when dialect is 0x0311. */
  contexts: NegotiateContext[];
}

export function encodeNegotiateResponse(m: NegotiateResponse): Buffer {
  const w = new ByteWriter(256);
  const withContexts = hasNegotiateContexts(m.dialect);
  w.u16le(65).u16le(m.securityMode).u16le(m.dialect).u16le(withContexts ? m.contexts.length : 0).bytes(m.serverGuid);
  w.u32le(m.capabilities).u32le(m.maxTransactSize).u32le(m.maxReadSize).u32le(m.maxWriteSize);
  w.u64le(m.systemTime).u64le(m.serverStartTime);
  w.u16le(m.securityBuffer.length ? HDR + 64 : 0).u16le(m.securityBuffer.length);
  const ctxAt = w.length;
  w.u32le(0);
  w.bytes(m.securityBuffer);
  if (withContexts && m.contexts.length > 0) {
    w.align(8, -HDR);
    w.patchU32le(ctxAt, HDR + w.length);
    encodeContexts(w, m.contexts);
  }
  return w.finish();
}

export function decodeNegotiateResponse(body: Buffer): NegotiateResponse {
  const r = new ByteReader(body, 'SMB2 NEGOTIATE response');
  structureSize(r, 65);
  const securityMode = r.u16le();
  const dialect = r.u16le();
  const ctxCount = r.u16le();
  const serverGuid = Buffer.from(r.bytes(16, 'ServerGuid'));
  const capabilities = r.u32le();
  const maxTransactSize = r.u32le();
  const maxReadSize = r.u32le();
  const maxWriteSize = r.u32le();
  const systemTime = r.u64le();
  const serverStartTime = r.u64le();
  const secOffset = r.u16le();
  const secLength = r.u16le();
  const ctxOffset = r.u32le();
  const securityBuffer = region(body, r.what, secOffset, secLength, 64);
  const contexts = hasNegotiateContexts(dialect) ? decodeContexts(body, r.what, ctxOffset, ctxCount, 64) : [];
  return { securityMode, dialect, serverGuid, capabilities, maxTransactSize, maxReadSize, maxWriteSize, systemTime, serverStartTime, securityBuffer, contexts };
}

/** PREAUTH_INTEGRITY_CAPABILITIES, [MS-SMB2] §2.2.3.1.1. */
export interface PreauthIntegrityCaps {
  hashAlgorithms: number[];
  salt: Buffer;
}
export function encodePreauthCaps(c: PreauthIntegrityCaps): Buffer {
  const w = new ByteWriter(8 + c.salt.length).u16le(c.hashAlgorithms.length).u16le(c.salt.length);
  for (const a of c.hashAlgorithms) w.u16le(a);
  return w.bytes(c.salt).finish();
}
export function decodePreauthCaps(data: Buffer): PreauthIntegrityCaps {
  const r = new ByteReader(data, 'PREAUTH_INTEGRITY_CAPABILITIES');
  const n = r.u16le();
  const saltLen = r.u16le();
  if (n === 0) throw new MalformedError(r.what, 'HashAlgorithmCount is 0');
  const hashAlgorithms: number[] = [];
  for (let i = 0; i < n; i++) hashAlgorithms.push(r.u16le());
  return { hashAlgorithms, salt: Buffer.from(r.bytes(saltLen, 'Salt')) };
}

/** ENCRYPTION_CAPABILITIES ([MS-SMB2] §2.2.3.1.2) and SIGNING_CAPABILITIES (§2.2.3.1.7): a counted u16 list. */
export function encodeIdList(ids: number[]): Buffer {
  const w = new ByteWriter(2 + 2 * ids.length).u16le(ids.length);
  for (const id of ids) w.u16le(id);
  return w.finish();
}
export function decodeIdList(data: Buffer, what: string): number[] {
  const r = new ByteReader(data, what);
  const n = r.u16le();
  if (n === 0) throw new MalformedError(what, 'count is 0');
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.u16le());
  return out;
}

// ---------------------------------------------------------------------------------------------
// SESSION_SETUP / LOGOFF

/** SMB2 SESSION_SETUP Request, [MS-SMB2] §2.2.5. */
export interface SessionSetupRequest {
  flags: number;
  securityMode: number;
  capabilities: number;
  previousSessionId: bigint;
  securityBuffer: Buffer;
}
export function encodeSessionSetupRequest(m: SessionSetupRequest): Buffer {
  return new ByteWriter(24 + m.securityBuffer.length)
    .u16le(25)
    .u8(m.flags)
    .u8(m.securityMode)
    .u32le(m.capabilities)
    .u32le(0)
    .u16le(HDR + 24)
    .u16le(m.securityBuffer.length)
    .u64le(m.previousSessionId)
    .bytes(m.securityBuffer)
    .finish();
}
export function decodeSessionSetupRequest(body: Buffer): SessionSetupRequest {
  const r = new ByteReader(body, 'SMB2 SESSION_SETUP request');
  structureSize(r, 25);
  const flags = r.u8();
  const securityMode = r.u8();
  const capabilities = r.u32le();
  r.u32le();
  const off = r.u16le();
  const len = r.u16le();
  const previousSessionId = r.u64le();
  return { flags, securityMode, capabilities, previousSessionId, securityBuffer: region(body, r.what, off, len, 24) };
}

/** SMB2 SESSION_SETUP Response, [MS-SMB2] §2.2.6. */
export interface SessionSetupResponse {
  sessionFlags: number;
  securityBuffer: Buffer;
}
export function encodeSessionSetupResponse(m: SessionSetupResponse): Buffer {
  return new ByteWriter(8 + m.securityBuffer.length)
    .u16le(9)
    .u16le(m.sessionFlags)
    .u16le(HDR + 8)
    .u16le(m.securityBuffer.length)
    .bytes(m.securityBuffer)
    .finish();
}
export function decodeSessionSetupResponse(body: Buffer): SessionSetupResponse {
  const r = new ByteReader(body, 'SMB2 SESSION_SETUP response');
  structureSize(r, 9);
  const sessionFlags = r.u16le();
  const off = r.u16le();
  const len = r.u16le();
  return { sessionFlags, securityBuffer: region(body, r.what, off, len, 8) };
}

/**
 * The 4-byte bodies: LOGOFF ([MS-SMB2] §2.2.7/§2.2.8), TREE_DISCONNECT (§2.2.11/§2.2.12),
 * ECHO (§2.2.28/§2.2.29): StructureSize 4, Reserved.
 */
export function encodeEmpty4(): Buffer {
  return Buffer.from([4, 0, 0, 0]);
}
export function decodeEmpty4(body: Buffer, what: string): void {
  const r = new ByteReader(body, what);
  structureSize(r, 4);
  r.u16le();
}

// ---------------------------------------------------------------------------------------------
// TREE_CONNECT

/** SMB2 TREE_CONNECT Request, [MS-SMB2] §2.2.9. `path` is \\server\share. */
export interface TreeConnectRequest {
  flags: number;
  path: string;
}
export function encodeTreeConnectRequest(m: TreeConnectRequest): Buffer {
  const p = Buffer.from(m.path, 'utf16le');
  return new ByteWriter(8 + p.length).u16le(9).u16le(m.flags).u16le(HDR + 8).u16le(p.length).bytes(p).finish();
}
export function decodeTreeConnectRequest(body: Buffer): TreeConnectRequest {
  const r = new ByteReader(body, 'SMB2 TREE_CONNECT request');
  structureSize(r, 9);
  const flags = r.u16le();
  const off = r.u16le();
  const len = r.u16le();
  if (len % 2) throw new MalformedError(r.what, 'odd PathLength');
  return { flags, path: region(body, r.what, off, len, 8).toString('utf16le') };
}

/** SMB2 TREE_CONNECT Response, [MS-SMB2] §2.2.10. */
export interface TreeConnectResponse {
  shareType: number;
  shareFlags: number;
  capabilities: number;
  maximalAccess: number;
}
export function encodeTreeConnectResponse(m: TreeConnectResponse): Buffer {
  return new ByteWriter(16).u16le(16).u8(m.shareType).u8(0).u32le(m.shareFlags).u32le(m.capabilities).u32le(m.maximalAccess).finish();
}
export function decodeTreeConnectResponse(body: Buffer): TreeConnectResponse {
  const r = new ByteReader(body, 'SMB2 TREE_CONNECT response');
  structureSize(r, 16);
  const shareType = r.u8();
  r.u8();
  return { shareType, shareFlags: r.u32le(), capabilities: r.u32le(), maximalAccess: r.u32le() };
}

// ---------------------------------------------------------------------------------------------
// CREATE / CLOSE

/** SMB2 CREATE Request, [MS-SMB2] §2.2.13 (no create contexts). */
export interface CreateRequest {
  requestedOplockLevel: number;
  impersonationLevel: number;
  desiredAccess: number;
  fileAttributes: number;
  shareAccess: number;
  createDisposition: number;
  createOptions: number;
  name: string;
}
export function encodeCreateRequest(m: CreateRequest): Buffer {
  const name = Buffer.from(m.name, 'utf16le');
  const w = new ByteWriter(56 + Math.max(name.length, 1));
  w.u16le(57).u8(0).u8(m.requestedOplockLevel).u32le(m.impersonationLevel).u64le(0n).u64le(0n);
  w.u32le(m.desiredAccess).u32le(m.fileAttributes).u32le(m.shareAccess).u32le(m.createDisposition).u32le(m.createOptions);
  w.u16le(HDR + 56).u16le(name.length).u32le(0).u32le(0);
  // The Buffer is at least one byte long even for an empty name (§2.2.13).
  w.bytes(name.length ? name : Buffer.alloc(1));
  return w.finish();
}
export function decodeCreateRequest(body: Buffer): CreateRequest {
  const r = new ByteReader(body, 'SMB2 CREATE request');
  structureSize(r, 57);
  r.u8();
  const requestedOplockLevel = r.u8();
  const impersonationLevel = r.u32le();
  r.skip(16);
  const desiredAccess = r.u32le();
  const fileAttributes = r.u32le();
  const shareAccess = r.u32le();
  const createDisposition = r.u32le();
  const createOptions = r.u32le();
  const off = r.u16le();
  const len = r.u16le();
  r.u32le();
  r.u32le();
  if (len % 2) throw new MalformedError(r.what, 'odd NameLength');
  const name = region(body, r.what, off, len, 56).toString('utf16le');
  return { requestedOplockLevel, impersonationLevel, desiredAccess, fileAttributes, shareAccess, createDisposition, createOptions, name };
}

/** SMB2 CREATE Response, [MS-SMB2] §2.2.14 (create contexts kept raw). */
export interface CreateResponse {
  oplockLevel: number;
  flags: number;
  createAction: number;
  creationTime: bigint;
  lastAccessTime: bigint;
  lastWriteTime: bigint;
  changeTime: bigint;
  allocationSize: bigint;
  endOfFile: bigint;
  fileAttributes: number;
  fileId: Buffer;
  createContexts: Buffer;
}
export function encodeCreateResponse(m: CreateResponse): Buffer {
  const w = new ByteWriter(96);
  w.u16le(89).u8(m.oplockLevel).u8(m.flags).u32le(m.createAction);
  w.u64le(m.creationTime).u64le(m.lastAccessTime).u64le(m.lastWriteTime).u64le(m.changeTime);
  w.u64le(m.allocationSize).u64le(m.endOfFile).u32le(m.fileAttributes).u32le(0).bytes(checkFileId(m.fileId));
  w.u32le(m.createContexts.length ? HDR + 88 : 0).u32le(m.createContexts.length);
  w.bytes(m.createContexts.length ? m.createContexts : Buffer.alloc(0));
  return w.finish();
}
export function decodeCreateResponse(body: Buffer): CreateResponse {
  const r = new ByteReader(body, 'SMB2 CREATE response');
  structureSize(r, 89);
  const oplockLevel = r.u8();
  const flags = r.u8();
  const createAction = r.u32le();
  const creationTime = r.u64le();
  const lastAccessTime = r.u64le();
  const lastWriteTime = r.u64le();
  const changeTime = r.u64le();
  const allocationSize = r.u64le();
  const endOfFile = r.u64le();
  const fileAttributes = r.u32le();
  r.u32le();
  const id = fileId(r);
  const off = r.u32le();
  const len = r.u32le();
  return {
    oplockLevel,
    flags,
    createAction,
    creationTime,
    lastAccessTime,
    lastWriteTime,
    changeTime,
    allocationSize,
    endOfFile,
    fileAttributes,
    fileId: id,
    createContexts: region(body, r.what, off, len, 88),
  };
}

/** SMB2 CLOSE Request, [MS-SMB2] §2.2.15. */
export interface CloseRequest {
  flags: number;
  fileId: Buffer;
}
export function encodeCloseRequest(m: CloseRequest): Buffer {
  return new ByteWriter(24).u16le(24).u16le(m.flags).u32le(0).bytes(checkFileId(m.fileId)).finish();
}
export function decodeCloseRequest(body: Buffer): CloseRequest {
  const r = new ByteReader(body, 'SMB2 CLOSE request');
  structureSize(r, 24);
  const flags = r.u16le();
  r.u32le();
  return { flags, fileId: fileId(r) };
}

/** SMB2 CLOSE Response, [MS-SMB2] §2.2.16. */
export interface CloseResponse {
  flags: number;
  creationTime: bigint;
  lastAccessTime: bigint;
  lastWriteTime: bigint;
  changeTime: bigint;
  allocationSize: bigint;
  endOfFile: bigint;
  fileAttributes: number;
}
export function encodeCloseResponse(m: CloseResponse): Buffer {
  return new ByteWriter(60)
    .u16le(60)
    .u16le(m.flags)
    .u32le(0)
    .u64le(m.creationTime)
    .u64le(m.lastAccessTime)
    .u64le(m.lastWriteTime)
    .u64le(m.changeTime)
    .u64le(m.allocationSize)
    .u64le(m.endOfFile)
    .u32le(m.fileAttributes)
    .finish();
}
export function decodeCloseResponse(body: Buffer): CloseResponse {
  const r = new ByteReader(body, 'SMB2 CLOSE response');
  structureSize(r, 60);
  const flags = r.u16le();
  r.u32le();
  return {
    flags,
    creationTime: r.u64le(),
    lastAccessTime: r.u64le(),
    lastWriteTime: r.u64le(),
    changeTime: r.u64le(),
    allocationSize: r.u64le(),
    endOfFile: r.u64le(),
    fileAttributes: r.u32le(),
  };
}

// ---------------------------------------------------------------------------------------------
// READ / WRITE

/** SMB2 READ Request, [MS-SMB2] §2.2.19 (no channel info). */
export interface ReadRequest {
  flags: number;
  length: number;
  offset: bigint;
  fileId: Buffer;
  minimumCount: number;
  remainingBytes: number;
}
export function encodeReadRequest(m: ReadRequest): Buffer {
  return new ByteWriter(49)
    .u16le(49)
    .u8(0)
    .u8(m.flags)
    .u32le(m.length)
    .u64le(m.offset)
    .bytes(checkFileId(m.fileId))
    .u32le(m.minimumCount)
    .u32le(0)
    .u32le(m.remainingBytes)
    .u16le(0)
    .u16le(0)
    .u8(0) // the one-byte Buffer the structure size counts
    .finish();
}
export function decodeReadRequest(body: Buffer): ReadRequest {
  const r = new ByteReader(body, 'SMB2 READ request');
  structureSize(r, 49);
  r.u8();
  const flags = r.u8();
  const length = r.u32le();
  const offset = r.u64le();
  const id = fileId(r);
  const minimumCount = r.u32le();
  r.u32le();
  const remainingBytes = r.u32le();
  r.u32le();
  return { flags, length, offset, fileId: id, minimumCount, remainingBytes };
}

/** SMB2 READ Response, [MS-SMB2] §2.2.20. */
export interface ReadResponse {
  dataRemaining: number;
  data: Buffer;
}
export function encodeReadResponse(m: ReadResponse): Buffer {
  return new ByteWriter(16 + m.data.length)
    .u16le(17)
    .u8(HDR + 16)
    .u8(0)
    .u32le(m.data.length)
    .u32le(m.dataRemaining)
    .u32le(0)
    .bytes(m.data)
    .finish();
}
export function decodeReadResponse(body: Buffer): ReadResponse {
  const r = new ByteReader(body, 'SMB2 READ response');
  structureSize(r, 17);
  const off = r.u8();
  r.u8();
  const len = r.u32le();
  const dataRemaining = r.u32le();
  r.u32le();
  return { dataRemaining, data: region(body, r.what, off, len, 16) };
}

/** SMB2 WRITE Request, [MS-SMB2] §2.2.21 (no channel info). */
export interface WriteRequest {
  offset: bigint;
  fileId: Buffer;
  remainingBytes: number;
  flags: number;
  data: Buffer;
}
export function encodeWriteRequest(m: WriteRequest): Buffer {
  return new ByteWriter(48 + m.data.length)
    .u16le(49)
    .u16le(HDR + 48)
    .u32le(m.data.length)
    .u64le(m.offset)
    .bytes(checkFileId(m.fileId))
    .u32le(0)
    .u32le(m.remainingBytes)
    .u16le(0)
    .u16le(0)
    .u32le(m.flags)
    .bytes(m.data)
    .finish();
}
export function decodeWriteRequest(body: Buffer): WriteRequest {
  const r = new ByteReader(body, 'SMB2 WRITE request');
  structureSize(r, 49);
  const off = r.u16le();
  const len = r.u32le();
  const offset = r.u64le();
  const id = fileId(r);
  r.u32le();
  const remainingBytes = r.u32le();
  r.u32le();
  const flags = r.u32le();
  return { offset, fileId: id, remainingBytes, flags, data: region(body, r.what, off, len, 48) };
}

/** SMB2 WRITE Response, [MS-SMB2] §2.2.22. */
export interface WriteResponse {
  count: number;
  remaining: number;
}
export function encodeWriteResponse(m: WriteResponse): Buffer {
  return new ByteWriter(16).u16le(17).u16le(0).u32le(m.count).u32le(m.remaining).u16le(0).u16le(0).finish();
}
export function decodeWriteResponse(body: Buffer): WriteResponse {
  const r = new ByteReader(body, 'SMB2 WRITE response');
  structureSize(r, 17);
  r.u16le();
  const count = r.u32le();
  const remaining = r.u32le();
  r.u32le();
  return { count, remaining };
}

// ---------------------------------------------------------------------------------------------
// IOCTL

/** SMB2 IOCTL Request, [MS-SMB2] §2.2.31. */
export interface IoctlRequest {
  ctlCode: number;
  fileId: Buffer;
  input: Buffer;
  maxInputResponse: number;
  maxOutputResponse: number;
  flags: number;
}
export function encodeIoctlRequest(m: IoctlRequest): Buffer {
  return new ByteWriter(56 + m.input.length)
    .u16le(57)
    .u16le(0)
    .u32le(m.ctlCode)
    .bytes(checkFileId(m.fileId))
    .u32le(HDR + 56) // InputOffset; peers fill it (and OutputOffset) even for empty buffers
    .u32le(m.input.length)
    .u32le(m.maxInputResponse)
    .u32le(HDR + 56)
    .u32le(0)
    .u32le(m.maxOutputResponse)
    .u32le(m.flags)
    .u32le(0)
    .bytes(m.input)
    .finish();
}
/** IOCTL request fields patched per transact ([MS-SMB2] §2.2.31): InputCount, MaxOutputResponse. */
const IOCTL_INPUT_COUNT = 28;
const IOCTL_MAX_OUTPUT_RESPONSE = 44;

/** A pipe's FSCTL_PIPE_TRANSCEIVE request with no input ([MS-SMB2] §3.2.4.20.1), for encodeTransceive. */
export function transceiveTemplate(fileId: Buffer): Buffer {
  return encodeIoctlRequest({ ctlCode: FSCTL_PIPE_TRANSCEIVE, fileId, input: Buffer.alloc(0), maxInputResponse: 0, maxOutputResponse: 0, flags: IOCTL_IS_FSCTL });
}

/**
 * An FSCTL_PIPE_TRANSCEIVE IOCTL body from a pipe's template (transceiveTemplate): what
 * encodeIoctlRequest gives for the same fields, with only the counts written per call.
 */
export function encodeTransceive(template: Buffer, input: Buffer, maxOutputResponse: number): Buffer {
  const body = Buffer.allocUnsafe(template.length + input.length);
  template.copy(body, 0);
  body.writeUInt32LE(input.length, IOCTL_INPUT_COUNT);
  body.writeUInt32LE(maxOutputResponse, IOCTL_MAX_OUTPUT_RESPONSE);
  input.copy(body, template.length);
  return body;
}
export function decodeIoctlRequest(body: Buffer): IoctlRequest {
  const r = new ByteReader(body, 'SMB2 IOCTL request');
  structureSize(r, 57);
  r.u16le();
  const ctlCode = r.u32le();
  const id = fileId(r);
  const inOff = r.u32le();
  const inLen = r.u32le();
  const maxInputResponse = r.u32le();
  r.u32le();
  r.u32le();
  const maxOutputResponse = r.u32le();
  const flags = r.u32le();
  r.u32le();
  return { ctlCode, fileId: id, input: region(body, r.what, inOff, inLen, 56), maxInputResponse, maxOutputResponse, flags };
}

/** SMB2 IOCTL Response, [MS-SMB2] §2.2.32. */
export interface IoctlResponse {
  ctlCode: number;
  fileId: Buffer;
  input: Buffer;
  output: Buffer;
  flags: number;
}
export function encodeIoctlResponse(m: IoctlResponse): Buffer {
  const w = new ByteWriter(48 + m.input.length + m.output.length);
  w.u16le(49).u16le(0).u32le(m.ctlCode).bytes(checkFileId(m.fileId));
  const inOff = HDR + 48;
  const outOff = inOff + m.input.length + ((8 - (m.input.length % 8)) % 8);
  w.u32le(inOff).u32le(m.input.length);
  w.u32le(outOff).u32le(m.output.length);
  w.u32le(m.flags).u32le(0);
  w.bytes(m.input);
  if (m.output.length) {
    w.align(8, -HDR);
    w.bytes(m.output);
  }
  return w.finish();
}
export function decodeIoctlResponse(body: Buffer): IoctlResponse {
  const r = new ByteReader(body, 'SMB2 IOCTL response');
  structureSize(r, 49);
  r.u16le();
  const ctlCode = r.u32le();
  const id = fileId(r);
  const inOff = r.u32le();
  const inLen = r.u32le();
  const outOff = r.u32le();
  const outLen = r.u32le();
  const flags = r.u32le();
  r.u32le();
  return { ctlCode, fileId: id, input: region(body, r.what, inOff, inLen, 48), output: region(body, r.what, outOff, outLen, 48), flags };
}

/** FSCTL_VALIDATE_NEGOTIATE_INFO input, [MS-SMB2] §2.2.31.4. */
export interface ValidateNegotiateInfoRequest {
  capabilities: number;
  guid: Buffer;
  securityMode: number;
  dialects: readonly number[];
}
export function encodeValidateNegotiateInfoRequest(m: ValidateNegotiateInfoRequest): Buffer {
  const w = new ByteWriter(24 + 2 * m.dialects.length).u32le(m.capabilities).bytes(m.guid).u16le(m.securityMode).u16le(m.dialects.length);
  for (const d of m.dialects) w.u16le(d);
  return w.finish();
}
export function decodeValidateNegotiateInfoRequest(data: Buffer): ValidateNegotiateInfoRequest {
  const r = new ByteReader(data, 'VALIDATE_NEGOTIATE_INFO request');
  const capabilities = r.u32le();
  const guid = Buffer.from(r.bytes(16, 'Guid'));
  const securityMode = r.u16le();
  const n = r.u16le();
  const dialects: number[] = [];
  for (let i = 0; i < n; i++) dialects.push(r.u16le());
  return { capabilities, guid, securityMode, dialects };
}

/** VALIDATE_NEGOTIATE_INFO response, [MS-SMB2] §2.2.32.6. */
export interface ValidateNegotiateInfoResponse {
  capabilities: number;
  guid: Buffer;
  securityMode: number;
  dialect: number;
}
export function encodeValidateNegotiateInfoResponse(m: ValidateNegotiateInfoResponse): Buffer {
  return new ByteWriter(24).u32le(m.capabilities).bytes(m.guid).u16le(m.securityMode).u16le(m.dialect).finish();
}
export function decodeValidateNegotiateInfoResponse(data: Buffer): ValidateNegotiateInfoResponse {
  const r = new ByteReader(data, 'VALIDATE_NEGOTIATE_INFO response');
  return { capabilities: r.u32le(), guid: Buffer.from(r.bytes(16, 'Guid')), securityMode: r.u16le(), dialect: r.u16le() };
}

// ---------------------------------------------------------------------------------------------
// ERROR

/** SMB2 ERROR Response, [MS-SMB2] §2.2.2. ErrorData is kept raw (contexts are not needed here). */
export interface ErrorResponse {
  errorContextCount: number;
  errorData: Buffer;
}
export function encodeErrorResponse(m: ErrorResponse): Buffer {
  return new ByteWriter(9 + m.errorData.length)
    .u16le(9)
    .u8(m.errorContextCount)
    .u8(0)
    .u32le(m.errorData.length)
    .bytes(m.errorData.length ? m.errorData : Buffer.alloc(1))
    .finish();
}
export function decodeErrorResponse(body: Buffer): ErrorResponse {
  const r = new ByteReader(body, 'SMB2 ERROR response');
  structureSize(r, 9);
  const errorContextCount = r.u8();
  r.u8();
  const byteCount = r.u32le();
  // Samba and Windows send the one-byte pad for ByteCount 0; tolerate its absence.
  const errorData = byteCount === 0 ? Buffer.alloc(0) : Buffer.from(r.bytes(byteCount, 'ErrorData'));
  return { errorContextCount, errorData };
}
