/**
 * Delivery outcomes against real Samba (issue 15): confirmed, failed, unconfirmed. A proxy the test
 * runs (test/helpers/proxy.ts) holds back or breaks Samba's answers; Samba's message command
 * records what really arrived, so each outcome is checked against the truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopEnabled, useSamba, startSamba, type SambaInstance } from '../harness/samba.js';
import { carriesRpcRequest, smb1Command, startProxy, type Proxy, type ProxyOptions } from '../helpers/proxy.js';
import { sendMessage } from '../../src/messenger/send.js';
import { sendViaWorkstation } from '../../src/messenger/remote.js';
import { netMessageBufferSend } from '../../src/messenger/api.js';
import { main } from '../../src/cli/main.js';
import { cliIO as io } from '../helpers/cli-io.js';

/** Long enough for connect and the earlier blocks on a loaded machine; a held reply always exhausts it. */
const DEADLINE_MS = 3_000;

let seq = 0;
function uniqueText(what: string): string {
  return `${what} ${process.pid}-${Date.now()}-${seq++}`;
}

describe.runIf(interopEnabled())('delivery outcomes against Samba (direct path)', () => {
  let samba: SambaInstance;
  let refusing: SambaInstance;
  const proxies: Proxy[] = [];
  beforeAll(async () => {
    [samba, refusing] = await Promise.all([startSamba(), startSamba({ messageCommand: false })]);
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all([samba?.stop(), refusing?.stop()]);
  });

  async function proxy(o: Omit<ProxyOptions, 'upstream'>): Promise<Proxy> {
    const p = await startProxy({ upstream: { host: samba.host, port: 445 }, ...o });
    proxies.push(p);
    return p;
  }

  /** Messages Samba stored with exactly this text. */
  const arrived = (text: string): number => samba.messages().filter((m) => m.text === text).length;

  async function waitArrived(text: string, n = 1): Promise<void> {
    for (let i = 0; i < 400 && arrived(text) < n; i++) await new Promise((r) => setTimeout(r, 50));
  }

  /**
   * Proves that `text` never arrived: a later message sent straight to Samba arrives, after the
   * failed attempt's connection was closed (Samba shows a message only at 0xD6/0xD0).
   */
  async function expectNeverArrived(text: string): Promise<void> {
    const sentinel = uniqueText('sentinel');
    expect((await sendMessage({ host: samba.host, port: 445, to: 'BOB', from: 'SENTINEL', text: sentinel })).delivery).toBe('confirmed');
    await waitArrived(sentinel);
    expect(arrived(sentinel)).toBe(1);
    expect(arrived(text)).toBe(0);
  }

  it('a confirmed send: Samba answered 0xD6 and stored the message', async () => {
    const text = uniqueText('confirmed');
    const r = await sendMessage({ host: samba.host, port: 445, to: 'BOB', from: 'ALICE', text });
    expect(r).toMatchObject({ ok: true, delivery: 'confirmed', attempts: 1, netApiStatus: 0 });
    await waitArrived(text);
    expect(arrived(text)).toBe(1);
  });

  it('the 0xD6 reply held past the deadline: unconfirmed (2136), and the message did arrive', async () => {
    const p = await proxy({ trigger: (f) => smb1Command(f) === 0xd6 });
    const text = uniqueText('d6 held');
    // Lock-step, so the 0xD7 reply came back before the 0xD6 was written (pipelined outcomes: pipeline-interop.test.ts).
    const r = await sendMessage({ host: p.host, port: p.port, to: 'BOB', from: 'ALICE', text, timeoutMs: DEADLINE_MS, pipeline: 'off' });
    expect(p.triggered).toBe(1);
    expect(r).toMatchObject({ ok: false, delivery: 'unconfirmed', attempts: 1, netApiStatus: 2136, status: { layer: 'timeout' }, blocks: 1 });
    await waitArrived(text);
    expect(arrived(text)).toBe(1);
  });

  it('the connection reset instead of the 0xD6 reply: unconfirmed, and the message did arrive', async () => {
    const p = await proxy({ trigger: (f) => smb1Command(f) === 0xd6, replyAction: 'reset' });
    const text = uniqueText('d6 reset');
    const r = await sendMessage({ host: p.host, port: p.port, to: 'BOB', from: 'ALICE', text, timeoutMs: DEADLINE_MS });
    expect(r).toMatchObject({ delivery: 'unconfirmed', status: { layer: 'socket' } });
    await waitArrived(text);
    expect(arrived(text)).toBe(1);
  });

  it('single block: the 0xD0 reply held is unconfirmed, and the message did arrive', async () => {
    const p = await proxy({ trigger: (f) => smb1Command(f) === 0xd0 });
    const text = uniqueText('d0 held');
    const r = await sendMessage({ host: p.host, port: p.port, to: 'BOB', from: 'ALICE', text, mode: 'single', timeoutMs: DEADLINE_MS });
    expect(r).toMatchObject({ delivery: 'unconfirmed', status: { layer: 'timeout' } });
    await waitArrived(text);
    expect(arrived(text)).toBe(1);
  });

  for (const [name, command] of [
    ['0xD5 (start)', 0xd5],
    ['0xD7 (text)', 0xd7],
  ] as const) {
    it(`the ${name} reply held: failed, and nothing arrives`, async () => {
      const p = await proxy({ trigger: (f) => smb1Command(f) === command });
      const text = uniqueText(`held ${command}`);
      // Lock-step: the 0xD6 is not written before the held reply (pipelined, it is: pipeline-interop.test.ts).
      const r = await sendMessage({ host: p.host, port: p.port, to: 'BOB', from: 'ALICE', text, timeoutMs: DEADLINE_MS, pipeline: 'off' });
      expect(p.triggered).toBe(1);
      expect(r).toMatchObject({ ok: false, delivery: 'failed', netApiStatus: 2136, status: { layer: 'timeout' } });
      await expectNeverArrived(text);
    });
  }

  it('a refusal (Samba without message command: ERRDOS/71) is failed, also on the final block', async () => {
    for (const mode of ['multi', 'single'] as const) {
      const r = await sendMessage({ host: refusing.host, port: 445, to: 'BOB', from: 'ALICE', text: 'refused', mode });
      expect(r).toMatchObject({ ok: false, delivery: 'failed', netApiStatus: 71 });
    }
  });

  it('a connection refused before any block is failed', async () => {
    const p = await proxy({ onConnection: () => 'reset' });
    const r = await sendMessage({ host: p.host, port: p.port, to: 'BOB', from: 'ALICE', text: 'never', timeoutMs: DEADLINE_MS });
    expect(r).toMatchObject({ delivery: 'failed', status: { layer: 'socket' }, attempts: 1 });
  });

  it('retries: a failed send is sent again and delivered once', async () => {
    const p = await proxy({ onConnection: (i) => (i === 0 ? 'reset' : 'pass') });
    const text = uniqueText('retried');
    const r = await sendMessage({ host: p.host, port: p.port, to: 'BOB', from: 'ALICE', text, retries: 2, retryDelayMs: 0, timeoutMs: DEADLINE_MS });
    expect(r).toMatchObject({ ok: true, delivery: 'confirmed', attempts: 2 });
    expect(p.connections).toBe(2);
    await waitArrived(text);
    expect(arrived(text)).toBe(1);
  });

  it('retries never resend an unconfirmed message: Samba stores it exactly once', async () => {
    const p = await proxy({ trigger: (f) => smb1Command(f) === 0xd6 });
    const text = uniqueText('not retried');
    const r = await sendMessage({ host: p.host, port: p.port, to: 'BOB', from: 'ALICE', text, retries: 2, retryDelayMs: 0, timeoutMs: DEADLINE_MS });
    expect(r).toMatchObject({ delivery: 'unconfirmed', attempts: 1 });
    expect(p.connections).toBe(1);
    await waitArrived(text);
    await expectNeverArrived(uniqueText('unused')); // lets any stray second copy land first
    expect(arrived(text)).toBe(1);
  });

  it('retryUnconfirmed does resend it, and Samba stores it twice (why it is not the default)', async () => {
    const p = await proxy({ trigger: (f) => smb1Command(f) === 0xd6 });
    const text = uniqueText('retried unconfirmed');
    const r = await sendMessage({ host: p.host, port: p.port, to: 'BOB', from: 'ALICE', text, retries: 1, retryUnconfirmed: true, retryDelayMs: 0, timeoutMs: DEADLINE_MS });
    expect(r).toMatchObject({ delivery: 'unconfirmed', attempts: 2 });
    expect(p.connections).toBe(2);
    await waitArrived(text, 2);
    expect(arrived(text)).toBe(2);
  });

  it('netMessageBufferSend returns NERR_NetworkError (2136) for unconfirmed and reports delivery', async () => {
    const p = await proxy({ trigger: (f) => smb1Command(f) === 0xd6 });
    let delivery = '';
    const status = await netMessageBufferSend(null, 'BOB', 'ALICE', uniqueText('api'), { host: p.host, port: p.port, timeoutMs: DEADLINE_MS, onResult: (r) => (delivery = r.delivery) });
    expect(status).toBe(2136);
    expect(delivery).toBe('unconfirmed');
  });

  it('CLI: exit 3 and delivery "unconfirmed" in --json; the human line says it may have arrived', async () => {
    const p = await proxy({ trigger: (f) => smb1Command(f) === 0xd6 });
    const t = io();
    expect(await main(['--json', '--host', p.host, '--port', String(p.port), '--timeout', String(DEADLINE_MS), '--retries', '2', 'bob', uniqueText('cli json')], t.io)).toBe(3);
    expect(JSON.parse(t.out[0]!)).toMatchObject({ ok: false, delivery: 'unconfirmed', attempts: 1, netApiStatus: 2136, status: { layer: 'timeout' } });
    expect(p.connections).toBe(1);
    const h = io();
    expect(await main(['--host', p.host, '--port', String(p.port), '--timeout', String(DEADLINE_MS), 'bob', uniqueText('cli human')], h.io)).toBe(3);
    expect(h.err.join('')).toMatch(/: delivery unconfirmed: TIMEOUT: .*may have arrived → NET_API_STATUS 2136 NERR_NetworkError$/m);
  });

  it('CLI: --retries 2 turns a refused first connection into exit 0 after 2 attempts', async () => {
    const p = await proxy({ onConnection: (i) => (i === 0 ? 'reset' : 'pass') });
    const text = uniqueText('cli retried');
    const t = io();
    expect(await main(['--json', '--host', p.host, '--port', String(p.port), '--retries', '2', 'bob', text], t.io)).toBe(0);
    expect(JSON.parse(t.out[0]!)).toMatchObject({ ok: true, delivery: 'confirmed', attempts: 2 });
    await waitArrived(text);
    expect(arrived(text)).toBe(1);
    const none = io();
    expect(await main(['--json', '--host', p.host, '--port', String(p.port), '--retry-unconfirmed', 'bob', 'x'], none.io)).toBe(2);
  });

  it('CLI: several targets are counted per outcome; any failure makes the exit 1', async () => {
    // The proxy listens on port 445 of its own address, so one --port reaches both it and Samba.
    const listen = { host: `127.83.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`, port: 445 };
    const p = await proxy({ trigger: (f) => smb1Command(f) === 0xd6, listen });
    const t = io();
    expect(await main(['--host', samba.host, '--host', p.host, '--port', '445', '--timeout', String(DEADLINE_MS), 'bob', uniqueText('two')], t.io)).toBe(3);
    expect(t.err.join('')).toMatch(/^1\/2 delivered, 1 unconfirmed$/m);
    const f = io();
    expect(await main(['--host', refusing.host, '--host', p.host, '--port', '445', '--timeout', String(DEADLINE_MS), 'bob', uniqueText('three')], f.io)).toBe(1);
    expect(f.err.join('')).toMatch(/^0\/2 delivered, 1 refused, 1 unconfirmed$/m);
  });
});

