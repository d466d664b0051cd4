/**
 * Output sanitising for strings that came from the network (names, message text, server
 * identities, error messages that quote them). A terminal acts on some code points instead of
 * showing them: C0 controls (ESC starts CSI/OSC sequences that move the cursor, clear the screen,
 * set the window title or write the clipboard; CR overwrites a line), DEL, the C1 controls
 * U+0080–U+009F (U+009B is a one-character CSI, U+009D an OSC on terminals that honour 8-bit
 * controls; ECMA-48 §5.3), and the Unicode bidirectional controls (Bidi_Control: U+061C, U+200E,
 * U+200F, U+202A–U+202E, U+2066–U+2069; UAX #9 §2) reorder what follows so that shown text differs
 * from the real text ("Trojan Source", CVE-2021-42574). U+2028/U+2029 are line breaks to some
 * renderers, and a lone surrogate is not text at all.
 *
 * Every such code unit is shown as a `\uXXXX` escape (lower-case hex). One notation serves the
 * terminal and JSON alike: the escape is valid inside a JSON string, so a writer that sanitises all
 * it prints can never break a --json line. Printable text, including a backslash, passes unchanged.
 */

/**
 * Code units shown as escapes: C0, DEL, C1, Bidi_Control, U+2028/U+2029, and surrogates that are
 * not part of a pair. (Without the `u` flag the pattern sees UTF-16 code units, so a lone
 * surrogate is matchable.)
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** The same without LF, for multi-line text (a message body). */
const UNSAFE_KEEP_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeUnit(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

/** How peer text is made safe to print. */
export interface SanitizeOptions {
  /**
   * Keep LF as a line break (message bodies: a popup has lines). CR is escaped even then, so a
   * peer can never return the cursor and overwrite what was printed; receivers turn CR LF into LF
   * before display (text.ts decodeOemText). Default false: one-line fields (names, addresses,
   * error messages) show LF as `\u000a`, so a peer cannot forge extra output lines.
   */
  lineBreaks?: boolean;
}

/**
 * `s` with every terminal-active or bidi control shown as a `\uXXXX` escape (see the module
 * comment). Identity on text without such code units.
 */
export function sanitizeForTerminal(s: string, opts: SanitizeOptions = {}): string {
  return s.replace(opts.lineBreaks ? UNSAFE_KEEP_LF : UNSAFE, escapeUnit);
}

/**
 * JSON for --json output (RFC 8259): JSON.stringify escapes C0 and lone surrogates but leaves DEL,
 * C1, the bidi controls and U+2028/U+2029 raw; here those are `\uXXXX` escapes too. They can only
 * occur inside strings, so the result parses to the same value. `undefined` becomes `null`.
 */
export function toSafeJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(UNSAFE, escapeUnit);
}

/** A writer whose every write is sanitised, line breaks kept: the last guard before a terminal. */
export function sanitizingWriter(w: { write(s: string): unknown }): { write(s: string): unknown } {
  return { write: (s: string) => w.write(sanitizeForTerminal(String(s), { lineBreaks: true })) };
}
