/**
 * The msg.exe path (MS-TSTS) driven end to end through the scripted responder hosted on
 * python3-impacket's SMB server (test/harness/tsts-responder.ts), over SMB 2: enumerate, show the
 * message in each selected session, close every handle; the Legacy fallback; access denied; a
 * session that vanished. The responder has no RPC-level auth, so these run at auth level none.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listSessions, sendSessionMessage, type SessionConnectOptions } from '../../src/messenger/index.js';
import { NetsendError } from '../../src/status/error.js';
import { responderEnabled, startTstsResponder, type TstsResponder, type TstsScenario } from '../harness/tsts-responder.js';

const USER = { user: 'tsalice', password: 'Tsts-Passw0rd' };
const SESSIONS = [
  { id: 0, state: 4, name: 'Services' },
  { id: 1, state: 0, name: 'Console', user: 'tsalice', domain: 'HOST' },
  { id: 2, state: 0, name: 'RDP-Tcp#3', user: 'bob', domain: 'CORP' },
  { id: 3, state: 4, name: '', user: 'carol' },
  { id: 65536, state: 6, name: 'RDP-Tcp' },
];

function scenario(extra: Partial<TstsScenario> = {}): TstsScenario {
  return { ...USER, sessions: SESSIONS, ...extra };
}

function opts(r: TstsResponder): SessionConnectOptions {
  return { server: r.host, port: r.port, credentials: { user: USER.user, password: USER.password, domain: '' }, authLevel: 'none', dialect: 'smb2', timeoutMs: 10_000 };
}

describe.runIf(responderEnabled())('msg.exe path against the scripted LSM/IcaApi responder (impacket SMB server)', () => {
  let r: TstsResponder;
  beforeAll(async () => {
    r = await startTstsResponder(scenario());
  });
  afterAll(async () => {
    await r?.stop();
  });
  afterEach(() => r.quiesce());

  it('`*`: enumerates at level 1, shows the box in every Active user session (not 0, not listeners), closes every handle', async () => {
    const res = await sendSessionMessage({ ...opts(r), text: 'lunch at noon', title: 'Note' });
    expect(res.path).toBe('lsm');
    expect(res.ok).toBe(true);
    expect(res.results.map((x) => [x.sessionId, x.delivery, x.responseName])).toEqual([
      [1, 'confirmed', 'IDASYNC'],
      [2, 'confirmed', 'IDASYNC'],
    ]);
    const [d] = await r.waitForDisconnects(1);
    expect(d!.pipe).toBe('lsm');
    expect(d!.open_handles).toEqual([]);
    expect(r.calls().map((c) => c.op)).toEqual([
      'RpcOpenEnum',
      'RpcGetEnumResult',
      'RpcCloseEnum',
      'RpcOpenSession',
      'RpcShowMessageBox',
      'RpcCloseSession',
      'RpcOpenSession',
      'RpcShowMessageBox',
      'RpcCloseSession',
    ]);
    expect(r.calls('RpcOpenEnum')[0]!.stub_len).toBe(0);
    expect(r.calls('RpcShowMessageBox').map((c) => [c.session, c.title, c.message, c.style, c.timeout, c.doNotWait])).toEqual([
      [1, 'Note', 'lunch at noon', 0, 0, 1],
      [2, 'Note', 'lunch at noon', 0, 0, 1],
    ]);
    const binds = r.events().filter((e) => e.event === 'bind');
    expect(binds.map((b) => b.type)).toEqual(['bind', 'alter_context']);
  });

  it('a session id, with --wait: bDoNotWait FALSE and the answer IDOK', async () => {
    const res = await sendSessionMessage({ ...opts(r), sessions: 3, text: 'x', wait: true, timeoutSec: 30, style: 0x40 });
    expect(res.results).toEqual([{ sessionId: 3, name: '', ok: true, delivery: 'confirmed', response: 1, responseName: 'IDOK', status: null }]);
    expect(r.calls('RpcShowMessageBox').map((c) => [c.session, c.style, c.timeout, c.doNotWait])).toEqual([[3, 0x40, 30, 0]]);
  });

  it('a user name: asks RpcGetUserName per session and messages only that user', async () => {
    const res = await sendSessionMessage({ ...opts(r), sessions: 'BOB', text: 'x' });
    expect(res.results.map((x) => x.sessionId)).toEqual([2]);
    expect(r.calls('RpcShowMessageBox').map((c) => c.session)).toEqual([2]);
    const res2 = await sendSessionMessage({ ...opts(r), sessions: 'HOST\\tsalice', text: 'x' });
    expect(res2.results.map((x) => x.sessionId)).toEqual([1]);
    const none = await sendSessionMessage({ ...opts(r), sessions: 'nobody', text: 'x' });
    expect(none).toMatchObject({ ok: false, results: [] });
  });

  it('`netsend sessions`: station, state, and user names from RpcGetUserName', async () => {
    const list = await listSessions(opts(r));
    expect(list.path).toBe('lsm');
    expect(list.sessions.map((s) => [s.sessionId, s.name, s.stateName, s.user ?? null])).toEqual([
      [0, 'Services', 'Disconnected', null],
      [1, 'Console', 'Active', 'tsalice'],
      [2, 'RDP-Tcp#3', 'Active', 'bob'],
      [3, '', 'Disconnected', 'carol'],
      [65536, 'RDP-Tcp', 'Listen', null],
    ]);
    const [d] = await r.waitForDisconnects(1);
    expect(d!.open_handles).toEqual([]);
  });

  it('the Legacy interface when asked: OpenServer, Enumerate until STATUS_NO_MORE_ENTRIES, SendMessage, CloseServerEx', async () => {
    const res = await sendSessionMessage({ ...opts(r), interface: 'legacy', text: 'hello', title: 'T' });
    expect(res.path).toBe('legacy');
    expect(res.results.map((x) => [x.sessionId, x.delivery])).toEqual([
      [1, 'confirmed'],
      [2, 'confirmed'],
    ]);
    expect(r.calls('RpcWinStationSendMessage').map((c) => [c.session, c.title, c.message, c.doNotWait])).toEqual([
      [1, 'T', 'hello', 1],
      [2, 'T', 'hello', 1],
    ]);
    const [d] = await r.waitForDisconnects(1);
    expect(d!.pipe).toBe('legacy');
    expect(d!.open_handles).toEqual([]);
    expect(r.calls('RpcWinStationCloseServerEx').length).toBeGreaterThan(0);
  });
});

describe.runIf(responderEnabled())('fallbacks and failures against the responder', () => {
  const started: TstsResponder[] = [];
  afterAll(async () => {
    await Promise.all(started.map((r) => r.stop()));
  });
  const start = async (s: Partial<TstsScenario>) => {
    const r = await startTstsResponder(scenario(s));
    started.push(r);
    return r;
  };

  it('no LSM pipe: falls back to Ctx_WinStation_API_service (and to CloseServer when opnum 60 is missing)', async () => {
    const r = await start({ lsm: false, legacyCloseEx: false });
    const res = await sendSessionMessage({ ...opts(r), text: 'fallback' });
    expect(res.path).toBe('legacy');
    expect(res.results.map((x) => [x.sessionId, x.ok])).toEqual([
      [1, true],
      [2, true],
    ]);
    const list = await listSessions(opts(r));
    expect(list.path).toBe('legacy');
    expect(list.sessions.map((s) => [s.sessionId, s.stateName])).toEqual([
      [0, 'Disconnected'],
      [1, 'Active'],
      [2, 'Active'],
      [3, 'Disconnected'],
      [65536, 'Listen'],
    ]);
    const ds = await r.waitForDisconnects(2);
    expect(ds.every((d) => (d.open_handles as string[]).length === 0)).toBe(true);
    // Two server handles for the send (enumeration, messages), one for the listing.
    expect(r.calls('RpcWinStationCloseServer').length).toBe(3);
  });

  it('neither pipe: the actionable error, raw status named, after trying LSM then Legacy', async () => {
    const r = await start({ lsm: false, legacy: false });
    const err = await sendSessionMessage({ ...opts(r), text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetsendError);
    const e = err as NetsendError;
    expect(e.message).toMatch(/remote session API disabled on 127\.79\.[\d.]+ \(AllowRemoteRPC=0, or Terminal Services off\)/);
    expect(e.message).toMatch(/LSM_API_service: STATUS_NO_SUCH_FILE 0xc000000f; \\PIPE\\Ctx_WinStation_API_service: STATUS_NO_SUCH_FILE/);
    expect(e.name).toBe('STATUS_NO_SUCH_FILE');
  });

  it('enumeration refused: "needs an administrator" with E_ACCESSDENIED named; Legacy: with STATUS_ACCESS_DENIED', async () => {
    const r = await start({ deny: 'enum' });
    const e = (await sendSessionMessage({ ...opts(r), text: 'x' }).catch((x: unknown) => x)) as NetsendError;
    expect(e.layer).toBe('hresult');
    expect(e.name).toBe('E_ACCESSDENIED');
    expect(e.message).toMatch(/needs an administrator of 127\.79\.[\d.]+ \(UAC remote restrictions apply to local accounts\): E_ACCESSDENIED 0x80070005/);
    const l = (await listSessions({ ...opts(r), interface: 'legacy' }).catch((x: unknown) => x)) as NetsendError;
    expect(l.name).toBe('STATUS_ACCESS_DENIED');
    expect(l.message).toMatch(/needs an administrator/);
    const ds = await r.waitForDisconnects(2);
    expect(ds.every((d) => (d.open_handles as string[]).length === 0)).toBe(true);
  });

  it('the LSM pipe refused (STATUS_ACCESS_DENIED on CREATE): "needs an administrator", no fallback', async () => {
    const r = await start({ lsmRefused: true });
    const e = (await sendSessionMessage({ ...opts(r), text: 'x' }).catch((x: unknown) => x)) as NetsendError;
    expect(e).toBeInstanceOf(NetsendError);
    expect([e.layer, e.name]).toEqual(['ntstatus', 'STATUS_ACCESS_DENIED']);
    expect(e.message).toMatch(/\\PIPE\\LSM_API_service needs an administrator of 127\.79\.[\d.]+ \(UAC remote restrictions apply to local accounts\): STATUS_ACCESS_DENIED 0xc0000022/);
    expect(r.calls()).toEqual([]);
  });

  it('messages refused in one session: that session failed (admin hint), the others confirmed; handles closed', async () => {
    const r = await start({ denySessions: [2] });
    const res = await sendSessionMessage({ ...opts(r), text: 'x' });
    expect(res.ok).toBe(false);
    expect(res.results.map((x) => [x.sessionId, x.delivery, x.status?.name ?? null])).toEqual([
      [1, 'confirmed', null],
      [2, 'failed', 'E_ACCESSDENIED'],
    ]);
    expect(res.results[1]!.status!.message).toMatch(/needs an administrator/);
    const leg = await sendSessionMessage({ ...opts(r), interface: 'legacy', text: 'x' });
    expect(leg.results.map((x) => [x.sessionId, x.delivery, x.status?.name ?? null])).toEqual([
      [1, 'confirmed', null],
      [2, 'failed', 'STATUS_ACCESS_DENIED'],
    ]);
    const ds = await r.waitForDisconnects(2);
    expect(ds.every((d) => (d.open_handles as string[]).length === 0)).toBe(true);
  });

  it('a session that vanished between enumeration and the message: failed by name, the rest delivered', async () => {
    const r = await start({ vanished: [1] });
    const res = await sendSessionMessage({ ...opts(r), text: 'x' });
    expect(res.results.map((x) => [x.sessionId, x.delivery, x.status?.name ?? null])).toEqual([
      [1, 'failed', 'HRESULT_FROM_WIN32(ERROR_CTX_WINSTATION_NOT_FOUND)'],
      [2, 'confirmed', null],
    ]);
    expect(r.calls('RpcShowMessageBox').map((c) => c.session)).toEqual([2]);
    const leg = await sendSessionMessage({ ...opts(r), interface: 'legacy', sessions: 1, text: 'x' });
    expect(leg.results.map((x) => [x.sessionId, x.delivery, x.status?.name ?? null])).toEqual([[1, 'failed', 'STATUS_CTX_WINSTATION_NOT_FOUND']]);
    const ds = await r.waitForDisconnects(2);
    expect(ds.every((d) => (d.open_handles as string[]).length === 0)).toBe(true);
  });

  it('the pipe ends after a message request was written: that session unconfirmed, later ones failed unsent', async () => {
    const r = await start({ hangup: [1] });
    const res = await sendSessionMessage({ ...opts(r), text: 'x' });
    expect(res.results.map((x) => [x.sessionId, x.delivery])).toEqual([
      [1, 'unconfirmed'],
      [2, 'failed'],
    ]);
    expect(r.calls('RpcShowMessageBox').map((c) => c.session)).toEqual([1]);
  });

  it('one deadline for the whole operation: a message never answered ends unconfirmed with a timeout, no hang', async () => {
    const r = await start({ stall: [2] });
    const res = await sendSessionMessage({ ...opts(r), timeoutMs: 3000, text: 'x' });
    expect(res.results.map((x) => [x.sessionId, x.delivery, x.status?.layer ?? null])).toEqual([
      [1, 'confirmed', null],
      [2, 'unconfirmed', 'timeout'],
    ]);
  });

  it('a wrong password fails the SMB session: STATUS_LOGON_FAILURE, no pipe tried', async () => {
    const r = await start({});
    const e = (await sendSessionMessage({ ...opts(r), credentials: { user: USER.user, password: 'wrong', domain: '' }, text: 'x' }).catch((x: unknown) => x)) as NetsendError;
    expect(e.name).toBe('STATUS_LOGON_FAILURE');
    expect(r.calls()).toEqual([]);
  });
});

describe.runIf(responderEnabled())('round trips (client writes, counted by the traffic tap)', () => {
  const started: TstsResponder[] = [];
  afterAll(async () => {
    await Promise.all(started.map((r) => r.stop()));
  });

  async function writesFor(n: number, sessions: '*' | number): Promise<number> {
    const list = [{ id: 0, state: 4, name: 'Services' }, ...Array.from({ length: n }, (_, i) => ({ id: i + 1, state: 0, name: `RDP-Tcp#${i}` })), { id: 65536, state: 6, name: 'RDP-Tcp' }];
    const r = await startTstsResponder(scenario({ sessions: list }));
    started.push(r);
    let writes = 0;
    const tap = { outbound: () => void writes++, inbound: () => undefined };
    const res = await sendSessionMessage({ ...opts(r), sessions, text: 'x', tap });
    expect(res.results.filter((x) => x.ok)).toHaveLength(sessions === '*' ? n : 1);
    return writes;
  }

  it('one message to one session, and to * with N sessions: 3 more per session (open, show, close)', async () => {
    const one = await writesFor(1, 1);
    const star1 = await writesFor(1, '*');
    const star4 = await writesFor(4, '*');
    // SMB: NEGOTIATE, SESSION_SETUP x2, TREE_CONNECT, CREATE; RPC: bind, OpenEnum, GetEnumResult,
    // CloseEnum, alter_context, then per session OpenSession, ShowMessageBox, CloseSession; SMB teardown.
    expect(star1).toBe(one);
    expect(star4 - star1).toBe(9);
    console.log(`client writes: one session ${one}, * with 1 session ${star1}, * with 4 sessions ${star4}`);
  });
});

