/**
 * The direct path keeps its one deadline per send (connect to the last message command) on the
 * shared util/deadline.ts, and its timeouts name the step: the message command or the negotiate
 * that got no answer, and the configured total.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { sendMessage } from '../../src/messenger/send.js';
import { interopEnabled, startSamba, type SambaInstance } from '../harness/samba.js';
import { startDelayProxy, type DelayProxy } from '../helpers/delay-proxy.js';

describe('sendMessage timeouts name the step', () => {
  let server: net.Server;
  let port = 0;
  const sockets = new Set<net.Socket>();
  beforeAll(async () => {
    // Accepts and never answers: the first request's reply is what runs out of time.
    server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    port = await new Promise<number>((res) => server.listen(0, '127.0.0.1', () => res((server.address() as net.AddressInfo).port)));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((res) => server.close(() => res()));
  });

  it('multi-block: the start message command', async () => {
    const r = await sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'A', text: 'x', timeoutMs: 2000 });
    expect(r.status).toMatchObject({ layer: 'timeout', name: 'TIMEOUT', message: 'SMB 0xD5: no answer within the 2,000 ms deadline' });
    expect(r.netApiStatus).toBe(2136);
  });

  it('single-block: the NEGOTIATE sent first', async () => {
    const r = await sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'A', text: 'x', mode: 'single', timeoutMs: 2000 });
    expect(r.status).toMatchObject({ layer: 'timeout', message: 'negotiate: no answer within the 2,000 ms deadline' });
  });
});

describe.runIf(interopEnabled())('sendMessage: one deadline per send through a slow proxy in front of Samba', () => {
  let samba: SambaInstance;
  let proxy: DelayProxy;
  // Four message commands (0xD5, two 0xD7, 0xD6) of 600 ms each; one reply alone is far within 1,500 ms.
  const text = 'y'.repeat(200);
  beforeAll(async () => {
    samba = await startSamba();
    proxy = await startDelayProxy({ host: samba.host, port: 445 }, 600);
  });
  afterAll(async () => {
    await proxy?.close();
    await samba?.stop();
  });

  it('runs out within the 1,500 ms deadline after fewer replies than the send needs, and succeeds with a larger one', async () => {
    const conn = proxy.forwarded.length;
    // Lock-step, so the send needs four replies in a row (pipelined it would need two).
    const slow = await sendMessage({ host: proxy.host, port: proxy.port, to: samba.netbiosName, from: 'ALICE', text, timeoutMs: 1500, pipeline: 'off' });
    expect(slow.ok).toBe(false);
    expect(slow.status).toMatchObject({ layer: 'timeout' });
    expect(slow.status!.message).toMatch(/^SMB 0xD[567]: no answer within the 1,500 ms deadline$/);
    expect(proxy.forwarded[conn]!).toBeLessThan(4);
    const ok = await sendMessage({ host: proxy.host, port: proxy.port, to: samba.netbiosName, from: 'ALICE', text, timeoutMs: 60_000, pipeline: 'off' });
    expect(ok).toMatchObject({ ok: true, roundTrips: 4, blocks: 2 });
    const [m] = await samba.waitForMessages(1);
    expect(m!.text).toBe(text);
  });
});
