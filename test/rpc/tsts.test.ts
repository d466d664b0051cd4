/**
 * MS-TSTS stubs byte for byte against tsts-notes §6 (layouts from the [MS-TSTS] IDL), every response
 * layout there decoded, round trips and fuzzing of the new types.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  RpcCloseEnum,
  RpcGetEnumResult,
  RpcGetSessionIds,
  RpcOpenEnum,
  SESSIONENUM,
  decodeGetEnumResult,
  stringToWchars,
  wcharsToString,
} from '../../src/rpc/interfaces/termsrv-enumeration.js';
import { RpcCloseSession, RpcGetState, RpcOpenSession, RpcShowMessageBox, encodeShowMessageBox } from '../../src/rpc/interfaces/termsrv-session.js';
import {
  RpcWinStationCloseServer,
  RpcWinStationCloseServerEx,
  RpcWinStationEnumerate,
  RpcWinStationOpenServer,
  RpcWinStationSendMessage,
  buildLogonIds,
  encodeSendMessage,
  legacyText,
  parseLogonIds,
  LEGACY_MAX_CHARS,
} from '../../src/rpc/interfaces/icaapi.js';
import { checkBoolean, checkHresult, liveHandle, type ServerHandle, type SessionHandle } from '../../src/rpc/interfaces/tsts-common.js';
import { NdrDecoder, NdrEncoder } from '../../src/rpc/ndr/core.js';
import { MalformedError, NetsendError } from '../../src/status/error.js';
import { hresult, hresultFromWin32 } from '../../src/status/hresult.js';
import { ntStatusToWin32 } from '../../src/status/map.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** tsts-notes §6: attrs 00000000, uuid 00 11 22 ... ff. */
const HANDLE = hex('00000000 00112233445566778899aabbccddeeff');
const NULL20 = Buffer.alloc(20);

describe('RpcWinStationSendMessage (opnum 7), tsts-notes §6.1 variant B', () => {
  it('encodes the 69-byte stub: byte-count lengths, zero-padded WCHAR arrays, 1-octet BOOLEAN', () => {
    const stub = encodeSendMessage(HANDLE as ServerHandle, { sessionId: 1, title: 'T', message: 'hi' });
    expect(stub.toString('hex')).toBe(
      hex(`00 00 00 00 00 11 22 33 44 55 66 77 88 99 aa bb
           cc dd ee ff 01 00 00 00 04 00 00 00 54 00 00 00
           00 00 00 00 04 00 00 00 06 00 00 00 68 00 69 00
           00 00 00 00 00 00 00 00 06 00 00 00 00 00 00 00
           00 00 00 00 01`).toString('hex'),
    );
    expect(stub.length).toBe(69);
  });

  it('variant A (§6.2, chars incl. NUL) is what the declaration gives for 2/3-element arrays: 61 bytes', () => {
    const stub = RpcWinStationSendMessage.encodeIn({ hServer: HANDLE, LogonId: 1, pTitle: [0x54, 0], TitleLength: 2, pMessage: [0x68, 0x69, 0], MessageLength: 3, Style: 0, Timeout: 0, DoNotWait: true });
    expect(stub.toString('hex')).toBe(
      hex(`00 00 00 00 00 11 22 33 44 55 66 77 88 99 aa bb
           cc dd ee ff 01 00 00 00 02 00 00 00 54 00 00 00
           02 00 00 00 03 00 00 00 68 00 69 00 00 00 00 00
           03 00 00 00 00 00 00 00 00 00 00 00 01`).toString('hex'),
    );
  });

  it('decodes the §6.3 success response: STATUS_SUCCESS, IDASYNC, TRUE', () => {
    expect(RpcWinStationSendMessage.decodeOut(hex('00000000 017d0000 01'))).toEqual({ pResult: 0, pResponse: 32001, result: true });
  });

  it('refuses a size_is that disagrees with the array and strings past the range(0,1024) limit', () => {
    expect(() => RpcWinStationSendMessage.encodeIn({ hServer: HANDLE, LogonId: 1, pTitle: [0], TitleLength: 2, pMessage: [0], MessageLength: 1, Style: 0, Timeout: 0, DoNotWait: true })).toThrow(NetsendError);
    expect(legacyText('x'.repeat(LEGACY_MAX_CHARS), 't')).toHaveLength(1024);
    expect(() => legacyText('x'.repeat(LEGACY_MAX_CHARS + 1), 't')).toThrow(/511/);
    expect(() => legacyText('a\0b', 't')).toThrow(NetsendError);
  });
});

