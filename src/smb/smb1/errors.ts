/** Maps SMB1 reply status (NT or DOS form, [MS-CIFS] §2.2.3.1) to typed errors from the status catalogue. */
import { NetsendError } from '../../status/error.js';
import { DOS, DOS_CLASS } from '../../status/dos.js';
import { NT } from '../../status/ntstatus.js';
import { dosStatusError, ntStatusError } from '../../status/builders.js';
import { smb1Status, type Smb1Header, type Smb1Status } from './header.js';


/** A typed error for a reply status in either form: the 'ntstatus' or the 'dos' layer. */
export function smb1StatusError(s: Smb1Status, context: string): NetsendError {
  return s.form === 'nt' ? ntStatusError(s.code, context) : dosStatusError(s.errorClass, s.errorCode, context);
}

/** A typed error for the status of `h`, or null when it is success. */
export function smb1Error(h: Pick<Smb1Header, 'status' | 'flags2'>, context: string): NetsendError | null {
  if (h.status >>> 0 === 0) return null;
  return smb1StatusError(smb1Status(h), context);
}

/** True for STATUS_BUFFER_OVERFLOW in either form (ERRDOS/ERRmoredata is its DOS form): more data of a message-mode pipe read remains. */
export function isBufferOverflow(h: Pick<Smb1Header, 'status' | 'flags2'>): boolean {
  const s = smb1Status(h);
  return s.form === 'nt' ? s.code === NT.STATUS_BUFFER_OVERFLOW : s.errorClass === DOS_CLASS.ERRDOS && s.errorCode === DOS.ERRDOS.ERRmoredata;
}

/**
 * True for STATUS_MORE_PROCESSING_REQUIRED. It has no DOS form, so servers (Samba 4.17 observed) send the
 * NTSTATUS even when Flags2 says DOS errors: match the raw field whatever the flag.
 */
export function isMoreProcessing(h: Pick<Smb1Header, 'status' | 'flags2'>): boolean {
  return h.status >>> 0 === NT.STATUS_MORE_PROCESSING_REQUIRED;
}
