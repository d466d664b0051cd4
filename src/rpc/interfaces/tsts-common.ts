/**
 * Shared pieces of the MS-TSTS interfaces netsend uses (termsrv-enumeration.ts, termsrv-session.ts,
 * icaapi.ts): typed context handles, pipe names, session states and MessageBox values.
 * Facts: [MS-TSTS] §2.1, §2.2.1.x, §3.3.4, §3.7.4; tsts-notes §1-§2.
 */
import { NetsendError } from '../../status/error.js';
import { hresult, isHresultFailure } from '../../status/hresult.js';
import { ntStatus } from '../../status/ntstatus.js';

/** \PIPE\LSM_API_service: TermSrvSession, TermSrvEnumeration ([MS-TSTS] §2.1). */
export const LSM_PIPE = 'LSM_API_service';
/** \PIPE\Ctx_WinStation_API_service: the Legacy IcaApi interface ([MS-TSTS] §2.1). */
export const LEGACY_PIPE = 'Ctx_WinStation_API_service';

declare const handleKind: unique symbol;
/**
 * A context handle of one kind ([MS-RPCE] §2.2.5.2.1: 4-byte attributes + 16-byte UUID). The brand
 * keeps an ENUM_HANDLE from being passed where a SESSION_HANDLE belongs.
 */
export type ContextHandle<K extends string> = Buffer & { readonly [handleKind]: K };
export type EnumHandle = ContextHandle<'ENUM_HANDLE'>;
export type SessionHandle = ContextHandle<'SESSION_HANDLE'>;
export type ServerHandle = ContextHandle<'SERVER_HANDLE'>;

/** All 20 octets zero: the NULL context handle (what a close returns). */
export function isNullHandle(h: Buffer): boolean {
  return h.length === 20 && h.every((b) => b === 0);
}

/** Brands a handle the server returned; a NULL one where a live handle was promised is malformed. */
export function liveHandle<K extends string>(h: Buffer, kind: K): ContextHandle<K> {
  if (isNullHandle(h)) throw new NetsendError('protocol', 0, 'RPC_NULL_CONTEXT_HANDLE', `server returned a NULL ${kind} on success`);
  return h as ContextHandle<K>;
}

/** WINSTATIONSTATECLASS ([MS-TSTS] §2.2.1.9). */
export const WINSTATION_STATE = {
  State_Active: 0,
  State_Connected: 1,
  State_ConnectQuery: 2,
  State_Shadow: 3,
  State_Disconnected: 4,
  State_Idle: 5,
  State_Listen: 6,
  State_Reset: 7,
  State_Down: 8,
  State_Init: 9,
} as const;

const STATE_NAMES = Object.fromEntries(Object.entries(WINSTATION_STATE).map(([k, v]) => [v, k.slice('State_'.length)])) as Record<number, string>;

/** 'Active', 'Disconnected', ... or `State<n>` for values outside the enum. */
export function stateName(state: number): string {
  return STATE_NAMES[state] ?? `State${state}`;
}

/** Session ids from 65536 up are listeners ([MS-TSTS] §2.2.2.13; tsts-notes §2.2). */
export const LISTENER_SESSION_BASE = 0x10000;

/** MessageBox uType values the CLI offers ([MS-TSTS] §3.7.4.1.8, WTSSendMessage). */
export const MB = { MB_OK: 0x0, MB_OKCANCEL: 0x1, MB_YESNO: 0x4, MB_ICONINFORMATION: 0x40, MB_ICONWARNING: 0x30, MB_SYSTEMMODAL: 0x1000 } as const;

/** MessageBox responses ([MS-TSTS] §3.3.4.1.9 / §3.7.4.1.8). */
export const ID = { IDOK: 1, IDCANCEL: 2, IDABORT: 3, IDRETRY: 4, IDIGNORE: 5, IDYES: 6, IDNO: 7, IDTRYAGAIN: 10, IDCONTINUE: 11, IDTIMEOUT: 32000, IDASYNC: 32001 } as const;

const ID_NAMES = Object.fromEntries(Object.entries(ID).map(([k, v]) => [v, k])) as Record<number, string>;

/** 'IDOK', 'IDTIMEOUT', 'IDASYNC', ... or `ID<n>`. */
export function responseName(response: number): string {
  return ID_NAMES[response] ?? `ID${response}`;
}

/** Throws the failure HRESULT an LSM method returned, by name (layer 'hresult'). */
export function checkHresult(code: number, what: string): void {
  if (!isHresultFailure(code)) return;
  const h = hresult(code);
  throw new NetsendError('hresult', h.code, h.name, `${what}: ${h.message}`);
}

/** Throws a Legacy method's FALSE result with its pResult NTSTATUS, by name (layer 'ntstatus'). */
export function checkBoolean(ok: boolean, pResult: number, what: string): void {
  if (ok) return;
  const s = ntStatus(pResult === 0 ? 0xc0000001 : pResult);
  throw new NetsendError('ntstatus', s.code, s.name, `${what}: ${s.message}`);
}
