/**
 * TermSrvEnumeration, the LSM session enumeration interface of [MS-TSTS] (§3.3.4.3), on
 * \PIPE\LSM_API_service. Only what `msg *` and `netsend sessions` need: RpcOpenEnum (opnum 0),
 * RpcCloseEnum (1), RpcGetEnumResult (5, levels 1 and 2) and RpcGetSessionIds (8).
 * The explicit `handle_t hBinding` parameters are not marshalled (C706 §4.2.9.2), so RpcOpenEnum's
 * request stub is empty and RpcGetSessionIds starts with the filter (tsts-notes §2.1).
 */
import { NetsendError } from '../../status/error.js';
import type { CallOptions, RpcInterface } from '../client.js';
import type { RpcCaller } from '../caller.js';
import { ndrCall } from '../ndr/call.js';
import { conformantArray, contextHandle, enum16, fixedArray, fixedBytes, i32, refPtr, struct, u16, u32, union, uniquePtr, type UnionValue } from '../ndr/types.js';
import { checkHresult, liveHandle, type EnumHandle } from './tsts-common.js';

/** [MS-TSTS] §1.9: 88143fd0-c28d-4b2b-8fef-8d882f6a9390 v1.0. */
export const TERMSRV_ENUMERATION: RpcInterface = { name: 'TermSrvEnumeration', syntax: { uuid: '88143fd0-c28d-4b2b-8fef-8d882f6a9390', major: 1, minor: 0 } };

/** WINSTATIONNAME_LENGTH + 1 ([MS-TSTS] §2.2.2.1). */
export const WINSTATIONNAME_CHARS = 33;

/** [MS-TSTS] §2.2.2.15.1 SESSIONENUM_LEVEL1 { LONG SessionId; LONG State; WCHAR Name[33]; }. */
export const SESSIONENUM_LEVEL1 = struct(
  [
    ['SessionId', i32],
    ['State', i32],
    ['Name', fixedArray(u16, WINSTATIONNAME_CHARS)],
  ],
  'SESSIONENUM_LEVEL1',
);

/** [MS-TSTS] §2.2.2.15.2 SESSIONENUM_LEVEL2: level 1 + Source, bFullDesktop (BOOL), SessionType (GUID). */
export const SESSIONENUM_LEVEL2 = struct(
  [
    ['SessionId', i32],
    ['State', i32],
    ['Name', fixedArray(u16, WINSTATIONNAME_CHARS)],
    ['Source', u32],
    ['bFullDesktop', u32],
    ['SessionType', fixedBytes(16, 4)],
  ],
  'SESSIONENUM_LEVEL2',
);

/** [MS-TSTS] §2.2.2.16 SESSIONENUM { DWORD Level; [switch_is(Level)] SessionInfo Data; }. */
export const SESSIONENUM = struct(
  [
    ['Level', u32],
    ['Data', union<unknown>({ 1: SESSIONENUM_LEVEL1, 2: SESSIONENUM_LEVEL2 }, { switchIs: 'Level' })],
  ],
  'SESSIONENUM',
);

/** HRESULT RpcOpenEnum([in] handle_t hBinding, [out] ENUM_HANDLE *phEnum); ([MS-TSTS] §3.3.4.3.1). */
export const RpcOpenEnum = ndrCall(0, {
  name: 'RpcOpenEnum',
  in: [],
  out: [
    ['phEnum', refPtr(contextHandle)],
    ['result', u32],
  ],
});

/** HRESULT RpcCloseEnum([in,out] ENUM_HANDLE *phEnum); ([MS-TSTS] §3.3.4.3.2). */
export const RpcCloseEnum = ndrCall(1, {
  name: 'RpcCloseEnum',
  in: [['phEnum', refPtr(contextHandle)]],
  out: [
    ['phEnum', refPtr(contextHandle)],
    ['result', u32],
  ],
});

/**
 * HRESULT RpcGetEnumResult([in] ENUM_HANDLE hEnum, [out, size_is(,*pEntries)] PSESSIONENUM
 *   *ppSessionEnumResult, [in] DWORD Level, [out] ULONG *pEntries); ([MS-TSTS] §3.3.4.3.6).
 */
export const RpcGetEnumResult = ndrCall(5, {
  name: 'RpcGetEnumResult',
  in: [
    ['hEnum', contextHandle],
    ['Level', u32],
  ],
  out: [
    ['ppSessionEnumResult', refPtr(uniquePtr(conformantArray(SESSIONENUM)))],
    ['pEntries', refPtr(u32)],
    ['result', u32],
  ],
});

/** SESSION_FILTER ([MS-TSTS] §2.2.1.x): one value, an enum16 on the wire. */
export const SF_SERVICES_SESSION_POPUP = 0;

/**
 * HRESULT RpcGetSessionIds([in] handle_t hBinding, [in] SESSION_FILTER Filter,
 *   [in, range(0,0xFFFF)] ULONG MaxEntries, [out, size_is(,*pcSessionIds)] LONG **pSessionIds,
 *   [out] ULONG *pcSessionIds); ([MS-TSTS] §3.3.4.3.9).
 */
