/**
 * Message text and names for the SMB message commands: OEM code page conversion, line endings,
 * NetBIOS name rules and block splitting ([MS-MSRP] §2.2.3, §3.2.4.4; RFC 1001 §14 for NetBIOS names).
 */
import * as os from 'node:os';
import { createRequire } from 'node:module';
import { usageError } from '../status/error.js';
import { MESSAGE_MAX_NAME_BYTES as MAX_NAME_BYTES } from '../smb/message.js';

/** Samba's default `dos charset` and the Western European OEM code page. */
export const DEFAULT_CODEPAGE = 'cp850';

/**
 * Bytes of text per 0xD7 block (and the largest 0xD0 message): 128. [MS-MSRP] §3.2.4.4 says a
 * sender SHOULD send every segment but the last as exactly 128 bytes, and texts of 128 bytes or
 * less as one 0xD0; that is what a Windows message server expects. Samba's client uses 127
 * (`MIN(127, ...)`), but Samba's server accepts any block size (interop tests send 128), so the
 * spec's value serves both known receivers. A CR LF pair is never split, so a block may be 127.
 */
export const BLOCK_BYTES = 128;

/**
 * Default limit on the encoded text. [MS-MSRP] §3.2.4.4: the text "MUST be 652 bytes or less".
 * smbclient reads up to 1600 bytes; pass `maxBytes` to go beyond 652 (Samba accepts any size).
 */
export const DEFAULT_MAX_BYTES = 652;
/** Hard ceiling for `maxBytes`: 512 blocks. */
export const MAX_MAX_BYTES = 65_024;

export { LINE_ENDINGS, checkMessageText, type LineEndings } from './text-rules.js';
import { checkMessageText, type LineEndings } from './text-rules.js';

/** Usage errors of the messenger: the one builder in src/status. */
export { usageError };

type Iconv = typeof import('iconv-lite');
let iconvLib: Iconv | null = null;

/**
 * iconv-lite, loaded on first use: the common send (ASCII text and names in the default code page,
 * whose lower half is ASCII) never needs it, and loading it is a measurable part of the CLI's
 * start-up (bench/cli-startup.mjs).
 */
function iconv(): Iconv {
  iconvLib ??= createRequire(import.meta.url)('iconv-lite') as Iconv;
  return iconvLib;
}

/** Only U+0000-U+007F: the same bytes in the default code page as in ASCII. */
function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** Double-byte ANSI code pages iconv-lite knows by name (932, 936, 949, 950 by number). */
const DBCS_NAMES = ['shiftjis', 'gbk', 'euckr', 'big5'];

let codepages: Set<string> | null = null;

/**
 * The code pages a message may use: iconv-lite's single- and double-byte tables named cpNNN,
 * ibmNNN or windowsNNNN, plus Shift_JIS, GBK, EUC-KR and Big5. [MS-MSRP] §2.2.3 carries OEM
 * bytes; text in UTF-8/16/32, or iconv-lite's 'hex', 'base64' and 'binary' pseudo-encodings, is
 * not what a Messenger receiver decodes (a 'hex' encoder even turns "zz" into zero bytes).
 * Multi-byte forms beyond two bytes (GB18030, EUC-JP) are left out as well.
 */
function allowedCodepages(): Set<string> {
  if (codepages) return codepages;
  iconv().encodingExists(DEFAULT_CODEPAGE); // iconv-lite loads its table on first use
  const table = (iconv().encodings ?? {}) as Record<string, string | { type: string }>;
  const out = new Set<string>();
  for (const key of Object.keys(table)) {
    if (!/^(cp|ibm|windows)\d{3,5}$/.test(key) && !DBCS_NAMES.includes(key)) continue;
    let def: string | { type: string } | undefined = table[key];
    for (let hops = 0; typeof def === 'string' && hops < 8; hops++) def = table[def];
    if (typeof def === 'object' && (def.type === '_sbcs' || def.type === '_dbcs')) out.add(key);
  }
  codepages = out;
  return out;
}

/** The accepted code pages for messages, as listed in errors: cpNNN numerically, then the named DBCS. */
export function supportedCodepages(): string[] {
  const all = [...allowedCodepages()];
  const cp = all.filter((n) => n.startsWith('cp')).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
  return [...cp, ...DBCS_NAMES.filter((n) => all.includes(n))];
}

/**
 * Resolves a code page name ('cp850', '850', 'IBM437', 'windows-1252', 'Shift_JIS' ...) the way
 * iconv-lite spells it (lower case, letters and digits only); anything but a single- or
 * double-byte OEM/ANSI code page (supportedCodepages) is a usage error that lists them.
 */
export function resolveCodepage(name: string | undefined): string {
  const raw = (name ?? DEFAULT_CODEPAGE).toLowerCase().replace(/[^0-9a-z]/g, '');
  const cand = /^\d+$/.test(raw) ? `cp${raw}` : raw;
  if (cand === DEFAULT_CODEPAGE) return cand; // always in the list (test/messenger/text.test.ts); no iconv load
  if (!allowedCodepages().has(cand)) {
    const known = iconv().encodingExists(cand) ? `'${name}' is not a single- or double-byte OEM/ANSI code page name` : `unknown code page '${name}'`;
    throw usageError(`${known}; use one of ${supportedCodepages().join(', ')} (ibmNNN and windows-NNNN spellings work too)`);
  }
  return cand;
}

const BREAK = /\r\n|\n\r|\r|\n/g;

