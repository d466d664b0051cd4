/**
 * The one mapping from a failure to the NET_API_STATUS a Windows caller would see (MSDN lmmsg.h;
 * values from [MS-ERREF]), for both delivery paths. The raw status always stays on the result next
 * to the mapped number. Rows shared by both paths come first; the path-specific rows say which
 * path they belong to: direct (SMB1 message commands to NAME<03>, [MS-MSRP] §3.2.4.4) or remote
 * (wkssvc NetrMessageBufferSend on a server, [MS-WKST] §3.2.4.8; `stage` is the step that failed).
 *
 * | failure (NetsendError layer / status)           | direct                          | remote                           |
 * |-------------------------------------------------|---------------------------------|----------------------------------|
 * | none                                            | 0    NERR_Success               | 0    NERR_Success                |
 * | win32 (a WERROR the server returned)            | its own code                    | its own code                     |
 * | usage (bad name, text too long, bad option)     | 87   ERROR_INVALID_PARAMETER    | 87   ERROR_INVALID_PARAMETER     |
 * | abort                                           | 995  ERROR_OPERATION_ABORTED    | 995  ERROR_OPERATION_ABORTED     |
 * | nbss 0x80/0x81/0x82 (no NAME<03> here)          | 2273 NERR_NameNotFound          | as socket                        |
 * | nbss 0x83, 0x8F, other                          | 2136 NERR_NetworkError          | as socket                        |
 * | netbios name query failed (no owner of NAME<03>)| 2273 NERR_NameNotFound          | 1726 RPC_S_CALL_FAILED           |
 * | SMB status ERRDOS/code (class 1), either form   | code (DOS codes are Win32 codes: 71, 87, 5 ...) | code            |
 * | SMB status ERRSRV/ERRpaused (81)                | 2281 NERR_PausedRemote          | via its NTSTATUS, else 2136      |
 * | SMB status ERRSRV/ERRmsgoff (82)                | 2273 NERR_NameNotFound          | via its NTSTATUS, else 2136      |
 * | SMB status ERRSRV/ERRnoroom (83)                | 2282 NERR_BadReceive            | via its NTSTATUS, else 2136      |
 * | SMB status ERRSRV/ERRaccess (4)                 | 5    ERROR_ACCESS_DENIED        | via its NTSTATUS                 |
 * | SMB status ERRSRV other, ERRHRD, other classes  | 2136 NERR_NetworkError          | via its NTSTATUS, else 2136      |
 * | ntstatus STATUS_REQUEST_NOT_ACCEPTED            | 71   ERROR_REQ_NOT_ACCEP        | its Win32 equivalent             |
 * | ntstatus STATUS_INVALID_PARAMETER               | 87   ERROR_INVALID_PARAMETER    | its Win32 equivalent             |
 * | ntstatus STATUS_ACCESS_DENIED                   | 5    ERROR_ACCESS_DENIED        | its Win32 equivalent             |
 * | ntstatus STATUS_NOT_SUPPORTED                   | 50   ERROR_NOT_SUPPORTED        | its Win32 equivalent             |
 * | ntstatus STATUS_LOGON_FAILURE and the rest      | 2136 NERR_NetworkError          | its Win32 equivalent ([MS-ERREF] §2.3): 1326 ... |
 * | pipe open: no such pipe (STATUS_OBJECT_NAME_NOT_FOUND, PIPE_NOT_AVAILABLE, BAD_NETWORK_NAME, ERRDOS 2/230/231) | - | 1722 RPC_S_SERVER_UNAVAILABLE |
 * | rpc-fault (FAULT PDU)                           | 2136                            | its Win32 equivalent ([MS-RPCE] §3.1.1.5.5): nca_s_op_rng_error -> 1745, nca_s_unk_if -> 1717, Win32-valued faults as they are |
 * | rpc-bind abstract_syntax_not_supported          | 2136                            | 1717 RPC_S_UNKNOWN_IF            |
 * | rpc-bind proposed_transfer_syntaxes_not_supported | 2136                          | 1730 RPC_S_UNSUPPORTED_TRANS_SYN |
 * | rpc-bind other, rpc-bind-nak                    | 2136                            | 1727 RPC_S_CALL_FAILED_DNE       |
 * | ntlm                                            | 2136                            | 1326 ERROR_LOGON_FAILURE         |
 * | protocol STATUS_SMB_GUEST_LOGON_BLOCKED         | 2136                            | 1272 ERROR_SMB_GUEST_LOGON_BLOCKED (a guest session for a logon with credentials refused) |
 * | socket, nbss, timeout                           | 2136 NERR_NetworkError          | stage connect: 53 ERROR_BAD_NETPATH; later, before the request was written: 1727 RPC_S_CALL_FAILED_DNE |
 * | protocol (MALFORMED ...), anything else         | 2136 NERR_NetworkError          | 1726 RPC_S_CALL_FAILED           |
 * | the last request written, no answer ('unconfirmed') | 2136 (UNCONFIRMED_NET_API_STATUS) | 1726 RPC_S_CALL_FAILED (REMOTE_UNCONFIRMED_NET_API_STATUS) |
 *
 * The direct ERRSRV rows are inferred ([MS-CIFS] §2.2.2.4 gives no NTSTATUS for the LAN Manager
 * messaging errors 81-83); the NBSS rows follow a Messenger that has no NAME<03> registered. The
 * remote RPC rows follow the Win32 RPC runtime: RPC_S_CALL_FAILED_DNE "failed and did not execute"
 * versus RPC_S_CALL_FAILED "failed" (may have executed).
 */
