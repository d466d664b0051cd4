/**
 * The Legacy "IcaApi" interface of [MS-TSTS] (§3.7.4.1) on \PIPE\Ctx_WinStation_API_service:
 * RpcWinStationOpenServer (opnum 0), RpcWinStationCloseServer (1), RpcWinStationEnumerate (3),
 * RpcWinStationSendMessage (7), RpcWinStationCloseServerEx (60). Each returns a 1-octet BOOLEAN
 * (TRUE = success) and the detail in [out] DWORD *pResult, an NTSTATUS (tsts-notes §2.1).
 */
import { NetsendError, usageError } from '../../status/error.js';
import { NT } from '../../status/ntstatus.js';
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import type { CallOptions, RpcInterface } from '../client.js';
import type { RpcCaller } from '../caller.js';
import { ndrCall } from '../ndr/call.js';
import { boolean, conformantArray, conformantBytes, contextHandle, refPtr, u16, u32, uniquePtr } from '../ndr/types.js';
import { checkBoolean, liveHandle, type ServerHandle } from './tsts-common.js';
import { WINSTATIONNAME_CHARS, type SessionEntry } from './termsrv-enumeration.js';

/** [MS-TSTS] §1.9: 5ca4a760-ebb1-11cf-8611-00a0245420ed v1.0. */
export const ICAAPI: RpcInterface = { name: 'IcaApi', syntax: { uuid: '5ca4a760-ebb1-11cf-8611-00a0245420ed', major: 1, minor: 0 } };

/** BOOLEAN RpcWinStationOpenServer([in] handle_t hBinding, [out] DWORD *pResult, [out] SERVER_HANDLE *phServer); §3.7.4.1.1. */
export const RpcWinStationOpenServer = ndrCall(0, {
  name: 'RpcWinStationOpenServer',
  in: [],
  out: [
    ['pResult', refPtr(u32)],
    ['phServer', refPtr(contextHandle)],
    ['result', boolean],
  ],
});

/** BOOLEAN RpcWinStationCloseServer([in] SERVER_HANDLE hServer, [out] DWORD *pResult); §3.7.4.1.2. */
export const RpcWinStationCloseServer = ndrCall(1, {
  name: 'RpcWinStationCloseServer',
  in: [['hServer', contextHandle]],
  out: [
    ['pResult', refPtr(u32)],
    ['result', boolean],
  ],
});

/** BOOLEAN RpcWinStationCloseServerEx([in,out] SERVER_HANDLE *phServer, [out] DWORD *pResult); §3.7.4.1.x (opnum 60). */
export const RpcWinStationCloseServerEx = ndrCall(60, {
  name: 'RpcWinStationCloseServerEx',
  in: [['phServer', refPtr(contextHandle)]],
  out: [
    ['phServer', refPtr(contextHandle)],
    ['pResult', refPtr(u32)],
    ['result', boolean],
  ],
});

/**
 * BOOLEAN RpcWinStationEnumerate([in] SERVER_HANDLE hServer, [out] DWORD *pResult,
 *   [in,out] PULONG pEntries, [in,out,unique,size_is(*pByteCount)] PCHAR pLogonId,
 *   [in,out] PULONG pByteCount, [in,out] PULONG pIndex); §3.7.4.1.4.
 */
export const RpcWinStationEnumerate = ndrCall(3, {
  name: 'RpcWinStationEnumerate',
  in: [
    ['hServer', contextHandle],
    ['pEntries', refPtr(u32)],
    ['pLogonId', uniquePtr(conformantBytes({ sizeIs: 'pByteCount' }))],
    ['pByteCount', refPtr(u32)],
    ['pIndex', refPtr(u32)],
  ],
  out: [
    ['pResult', refPtr(u32)],
    ['pEntries', refPtr(u32)],
    ['pLogonId', uniquePtr(conformantBytes({ sizeIs: 'pByteCount' }))],
    ['pByteCount', refPtr(u32)],
    ['pIndex', refPtr(u32)],
    ['result', boolean],
  ],
});