describe('RpcShowMessageBox (TermSrvSession opnum 9), tsts-notes §6.4', () => {
  it('encodes the 68-byte stub: conformant varying strings, 4-byte BOOL', () => {
    const stub = encodeShowMessageBox(HANDLE as SessionHandle, { title: 'T', message: 'hi' });
    expect(stub.toString('hex')).toBe(
      hex(`00 00 00 00 00 11 22 33 44 55 66 77 88 99 aa bb
           cc dd ee ff 02 00 00 00 00 00 00 00 02 00 00 00
           54 00 00 00 03 00 00 00 00 00 00 00 03 00 00 00
           68 00 69 00 00 00 00 00 00 00 00 00 00 00 00 00
           01 00 00 00`).toString('hex'),
    );
    expect(RpcShowMessageBox.decodeIn(stub)).toEqual({ hSession: HANDLE, szTitle: 'T', szMessage: 'hi', ulStyle: 0, ulTimeout: 0, bDoNotWait: 1 });
  });

  it('decodes the response (IDASYNC, S_OK) and a waiting call gets bDoNotWait 0', () => {
    expect(RpcShowMessageBox.decodeOut(hex('017d0000 00000000'))).toEqual({ pulResponse: 32001, result: 0 });
    const wait = encodeShowMessageBox(HANDLE as SessionHandle, { title: 'T', message: 'hi', style: 0x40, timeoutSec: 30, doNotWait: false });
    expect(wait.subarray(-12).toString('hex')).toBe('40000000' + '1e000000' + '00000000');
  });
});

describe('§6.5 other request stubs and §2.5 response layouts', () => {
  it('RpcOpenSession(1) is the 4-byte id; RpcOpenEnum and RpcWinStationOpenServer are empty (handle_t is not marshalled)', () => {
    expect(RpcOpenSession.encodeIn({ SessionId: 1 }).toString('hex')).toBe('01000000');
    expect(RpcOpenEnum.encodeIn({}).length).toBe(0);
    expect(RpcWinStationOpenServer.encodeIn({}).length).toBe(0);
    expect(RpcGetEnumResult.encodeIn({ hEnum: HANDLE, Level: 1 }).toString('hex')).toBe(HANDLE.toString('hex') + '01000000');
    expect(RpcGetSessionIds.encodeIn({ Filter: 0, MaxEntries: 0xffff }).toString('hex')).toBe('0000' + '0000' + 'ffff0000');
    expect(RpcCloseEnum.encodeIn({ phEnum: HANDLE }).equals(HANDLE)).toBe(true);
    expect(RpcCloseSession.encodeIn({ phSession: HANDLE }).equals(HANDLE)).toBe(true);
    expect(RpcWinStationCloseServer.encodeIn({ hServer: HANDLE }).equals(HANDLE)).toBe(true);
    expect(RpcWinStationCloseServerEx.encodeIn({ phServer: HANDLE }).equals(HANDLE)).toBe(true);
    expect(RpcGetState.encodeIn({ hSession: HANDLE }).equals(HANDLE)).toBe(true);
  });

  it('decodes handle + HRESULT (LSM) and pResult + handle + BOOLEAN (Legacy)', () => {
    expect(RpcOpenSession.decodeOut(Buffer.concat([HANDLE, hex('00000000')]))).toEqual({ phSession: HANDLE, result: 0 });
    expect(RpcOpenEnum.decodeOut(Buffer.concat([HANDLE, hex('05000780')]))).toEqual({ phEnum: HANDLE, result: 0x80070005 });
    expect(RpcCloseEnum.decodeOut(Buffer.concat([NULL20, hex('00000000')]))).toEqual({ phEnum: NULL20, result: 0 });
    expect(RpcGetState.decodeOut(hex('00000000 00000000'))).toEqual({ plState: 0, result: 0 });
    expect(RpcWinStationOpenServer.decodeOut(Buffer.concat([hex('00000000'), HANDLE, hex('01')]))).toEqual({ pResult: 0, phServer: HANDLE, result: true });
    expect(RpcWinStationCloseServer.decodeOut(hex('00000000 01'))).toEqual({ pResult: 0, result: true });
    expect(RpcWinStationCloseServerEx.decodeOut(Buffer.concat([NULL20, hex('00000000 01')]))).toEqual({ phServer: NULL20, pResult: 0, result: true });
    expect(RpcWinStationSendMessage.decodeOut(hex('220000c0 00000000 00'))).toEqual({ pResult: 0xc0000022, pResponse: 0, result: false });
  });

  it('RpcGetSessionIds response: ref-id, max_count, ids, count, HRESULT', () => {
    const out = RpcGetSessionIds.decodeOut(hex('00000200 02000000 01000000 02000000 02000000 00000000'));
    expect(out).toEqual({ pSessionIds: [1, 2], pcSessionIds: 2, result: 0 });
  });
});