import { NetsendError } from '../status/error.js';
import { NERR, WIN32 } from '../status/win32.js';
import { NetApiStatus } from './net-api-status.js';
import { DOS, DOS_CLASS } from '../status/dos.js';
import { NT } from '../status/ntstatus.js';
import { rpcFaultToWin32 } from '../status/rpc.js';
import { isPipeMissing, isSmbStatusError, smbDosForm, smbStatusToWin32 } from '../smb/errors.js';

export { NetApiStatus, netApiStatusName } from './net-api-status.js';

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
  return NetApiStatus.NERR_NetworkError;
}

/** Rows both paths share (the top of the table), or undefined. */
function sharedRow(error: NetsendError): number | undefined {
  switch (error.layer) {
    case 'win32':
      return error.code;
    case 'usage':
      return NetApiStatus.ERROR_INVALID_PARAMETER;
    case 'abort':
      return NetApiStatus.ERROR_OPERATION_ABORTED;
    default:
      return undefined;
  }
}

/** NET_API_STATUS of a failure of the direct path (the table's "direct" column). */
export function netApiStatusFor(error: unknown): number {
  if (error === null || error === undefined) return NetApiStatus.NERR_Success;
  if (!(error instanceof NetsendError)) return NetApiStatus.NERR_NetworkError;
  const shared = sharedRow(error);
  if (shared !== undefined) return shared;
  if (isSmbStatusError(error)) {
    // A DOS error answers in either form ([MS-CIFS] §2.2.2.4 STATUS_SMB_*): src/smb reads it out.
    const dos = smbDosForm(error);
    return dos ? fromDos(dos.errorClass, dos.errorCode) : fromNt(error.code);
  }
  switch (error.layer) {
    case 'nbss':
      return error.code === 0x80 || error.code === 0x81 || error.code === 0x82 ? NetApiStatus.NERR_NameNotFound : NetApiStatus.NERR_NetworkError;
    case 'netbios':
      return NetApiStatus.NERR_NameNotFound;
    default:
      return NetApiStatus.NERR_NetworkError;
  }
}

/** Which step of the remote path failed: decides how socket errors and missing pipes map. */
export type RemoteStage = 'connect' | 'pipe' | 'bind' | 'call';

/**
 * NET_API_STATUS of an `unconfirmed` remote call: RPC_S_CALL_FAILED (1726), "failed" without
 * saying it did not execute (the table's last row).
 */
export const REMOTE_UNCONFIRMED_NET_API_STATUS: number = WIN32.RPC_S_CALL_FAILED;

/** NET_API_STATUS of a failure of the remote path (the table's "remote" column). */
export function remoteNetApiStatusFor(e: unknown, stage: RemoteStage): number {
  if (!(e instanceof NetsendError)) return WIN32.RPC_S_CALL_FAILED;
  const shared = sharedRow(e);
  if (shared !== undefined) return shared;
  if (isSmbStatusError(e)) {
    if (stage === 'pipe' && isPipeMissing(e)) return WIN32.RPC_S_SERVER_UNAVAILABLE;
    return smbStatusToWin32(e) ?? NERR.NERR_NetworkError;
  }
  switch (e.layer) {
    case 'rpc-fault':
      return rpcFaultToWin32(e.code);
    case 'rpc-bind':
      if (e.name === 'abstract_syntax_not_supported') return WIN32.RPC_S_UNKNOWN_IF;
      if (e.name === 'proposed_transfer_syntaxes_not_supported') return WIN32.RPC_S_UNSUPPORTED_TRANS_SYN;
      return WIN32.RPC_S_CALL_FAILED_DNE;
    case 'rpc-bind-nak':
      return WIN32.RPC_S_CALL_FAILED_DNE;
    case 'ntlm':
      return WIN32.ERROR_LOGON_FAILURE;
    case 'protocol':
      if (e.name === 'STATUS_SMB_GUEST_LOGON_BLOCKED') return WIN32.ERROR_SMB_GUEST_LOGON_BLOCKED;
      return WIN32.RPC_S_CALL_FAILED;
    case 'socket':
    case 'nbss':
    case 'timeout':
      // Only reached for failures before the call's request was written (unconfirmed ones map to the last row).
      return stage === 'connect' ? WIN32.ERROR_BAD_NETPATH : WIN32.RPC_S_CALL_FAILED_DNE;
    default:
      return WIN32.RPC_S_CALL_FAILED;
  }
}
