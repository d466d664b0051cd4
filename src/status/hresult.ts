/**
 * HRESULT naming ([MS-ERREF] §2.1), minimal: the few values the MS-TSTS LSM calls return by name,
 * and FACILITY_WIN32 values (0x8007xxxx, HRESULT_FROM_WIN32) named after their Win32 code.
 */
import { buildCatalogue, info, valuesOf, type Row, type StatusInfo } from './table.js';
import { win32 } from './win32.js';

const HRESULT_TABLE = {
  S_OK: [0x00000000, 'Operation successful.'],
  S_FALSE: [0x00000001, 'Operation successful but returned no results.'],
  E_NOTIMPL: [0x80004001, 'Not implemented.'],
  E_FAIL: [0x80004005, 'Unspecified failure.'],
  E_UNEXPECTED: [0x8000ffff, 'Unexpected failure.'],
  E_ACCESSDENIED: [0x80070005, 'General access denied error.'],
  E_HANDLE: [0x80070006, 'Handle that is not valid.'],
  E_OUTOFMEMORY: [0x8007000e, 'Failed to allocate necessary memory.'],
  E_INVALIDARG: [0x80070057, 'One or more arguments are not valid.'],
} as const satisfies Record<string, Row>;

const CAT = buildCatalogue(HRESULT_TABLE);

/** HRESULT name -> value. */
export const HRESULT = valuesOf(HRESULT_TABLE);
/** Every HRESULT row, for tests and tooling. */
export const HRESULT_ENTRIES = CAT.entries;

/** FACILITY_WIN32 ([MS-ERREF] §2.1.2). */
export const FACILITY_WIN32 = 7;

/** HRESULT_FROM_WIN32: 0 stays 0, else 0x8007xxxx with the low 16 bits of the Win32 code. */
export function hresultFromWin32(code: number): number {
  const c = code >>> 0;
  if (c === 0 || (c & 0x80000000) !== 0) return c;
  return (0x80000000 | (FACILITY_WIN32 << 16) | (c & 0xffff)) >>> 0;
}

/** True for a failure HRESULT (severity bit set). */
export function isHresultFailure(code: number): boolean {
  return (code >>> 31) === 1;
}

/**
 * Names an HRESULT: catalogue names first, then FACILITY_WIN32 values as
 * `HRESULT_FROM_WIN32(ERROR_x)`, else `HRESULT_0x...`.
 */
export function hresult(code: number): StatusInfo {
  const c = code >>> 0;
  const e = CAT.byCode.get(c);
  if (e !== undefined) return info(e);
  if (isHresultFailure(c) && ((c >>> 16) & 0x7ff) === FACILITY_WIN32) {
    const w = win32(c & 0xffff);
    return { code: c, name: `HRESULT_FROM_WIN32(${w.name})`, message: w.message };
  }
  const hex = c.toString(16).toUpperCase().padStart(8, '0');
  return { code: c, name: `HRESULT_0x${hex}`, message: `Unknown HRESULT 0x${hex}.` };
}