describe.runIf(interopEnabled())('delivery outcomes against Samba (remote wkssvc path)', () => {
  const samba = useSamba();
  const proxies: Proxy[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
  });

  async function proxy(o: Omit<ProxyOptions, 'upstream'>): Promise<Proxy> {
    const p = await startProxy({ upstream: { host: samba.host, port: 445 }, ...o });
    proxies.push(p);
    return p;
  }

  for (const dialect of ['smb1', 'smb2'] as const) {
    const send = (p: Proxy, extra: object = {}) =>
      sendViaWorkstation({ server: p.host, port: p.port, dialect, credentials: { user: samba.user.name, password: samba.user.password }, to: 'BOB', text: 'remote', timeoutMs: DEADLINE_MS, ...extra });

    it(`${dialect}: Samba's fault answer to opnum 12 is failed (1745)`, async () => {
      const p = await proxy({});
      expect(await send(p)).toMatchObject({ delivery: 'failed', netApiStatus: 1745, status: { layer: 'rpc-fault', name: 'nca_s_op_rng_error' } });
    });

    it(`${dialect}: the opnum-12 request written and its response swallowed is unconfirmed (RPC_S_CALL_FAILED 1726); retries do not resend it`, async () => {
      const p = await proxy({ trigger: (f) => carriesRpcRequest(f, 12) });
      const r = await send(p, { retries: 2, retryDelayMs: 0 });
      expect(p.triggered).toBe(1);
      expect(r).toMatchObject({ ok: false, delivery: 'unconfirmed', attempts: 1, netApiStatus: 1726, status: { layer: 'timeout' } });
      expect(p.connections).toBe(1);
    });

    it(`${dialect}: a bind whose answer never comes is failed before the call (RPC_S_CALL_FAILED_DNE 1727) and is retried`, async () => {
      const bind = (f: Buffer): boolean => f.includes(Buffer.from([5, 0, 0x0b, 3, 0x10, 0, 0, 0]));
      const p = await proxy({ trigger: bind });
      const r = await send(p, { retries: 1, retryDelayMs: 0 });
      expect(r).toMatchObject({ delivery: 'failed', attempts: 2, netApiStatus: 1727, status: { layer: 'timeout' } });
      expect(p.connections).toBe(2);
    });
  }
});
