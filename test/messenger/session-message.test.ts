/** Pure parts of the msg.exe path: session selection, `*` filter, actionable errors. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { adminNeededError, isStarTarget, parseSessionSelector, remoteApiDisabledError, sendSessionMessage } from '../../src/messenger/session-message.js';
import { NetsendError } from '../../src/status/error.js';

describe('session selection (msg.exe: id, user, *)', () => {
  it('parses *, decimal ids and user names; refuses empty, control characters and ids past 2^31-1', () => {
    expect(parseSessionSelector('*')).toBe('*');
    expect(parseSessionSelector('3')).toBe(3);
    expect(parseSessionSelector('0')).toBe(0);
    expect(parseSessionSelector('CORP\\bob')).toBe('CORP\\bob');
    for (const bad of ['', 'a\u0007', '4294967295']) expect(() => parseSessionSelector(bad)).toThrow(NetsendError);
  });

  it('`*` keeps Active sessions only, never session 0 nor listeners (>= 65536)', () => {
    expect(isStarTarget({ sessionId: 1, state: 0 })).toBe(true);
    expect(isStarTarget({ sessionId: 0, state: 0 })).toBe(false);
    expect(isStarTarget({ sessionId: 65536, state: 0 })).toBe(false);
    expect(isStarTarget({ sessionId: 2, state: 4 })).toBe(false);
    fc.assert(fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.integer({ min: 0, max: 9 }), (id, state) => {
      expect(isStarTarget({ sessionId: id, state })).toBe(state === 0 && id > 0 && id < 65536);
    }));
  });

  it('usage errors before any traffic: NUL in text or title, bad timeout, style or id', async () => {
    const base = { server: '127.0.0.1', port: 1, credentials: { user: 'u', password: 'p' }, timeoutMs: 1000 };
    for (const o of [{ text: 'a\0b' }, { text: 'x', title: 't\0' }, { text: 'x', timeoutSec: -1 }, { text: 'x', style: 1.5 }, { text: 'x', sessions: -2 }]) {
      await expect(sendSessionMessage({ ...base, ...o })).rejects.toMatchObject({ layer: 'usage' });
    }
  });
});

describe('actionable errors keep the raw status as layer/code/name', () => {
  const missing = new NetsendError('ntstatus', 0xc0000034, 'STATUS_OBJECT_NAME_NOT_FOUND', 'x');
  it('remote session API disabled: both pipes named with their status, and 1722', () => {
    const e = remoteApiDisabledError('HOST', missing, missing);
    expect([e.layer, e.code, e.name]).toEqual(['ntstatus', 0xc0000034, 'STATUS_OBJECT_NAME_NOT_FOUND']);
    expect(e.message).toBe(
      'remote session API disabled on HOST (AllowRemoteRPC=0, or Terminal Services off): \\PIPE\\LSM_API_service: STATUS_OBJECT_NAME_NOT_FOUND 0xc0000034; \\PIPE\\Ctx_WinStation_API_service: STATUS_OBJECT_NAME_NOT_FOUND 0xc0000034 (RPC_S_SERVER_UNAVAILABLE 1722 for Windows tools)',
    );
  });
  it('needs an administrator: the raw HRESULT named', () => {
    const e = adminNeededError('HOST', new NetsendError('hresult', 0x80070005, 'E_ACCESSDENIED', 'x'), 'enumerating sessions');
    expect(e.message).toBe('enumerating sessions needs an administrator of HOST (UAC remote restrictions apply to local accounts): E_ACCESSDENIED 0x80070005');
    expect(e.name).toBe('E_ACCESSDENIED');
  });
});
