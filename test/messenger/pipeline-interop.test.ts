/**
 * Pipelined message blocks (issue 12 goal 3) against real Samba with a `message command`: every
 * mode on 139 (NBSS) and 445 (Direct TCP) delivers the text once and intact; a proxy that holds
 * Samba's replies until the client has written a given number of requests proves the requests were
 * really written before the replies were read; a proxy that answers any request arriving while
 * another is outstanding (a server that takes one at a time) proves the lock-step fallback; Samba
 * without a message command refuses the same way in every mode.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { sendMessage, type SendResult } from '../../src/messenger/send.js';
import { MAX_PIPELINED_REQUESTS } from '../../src/smb/index.js';
import { startPipelineProxy, type PipelineProxy } from '../helpers/pipeline-proxy.js';
import { smb1Command, startProxy, type Proxy } from '../helpers/proxy.js';

const MODES = ['off', 'after-start', 'full'] as const;
type Mode = (typeof MODES)[number];

/** Requests written before the client needs reply `i`, for `n` requests (0xD5, the 0xD7s, 0xD6). */
function releaseAt(mode: Mode, n: number): (i: number) => number {
  if (mode === 'off') return (i) => i + 1;
  if (mode === 'after-start') return (i) => (i === 0 ? 1 : n);
  return () => n;
}

/** A text of `n` bytes that names itself, so a lost, doubled or reordered block shows. */
function textOf(tag: string, n: number): string {
  let s = `[${tag}]`;
  for (let i = 0; s.length < n; i++) s += ` ${i}`;
  return s.slice(0, n);
}