/** §6.7: two sessions, 0 "Services" Disconnected and 1 "Console" Active, 184 bytes. */
function enumResult184(): Buffer {
  const name = (s: string) => {
    const b = Buffer.alloc(66);
    b.write(s, 'utf16le');
    return b;
  };
  const elem = (id: number, state: number, s: string) => Buffer.concat([hex('01000000 01000000'), Buffer.from(Int32Array.of(id, state).buffer), name(s)]);
  return Buffer.concat([hex('00000200 02000000'), elem(0, 4, 'Services'), Buffer.alloc(2), elem(1, 0, 'Console'), Buffer.alloc(2), hex('02000000 00000000')]);
}

describe('RpcGetEnumResult level 1 (tsts-notes §6.7)', () => {
  it('decodes the 184-byte response: double tag per element, 84-byte stride', () => {
    const stub = enumResult184();
    expect(stub.length).toBe(184);
    expect(stub.subarray(0x5c, 0x6c).toString('hex')).toBe('01000000010000000100000000000000');
    expect(decodeGetEnumResult(stub, 1)).toEqual({
      result: 0,
      sessions: [
        { sessionId: 0, state: 4, name: 'Services' },
        { sessionId: 1, state: 0, name: 'Console' },
      ],
    });
  });

  it('encodes the same bytes from the declaration (the responder side)', () => {
    const entries = [
      { Level: 1, Data: { tag: 1, value: { SessionId: 0, State: 4, Name: stringToWchars('Services') } } },
      { Level: 1, Data: { tag: 1, value: { SessionId: 1, State: 0, Name: stringToWchars('Console') } } },
    ];
    expect(RpcGetEnumResult.encodeOut({ ppSessionEnumResult: entries, pEntries: 2, result: 0 } as never).equals(enumResult184())).toBe(true);
  });

  it('refuses a count that disagrees with pEntries, a level other than asked, a union tag other than Level', () => {
    const stub = enumResult184();
    const bad = Buffer.from(stub);
    bad.writeUInt32LE(3, 176);
    expect(() => decodeGetEnumResult(bad, 1)).toThrow(/pEntries/);
    expect(() => decodeGetEnumResult(stub, 2)).toThrow(NetsendError);
    const tag = Buffer.from(stub);
    tag.writeUInt32LE(2, 12);
    expect(() => decodeGetEnumResult(tag, 1)).toThrow(MalformedError);
  });

  it('a NULL array decodes as no sessions', () => {
    expect(decodeGetEnumResult(hex('00000000 00000000 05000780'), 1)).toEqual({ sessions: [], result: 0x80070005 });
  });
});