/** Rewrites line breaks per policy before encoding, since Windows popups expect CR LF. */
export function applyLineEndings(text: string, policy: LineEndings = 'crlf'): string {
  switch (policy) {
    case 'crlf':
      return text.replace(BREAK, '\r\n');
    case 'lf':
      return text.replace(BREAK, '\n');
    case 'msrp':
      return text.replace(BREAK, '\x14');
    case 'raw':
      return text;
    default:
      throw usageError(`unknown line-ending policy '${String(policy)}'`);
  }
}

/** Unicode -> OEM bytes. Characters the code page lacks become '?' (what Windows' default char does). */
export function encodeOem(text: string, codepage: string = DEFAULT_CODEPAGE): Buffer {
  const cp = resolveCodepage(codepage);
  if (cp === DEFAULT_CODEPAGE && isAscii(text)) return Buffer.from(text, 'latin1');
  return iconv().encode(text, cp);
}

/**
 * The text blocks' bytes: line endings applied, then the code page. NUL is refused (checkMessageText)
 * and so is text that encodes to no bytes at all: the empty check runs on what would be sent.
 */
export function encodeMessageText(text: string, codepage: string = DEFAULT_CODEPAGE, lineEndings: LineEndings = 'crlf'): Buffer {
  checkMessageText(text);
  const cp = resolveCodepage(codepage);
  const data = encodeOem(applyLineEndings(text, lineEndings), cp);
  if (data.length === 0) throw usageError(`empty message (the text is ${data.length} bytes in ${cp})`);
  if (data.includes(0)) throw usageError(`message text encodes to a NUL byte in ${cp}: a Windows receiver would end the message there`);
  return data;
}

/**
 * The warning for characters the code page lacks, naming what goes out instead:
 * "'€' sent as '?' (not in code page cp850)". Shown through the terminal sanitiser by the CLI.
 */
export function unmappableWarning(chars: readonly string[], codepage: string = DEFAULT_CODEPAGE): string {
  const cp = resolveCodepage(codepage);
  const each = chars.map((ch) => `'${ch}' sent as '${iconv().decode(iconv().encode(ch, cp), cp)}'`);
  return `${each.join(', ')} (not in code page ${cp})`;
}

/** Characters of `text` the code page cannot represent (they go out as '?'), each listed once. */
export function unmappableChars(text: string, codepage: string = DEFAULT_CODEPAGE): string[] {
  const cp = resolveCodepage(codepage);
  const out = new Set<string>();
  if (cp === DEFAULT_CODEPAGE && isAscii(text)) return [];
  for (const ch of text) {
    if (ch === '?' || out.has(ch)) continue;
    if (iconv().decode(iconv().encode(ch, cp), cp) !== ch) out.add(ch);
  }
  return [...out];
}

/**
 * OEM bytes -> Unicode for display, as a receiver: 0x14 (MS-MSRP's line break), CR LF and LF CR
 * all become '\n'. A trailing NUL (MS-MSRP's "null-terminated" text) is dropped.
 */
export function decodeOemText(bytes: Buffer, codepage: string = DEFAULT_CODEPAGE): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const s = decodeOem(bytes.subarray(0, end), resolveCodepage(codepage));
  return s.replace(/\r\n|\n\r|\x14|\r/g, '\n');
}

export function decodeOemName(bytes: Buffer, codepage: string = DEFAULT_CODEPAGE): string {
  return decodeOem(bytes, resolveCodepage(codepage));
}

function decodeOem(bytes: Buffer, cp: string): string {
  if (cp === DEFAULT_CODEPAGE && !bytes.some((b) => b >= 0x80)) return bytes.toString('latin1');
  return iconv().decode(bytes, cp);
}

/**
 * A NetBIOS name for the message header: at most 15 OEM bytes, no NUL. The recipient is
 * upper-cased and must not start with '*' ([MS-MSRP] §3.2.4.4).
 */
export function encodeName(name: string, codepage: string, role: 'to' | 'from'): Buffer {
  const n = role === 'to' ? name.trim().toUpperCase() : name.trim();
  if (!n) throw usageError(`empty ${role === 'to' ? 'recipient' : 'sender'} name`);
  if (n.includes('\0')) throw usageError(`${role} name contains NUL`);
  if (role === 'to' && n.startsWith('*')) throw usageError(`recipient '${n}' starts with '*' (broadcasts are not sent directly)`);
  const b = encodeOem(n, codepage);
  if (b.length > MAX_NAME_BYTES) throw usageError(`${role} name '${n}' is ${b.length} bytes in ${codepage}, NetBIOS names have at most ${MAX_NAME_BYTES}`);
  return b;
}

/** [MS-MSRP] §3.2.4.4: From defaults to the computer name, here os.hostname() upper-cased, cut to 15. */
export function defaultFromName(): string {
  const host = os.hostname().split('.')[0] || 'NETSEND';
  return host.toUpperCase().slice(0, MAX_NAME_BYTES);
}

/** Splits encoded text into blocks of at most `size` bytes, never splitting a CR LF pair. */
export function splitBlocks(data: Buffer, size: number = BLOCK_BYTES): Buffer[] {
  if (!Number.isInteger(size) || size < 2) throw usageError(`block size ${size}`);
  const blocks: Buffer[] = [];
  let off = 0;
  while (off < data.length) {
    let end = Math.min(off + size, data.length);
    if (end < data.length && data[end - 1] === 0x0d && data[end] === 0x0a) end--;
    blocks.push(data.subarray(off, end));
    off = end;
  }
  return blocks;
}