describe.runIf(interopEnabled())('pipelined message blocks against Samba', () => {
  const samba = useSamba();
  let proxy: PipelineProxy | undefined;
  let sent = 0;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  /** Sends `text` and checks Samba's message command got it once, intact. */
  async function deliver(text: string, opts: { port: number; pipeline: Mode | 'auto'; host?: string; maxBytes?: number }): Promise<SendResult> {
    const before = samba.messages().length;
    const r = await sendMessage({ host: opts.host ?? samba.host, port: opts.port, to: samba.netbiosName, from: 'ALICE', text, pipeline: opts.pipeline, maxBytes: opts.maxBytes ?? 4096, timeoutMs: 10_000 });
    sent++;
    expect(r).toMatchObject({ ok: true, delivery: 'confirmed', netApiStatus: 0 });
    const msgs = await samba.waitForMessages(before + 1);
    expect(msgs.filter((m) => m.text === text)).toHaveLength(1);
    return r;
  }

  for (const port of [139, 445] as const) {
    for (const mode of MODES) {
      it(`${mode} on ${port}: the requests go out as the mode says, and the text arrives once`, async () => {
        const blocks = 3;
        const n = blocks + 2;
        // On 139 the proxy listens on 139 of its own loopback address, so the client speaks NBSS to it.
        const listen = port === 139 ? { host: `127.78.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`, port: 139 } : undefined;
        proxy = await startPipelineProxy({ upstream: { host: samba.host, port }, releaseAt: releaseAt(mode, n), ...(listen ? { listen } : {}) });
        const text = textOf(`${mode} ${port}`, 128 * blocks - 10);
        const r = await deliver(text, { host: proxy.host, port: proxy.port, pipeline: mode });
        const session = port === 139 ? 1 : 0;
        const trips = { off: n, 'after-start': 2, full: 1 }[mode];
        expect(r).toMatchObject({ blocks, pipeline: mode, roundTrips: session + trips, pipelineRecovery: null, transport: port === 139 ? 'nbss' : 'direct' });
        // Requests the client had written when each of Samba's replies went back to it.
        const seen = proxy.connections[0]!.requestsSeen;
        if (mode === 'off') expect(seen).toEqual([1, 2, 3, 4, 5]);
        if (mode === 'after-start') expect(seen).toEqual([1, n, n, n, n]);
        if (mode === 'full') expect(seen).toEqual([n, n, n, n, n]);
      });
    }
  }

  it("the default ('auto' = 'after-start') on 139: session, 0xD5, then the 0xD7s and 0xD6 together", async () => {
    const r = await deliver(textOf('default', 600), { port: 139, pipeline: 'auto' });
    expect(r).toMatchObject({ pipeline: 'after-start', roundTrips: 3, blocks: 5 });
  });

  it('a text longer than the window: at most MAX_PIPELINED_REQUESTS outstanding, delivered whole', async () => {
    proxy = await startPipelineProxy({ upstream: { host: samba.host, port: 445 } });
    const text = textOf('window', 4000);
    const r = await deliver(text, { host: proxy.host, port: proxy.port, pipeline: 'full' });
    expect(r).toMatchObject({ blocks: 32, roundTrips: Math.ceil(34 / MAX_PIPELINED_REQUESTS) });
    expect(proxy.connections[0]!.maxOutstanding).toBe(MAX_PIPELINED_REQUESTS);
  });

  for (const mode of ['after-start', 'full'] as const) {
    it(`${mode}: a server that takes one request at a time refuses the rest; lock-step on the same connection delivers once`, async () => {
      proxy = await startPipelineProxy({ upstream: { host: samba.host, port: 445 }, oneAtATime: true });
      const text = textOf(`one at a time ${mode}`, 400);
      const r = await deliver(text, { host: proxy.host, port: proxy.port, pipeline: mode });
      expect(r).toMatchObject({ pipelineRecovery: 'lock-step', blocks: 4 });
      expect(proxy.connections).toHaveLength(1);
      expect(proxy.connections[0]!.refusedByProxy).toBeGreaterThan(0);
    });
  }

  describe('outcomes when a reply is held back (the deadline runs out)', () => {
    let held: Proxy | undefined;
    afterEach(async () => {
      await held?.close();
      held = undefined;
    });

    async function sendHeld(command: number, pipeline: Mode, text: string): Promise<SendResult> {
      held = await startProxy({ upstream: { host: samba.host, port: 445 }, trigger: (f) => smb1Command(f) === command });
      return sendMessage({ host: held.host, port: held.port, to: 'BOB', from: 'ALICE', text, pipeline, retries: 2, retryDelayMs: 0, timeoutMs: 2_000 });
    }

    /** The message arrives once; a later sentinel arriving first would show it never came. */
    async function expectArrivedOnce(text: string): Promise<void> {
      sent++;
      for (let i = 0; i < 200 && !samba.messages().some((m) => m.text === text); i++) await new Promise((r) => setTimeout(r, 50));
      expect(samba.messages().filter((m) => m.text === text)).toHaveLength(1);
    }

    async function expectNeverArrived(text: string): Promise<void> {
      const sentinel = `${text} sentinel`;
      await deliver(sentinel, { port: 445, pipeline: 'off' });
      expect(samba.messages().filter((m) => m.text === text)).toHaveLength(0);
    }

    it("after-start, the 0xD5 reply held: failed (nothing else was written), retried, never arrives", async () => {
      const text = 'held d5 after-start';
      const r = await sendHeld(0xd5, 'after-start', text);
      // Each attempt meets the same held reply; failed sends are retried (3 attempts), none arrives.
      expect(r).toMatchObject({ ok: false, delivery: 'failed', attempts: 3, netApiStatus: 2136, status: { layer: 'timeout' } });
      await expectNeverArrived(text);
    });

    it('after-start, the 0xD7 reply held: the 0xD6 went with it, so unconfirmed, not retried, and it did arrive', async () => {
      const text = 'held d7 after-start';
      const r = await sendHeld(0xd7, 'after-start', text);
      expect(r).toMatchObject({ ok: false, delivery: 'unconfirmed', attempts: 1, netApiStatus: 2136, status: { layer: 'timeout' } });
      await expectArrivedOnce(text);
    });

    it("full, the 0xD5 reply held: everything was written, so unconfirmed, and it did arrive", async () => {
      const text = 'held d5 full';
      const r = await sendHeld(0xd5, 'full', text);
      expect(r).toMatchObject({ ok: false, delivery: 'unconfirmed', attempts: 1, netApiStatus: 2136 });
      await expectArrivedOnce(text);
    });
  });

  it('no message arrived twice', () => {
    // Every text above is distinct; Samba ran its message command once per delivery.
    const texts = samba.messages().map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts).toHaveLength(sent);
  });
});

describe.runIf(interopEnabled())('Samba without message command: the same refusal in every mode', () => {
  const samba = useSamba({ messageCommand: false });

  for (const pipeline of MODES) {
    it(`${pipeline}: 0xD5 refused with ERRDOS/71 -> ERROR_REQ_NOT_ACCEP (71), failed, no fallback`, async () => {
      const r = await sendMessage({ host: samba.host, to: 'BOB', from: 'ALICE', text: 'x'.repeat(300), pipeline, timeoutMs: 10_000 });
      expect(r).toMatchObject({ ok: false, delivery: 'failed', netApiStatus: 71, pipelineRecovery: null, status: { layer: 'dos', code: (1 << 16) | 71 } });
      expect(r.status!.message).toContain('SMB 0xD5');
    });
  }
});