describe('RpcWinStationEnumerate (tsts-notes §6.6)', () => {
  it('encodes the 1256-byte request for a 16-entry buffer', () => {
    const stub = RpcWinStationEnumerate.encodeIn({ hServer: HANDLE, pEntries: 0xffffffff, pLogonId: Buffer.alloc(1216), pByteCount: 1216, pIndex: 0 });
    expect(stub.length).toBe(1256);
    expect(stub.subarray(20, 32).toString('hex')).toBe('ffffffff' + '00000200' + 'c0040000');
    expect(stub.subarray(1248).toString('hex')).toBe('c0040000' + '00000000');
  });

  it('decodes a response and its LOGONID buffer (76-byte stride, name @4, state @72)', () => {
    const buf = buildLogonIds([
      { sessionId: 1, state: 0, name: 'Console' },
      { sessionId: 65536, state: 6, name: 'RDP-Tcp' },
    ]);
    expect(buf.length).toBe(152);
    expect(buf.readUInt32LE(76 + 72)).toBe(6);
    const stub = RpcWinStationEnumerate.encodeOut({ pResult: 0, pEntries: 2, pLogonId: buf, pByteCount: 152, pIndex: 2, result: true });
    const out = RpcWinStationEnumerate.decodeOut(stub);
    expect(parseLogonIds(out.pLogonId!, out.pEntries)).toEqual([
      { sessionId: 1, state: 0, name: 'Console' },
      { sessionId: 65536, state: 6, name: 'RDP-Tcp' },
    ]);
    expect(() => parseLogonIds(buf, 3)).toThrow(NetsendError);
  });
});

describe('results named from the catalogue', () => {
  it('HRESULT: catalogue names and HRESULT_FROM_WIN32', () => {
    expect(hresult(0x80070005).name).toBe('E_ACCESSDENIED');
    expect(hresult(0x80071b6e).name).toBe('HRESULT_FROM_WIN32(ERROR_CTX_WINSTATION_NOT_FOUND)');
    expect(hresult(0x80070002).name).toBe('HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)');
    expect(hresult(0x8007139f).name).toBe('HRESULT_FROM_WIN32(ERROR_INVALID_STATE)');
    expect(hresult(0x80ff0001).name).toBe('HRESULT_0x80FF0001');
    expect(hresultFromWin32(7022)).toBe(0x80071b6e);
    expect(hresultFromWin32(0)).toBe(0);
    expect(() => checkHresult(0x80070005, 'x')).toThrow(expect.objectContaining({ layer: 'hresult', name: 'E_ACCESSDENIED' }));
    expect(() => checkHresult(1, 'x')).not.toThrow();
  });

  it('Legacy BOOLEAN FALSE + pResult NTSTATUS, and the CTX range maps to ERROR_CTX_*', () => {
    expect(() => checkBoolean(false, 0xc00a0015, 'x')).toThrow(expect.objectContaining({ layer: 'ntstatus', name: 'STATUS_CTX_WINSTATION_NOT_FOUND' }));
    expect(() => checkBoolean(true, 0xc0000022, 'x')).not.toThrow();
    expect(ntStatusToWin32(0xc00a0015)).toBe(7022);
    expect(ntStatusToWin32(0xc00a002b)).toBe(7045);
    expect(() => liveHandle(NULL20, 'SESSION_HANDLE')).toThrow(NetsendError);
  });
});

const wname = fc.string({ maxLength: 32 }).filter((s) => !s.includes('\0') && [...s].every((c) => c.charCodeAt(0) < 0xd800));
const handle = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((a) => Buffer.from(a));

