import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import os from 'node:os';
import { NetsendError } from '../../src/status/error.js';
import {
  applyLineEndings,
  decodeOemText,
  defaultFromName,
  encodeName,
  encodeOem,
  decodeOemName,
  resolveCodepage,
  splitBlocks,
  supportedCodepages,
  unmappableChars,
  BLOCK_BYTES,
} from '../../src/messenger/text.js';
import { prepareMessage } from '../../src/messenger/send.js';
import iconv from 'iconv-lite';
import { formatPopup, popupHeader } from '../../src/messenger/popup.js';

describe('OEM text', () => {
  it('encodes "Grüße, ½ café" to cp850 bytes (as Samba reads them)', () => {
    expect(encodeOem('Grüße, ½ café', 'cp850').toString('hex')).toBe('477281e1652c20ab2063616682');
    expect(encodeOem('é', '437').toString('hex')).toBe('82');
    expect(encodeOem('€', 'cp850').toString()).toBe('?'); // not in cp850: Windows' default char
  });

  it('the default code page without iconv-lite (ASCII text and bytes) gives exactly what iconv-lite gives', () => {
    expect(supportedCodepages()).toContain('cp850'); // resolveCodepage's shortcut for the default
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) }), (text) => {
        expect(encodeOem(text).equals(iconv.encode(text, 'cp850'))).toBe(true);
        expect(unmappableChars(text)).toEqual([]);
        const bytes = Buffer.from(text, 'latin1');
        expect(decodeOemName(bytes)).toBe(iconv.decode(bytes, 'cp850'));
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (a) => {
        const bytes = Buffer.from(a);
        expect(decodeOemName(bytes)).toBe(iconv.decode(bytes, 'cp850'));
      }),
    );
  });

  it('lists characters a code page lacks', () => {
    expect(unmappableChars('Grüße € and 日本 €?', 'cp850')).toEqual(['€', '日', '本']);
    expect(unmappableChars('Grüße, ½ café', 'cp850')).toEqual([]);
    expect(unmappableChars('日本', 'cp932')).toEqual([]);
  });

  it('resolves code page spellings and rejects unknown ones as usage errors', () => {
    expect(resolveCodepage('850')).toBe('cp850');
    expect(resolveCodepage('CP437')).toBe('cp437');
    expect(resolveCodepage(undefined)).toBe('cp850');
    for (const bad of ['cp99999', '', 'klingon']) {
      try {
        resolveCodepage(bad);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(NetsendError);
        expect((e as NetsendError).layer).toBe('usage');
      }
    }
  });

  it('applies line-ending policies', () => {
    const t = 'a\nb\r\nc\rd\n\re';
    expect(applyLineEndings(t, 'crlf')).toBe('a\r\nb\r\nc\r\nd\r\ne');
    expect(applyLineEndings(t, 'lf')).toBe('a\nb\nc\nd\ne');
    expect(applyLineEndings(t, 'msrp')).toBe('a\x14b\x14c\x14d\x14e');
    expect(applyLineEndings(t, 'raw')).toBe(t);
  });

  it('decodes received text: 0x14, CRLF, LFCR and CR become LF; a trailing NUL goes', () => {
    expect(decodeOemText(Buffer.from('a\x14b\r\nc\n\rd\re\0'), 'cp850')).toBe('a\nb\nc\nd\ne');
    expect(decodeOemText(Buffer.from([0x81, 0xe1]), 'cp850')).toBe('üß');
  });

  it('cp850 round trip for every representable string (property)', () => {
    const cp850Char = fc.integer({ min: 0x20, max: 0xff }).map((b) => decodeOemText(Buffer.from([b]), 'cp850'));
    fc.assert(
      fc.property(fc.array(cp850Char, { maxLength: 60 }), (chars) => {
        const s = chars.join('');
        expect(decodeOemText(encodeOem(s, 'cp850'), 'cp850')).toBe(s);
      }),
    );
  });
});

