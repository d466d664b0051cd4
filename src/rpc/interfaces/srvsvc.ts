/**
 * srvsvc, the Server Service Remote Protocol ([MS-SRVS]), over \PIPE\srvsvc.
 * Only NetrShareEnum (opnum 15) at levels 0 and 1: a conformant array of structures whose
 * embedded unique string pointers are deferred, so a large share list makes a large,
 * multi-fragment response.
 */
import { NetsendError } from '../../status/error.js';
import { ndrCall, type InArgs, type OutArgs } from '../ndr/call.js';
import { conformantArray, refPtr, struct, u32, union, uniquePtr, wstring, type UnionValue } from '../ndr/types.js';
import type { CallOptions, RpcInterface } from '../client.js';
import type { RpcCaller } from '../caller.js';

/** [MS-SRVS] §6 (Appendix A: uuid, version 3.0) and §2.1 (endpoint \PIPE\srvsvc). */
export const SRVSVC: RpcInterface = { name: 'srvsvc', syntax: { uuid: '4b324fc8-1670-01d3-1278-5a47bf6ee188', major: 3, minor: 0 } };
/** The server service's named pipe (\PIPE\srvsvc, [MS-SRVS] §2.1). */
export const SRVSVC_PIPE = 'srvsvc';

/** [MS-SRVS] §2.2.2.2: "return everything" for PreferedMaximumLength. */
export const MAX_PREFERRED_LENGTH = 0xffffffff;

/** [MS-SRVS] §2.2.2.4 share types; the low bits are the kind, SPECIAL/TEMPORARY are OR'd in. */
export const STYPE = {
  DISKTREE: 0x00000000,
  PRINTQ: 0x00000001,
  DEVICE: 0x00000002,
  IPC: 0x00000003,
  CLUSTER_FS: 0x02000000,
  CLUSTER_SOFS: 0x04000000,
  CLUSTER_DFS: 0x08000000,
  TEMPORARY: 0x40000000,
  SPECIAL: 0x80000000,
} as const;

/** [MS-SRVS] §2.2.4.22 SHARE_INFO_0 { [string] wchar_t* shi0_netname; } (pointer_default(unique)). */
export const SHARE_INFO_0 = struct([['shi0_netname', uniquePtr(wstring)]], 'SHARE_INFO_0');

/** [MS-SRVS] §2.2.4.23 SHARE_INFO_1 { [string] wchar_t* shi1_netname; DWORD shi1_type; [string] wchar_t* shi1_remark; }. */
export const SHARE_INFO_1 = struct(
  [
    ['shi1_netname', uniquePtr(wstring)],
    ['shi1_type', u32],
    ['shi1_remark', uniquePtr(wstring)],
  ],
  'SHARE_INFO_1',
);

/** [MS-SRVS] §2.2.4.32 SHARE_INFO_0_CONTAINER { DWORD EntriesRead; [size_is(EntriesRead)] LPSHARE_INFO_0 Buffer; }. */
export const SHARE_INFO_0_CONTAINER = struct(
  [
    ['EntriesRead', u32],
    ['Buffer', uniquePtr(conformantArray(SHARE_INFO_0, { sizeIs: 'EntriesRead' }))],
  ],
  'SHARE_INFO_0_CONTAINER',
);

/** [MS-SRVS] §2.2.4.33 SHARE_INFO_1_CONTAINER { DWORD EntriesRead; [size_is(EntriesRead)] LPSHARE_INFO_1 Buffer; }. */
export const SHARE_INFO_1_CONTAINER = struct(
  [
    ['EntriesRead', u32],
    ['Buffer', uniquePtr(conformantArray(SHARE_INFO_1, { sizeIs: 'EntriesRead' }))],
  ],
  'SHARE_INFO_1_CONTAINER',
);

/**
 * [MS-SRVS] §2.2.3.5 SHARE_ENUM_UNION, [switch_type(DWORD)], arms are pointers to containers.
 * Levels 2, 501, 502, 503 are not modelled: a reply carrying them is refused as malformed.
 */
const SHARE_ENUM_UNION = union<unknown>(
  {
    0: uniquePtr(SHARE_INFO_0_CONTAINER),
    1: uniquePtr(SHARE_INFO_1_CONTAINER),
  },
  { switchIs: 'Level' },
);

/** [MS-SRVS] §2.2.4.38 SHARE_ENUM_STRUCT { DWORD Level; [switch_is(Level)] SHARE_ENUM_UNION ShareInfo; }. */
export const SHARE_ENUM_STRUCT = struct(
  [
    ['Level', u32],
    ['ShareInfo', SHARE_ENUM_UNION],
  ],
  'SHARE_ENUM_STRUCT',
);

/**
 * [MS-SRVS] §3.1.4.8 NetrShareEnum (opnum 15):
 *   NET_API_STATUS NetrShareEnum([in,string,unique] SRVSVC_HANDLE ServerName,
 *     [in,out] LPSHARE_ENUM_STRUCT InfoStruct, [in] DWORD PreferedMaximumLength,
 *     [out] DWORD* TotalEntries, [in,out,unique] DWORD* ResumeHandle);
 * Top-level pointers without an attribute are [ref] (InfoStruct, TotalEntries).
 */