/**
 * BOOLEAN RpcWinStationSendMessage([in] SERVER_HANDLE hServer, [out] DWORD *pResult, [in] DWORD LogonId,
 *   [in, size_is(TitleLength)] PWCHAR pTitle, [in, range(0,1024)] DWORD TitleLength,
 *   [in, size_is(MessageLength)] PWCHAR pMessage, [in, range(0,1024)] DWORD MessageLength,
 *   [in] DWORD Style, [in] DWORD Timeout, [out] DWORD *pResponse, [in] BOOLEAN DoNotWait); §3.7.4.1.8.
 */
export const RpcWinStationSendMessage = ndrCall(7, {
  name: 'RpcWinStationSendMessage',
  in: [
    ['hServer', contextHandle],
    ['LogonId', u32],
    ['pTitle', refPtr(conformantArray(u16, { sizeIs: 'TitleLength' }))],
    ['TitleLength', u32],
    ['pMessage', refPtr(conformantArray(u16, { sizeIs: 'MessageLength' }))],
    ['MessageLength', u32],
    ['Style', u32],
    ['Timeout', u32],
    ['DoNotWait', boolean],
  ],
  out: [
    ['pResult', refPtr(u32)],
    ['pResponse', refPtr(u32)],
    ['result', boolean],
  ],
});

/** `range(0,1024)` on TitleLength / MessageLength. */
export const LEGACY_MAX_LENGTH = 1024;
/** Longest string the byte-count encoding carries: 2 * (n + 1) <= 1024. */
export const LEGACY_MAX_CHARS = LEGACY_MAX_LENGTH / 2 - 1;

/**
 * The string as a WCHAR array for SendMessage, tsts-notes §2.2 "safe encoding": n = UTF-16 units + 1
 * (NUL); the array holds 2n WCHARs (string, NUL, zero padding) and Length = 2n, so the server sees
 * the whole string and its NUL whether it reads Length as bytes ([MS-TSTS] text) or as WCHARs (size_is).
 */
export function legacyText(s: string, what: string): number[] {
  if (s.includes('\0')) throw usageError(`${what} contains NUL`);
  const bytes = Buffer.from(s, 'utf16le');
  const n = bytes.length / 2 + 1;
  if (2 * n > LEGACY_MAX_LENGTH) throw usageError(`${what} longer than ${LEGACY_MAX_CHARS} UTF-16 units (the Legacy interface's limit)`);
  const out = new Array<number>(2 * n).fill(0);
  for (let i = 0; i < n - 1; i++) out[i] = bytes.readUInt16LE(2 * i);
  return out;
}

export interface SendMessageArgs {
  sessionId: number;
  title: string;
  message: string;
  style?: number;
  timeoutSec?: number;
  doNotWait?: boolean;
}

export function encodeSendMessage(h: ServerHandle, a: SendMessageArgs): Buffer {
  const title = legacyText(a.title, 'title');
  const message = legacyText(a.message, 'message');
  return RpcWinStationSendMessage.encodeIn({
    hServer: h,
    LogonId: a.sessionId,
    pTitle: title,
    TitleLength: title.length,
    pMessage: message,
    MessageLength: message.length,
    Style: a.style ?? 0,
    Timeout: a.timeoutSec ?? 0,
    DoNotWait: a.doNotWait !== false,
  });
}

/** Native LOGONID / SESSIONID entries in the Enumerate buffer: 76-octet stride ([MS-TSTS] §2.2.2.13). */
export const LOGONID_SIZE = 76;

/** Parses `count` LOGONID entries (SessionId u32 @0, WinStationName WCHAR[33] @4, State u32 @72). */
export function parseLogonIds(buf: Buffer, count: number): SessionEntry[] {
  if (count * LOGONID_SIZE > buf.length) throw new NetsendError('protocol', 0, 'RPC_X_BAD_STUB_DATA', `RpcWinStationEnumerate: ${count} entries do not fit in ${buf.length} bytes`);
  const r = new ByteReader(buf, 'LOGONID');
  const out: SessionEntry[] = [];
  for (let i = 0; i < count; i++) {
    const sessionId = r.u32le();
    const units: number[] = [];
    for (let j = 0; j < WINSTATIONNAME_CHARS; j++) units.push(r.u16le());
    r.skip(2);
    const state = r.u32le();
    const end = units.indexOf(0);
    out.push({ sessionId, state, name: String.fromCharCode(...(end < 0 ? units : units.slice(0, end))) });
  }
  return out;
}

