/**
 * Win32 error codes and the LAN Manager NERR_* range ([MS-ERREF] §2.2). WERROR and NET_API_STATUS
 * share this number space; NERR_* occupy 2100-2999.
 */
import { info, lazyCatalogue, lazyEntries, lazyValuesOfCatalogue, rowLookup, type StatusInfo } from './table.js';
import { NERR_ROWS, WIN32_ROWS, type NerrName, type Win32Name } from './win32-table.js';

// Decoded on first lookup by number (table.ts lazyCatalogue); names resolve from the text until then.
const WIN32_CAT = lazyCatalogue(WIN32_ROWS);
const NERR_CAT = lazyCatalogue(NERR_ROWS);
const win32ByNameInText = rowLookup(WIN32_ROWS);
const nerrByNameInText = rowLookup(NERR_ROWS);

/** Win32 error name -> value (ERROR_*, RPC_S_*, RPC_X_*, EPT_S_*). */
export const WIN32 = lazyValuesOfCatalogue<Win32Name>(WIN32_ROWS, WIN32_CAT, win32ByNameInText);
/** LAN Manager network error name -> value (NERR_*). */
export const NERR = lazyValuesOfCatalogue<NerrName>(NERR_ROWS, NERR_CAT, nerrByNameInText);
export type { Win32Name, NerrName };

/** Every Win32 row, for tests and tooling. */
export const WIN32_ENTRIES = lazyEntries(WIN32_CAT);
/** Every NERR row, for tests and tooling. */
export const NERR_ENTRIES = lazyEntries(NERR_CAT);

/**
 * Win32 / NERR / WERROR lookup. 0 is reported as ERROR_SUCCESS. Values 2100-2999 are looked up in
 * the NERR table first. Unknown codes get `WIN32_<n>`.
 */
export function win32(code: number): StatusInfo {
  const c = code >>> 0;
  const e = (c >= 2100 && c <= 2999 ? NERR_CAT.byCode.get(c) : undefined) ?? WIN32_CAT.byCode.get(c) ?? NERR_CAT.byCode.get(c);
  if (e !== undefined) return info(e);
  return { code: c, name: `WIN32_${c}`, message: `Unknown Win32 error ${c} (0x${c.toString(16).toUpperCase()}).` };
}

/** The value of a Win32 or NERR name, or undefined when neither table has it. */
export function win32ByName(name: string): number | undefined {
  return win32ByNameInText(name) ?? nerrByNameInText(name);
}