export const NetrShareEnum = ndrCall(15, {
  name: 'NetrShareEnum',
  in: [
    ['ServerName', uniquePtr(wstring)],
    ['InfoStruct', refPtr(SHARE_ENUM_STRUCT)],
    ['PreferedMaximumLength', u32],
    ['ResumeHandle', uniquePtr(u32)],
  ],
  out: [
    ['InfoStruct', refPtr(SHARE_ENUM_STRUCT)],
    ['TotalEntries', refPtr(u32)],
    ['ResumeHandle', uniquePtr(u32)],
    ['status', u32],
  ],
});

/** [in] parameters of NetrShareEnum. */
export type NetrShareEnumIn = InArgs<typeof NetrShareEnum>;
/** [out] parameters of NetrShareEnum. */
export type NetrShareEnumOut = OutArgs<typeof NetrShareEnum>;
/** SHARE_INFO levels decoded here ([MS-SRVS] §2.2.4.22, §2.2.4.23). */
export type ShareEnumLevel = 0 | 1;

/** One share; `type` and `remark` only at level 1. A NULL shi*_netname reads as ''. */
export interface ShareInfo {
  name: string;
  /** STYPE_* ([MS-SRVS] §2.2.2.4), level 1. */
  type?: number;
  /** The comment; null when the server sent a NULL pointer. Level 1. */
  remark?: string | null;
}

/** One NetrShareEnum reply ([MS-SRVS] §3.1.4.8). */
export interface ShareEnumResult {
  /** NET_API_STATUS / WERROR: 0 = NERR_Success, 234 = ERROR_MORE_DATA (call again with resumeHandle). */
  status: number;
  level: ShareEnumLevel;
  shares: ShareInfo[];
  /** [MS-SRVS] §3.1.4.8 TotalEntries; Samba 4.17 counts from the resume point on. */
  totalEntries: number;
  /** The ResumeHandle returned (null when the server returned a NULL pointer). */
  resumeHandle: number | null;
}

/** Parameters of NetrShareEnum ([MS-SRVS] §3.1.4.8) besides the level. */
export interface ShareEnumOptions {
  /** ServerName (unique; default NULL = "the server you are talking to"). */
  serverName?: string | null;
  /** PreferedMaximumLength (default MAX_PREFERRED_LENGTH: everything in one reply; Samba 4.17 ignores it). */
  preferedMaximumLength?: number;
  /** ResumeHandle: 0 on the first call (default), null for a NULL pointer. */
  resumeHandle?: number | null;
}

function checkLevel(level: number): asserts level is ShareEnumLevel {
  if (level !== 0 && level !== 1) throw new NetsendError('usage', 0, 'ERROR_INVALID_LEVEL', `NetrShareEnum level ${level} is not supported (0 or 1)`);
}

/** The [in] arguments: an empty container of `level` (EntriesRead 0, Buffer NULL), as the spec's clients send. */
export function shareEnumArgs(level: ShareEnumLevel, opts: ShareEnumOptions = {}): NetrShareEnumIn {
  checkLevel(level);
  return {
    ServerName: opts.serverName ?? null,
    InfoStruct: { Level: level, ShareInfo: { tag: level, value: { EntriesRead: 0, Buffer: null } } },
    PreferedMaximumLength: opts.preferedMaximumLength ?? MAX_PREFERRED_LENGTH,
    ResumeHandle: opts.resumeHandle === undefined ? 0 : opts.resumeHandle,
  };
}

/** Encodes the [in] stub of NetrShareEnum. */
export function encodeShareEnum(level: ShareEnumLevel, opts: ShareEnumOptions = {}): Buffer {
  return NetrShareEnum.encodeIn(shareEnumArgs(level, opts));
}

/** Decodes the [out] stub of NetrShareEnum at `level` into shares plus the WERROR. */
export function decodeShareEnum(stub: Buffer, level: ShareEnumLevel): ShareEnumResult {
  checkLevel(level);
  return shareEnumResult(NetrShareEnum.decodeOut(stub), level);
}

/** Flattens decoded [out] parameters (the container's arm must be the requested level). */
export function shareEnumResult(out: NetrShareEnumOut, level: ShareEnumLevel): ShareEnumResult {
  const s = out.InfoStruct as { Level: number; ShareInfo: UnionValue<unknown> };
  if (s.Level !== level) throw new NetsendError('protocol', 0, 'ERROR_INVALID_LEVEL', `NetrShareEnum answered level ${s.Level}, asked ${level}`);
  const container = s.ShareInfo.value as { EntriesRead: number; Buffer: Record<string, unknown>[] | null } | null;
  const entries = container?.Buffer ?? [];
  const shares: ShareInfo[] = entries.map((e) =>
    level === 0
      ? { name: (e.shi0_netname as string | null) ?? '' }
      : { name: (e.shi1_netname as string | null) ?? '', type: e.shi1_type as number, remark: e.shi1_remark as string | null },
  );
  return { status: out.status, level, shares, totalEntries: out.TotalEntries, resumeHandle: out.ResumeHandle };
}

/** One NetrShareEnum call on a client already bound to SRVSVC. */
export async function netrShareEnum(rpc: RpcCaller, level: ShareEnumLevel, opts: ShareEnumOptions & CallOptions = {}): Promise<ShareEnumResult> {
  const { serverName, preferedMaximumLength, resumeHandle, ...call } = opts;
  const out = await rpc.invoke(NetrShareEnum, shareEnumArgs(level, { serverName, preferedMaximumLength, resumeHandle }), call);
  return shareEnumResult(out, level);
}
