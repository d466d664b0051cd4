/**
 * The message text rules the CLI checks before it loads any protocol code (issue 12, start-up):
 * the line-ending modes and the NUL rule. text.ts re-exports them beside the encoders.
 */
import { usageError } from '../status/error.js';

/**
 * How line breaks are sent ([MS-MSRP] §2.2.3.3.1 versus what Samba's smbd stores, observed):
 * - 'crlf' (default): every CR, LF, CRLF or LFCR becomes CR LF. Samba's smbd strips the CR and
 *   stores LF; Windows message boxes break lines on CR LF (inferred, no Windows peer was
 *   available). smbclient -M sends the same.
 * - 'msrp': every break becomes 0x14 as MS-MSRP says Windows senders do; only Windows receivers
 *   turn that back into a line break (Samba stores a raw 0x14).
 * - 'lf': every break becomes LF.
 * - 'raw': bytes are sent as given.
 */
export type LineEndings = 'crlf' | 'msrp' | 'lf' | 'raw';
/** Every LineEndings value, for option parsing and documentation. */
export const LINE_ENDINGS: readonly LineEndings[] = ['crlf', 'msrp', 'lf', 'raw'];

/**
 * Refuses message text with NUL (U+0000): the OEM text is NUL-terminated for a Windows receiver
 * ([MS-MSRP] §2.2.3.3.1 null-terminated text; NetrMessageBufferSend's UTF-16 buffer likewise), which
 * shows only what precedes the first NUL. Refusing beats sending a cut message silently; strip the
 * NULs before sending if that is wanted.
 */
export function checkMessageText(text: string): void {
  const at = text.indexOf('\0');
  if (at >= 0) throw usageError(`message text contains NUL (U+0000) at character ${at}: a Windows receiver would end the message there; remove it`);
}
