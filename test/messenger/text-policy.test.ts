/**
 * What a message may hold and how it is encoded (issue 11 item 7 b-e): only single- and double-byte
 * OEM/ANSI code pages, NUL refused (a Windows receiver ends the text there), the empty check on
 * the encoded bytes, and a warning that names what is sent for characters the code page lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { checkMessageText, encodeMessageText, resolveCodepage, supportedCodepages, unmappableChars, unmappableWarning } from '../../src/messenger/text.js';
import { prepareMessage, sendMessage } from '../../src/messenger/send.js';
import { netMessageBufferSend } from '../../src/messenger/api.js';
import { formatPopup } from '../../src/messenger/popup.js';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../src/messenger/receiver.js';

const usage = { layer: 'usage', code: 87, name: 'ERROR_INVALID_PARAMETER' };

describe('code pages: single- and double-byte OEM/ANSI only', () => {
  it('accepts the OEM and ANSI code pages in their usual spellings', () => {
    const cases: Array<[string, string]> = [
      ['cp437', 'cp437'], ['850', 'cp850'], ['IBM852', 'ibm852'], ['cp866', 'cp866'], ['windows-1252', 'windows1252'], ['CP1250', 'cp1250'],
      ['cp1258', 'cp1258'], ['932', 'cp932'], ['Shift_JIS', 'shiftjis'], ['GBK', 'gbk'], ['cp936', 'cp936'], ['EUC-KR', 'euckr'], ['cp949', 'cp949'], ['Big5', 'big5'], ['cp950', 'cp950'],
    ];
    for (const [given, want] of cases) expect(resolveCodepage(given)).toBe(want);
  });

  it('refuses what iconv-lite knows but is no code page, listing the accepted ones', () => {
    for (const bad of ['hex', 'base64', 'binary', 'utf16le', 'utf32', 'utf8', 'UTF-8', 'ucs2', 'utf7', 'gb18030', 'eucjp', 'latin1']) {
      let err: unknown;
      try {
        resolveCodepage(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toMatchObject(usage);
      expect((err as Error).message).toContain(`'${bad}' is not a single- or double-byte OEM/ANSI code page name`);
      expect((err as Error).message).toMatch(/cp437, .*cp850, .*cp1252, .*shiftjis, gbk, euckr, big5/);
    }
    expect(() => resolveCodepage('cp99999')).toThrow(/unknown code page 'cp99999'; use one of cp\d+/);
  });

  it('every accepted code page encodes any BMP character in one or two bytes and never to nothing', () => {
    const pages = supportedCodepages();
    expect(pages.length).toBeGreaterThan(40);
    fc.assert(
      fc.property(fc.constantFrom(...pages), fc.integer({ min: 1, max: 0xffff }).filter((u) => u < 0xd800 || u > 0xdfff), (cp, unit) => {
        const n = iconv.encode(String.fromCharCode(unit), cp).length;
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(2);
      }),
      { numRuns: 3000 },
    );
  });

  it('prepareMessage and the receiver refuse a pseudo-encoding as a usage error', async () => {
    for (const cp of ['hex', 'base64', 'binary', 'utf16le', 'utf32']) {
      expect(() => prepareMessage({ host: 'h', to: 'bob', from: 'A', text: 'zz', codepage: cp })).toThrow(expect.objectContaining(usage));
      await expect(startReceiver({ port: 0, codepage: cp, onMessage: () => {} })).rejects.toMatchObject(usage);
    }
  });
});

describe('message text', () => {
  it('NUL is refused wherever it is, as ERROR_INVALID_PARAMETER', () => {
    for (const text of ['\0', 'a\0b', 'end\0', '\0start']) {
      expect(() => checkMessageText(text)).toThrow(expect.objectContaining(usage));
      expect(() => encodeMessageText(text)).toThrow(/contains NUL \(U\+0000\) at character \d+/);
      expect(() => prepareMessage({ host: 'h', to: 'bob', from: 'A', text })).toThrow(expect.objectContaining(usage));
    }
    expect(() => checkMessageText('a\u2400b')).not.toThrow(); // the visible NUL symbol is fine
  });

  it('the empty check runs on the encoded bytes: empty text is refused by the library too', () => {
    expect(() => encodeMessageText('')).toThrow(/empty message/);
    expect(() => prepareMessage({ host: 'h', to: 'bob', from: 'A', text: '' })).toThrow(expect.objectContaining(usage));
    expect(encodeMessageText('\n')).toEqual(Buffer.from('\r\n'));
  });

  it('the warning names what is actually sent for each missing character', () => {
    expect(unmappableWarning(['€'], 'cp850')).toBe("'€' sent as '?' (not in code page cp850)");
    expect(unmappableWarning(unmappableChars('5€ 😀 日', 'cp850'), 'cp850')).toBe("'€' sent as '?', '😀' sent as '??', '日' sent as '?' (not in code page cp850)");
    expect(unmappableChars('5€', 'cp1252')).toEqual([]);
    expect(unmappableWarning(unmappableChars('😀', 'cp932'), 'cp932')).toBe("'😀' sent as '?' (not in code page cp932)");
    expect(unmappableWarning(['€'])).toContain('cp850');
  });
});

describe('the popup', () => {
  it('shows bidi overrides escaped, so a peer cannot reorder what the reader sees', () => {
    const m = { from: 'A\u202eB', to: 'BOB', text: 'invoice\u202efdp.exe\nok\u2066', receivedAt: new Date(2026, 10, 25, 14, 5, 9) };
    const out = formatPopup(m);
    expect(out).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(out).toContain('Message from A\\u202eB to BOB');
    expect(out).toContain('invoice\\u202efdp.exe');
    expect(out).toContain('ok\\u2066');
  });
});

describe('against our receiver', () => {
  let rx: Receiver;
  const got: ReceivedMessage[] = [];
  beforeAll(async () => {
    rx = await startReceiver({ port: 0, onMessage: (m) => got.push(m) });
  });
  afterAll(async () => {
    await rx?.close();
  });

  it('text with NUL is refused before any traffic; nothing arrives', async () => {
    const n = got.length;
    await expect(sendMessage({ host: rx.host, port: rx.port, to: 'bob', from: 'A', text: 'visible\0hidden' })).rejects.toMatchObject(usage);
    expect(await netMessageBufferSend(null, 'bob', 'A', 'visible\0hidden', { host: rx.host, port: rx.port })).toBe(87);
    expect(await netMessageBufferSend(null, 'bob', 'A', '', { host: rx.host, port: rx.port })).toBe(87);
    // A message that is allowed goes through, so the receiver was listening all along.
    expect((await sendMessage({ host: rx.host, port: rx.port, to: 'bob', from: 'A', text: 'visible' })).ok).toBe(true);
    expect(got.slice(n).map((m) => m.text)).toEqual(['visible']);
  });

  it('double-byte text (cp932) arrives intact', async () => {
    const r2 = await startReceiver({ port: 0, codepage: 'cp932', onMessage: (m) => got.push(m) });
    try {
      expect((await sendMessage({ host: r2.host, port: r2.port, to: 'bob', from: 'A', text: '東京へようこそ', codepage: 'Shift_JIS' })).ok).toBe(true);
      expect(got.at(-1)!.text).toBe('東京へようこそ');
    } finally {
      await r2.close();
    }
  });
});
