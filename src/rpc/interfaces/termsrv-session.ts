/**
 * TermSrvSession, the LSM session interface of [MS-TSTS] (§3.3.4.1), on \PIPE\LSM_API_service:
 * RpcOpenSession (opnum 0), RpcCloseSession (1), RpcGetUserName (5), RpcGetState (7), RpcShowMessageBox (9).
 * Strings are [string] WCHAR* top-level ref pointers: conformant varying, counts include the NUL;
 * bDoNotWait is a 4-byte BOOL (tsts-notes §2.3).
 */
import type { CallOptions, RpcInterface } from '../client.js';
import type { RpcCaller } from '../caller.js';
import { ndrCall } from '../ndr/call.js';
import { contextHandle, i32, refPtr, u32, uniquePtr, wstring } from '../ndr/types.js';
import { checkHresult, liveHandle, type SessionHandle } from './tsts-common.js';

/** [MS-TSTS] §1.9: 484809d6-4239-471b-b5bc-61df8c23ac48 v1.0. */
export const TERMSRV_SESSION: RpcInterface = { name: 'TermSrvSession', syntax: { uuid: '484809d6-4239-471b-b5bc-61df8c23ac48', major: 1, minor: 0 } };

/** HRESULT RpcOpenSession([in] handle_t hBinding, [in] LONG SessionId, [out] SESSION_HANDLE *phSession); §3.3.4.1.1. */
export const RpcOpenSession = ndrCall(0, {
  name: 'RpcOpenSession',
  in: [['SessionId', i32]],
  out: [
    ['phSession', refPtr(contextHandle)],
    ['result', u32],
  ],
});

/** HRESULT RpcCloseSession([in,out] SESSION_HANDLE *phSession); §3.3.4.1.2. */
export const RpcCloseSession = ndrCall(1, {
  name: 'RpcCloseSession',
  in: [['phSession', refPtr(contextHandle)]],
  out: [
    ['phSession', refPtr(contextHandle)],
    ['result', u32],
  ],
});

/**
 * HRESULT RpcGetUserName([in] SESSION_HANDLE hSession, [out, string] WCHAR **pszUserName,
 *   [out, string] WCHAR **pszDomain); §3.3.4.1.6. Not in tsts-notes §6: the layout follows from the
 * IDL alone (top-level ref to a unique pointer: referent id, then the conformant varying string).
 */
export const RpcGetUserName = ndrCall(5, {
  name: 'RpcGetUserName',
  in: [['hSession', contextHandle]],
  out: [
    ['pszUserName', refPtr(uniquePtr(wstring))],
    ['pszDomain', refPtr(uniquePtr(wstring))],
    ['result', u32],
  ],
});

/** HRESULT RpcGetState([in] SESSION_HANDLE hSession, [out] LONG *plState); §3.3.4.1.8. */
export const RpcGetState = ndrCall(7, {
  name: 'RpcGetState',
  in: [['hSession', contextHandle]],
  out: [
    ['plState', refPtr(i32)],
    ['result', u32],
  ],
});

/**
 * HRESULT RpcShowMessageBox([in] SESSION_HANDLE hSession, [in, string] WCHAR *szTitle,
 *   [in, string] WCHAR *szMessage, [in] ULONG ulStyle, [in] ULONG ulTimeout,
 *   [out] ULONG *pulResponse, [in] BOOL bDoNotWait); §3.3.4.1.10.
 */
export const RpcShowMessageBox = ndrCall(9, {
  name: 'RpcShowMessageBox',
  in: [
    ['hSession', contextHandle],
    ['szTitle', refPtr(wstring)],
    ['szMessage', refPtr(wstring)],
    ['ulStyle', u32],
    ['ulTimeout', u32],
    ['bDoNotWait', u32],
  ],
  out: [
    ['pulResponse', refPtr(u32)],
    ['result', u32],
  ],
});

export interface ShowMessageBoxArgs {
  title: string;
  message: string;
  /** MessageBox uType (default MB_OK). */
  style?: number;
  /** Seconds; 0 = no timeout. */
  timeoutSec?: number;
  /** true (default): return at once with IDASYNC; false: wait for the user's answer. */
  doNotWait?: boolean;
}

export function encodeShowMessageBox(h: SessionHandle, a: ShowMessageBoxArgs): Buffer {
  return RpcShowMessageBox.encodeIn({
    hSession: h,
    szTitle: a.title,
    szMessage: a.message,
    ulStyle: a.style ?? 0,
    ulTimeout: a.timeoutSec ?? 0,
    bDoNotWait: a.doNotWait === false ? 0 : 1,
  });
}

/** RpcOpenSession; a failure HRESULT throws (layer 'hresult'). */
export async function openSession(rpc: RpcCaller, sessionId: number, opts: CallOptions = {}): Promise<SessionHandle> {
  const out = RpcOpenSession.decodeOut(await rpc.call(RpcOpenSession.opnum, RpcOpenSession.encodeIn({ SessionId: sessionId }), opts));
  checkHresult(out.result, `RpcOpenSession(${sessionId})`);
  return liveHandle(out.phSession, 'SESSION_HANDLE');
}

export async function closeSession(rpc: RpcCaller, h: SessionHandle, opts: CallOptions = {}): Promise<void> {
  const out = RpcCloseSession.decodeOut(await rpc.call(RpcCloseSession.opnum, RpcCloseSession.encodeIn({ phSession: h }), opts));
  checkHresult(out.result, 'RpcCloseSession');
}

/** RpcShowMessageBox: the response (IDASYNC when not waiting, else IDOK, IDTIMEOUT, ...). */
export async function showMessageBox(rpc: RpcCaller, h: SessionHandle, a: ShowMessageBoxArgs, opts: CallOptions = {}): Promise<number> {
  const out = RpcShowMessageBox.decodeOut(await rpc.call(RpcShowMessageBox.opnum, encodeShowMessageBox(h, a), opts));
  checkHresult(out.result, 'RpcShowMessageBox');
  return out.pulResponse;
}

/** RpcGetUserName: the session's user and domain (null or '' for a session nobody is logged on to). */
export async function getUserName(rpc: RpcCaller, h: SessionHandle, opts: CallOptions = {}): Promise<{ user: string | null; domain: string | null }> {
  const out = RpcGetUserName.decodeOut(await rpc.call(RpcGetUserName.opnum, RpcGetUserName.encodeIn({ hSession: h }), opts));
  checkHresult(out.result, 'RpcGetUserName');
  return { user: out.pszUserName, domain: out.pszDomain };
}
