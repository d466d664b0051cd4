/**
 * The mailslot send's limits and defaults, apart from its code (mailslot.ts) so the CLI's option
 * help can name them without loading the datagram stack (issue 12, start-up).
 */

/** "Broadcast messages can contain up to 128 characters" (the Windows XP `net send` command reference). */
export const BROADCAST_MAX_CHARS = 128;
/** [MS-MSRP] §3.2.4.4's cap on message text, used for directed mailslot messages too. */
export const MAILSLOT_DEFAULT_MAX_BYTES = 652;
/** The workgroup `netsend '*'` addresses when none is given (Windows' default workgroup name). */
export const DEFAULT_WORKGROUP = 'WORKGROUP';
