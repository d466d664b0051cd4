/**
 * wkssvc, the Workstation Service Remote Protocol ([MS-WKST]), over \PIPE\wkssvc.
 * Only the operations netsend needs: NetrWkstaGetInfo (opnum 0) and NetrMessageBufferSend
 * (opnum 12, which [MS-WKST] §3.2.4 lists as Opnum12NotUsedOnWire; its IDL is Samba's and
 * Wireshark's, pointer kinds as observed from Samba's rpcclient on the wire).
 */
import { NetsendError } from '../../status/error.js';
import { ndrCall, type InArgs, type OutArgs } from '../ndr/call.js';
import { conformantBytes, refPtr, struct, u32, union, uniquePtr, wstring, type UnionValue } from '../ndr/types.js';
import type { RpcInterface } from '../client.js';

/** [MS-WKST] §1.9 / §2.1: interface UUID and version 1.0; endpoint \PIPE\wkssvc. */
export const WKSSVC: RpcInterface = { name: 'wkssvc', syntax: { uuid: '6bffd098-a112-3610-9833-46c3f87e345a', major: 1, minor: 0 } };
/** The workstation service's named pipe (\PIPE\wkssvc, [MS-WKST] §2.1). */
export const WKSSVC_PIPE = 'wkssvc';

/** [MS-WKST] §2.2.5.1 WKSTA_INFO_100. */
export const WKSTA_INFO_100 = struct(
  [
    ['wki100_platform_id', u32],
    ['wki100_computername', uniquePtr(wstring)],
    ['wki100_langroup', uniquePtr(wstring)],
    ['wki100_ver_major', u32],
    ['wki100_ver_minor', u32],
  ],
  'WKSTA_INFO_100',
);

/** [MS-WKST] §2.2.5.2 WKSTA_INFO_101. */
export const WKSTA_INFO_101 = struct(
  [
    ['wki101_platform_id', u32],
    ['wki101_computername', uniquePtr(wstring)],
    ['wki101_langroup', uniquePtr(wstring)],
    ['wki101_ver_major', u32],
    ['wki101_ver_minor', u32],
    ['wki101_lanroot', uniquePtr(wstring)],
  ],
  'WKSTA_INFO_101',
);

/** [MS-WKST] §2.2.5.3 WKSTA_INFO_102. */
export const WKSTA_INFO_102 = struct(
  [
    ['wki102_platform_id', u32],
    ['wki102_computername', uniquePtr(wstring)],
    ['wki102_langroup', uniquePtr(wstring)],
    ['wki102_ver_major', u32],
    ['wki102_ver_minor', u32],
    ['wki102_lanroot', uniquePtr(wstring)],
    ['wki102_logged_on_users', u32],
  ],
  'WKSTA_INFO_102',
);

/**
 * [MS-WKST] §2.2.4.1 WKSTA_INFO: switch_type(unsigned long) union of unique pointers; the levels
 * netsend does not model fall into [default] (no arm) and are refused when decoding data for them.
 */
const WKSTA_INFO = union<unknown>(
  {
    100: uniquePtr(WKSTA_INFO_100),
    101: uniquePtr(WKSTA_INFO_101),
    102: uniquePtr(WKSTA_INFO_102),
  },
  { switchIs: 'Level' },
);

/**
 * [MS-WKST] §3.2.4.1 NetrWkstaGetInfo (opnum 0):
 *   unsigned long NetrWkstaGetInfo([in,string,unique] WKSSVC_IDENTIFY_HANDLE ServerName,
 *     [in] unsigned long Level, [out, switch_is(Level)] LPWKSTA_INFO WkstaInfo);
 */
export const NetrWkstaGetInfo = ndrCall(0, {
  name: 'NetrWkstaGetInfo',
  in: [
    ['ServerName', uniquePtr(wstring)],
    ['Level', u32],
  ],
  out: [
    ['WkstaInfo', refPtr(WKSTA_INFO)],
    ['status', u32],
  ],
});

/**
 * NetrMessageBufferSend (opnum 12), in the shape Samba's rpcclient sends on the wire ([MS-WKST] §3.2.4.8):
 *   WERROR NetrMessageBufferSend([in,unique,string] uint16 *server_name,
 *     [in,ref,string] uint16 *message_name, [in,unique,string] uint16 *message_sender_name,
 *     [in,ref,size_is(message_size)] uint8 *message_buffer, [in] uint32 message_size);
 */