describe('names', () => {
  it('upper-cases the recipient and keeps the sender as given', () => {
    expect(encodeName('bob', 'cp850', 'to').toString()).toBe('BOB');
    expect(encodeName('alice', 'cp850', 'from').toString()).toBe('alice');
    expect(encodeName('jürgen', 'cp850', 'to')).toEqual(Buffer.from([0x4a, 0x9a, 0x52, 0x47, 0x45, 0x4e])); // Ü = 0x9A
  });

  it('rejects empty, too long, NUL and "*" recipients', () => {
    for (const [n, role] of [['', 'to'], ['ABCDEFGHIJKLMNOP', 'to'], ['A\0B', 'from'], ['*', 'to'], ['*BOB', 'to']] as const) {
      expect(() => encodeName(n, 'cp850', role)).toThrow(NetsendError);
    }
  });

  it('defaults From to the host name, upper-cased, at most 15 characters', () => {
    const d = defaultFromName();
    expect(d.length).toBeLessThanOrEqual(15);
    expect(d).toBe(d.toUpperCase());
    expect(os.hostname().toUpperCase().startsWith(d)).toBe(true);
  });
});

describe('blocks', () => {
  it('splits into ≤128-byte blocks that concatenate back, never between CR and LF (property)', () => {
    const bytes = fc.uint8Array({ maxLength: 1200 }).map((a) => Buffer.from(a));
    const crlfHeavy = fc.array(fc.constantFrom('a', '\r\n', 'é'), { maxLength: 600 }).map((a) => encodeOem(a.join(''), 'cp850'));
    fc.assert(
      fc.property(fc.oneof(bytes, crlfHeavy), (data) => {
        const blocks = splitBlocks(data);
        expect(Buffer.concat(blocks)).toEqual(data);
        for (const [i, b] of blocks.entries()) {
          expect(b.length).toBeGreaterThan(0);
          expect(b.length).toBeLessThanOrEqual(BLOCK_BYTES);
          if (i < blocks.length - 1 && b[b.length - 1] === 0x0d) expect(blocks[i + 1]![0]).not.toBe(0x0a);
        }
      }),
    );
  });

  it('prepares multi-block by default and enforces the 652-byte default limit', () => {
    const p = prepareMessage({ host: 'h', to: 'bob', from: 'A', text: 'x'.repeat(652) });
    expect(p.mode).toBe('multi');
    expect(p.negotiate).toBe(false);
    expect(p.blocks.map((b) => b.length)).toEqual([128, 128, 128, 128, 128, 12]);
    expect(() => prepareMessage({ host: 'h', to: 'bob', from: 'A', text: 'x'.repeat(653) })).toThrow(/limit 652/);
    expect(prepareMessage({ host: 'h', to: 'bob', from: 'A', text: 'x'.repeat(1600), maxBytes: 1600 }).blocks).toHaveLength(13);
    const single = prepareMessage({ host: 'h', to: 'bob', from: 'A', text: 'hi', mode: 'single' });
    expect(single).toMatchObject({ mode: 'single', negotiate: true });
    expect(prepareMessage({ host: 'h', to: 'bob', from: 'A', text: 'x'.repeat(128), mode: 'single' }).blocks[0]).toHaveLength(128);
    expect(() => prepareMessage({ host: 'h', to: 'bob', from: 'A', text: 'x'.repeat(129), mode: 'single' })).toThrow(/single-block/);
  });
});

describe('popup', () => {
  const m = { from: 'ALICE', to: 'BOB', text: 'line one\nline two', receivedAt: new Date(2026, 10, 25, 14, 5, 9) };
  it('renders the Windows header line and a box', () => {
    expect(popupHeader(m)).toBe('Message from ALICE to BOB on 11/25/2026 2:05:09 PM');
    const lines = formatPopup(m).split('\n');
    expect(lines[0]).toMatch(/^┌─+┐$/);
    expect(lines[1]).toContain('Message from ALICE to BOB');
    expect(lines[3]).toMatch(/^│ line one +│$/);
    expect(lines.at(-1)).toMatch(/^└─+┘$/);
    expect(new Set(lines.map((l) => Array.from(l).length)).size).toBe(1);
  });
  it('neutralises terminal control characters from the peer', () => {
    expect(formatPopup({ ...m, text: 'evil\x1b[2J' })).not.toContain('\x1b');
  });
});
