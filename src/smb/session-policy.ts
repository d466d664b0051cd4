/**
 * What a client that logged on with credentials accepts from SESSION_SETUP, the same for SMB1 and
 * SMB 2/3. A guest or null session carries no session key, so nothing after it can be signed or
 * encrypted: a man in the middle who marks the final SESSION_SETUP response as guest (SMB2
 * SessionFlags.IS_GUEST, [MS-SMB2] §2.2.6; SMB1 Action bit 0, [MS-CIFS] §2.2.4.53.2) and strips its
 * signature could otherwise take over the session unseen. So a credentialed logon that ends as guest
 * is refused unless the caller asked for guest explicitly (`allowGuest`), as Windows clients do since
 * 1709 (the AllowInsecureGuestAuth policy, error STATUS_SMB_GUEST_LOGON_BLOCKED).
 */
import { NetsendError } from '../status/error.js';
import { NT } from '../status/index.js';

/** The refusal of a guest/null session for a logon with credentials. */
export function guestLogonBlocked(kind: 'guest' | 'null', what: string): NetsendError {
  return new NetsendError(
    'protocol',
    NT.STATUS_SMB_GUEST_LOGON_BLOCKED,
    'STATUS_SMB_GUEST_LOGON_BLOCKED',
    `${what}: the server made a ${kind} session of a logon with credentials (unknown user mapped to guest, or a man in the middle); ` +
      `refused because a ${kind} session cannot be signed. Pass allowGuest (--allow-guest) to accept guest sessions`,
  );
}