export const RpcGetSessionIds = ndrCall(8, {
  name: 'RpcGetSessionIds',
  in: [
    ['Filter', enum16([SF_SERVICES_SESSION_POPUP])],
    ['MaxEntries', u32],
  ],
  out: [
    ['pSessionIds', refPtr(uniquePtr(conformantArray(i32)))],
    ['pcSessionIds', refPtr(u32)],
    ['result', u32],
  ],
});

/** One session as enumeration returns it. */
export interface SessionEntry {
  sessionId: number;
  /** WINSTATIONSTATECLASS. */
  state: number;
  /** Station name ('Console', 'RDP-Tcp#0', 'Services'), untrusted network text. */
  name: string;
  /** Level 2 only. */
  source?: number;
  fullDesktop?: boolean;
  sessionType?: Buffer;
}

/** WCHAR[n] up to the first NUL. */
export function wcharsToString(units: readonly number[]): string {
  const end = units.indexOf(0);
  return String.fromCharCode(...(end < 0 ? units : units.slice(0, end)));
}

/** String to WCHAR[33], NUL-padded (the server's side; for tests and the responder). */
export function stringToWchars(s: string, n = WINSTATIONNAME_CHARS): number[] {
  const units = Array.from({ length: n }, (_, i) => (i < s.length ? s.charCodeAt(i) : 0));
  if (s.length >= n) throw new NetsendError('usage', 0, 'NDR_INVALID_VALUE', `name longer than ${n - 1} characters`);
  return units;
}

export interface EnumResult {
  sessions: SessionEntry[];
  /** The HRESULT (0 = S_OK). */
  result: number;
}

/** Decodes a RpcGetEnumResult response; the array length must equal *pEntries and each Level the one asked. */
export function decodeGetEnumResult(stub: Buffer, level: 1 | 2): EnumResult {
  const out = RpcGetEnumResult.decodeOut(stub);
  const arr = (out.ppSessionEnumResult ?? []) as { Level: number; Data: UnionValue<unknown> }[];
  if (out.ppSessionEnumResult !== null && arr.length !== out.pEntries) {
    throw new NetsendError('protocol', 0, 'RPC_X_BAD_STUB_DATA', `RpcGetEnumResult: ${arr.length} entries but pEntries ${out.pEntries}`);
  }
  const sessions = arr.map((e) => {
    if (e.Level !== level) throw new NetsendError('protocol', 0, 'RPC_X_BAD_STUB_DATA', `RpcGetEnumResult: level ${e.Level} entry for level ${level}`);
    const v = e.Data.value as { SessionId: number; State: number; Name: number[]; Source?: number; bFullDesktop?: number; SessionType?: Buffer };
    const s: SessionEntry = { sessionId: v.SessionId, state: v.State, name: wcharsToString(v.Name) };
    if (level === 2) {
      s.source = v.Source!;
      s.fullDesktop = v.bFullDesktop !== 0;
      s.sessionType = v.SessionType!;
    }
    return s;
  });
  return { sessions, result: out.result };
}

/** RpcOpenEnum; a failure HRESULT throws (layer 'hresult'). */
export async function openEnum(rpc: RpcCaller, opts: CallOptions = {}): Promise<EnumHandle> {
  const out = RpcOpenEnum.decodeOut(await rpc.call(RpcOpenEnum.opnum, RpcOpenEnum.encodeIn({}), opts));
  checkHresult(out.result, 'RpcOpenEnum');
  return liveHandle(out.phEnum, 'ENUM_HANDLE');
}

/** RpcCloseEnum; the server returns the NULL handle. */
export async function closeEnum(rpc: RpcCaller, h: EnumHandle, opts: CallOptions = {}): Promise<void> {
  const out = RpcCloseEnum.decodeOut(await rpc.call(RpcCloseEnum.opnum, RpcCloseEnum.encodeIn({ phEnum: h }), opts));
  checkHresult(out.result, 'RpcCloseEnum');
}

/** RpcGetEnumResult at `level`; a failure HRESULT throws. */
export async function getEnumResult(rpc: RpcCaller, h: EnumHandle, level: 1 | 2 = 1, opts: CallOptions = {}): Promise<SessionEntry[]> {
  const r = decodeGetEnumResult(await rpc.call(RpcGetEnumResult.opnum, RpcGetEnumResult.encodeIn({ hEnum: h, Level: level }), opts), level);
  checkHresult(r.result, 'RpcGetEnumResult');
  return r.sessions;
}

/** RpcGetSessionIds(SF_SERVICES_SESSION_POPUP, max): the ids of sessions with a logged-on user. */
export async function getSessionIds(rpc: RpcCaller, maxEntries = 0xffff, opts: CallOptions = {}): Promise<number[]> {
  const out = RpcGetSessionIds.decodeOut(await rpc.call(RpcGetSessionIds.opnum, RpcGetSessionIds.encodeIn({ Filter: SF_SERVICES_SESSION_POPUP, MaxEntries: maxEntries }), opts));
  checkHresult(out.result, 'RpcGetSessionIds');
  const ids = out.pSessionIds ?? [];
  if (out.pSessionIds !== null && ids.length !== out.pcSessionIds) throw new NetsendError('protocol', 0, 'RPC_X_BAD_STUB_DATA', `RpcGetSessionIds: ${ids.length} ids but count ${out.pcSessionIds}`);
  return ids;
}
