/**
 * The NET_API_STATUS values the failure mapping (status-map.ts) produces, and their names: what a
 * command prints for every outcome. Apart from status-map.ts (which loads the SMB status helpers)
 * so that printing needs neither SMB code nor a decoded status table (issue 12, start-up).
 */
import { NERR, WIN32, win32 } from '../status/win32.js';

/** The NET_API_STATUS values the mapping produces, from the catalogue (values in status-map.ts's table). */
export const NetApiStatus = {
  NERR_Success: 0,
  ERROR_ACCESS_DENIED: WIN32.ERROR_ACCESS_DENIED,
  ERROR_NOT_SUPPORTED: WIN32.ERROR_NOT_SUPPORTED,
  ERROR_REQ_NOT_ACCEP: WIN32.ERROR_REQ_NOT_ACCEP,
  ERROR_INVALID_PARAMETER: WIN32.ERROR_INVALID_PARAMETER,
  ERROR_OPERATION_ABORTED: WIN32.ERROR_OPERATION_ABORTED,
  NERR_NetworkError: NERR.NERR_NetworkError,
  NERR_NameNotFound: NERR.NERR_NameNotFound,
  NERR_PausedRemote: NERR.NERR_PausedRemote,
  NERR_BadReceive: NERR.NERR_BadReceive,
} as const;

const NAMES = new Map<number, string>(Object.entries(NetApiStatus).map(([k, v]) => [v, k]));

/** Symbolic name of a NET_API_STATUS (catalogue first, then this module's own names). */
export function netApiStatusName(code: number): string {
  return NAMES.get(code) ?? win32(code).name;
}

