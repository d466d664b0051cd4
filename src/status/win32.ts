/**
 * Win32 error codes and the LAN Manager NERR_* range ([MS-ERREF] §2.2). WERROR and NET_API_STATUS
 * share this number space; NERR_* occupy 2100-2999.
 */
import { buildCatalogue, info, valuesOfCatalogue, type StatusInfo } from './table.js';
import { NERR_ROWS, WIN32_ROWS, type NerrName, type Win32Name } from './win32-table.js';

const WIN32_CAT = buildCatalogue(WIN32_ROWS);
const NERR_CAT = buildCatalogue(NERR_ROWS);

/** Win32 error name -> value (ERROR_*, RPC_S_*, RPC_X_*, EPT_S_*). */
export const WIN32 = valuesOfCatalogue<Win32Name>(WIN32_CAT);
/** LAN Manager network error name -> value (NERR_*). */
export const NERR = valuesOfCatalogue<NerrName>(NERR_CAT);
export type { Win32Name, NerrName };

/** Every Win32 row, for tests and tooling. */
export const WIN32_ENTRIES = WIN32_CAT.entries;
/** Every NERR row, for tests and tooling. */
export const NERR_ENTRIES = NERR_CAT.entries;

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
  return WIN32_CAT.byName.get(name)?.code ?? NERR_CAT.byName.get(name)?.code;
}
