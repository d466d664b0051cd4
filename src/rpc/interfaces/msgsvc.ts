/**
 * msgsvc, the Messenger Service name-management interface ([MS-MSRP] §3.1.4), on \PIPE\msgsvc.
 * Codecs only: no transport carries it yet (Samba serves none; Windows before Vista does).
 */
import { ndrCall } from '../ndr/call.js';
import { conformantArray, refPtr, struct, u32, union, uniquePtr, wstring } from '../ndr/types.js';
import type { RpcInterface } from '../client.js';

/** [MS-MSRP] §1.9 / §2.1.1: 17fdd703-1827-4e34-79d4-24a55c53bb37 v1.0. */
export const MSGSVC: RpcInterface = { name: 'msgsvc', syntax: { uuid: '17fdd703-1827-4e34-79d4-24a55c53bb37', major: 1, minor: 0 } };
/** The messenger service's named pipe (\PIPE\msgsvc, [MS-MSRP] §2.1). */
export const MSGSVC_PIPE = 'msgsvc';

/** MSGSVC_HANDLE ([MS-MSRP] §2.2.1.1): [handle] wchar_t*, passed [in,string,unique]. */
const ServerName = uniquePtr(wstring);

/** [MS-MSRP] §2.2.2.1 MSG_INFO_0. */
export const MSG_INFO_0 = struct([['msgi0_name', uniquePtr(wstring)]], 'MSG_INFO_0');

/** [MS-MSRP] §2.2.2.2 MSG_INFO_1. */
export const MSG_INFO_1 = struct(
  [
    ['msgi1_name', uniquePtr(wstring)],
    ['msgi1_forward_flag', u32],
    ['msgi1_forward', uniquePtr(wstring)],
  ],
  'MSG_INFO_1',
);

/** [MS-MSRP] §2.2.2.3 MSG_INFO_0_CONTAINER. */
export const MSG_INFO_0_CONTAINER = struct(
  [
    ['EntriesRead', u32],
    ['Buffer', uniquePtr(conformantArray(MSG_INFO_0, { sizeIs: 'EntriesRead' }))],
  ],
  'MSG_INFO_0_CONTAINER',
);

/** [MS-MSRP] §2.2.2.4 MSG_INFO_1_CONTAINER. */
export const MSG_INFO_1_CONTAINER = struct(
  [
    ['EntriesRead', u32],
    ['Buffer', uniquePtr(conformantArray(MSG_INFO_1, { sizeIs: 'EntriesRead' }))],
  ],
  'MSG_INFO_1_CONTAINER',
);

/** [MS-MSRP] §2.2.2.5 MSG_ENUM_STRUCT: Level plus [switch_is(Level)] union of container pointers. */
export const MSG_ENUM_STRUCT = struct(
  [
    ['Level', u32],
    ['MsgInfo', union<unknown>({ 0: uniquePtr(MSG_INFO_0_CONTAINER), 1: uniquePtr(MSG_INFO_1_CONTAINER) }, { switchIs: 'Level' })],
  ],
  'MSG_ENUM_STRUCT',
);

/** [MS-MSRP] §2.2.2.6 MSG_INFO: [switch_is(Level)] union of MSG_INFO_0* / MSG_INFO_1*. */
export const MSG_INFO = union<unknown>({ 0: uniquePtr(MSG_INFO_0), 1: uniquePtr(MSG_INFO_1) }, { switchIs: 'Level' });

/** [MS-MSRP] §3.1.4.1 NetrMessageNameAdd (opnum 0). */
export const NetrMessageNameAdd = ndrCall(0, {
  name: 'NetrMessageNameAdd',
  in: [
    ['ServerName', ServerName],
    ['MsgName', refPtr(wstring)],
  ],
  out: [['status', u32]],
});

/** [MS-MSRP] §3.1.4.2 NetrMessageNameEnum (opnum 1). */
export const NetrMessageNameEnum = ndrCall(1, {
  name: 'NetrMessageNameEnum',
  in: [
    ['ServerName', ServerName],
    ['InfoStruct', refPtr(MSG_ENUM_STRUCT)],
    ['PrefMaxLen', u32],
    ['ResumeHandle', uniquePtr(u32)],
  ],
  out: [
    ['InfoStruct', refPtr(MSG_ENUM_STRUCT)],
    ['TotalEntries', refPtr(u32)],
    ['ResumeHandle', uniquePtr(u32)],
    ['status', u32],
  ],
});

/** [MS-MSRP] §3.1.4.3 NetrMessageNameGetInfo (opnum 2). */
export const NetrMessageNameGetInfo = ndrCall(2, {
  name: 'NetrMessageNameGetInfo',
  in: [
    ['ServerName', ServerName],
    ['MsgName', refPtr(wstring)],
    ['Level', u32],
  ],
  out: [
    ['InfoStruct', refPtr(MSG_INFO)],
    ['status', u32],
  ],
});

/** [MS-MSRP] §3.1.4.4 NetrMessageNameDel (opnum 3). */
export const NetrMessageNameDel = ndrCall(3, {
  name: 'NetrMessageNameDel',
  in: [
    ['ServerName', ServerName],
    ['MsgName', refPtr(wstring)],
  ],
  out: [['status', u32]],
});