/** The server's side of parseLogonIds (tests, responder). */
export function buildLogonIds(entries: readonly { sessionId: number; state: number; name: string }[]): Buffer {
  const w = new ByteWriter(entries.length * LOGONID_SIZE);
  for (const e of entries) {
    w.u32le(e.sessionId);
    const name = Buffer.alloc(WINSTATIONNAME_CHARS * 2);
    name.write(e.name.slice(0, WINSTATIONNAME_CHARS - 1), 'utf16le');
    w.bytes(name).zeros(2).u32le(e.state);
  }
  return w.finish();
}

export async function openServer(rpc: RpcCaller, opts: CallOptions = {}): Promise<ServerHandle> {
  const out = RpcWinStationOpenServer.decodeOut(await rpc.call(RpcWinStationOpenServer.opnum, RpcWinStationOpenServer.encodeIn({}), opts));
  checkBoolean(out.result, out.pResult, 'RpcWinStationOpenServer');
  return liveHandle(out.phServer, 'SERVER_HANDLE');
}

/** RpcWinStationCloseServerEx (zeroes the handle); when the server has no opnum 60, RpcWinStationCloseServer. */
export async function closeServer(rpc: RpcCaller, h: ServerHandle, opts: CallOptions = {}): Promise<void> {
  try {
    const out = RpcWinStationCloseServerEx.decodeOut(await rpc.call(RpcWinStationCloseServerEx.opnum, RpcWinStationCloseServerEx.encodeIn({ phServer: h }), opts));
    checkBoolean(out.result, out.pResult, 'RpcWinStationCloseServerEx');
  } catch (e) {
    if (!(e instanceof NetsendError && e.layer === 'rpc-fault' && e.name === 'nca_s_op_rng_error')) throw e;
    const out = RpcWinStationCloseServer.decodeOut(await rpc.call(RpcWinStationCloseServer.opnum, RpcWinStationCloseServer.encodeIn({ hServer: h }), opts));
    checkBoolean(out.result, out.pResult, 'RpcWinStationCloseServer');
  }
}

/** Entries asked per RpcWinStationEnumerate call, and the buffer for them. */
export const ENUM_BATCH = 16;

/** Calls RpcWinStationEnumerate until STATUS_NO_MORE_ENTRIES ([MS-TSTS] §4.4); at most `maxCalls` calls. */
export async function enumerateWinStations(rpc: RpcCaller, h: ServerHandle, opts: CallOptions = {}, maxCalls = 256): Promise<SessionEntry[]> {
  const all: SessionEntry[] = [];
  let index = 0;
  for (let call = 0; call < maxCalls; call++) {
    const byteCount = ENUM_BATCH * LOGONID_SIZE;
    const stub = RpcWinStationEnumerate.encodeIn({ hServer: h, pEntries: 0xffffffff, pLogonId: Buffer.alloc(byteCount), pByteCount: byteCount, pIndex: index });
    const out = RpcWinStationEnumerate.decodeOut(await rpc.call(RpcWinStationEnumerate.opnum, stub, opts));
    if (out.pResult >>> 0 === NT.STATUS_NO_MORE_ENTRIES) return all;
    checkBoolean(out.result, out.pResult, 'RpcWinStationEnumerate');
    if (out.pEntries === 0) return all;
    all.push(...parseLogonIds(out.pLogonId ?? Buffer.alloc(0), out.pEntries));
    if (out.pIndex === index) throw new NetsendError('protocol', 0, 'RPC_X_BAD_STUB_DATA', 'RpcWinStationEnumerate: the index did not advance');
    index = out.pIndex;
  }
  throw new NetsendError('protocol', 0, 'RPC_X_BAD_STUB_DATA', `RpcWinStationEnumerate: no end after ${maxCalls} calls`);
}

/** RpcWinStationSendMessage: the response (IDASYNC when not waiting). FALSE throws with pResult named. */
export async function sendMessage(rpc: RpcCaller, h: ServerHandle, a: SendMessageArgs, opts: CallOptions = {}): Promise<number> {
  const out = RpcWinStationSendMessage.decodeOut(await rpc.call(RpcWinStationSendMessage.opnum, encodeSendMessage(h, a), opts));
  checkBoolean(out.result, out.pResult, `RpcWinStationSendMessage(${a.sessionId})`);
  return out.pResponse;
}
