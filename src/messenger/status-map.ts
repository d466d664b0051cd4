/**
 * Maps any failure of a direct Messenger delivery to the NET_API_STATUS that
 * NetMessageBufferSend returns (MSDN lmmsg.h; values from [MS-ERREF]; protocol-notes §4.1, §4.5).
 * The raw status always stays on the result next to the mapped number.
 *
 * | failure (NetsendError layer / status)                          | NET_API_STATUS                  |
 * |----------------------------------------------------------------|---------------------------------|
 * | none                                                           | 0    NERR_Success               |
 * | nbss 0x80 not listening on called name, 0x82 name not present  | 2273 NERR_NameNotFound          |
 * | nbss 0x81 not listening for calling name                       | 2273 NERR_NameNotFound          |
 * | nbss 0x83 insufficient resources, 0x8F unspecified, other      | 2136 NERR_NetworkError          |
 * | netbios name query failed (no owner of NAME<03>)               | 2273 NERR_NameNotFound          |
 * | socket (refused, unreachable, reset), timeout, protocol/MALFORMED | 2136 NERR_NetworkError       |
 * | abort                                                          | 995  ERROR_OPERATION_ABORTED    |
 * | usage (bad name, text too long, unknown code page)             | 87   ERROR_INVALID_PARAMETER    |
 * | dos ERRDOS/code (class 1)                                      | code (DOS codes are Win32 codes: 71 ERROR_REQ_NOT_ACCEP, 87, 5 ...) |
 * | dos ERRSRV/ERRpaused (81)                                      | 2281 NERR_PausedRemote          |
 * | dos ERRSRV/ERRmsgoff (82)                                      | 2273 NERR_NameNotFound          |
 * | dos ERRSRV/ERRnoroom (83)                                      | 2282 NERR_BadReceive            |
 * | dos ERRSRV/ERRaccess (4)                                       | 5    ERROR_ACCESS_DENIED        |
 * | dos ERRSRV other, ERRHRD, other classes                        | 2136 NERR_NetworkError          |
 * | ntstatus STATUS_REQUEST_NOT_ACCEPTED 0xC00000D0                | 71   ERROR_REQ_NOT_ACCEP        |
 * | ntstatus STATUS_INVALID_PARAMETER 0xC000000D                   | 87   ERROR_INVALID_PARAMETER    |
 * | ntstatus STATUS_ACCESS_DENIED 0xC0000022                       | 5    ERROR_ACCESS_DENIED        |
 * | ntstatus STATUS_NOT_SUPPORTED 0xC00000BB                       | 50   ERROR_NOT_SUPPORTED        |
 * | ntstatus DOS-in-NT form 0x00XX0002 (ERRSRV/XX)                 | as the ERRSRV rows above        |
 * | ntstatus other                                                 | 2136 NERR_NetworkError          |
 * | win32                                                          | its own code                    |
 * | anything that is not a NetsendError                            | 2136 NERR_NetworkError          |
 *
 * The ERRSRV rows are inferred (protocol-notes §4.5 marks them UNCONFIRMED); the NBSS rows follow
 * the Messenger having no NAME<03> registered (protocol-notes §2.1).
 */
import { NetsendError } from '../status/error.js';
import { NERR, WIN32, win32 } from '../status/win32.js';
import { DOS, DOS_CLASS } from '../status/dos.js';
import { NT } from '../status/ntstatus.js';

/** The NET_API_STATUS values this mapping produces, from the catalogue (values in the table above). */
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

const ERRDOS = DOS_CLASS.ERRDOS;
const ERRSRV = DOS_CLASS.ERRSRV;

function fromErrsrv(code: number): number {
  switch (code) {
    case DOS.ERRSRV.ERRpaused:
      return NetApiStatus.NERR_PausedRemote;
    case DOS.ERRSRV.ERRmsgoff:
      return NetApiStatus.NERR_NameNotFound;
    case DOS.ERRSRV.ERRnoroom:
      return NetApiStatus.NERR_BadReceive;
    case DOS.ERRSRV.ERRaccess:
      return NetApiStatus.ERROR_ACCESS_DENIED;
    default:
      return NetApiStatus.NERR_NetworkError;
  }
}

function fromDos(errorClass: number, code: number): number {
  if (errorClass === ERRDOS) return code;
  if (errorClass === ERRSRV) return fromErrsrv(code);
  return NetApiStatus.NERR_NetworkError;
}

function fromNt(status: number): number {
  const s = status >>> 0;
  switch (s) {
    case 0:
      return NetApiStatus.NERR_Success;
    case NT.STATUS_REQUEST_NOT_ACCEPTED:
      return NetApiStatus.ERROR_REQ_NOT_ACCEP;
    case NT.STATUS_INVALID_PARAMETER:
      return NetApiStatus.ERROR_INVALID_PARAMETER;
    case NT.STATUS_ACCESS_DENIED:
      return NetApiStatus.ERROR_ACCESS_DENIED;
    case NT.STATUS_NOT_SUPPORTED:
      return NetApiStatus.ERROR_NOT_SUPPORTED;
  }
  // [MS-CIFS] §2.2.2.4 STATUS_SMB_* values carry a DOS error as (code << 16) | class.
  if ((s & 0xff00ffff) === 0x00000002) return fromErrsrv(s >>> 16);
  if ((s & 0xff00ffff) === 0x00000001) return s >>> 16;
  return NetApiStatus.NERR_NetworkError;
}

/** The one mapping from a failure to NET_API_STATUS (table above). */
export function netApiStatusFor(error: unknown): number {
  if (error === null || error === undefined) return NetApiStatus.NERR_Success;
  if (!(error instanceof NetsendError)) return NetApiStatus.NERR_NetworkError;
  switch (error.layer) {
    case 'nbss':
      return error.code === 0x80 || error.code === 0x81 || error.code === 0x82 ? NetApiStatus.NERR_NameNotFound : NetApiStatus.NERR_NetworkError;
    case 'netbios':
      return NetApiStatus.NERR_NameNotFound;
    case 'dos':
      return fromDos((error.code >>> 16) & 0xff, error.code & 0xffff);
    case 'ntstatus':
      return fromNt(error.code);
    case 'win32':
      return error.code;
    case 'usage':
      return NetApiStatus.ERROR_INVALID_PARAMETER;
    case 'abort':
      return NetApiStatus.ERROR_OPERATION_ABORTED;
    default:
      return NetApiStatus.NERR_NetworkError;
  }
}
