/**
 * The output sanitiser (src/util/sanitize.ts): network strings shown on a terminal or in --json
 * never carry a raw control (C0, DEL, C1), a bidi control (Bidi_Control, UAX #9 §2), U+2028/9 or a
 * lone surrogate; printable text passes unchanged.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sanitizeForTerminal, sanitizingWriter, toSafeJson } from '../../src/util/sanitize.js';

const BIDI = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];

/** The oracle, written independently of the implementation: is this code point forbidden in output? */
function forbidden(cp: number, lineBreaks = false): boolean {
  if (cp === 0x0a) return !lineBreaks;
  return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || BIDI.includes(cp) || cp === 0x2028 || cp === 0x2029 || (cp >= 0xd800 && cp <= 0xdfff);
}

/** Code points of `s`; for..of yields a lone surrogate as its own element. */
const codePoints = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);

/** Any UTF-16 string, lone surrogates included, biased towards the dangerous units. */
const anyUtf16 = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0x9f }),
      fc.constantFrom(0x1b, 0x9b, 0x9d, 0x7f, 0x0d, 0x0a, 0x07, ...BIDI, 0x2028, 0x2029, 0xd800, 0xdbff, 0xdc00, 0xdfff),
    ),
    { maxLength: 64 },
  )
  .map((units) => String.fromCharCode(...units));

/** Printable text: any code point (astral ones too) but the forbidden. */
const printable = fc
  .array(fc.integer({ min: 0x20, max: 0x10ffff }).filter((cp) => !forbidden(cp)), { maxLength: 64 })
  .map((cps) => String.fromCodePoint(...cps));

describe('sanitizeForTerminal', () => {
  it('shows ESC, CSI, OSC, BEL, CR, DEL, C1 and bidi controls as \\uXXXX escapes', () => {
    expect(sanitizeForTerminal('\x1b]0;owned\x07\x1b[2J')).toBe('\\u001b]0;owned\\u0007\\u001b[2J');
    expect(sanitizeForTerminal('safe\rEVIL')).toBe('safe\\u000dEVIL');
    expect(sanitizeForTerminal('a\x7fb\u009b31m\u009d0;t\u009c')).toBe('a\\u007fb\\u009b31m\\u009d0;t\\u009c');
    expect(sanitizeForTerminal('invoice\u202Efdp.exe')).toBe('invoice\\u202efdp.exe');
    expect(sanitizeForTerminal('\u2066\u2067\u2068\u2069\u200e\u200f\u061c')).toBe('\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c');
    expect(sanitizeForTerminal('tab\there')).toBe('tab\\u0009here');
  });

  it('escapes lone surrogates but keeps pairs', () => {
    expect(sanitizeForTerminal('x\ud800y\udc00z')).toBe('x\\ud800y\\udc00z');
    expect(sanitizeForTerminal('😀 \ud83d\ude00')).toBe('😀 😀');
    expect(sanitizeForTerminal('\udc00\ud800')).toBe('\\udc00\\ud800');
  });

  it('one-line by default (LF escaped, so a peer cannot forge output lines); lineBreaks keeps LF but never CR', () => {
    expect(sanitizeForTerminal('NAME\nserver: evil')).toBe('NAME\\u000aserver: evil');
    expect(sanitizeForTerminal('line 1\nline 2\r\n\x1b[A', { lineBreaks: true })).toBe('line 1\nline 2\\u000d\n\\u001b[A');
  });

  it('leaves printable text alone: accents, CJK, box drawing, emoji, backslashes', () => {
    for (const s of ['Grüße aus Köln', '東京へようこそ', '│ boxed │', '👍🏽 ok', 'C:\\temp\\x1b', '']) expect(sanitizeForTerminal(s)).toBe(s);
  });

  it('property: no forbidden code point survives, for any UTF-16 input (both modes)', () => {
    fc.assert(
      fc.property(anyUtf16, fc.boolean(), (s, lineBreaks) => {
        const out = sanitizeForTerminal(s, { lineBreaks });
        expect(codePoints(out).filter((cp) => forbidden(cp, lineBreaks))).toEqual([]);
        // LF is kept one for one in multi-line mode.
        if (lineBreaks) expect(out.split('\n').length).toBe(s.split('\n').length);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: identity on printable text', () => {
    fc.assert(
      fc.property(printable, (s) => {
        expect(sanitizeForTerminal(s)).toBe(s);
        expect(sanitizeForTerminal(s, { lineBreaks: true })).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every forbidden unit becomes exactly its escape, the rest is kept in order', () => {
    fc.assert(
      fc.property(anyUtf16, (s) => {
        const want = Array.from(s, (c) => (forbidden(c.codePointAt(0)!) ? `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}` : c)).join('');
        expect(sanitizeForTerminal(s)).toBe(want);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('toSafeJson', () => {
  it('escapes DEL, C1, bidi and U+2028/9 that JSON.stringify leaves raw', () => {
    const v = { text: 'a\x7f\u0085\u009b\u202e\u2066\u2028b', from: 'E\x1b[31m' };
    expect(JSON.stringify(v)).toMatch(/[\x7f\u0085\u009b\u202e]/); // the gap this closes
    const j = toSafeJson(v);
    expect(j).toBe('{"text":"a\\u007f\\u0085\\u009b\\u202e\\u2066\\u2028b","from":"E\\u001b[31m"}');
    expect(JSON.parse(j)).toEqual(v);
  });

  it('property: parses back to the same value and holds no forbidden code point', () => {
    const value = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(anyUtf16, fc.integer(), fc.boolean(), fc.constant(null), fc.array(anyUtf16, { maxLength: 3 })));
    fc.assert(
      fc.property(value, (v) => {
        const j = toSafeJson(v);
        expect(codePoints(j).filter((cp) => forbidden(cp))).toEqual([]);
        // Lone surrogates come back as the same lone surrogates (JSON.stringify's \udXXX escapes).
        expect(JSON.parse(j)).toEqual(v);
      }),
      { numRuns: 1000 },
    );
  });

  it('undefined becomes null', () => {
    expect(toSafeJson(undefined)).toBe('null');
  });
});

describe('sanitizingWriter', () => {
  it('passes text through the multi-line sanitiser, so JSON lines stay valid JSON', () => {
    const out: string[] = [];
    const w = sanitizingWriter({ write: (s: string) => out.push(s) });
    w.write('plain\n');
    w.write(JSON.stringify({ t: '\u009b\u202e' }) + '\n');
    w.write('\x1b]0;x\x07\n');
    expect(out[0]).toBe('plain\n');
    expect(JSON.parse(out[1]!)).toEqual({ t: '\u009b\u202e' });
    expect(out[2]).toBe('\\u001b]0;x\\u0007\n');
  });
});

describe('package entry point', () => {
  it('exports the sanitiser for library users who print received messages', async () => {
    const netsend = await import('../../src/index.js');
    expect(netsend.sanitizeForTerminal('a\x1bb')).toBe('a\\u001bb');
    expect(netsend.toSafeJson('\u202e')).toBe('"\\u202e"');
  });
});
