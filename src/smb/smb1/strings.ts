/**
 * SMB1 strings ([MS-CIFS] §2.2.1.1): OEM strings are NUL-terminated bytes; Unicode strings are
 * UTF-16LE, NUL-terminated, and start on an even offset from the start of the SMB header
 * (a pad byte is inserted or skipped when needed).
 */
import type { ByteReader } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';

/** Upper bound on any string we decode (characters), so a hostile peer cannot make us build huge strings. */
export const MAX_SMB_STRING = 4096;

/**
 * Encodes `s` with its terminator. `absOffset` is where the string would start relative to the SMB
 * header; for Unicode a leading pad byte is added when it is odd.
 */
export function encodeSmbString(s: string, unicode: boolean, absOffset: number, terminate = true): Buffer {
  if (unicode) {
    const pad = absOffset % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0);
    return Buffer.concat([pad, Buffer.from(terminate ? s + '\0' : s, 'utf16le')]);
  }
  return Buffer.from(terminate ? s + '\0' : s, 'latin1');
}

/**
 * Decodes a NUL-terminated string. `base` is the absolute offset of `r.buf[0]` from the SMB header, for
 * the Unicode pad rule. A string cut short by the end of the buffer (no terminator) is accepted, as
 * servers omit trailing terminators; an odd trailing byte of a Unicode string is dropped.
 */
export function decodeSmbString(r: ByteReader, unicode: boolean, base: number): string {
  if (r.remaining === 0) return '';
  if (unicode) {
    if ((base + r.offset) % 2 === 1) r.skip(1);
    const start = r.offset;
    let end = start;
    while (end + 1 < r.buf.length && (r.buf[end] !== 0 || r.buf[end + 1] !== 0)) end += 2;
    if (end + 1 >= r.buf.length) end = start + ((r.buf.length - start) & ~1);
    if ((end - start) / 2 > MAX_SMB_STRING) throw new MalformedError(r.what, 'string too long');
    const s = r.buf.subarray(start, end).toString('utf16le');
    r.seek(Math.min(end + 2, r.buf.length));
    return s;
  }
  const nul = r.buf.indexOf(0, r.offset);
  const end = nul < 0 ? r.buf.length : nul;
  if (end - r.offset > MAX_SMB_STRING) throw new MalformedError(r.what, 'string too long');
  const s = r.buf.subarray(r.offset, end).toString('latin1');
  r.seek(nul < 0 ? r.buf.length : nul + 1);
  return s;
}
