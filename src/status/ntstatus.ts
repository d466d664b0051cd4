/**
 * NTSTATUS catalogue ([MS-ERREF] §2.3, §2.3.1). Layout of a value ([MS-ERREF] §2.3):
 * Sev(2) C(1) N(1) Facility(12) Code(16).
 */
import { hex8, info, lazyCatalogue, lazyEntries, lazyValuesOfCatalogue, rowLookup, type StatusInfo } from './table.js';
import { NT_ROWS, type NtStatusName } from './ntstatus-table.js';
import { dosError } from './dos.js';

// Decoded on first lookup by number (table.ts lazyCatalogue); names resolve from the text until then.
const CATALOGUE = lazyCatalogue(NT_ROWS);
const ntByName = rowLookup(NT_ROWS);

/** Name -> value for every NTSTATUS in the catalogue: `NT.STATUS_LOGON_FAILURE === 0xC000006D`. */
export const NT = lazyValuesOfCatalogue<NtStatusName>(NT_ROWS, CATALOGUE, ntByName);
export type { NtStatusName };

/** All rows, aliases included (for tests and tooling). */
export const NT_STATUS_ENTRIES = lazyEntries(CATALOGUE);

/** Severity of an NTSTATUS ([MS-ERREF] §2.3). */
export type NtSeverity = 'success' | 'informational' | 'warning' | 'error';

/** Sev field, the top two bits ([MS-ERREF] §2.3). */
export function ntSeverity(code: number): NtSeverity {
  switch ((code >>> 30) & 3) {
    case 0:
      return 'success';
    case 1:
      return 'informational';
    case 2:
      return 'warning';
    default:
      return 'error';
  }
}

/** Severity error (the top two bits 11, [MS-ERREF] §2.3). */
export function isNtError(code: number): boolean {
  return (code >>> 30) === 3;
}
/** Severity warning (the top two bits 10, [MS-ERREF] §2.3). */
export function isNtWarning(code: number): boolean {
  return (code >>> 30) === 2;
}
/** Success or informational: NT_SUCCESS() in Windows terms. */
export function isNtSuccess(code: number): boolean {
  return (code >>> 30) <= 1;
}

/** Facility field (12 bits, [MS-ERREF] §2.3). */
export function ntFacility(code: number): number {
  return (code >>> 16) & 0x0fff;
}

/**
 * Catalogue lookup; unknown codes get `NTSTATUS_0xC0FFEE01` and a message naming severity and
 * facility (and, for the [MS-CIFS] "(code << 16) | class" form, the SMB1 DOS error it encodes).
 */
export function ntStatus(code: number): StatusInfo {
  const c = code >>> 0;
  const e = CATALOGUE.byCode.get(c);
  if (e !== undefined) return info(e);
  const customer = (c & 0x20000000) !== 0 ? ', customer-defined' : '';
  const dos = dosInNtForm(c);
  return {
    code: c,
    name: `NTSTATUS_${hex8(c)}`,
    message:
      `Unknown NTSTATUS (severity ${ntSeverity(c)}${customer}, facility 0x${ntFacility(c).toString(16).toUpperCase()}, ` +
      `code 0x${(c & 0xffff).toString(16).toUpperCase().padStart(4, '0')})` +
      (dos === undefined ? '.' : `; as an SMB1 DOS error in NTSTATUS form: ${dos}.`),
  };
}

/** [MS-CIFS] §2.2.2.4 writes DOS errors as NTSTATUS (code << 16) | class, class 1-3, Sev 0. */
function dosInNtForm(c: number): string | undefined {
  const cls = c & 0xffff;
  const code = c >>> 16;
  if (cls < 1 || cls > 3 || code === 0 || c >>> 30 !== 0) return undefined;
  const d = dosError(cls, code);
  return `${d.name} (${d.message.replace(/\.$/, '')})`;
}

/** The value of an NTSTATUS name, or undefined when the catalogue lacks it. */
export function ntStatusByName(name: string): number | undefined {
  return ntByName(name);
}

/** "STATUS_LOGON_FAILURE (0xC000006D)". */
export function formatNtStatus(code: number): string {
  const c = code >>> 0;
  return `${ntStatus(c).name} (${hex8(c)})`;
}