export const NetrMessageBufferSend = ndrCall(12, {
  name: 'NetrMessageBufferSend',
  in: [
    ['server_name', uniquePtr(wstring)],
    ['message_name', refPtr(wstring)],
    ['message_sender_name', uniquePtr(wstring)],
    ['message_buffer', refPtr(conformantBytes({ sizeIs: 'message_size' }))],
    ['message_size', u32],
  ],
  out: [['status', u32]],
});

/** [in] parameters of NetrWkstaGetInfo. */
export type NetrWkstaGetInfoIn = InArgs<typeof NetrWkstaGetInfo>;
/** [out] parameters of NetrWkstaGetInfo. */
export type NetrWkstaGetInfoOut = OutArgs<typeof NetrWkstaGetInfo>;
/** [in] parameters of NetrMessageBufferSend. */
export type NetrMessageBufferSendIn = InArgs<typeof NetrMessageBufferSend>;

/** A workstation description with the level's fields, names without the wkiNNN_ prefix. */
export interface WkstaInfo {
  level: 100 | 101 | 102;
  platformId: number;
  computerName: string | null;
  lanGroup: string | null;
  verMajor: number;
  verMinor: number;
  /** Levels 101 and 102. */
  lanRoot?: string | null;
  /** Level 102. */
  loggedOnUsers?: number;
}

/** One NetrWkstaGetInfo reply ([MS-WKST] §3.2.4.1). */
export interface WkstaGetInfoResult {
  /** The WERROR / NET_API_STATUS returned (0 = NERR_Success). */
  status: number;
  /** Absent when the server returned no structure (e.g. ERROR_ACCESS_DENIED). */
  info?: WkstaInfo;
}

/** Encodes the [in] stub for NetrWkstaGetInfo. */
export function encodeWkstaGetInfo(serverName: string | null, level: 100 | 101 | 102): Buffer {
  return NetrWkstaGetInfo.encodeIn({ ServerName: serverName, Level: level });
}

/** Decodes the [out] stub into a typed object plus the WERROR. */
export function decodeWkstaGetInfo(stub: Buffer, level: 100 | 101 | 102): WkstaGetInfoResult {
  const out = NetrWkstaGetInfo.decodeOut(stub, { Level: level });
  const u = out.WkstaInfo as UnionValue<unknown>;
  const r: WkstaGetInfoResult = { status: out.status };
  const v = u.value as Record<string, unknown> | null;
  if (v === null) return r;
  const p = `wki${u.tag}_`;
  const info: WkstaInfo = {
    level: u.tag as 100 | 101 | 102,
    platformId: v[`${p}platform_id`] as number,
    computerName: v[`${p}computername`] as string | null,
    lanGroup: v[`${p}langroup`] as string | null,
    verMajor: v[`${p}ver_major`] as number,
    verMinor: v[`${p}ver_minor`] as number,
  };
  if (u.tag >= 101) info.lanRoot = v[`${p}lanroot`] as string | null;
  if (u.tag === 102) info.loggedOnUsers = v[`${p}logged_on_users`] as number;
  r.info = info;
  return r;
}

/**
 * Parameters of NetrMessageBufferSend ([MS-WKST] §3.2.4.8) besides the message name and text.
 */
export interface MessageBufferSendOptions {
  /** Server the call runs on (unique; null sends a NULL pointer). Samba's rpcclient passes the bare host name. */
  serverName?: string | null;
  /** Sender name (unique; null or absent = NULL pointer). */
  from?: string | null;
  /**
   * Count the UTF-16 NUL in the buffer and message_size (default true, as Samba's rpcclient and
   * torture do with push_ucs2_talloc). false gives wcslen*2, as documented Windows callers pass.
   */
  includeNul?: boolean;
}

/** Builds the [in] stub of NetrMessageBufferSend: UTF-16LE text, by default with its NUL. */
export function encodeMessageBufferSend(to: string, text: string, opts: MessageBufferSendOptions = {}): Buffer {
  if (text.includes('\0')) throw new NetsendError('usage', 0, 'INVALID_MESSAGE', 'message text contains NUL');
  const body = Buffer.from(opts.includeNul === false ? text : text + '\0', 'utf16le');
  return NetrMessageBufferSend.encodeIn({
    server_name: opts.serverName ?? null,
    message_name: to,
    message_sender_name: opts.from ?? null,
    message_buffer: body,
    message_size: body.length,
  });
}

/** The WERROR in a NetrMessageBufferSend response stub. */
export function decodeMessageBufferSendResult(stub: Buffer): number {
  return NetrMessageBufferSend.decodeOut(stub).status;
}