describe('round trips (fast-check)', () => {
  it('SESSIONENUM levels 1 and 2', () => {
    const l1 = fc.record({ SessionId: fc.integer({ min: -0x80000000, max: 0x7fffffff }), State: fc.integer({ min: 0, max: 9 }), Name: wname.map((s) => stringToWchars(s)) });
    const l2 = fc.record({
      SessionId: fc.integer({ min: 0, max: 0xffff }),
      State: fc.integer({ min: 0, max: 9 }),
      Name: wname.map((s) => stringToWchars(s)),
      Source: fc.nat(),
      bFullDesktop: fc.integer({ min: 0, max: 1 }),
      SessionType: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
    });
    const entry = fc.oneof(l1.map((v) => ({ Level: 1, Data: { tag: 1, value: v } })), l2.map((v) => ({ Level: 2, Data: { tag: 2, value: v } })));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), (arr) => {
        const e = new NdrEncoder();
        for (const x of arr) SESSIONENUM.encode(e, x as never, false);
        const d = new NdrDecoder(e.w.finish());
        const back: unknown[] = [];
        for (let i = 0; i < arr.length; i++) SESSIONENUM.decode(d, false, (v) => back.push(v));
        expect(back).toEqual(arr);
      }),
    );
  });

  it('RpcGetEnumResult level 1 out, RpcShowMessageBox in, RpcWinStationSendMessage in, Enumerate out', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.nat(0x1ffff), state: fc.nat(9), name: wname }), { maxLength: 8 }), handle, wname, wname, fc.nat(), fc.nat(), fc.boolean(), (sessions, h, title, text, style, timeout, nowait) => {
        const entries = sessions.map((s) => ({ Level: 1, Data: { tag: 1, value: { SessionId: s.id, State: s.state, Name: stringToWchars(s.name) } } }));
        const stub = RpcGetEnumResult.encodeOut({ ppSessionEnumResult: entries, pEntries: entries.length, result: 0 } as never);
        expect(decodeGetEnumResult(stub, 1).sessions).toEqual(sessions.map((s) => ({ sessionId: s.id, state: s.state, name: s.name })));
        const smb = encodeShowMessageBox(h as SessionHandle, { title, message: text, style, timeoutSec: timeout, doNotWait: nowait });
        expect(RpcShowMessageBox.decodeIn(smb)).toEqual({ hSession: h, szTitle: title, szMessage: text, ulStyle: style, ulTimeout: timeout, bDoNotWait: nowait ? 1 : 0 });
        const sm = RpcWinStationSendMessage.decodeIn(encodeSendMessage(h as ServerHandle, { sessionId: 3, title, message: text, style, timeoutSec: timeout, doNotWait: nowait }));
        expect(wcharsToString(sm.pTitle)).toBe(title);
        expect(wcharsToString(sm.pMessage)).toBe(text);
        expect(sm.TitleLength).toBe(2 * (title.length + 1));
        expect(sm.DoNotWait).toBe(nowait);
        const buf = buildLogonIds(sessions.map((s) => ({ sessionId: s.id, state: s.state, name: s.name })));
        const en = RpcWinStationEnumerate.decodeOut(RpcWinStationEnumerate.encodeOut({ pResult: 0, pEntries: sessions.length, pLogonId: buf, pByteCount: buf.length, pIndex: 0, result: true }));
        expect(parseLogonIds(en.pLogonId!, en.pEntries)).toEqual(sessions.map((s) => ({ sessionId: s.id, state: s.state, name: s.name })));
      }),
    );
  });
});

/** Random and truncated input: a result or a NetsendError, nothing else. */
function onlyNetsendErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof NetsendError)) throw e;
  }
}

describe('fuzz: every TSTS decoder on random and truncated stubs', () => {
  const decoders: ((b: Buffer) => unknown)[] = [
    (b) => decodeGetEnumResult(b, 1),
    (b) => decodeGetEnumResult(b, 2),
    (b) => RpcGetSessionIds.decodeOut(b),
    (b) => RpcOpenEnum.decodeOut(b),
    (b) => RpcCloseEnum.decodeOut(b),
    (b) => RpcOpenSession.decodeOut(b),
    (b) => RpcShowMessageBox.decodeOut(b),
    (b) => RpcShowMessageBox.decodeIn(b),
    (b) => RpcWinStationOpenServer.decodeOut(b),
    (b) => RpcWinStationCloseServerEx.decodeOut(b),
    (b) => RpcWinStationSendMessage.decodeOut(b),
    (b) => RpcWinStationSendMessage.decodeIn(b),
    (b) => {
      const o = RpcWinStationEnumerate.decodeOut(b);
      return parseLogonIds(o.pLogonId ?? Buffer.alloc(0), o.pEntries);
    },
  ];
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (a) => decoders.forEach((d) => onlyNetsendErrors(() => d(Buffer.from(a))))), { numRuns: 300 });
  });
  it('every truncation of a valid §6.7 response', () => {
    const stub = enumResult184();
    for (let n = 0; n < stub.length; n++) expect(() => decodeGetEnumResult(stub.subarray(0, n), 1)).toThrow(NetsendError);
  });
});
