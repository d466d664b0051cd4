/**
 * SMB status errors read the same whichever family carried them. SMB2/3 and SMB1 with
 * CAP_STATUS32 answer with an NTSTATUS ('ntstatus' layer); an SMB1 server without it answers with a
 * DOS class and code ('dos' layer, [MS-CIFS] §2.2.2.4), and a DOS error can also travel inside an
 * NTSTATUS as the STATUS_SMB_* form (code << 16) | class. Layers above src/smb ask these helpers
 * instead of telling the forms apart themselves.
 */
import { NetsendError } from '../status/error.js';
import { DOS, DOS_CLASS, dosError } from '../status/dos.js';
import { NT } from '../status/ntstatus.js';
import { ntStatusToWin32 } from '../status/map.js';

/** True when `e` is a status an SMB server answered with (either form). */
export function isSmbStatusError(e: NetsendError): boolean {
  return e.layer === 'ntstatus' || e.layer === 'dos';
}

/**
 * The DOS class and code an SMB status error carries: a 'dos' error's own, or those of an NTSTATUS
 * in the STATUS_SMB_* form with class ERRDOS, ERRSRV or ERRHRD ([MS-CIFS] §2.2.2.4); null otherwise.
 */
export function smbDosForm(e: NetsendError): { errorClass: number; errorCode: number } | null {
  if (e.layer === 'dos') return { errorClass: (e.code >>> 16) & 0xff, errorCode: e.code & 0xffff };
  if (e.layer !== 'ntstatus') return null;
  const s = e.code >>> 0;
  const cls = s & 0xffff;
  if ((s & 0xff000000) === 0 && (cls === DOS_CLASS.ERRDOS || cls === DOS_CLASS.ERRSRV || cls === DOS_CLASS.ERRHRD)) return { errorClass: cls, errorCode: s >>> 16 };
  return null;
}

/**
 * The Win32 code of an SMB status error: an NTSTATUS through [MS-ERREF] §2.3's mapping; an ERRDOS
 * code is a Win32 code already; another DOS class through its NTSTATUS equivalent. Undefined when
 * `e` is no SMB status or a DOS error without an NTSTATUS equivalent.
 */
export function smbStatusToWin32(e: NetsendError): number | undefined {
  if (e.layer === 'ntstatus') return ntStatusToWin32(e.code);
  if (e.layer !== 'dos') return undefined;
  const cls = e.code >>> 16;
  const code = e.code & 0xffff;
  if (cls === DOS_CLASS.ERRDOS) return code;
  const nt = dosError(cls, code).ntStatus;
  return nt !== undefined ? ntStatusToWin32(nt) : undefined;
}

const PIPE_MISSING_NT = new Set<number>([NT.STATUS_OBJECT_NAME_NOT_FOUND, NT.STATUS_PIPE_NOT_AVAILABLE, NT.STATUS_BAD_NETWORK_NAME]);
const PIPE_MISSING_DOS = new Set<number>([DOS.ERRDOS.ERRbadfile, DOS.ERRDOS.ERRbadpipe, DOS.ERRDOS.ERRpipebusy]);

/** True when opening a named pipe failed because the server has no such pipe (or no IPC$), in either form. */
export function isPipeMissing(e: NetsendError): boolean {
  if (e.layer === 'ntstatus') return PIPE_MISSING_NT.has(e.code >>> 0);
  if (e.layer !== 'dos') return false;
  return e.code >>> 16 === DOS_CLASS.ERRDOS && PIPE_MISSING_DOS.has(e.code & 0xffff);
}

/**
 * A reply whose SMB1 or SMB2 signature does not verify ([MS-CIFS] §3.2.5.1, [MS-SMB2] §3.2.5.1.3):
 * STATUS_INVALID_SIGNATURE raised locally, so on the 'protocol' layer (no server sent it).
 */
export function invalidSignatureError(message: string): NetsendError {
  return new NetsendError('protocol', NT.STATUS_INVALID_SIGNATURE, 'STATUS_INVALID_SIGNATURE', message);
}
