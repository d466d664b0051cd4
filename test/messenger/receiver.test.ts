import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { execFile } from 'node:child_process';
import fc from 'fast-check';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../src/messenger/receiver.js';
import { sendMessage } from '../../src/messenger/send.js';
import { encodeMessageRequest, decodeMessageResponse } from '../../src/smb/smb1/message-commands.js';
import { encodeName, netbiosName } from '../../src/transport/names.js';
import { interopEnabled } from '../harness/samba.js';
import { decodeNegotiateResponse, encodeNegotiateRequest } from '../../src/smb/smb1/negotiate.js';
import { decodeSmb1Message, emptyHeader, encodeSmb1Message, smb1Status } from '../../src/smb/smb1/header.js';
import { splitNbssFrames } from '../../src/pcap/reader.js';

function collector() {
  const got: ReceivedMessage[] = [];
  const waiters: Array<() => void> = [];
  return {
    got,
    onMessage(m: ReceivedMessage) {
      got.push(m);
      waiters.splice(0).forEach((w) => w());
    },
    async waitFor(n: number, timeoutMs = 10_000): Promise<ReceivedMessage[]> {
      const until = Date.now() + timeoutMs;
      while (got.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} messages, have ${got.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      return got;
    },
  };
}

/**
 * A raw client: writes bytes, collects what comes back until `expectFrames` whole frames arrived,
 * the peer closes, or `holdMs` passes. With neither expectFrames nor holdMs it half-closes at once.
 */
function rawExchange(port: number, host: string, chunks: Buffer[], holdMs = 0, expectFrames = 0): Promise<{ data: Buffer; closedByPeer: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    let got = Buffer.alloc(0);
    let done = false;
    const finish = (closedByPeer: boolean) => {
      if (done) return;
      done = true;
      s.destroy();
      resolve({ data: got, closedByPeer });
    };
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (expectFrames > 0) {
        try {
          if (splitNbssFrames(got).length >= expectFrames) finish(false);
        } catch {
          /* partial frame */
        }
      }
    });
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.on('connect', () => {
      for (const c of chunks) s.write(c);
      if (holdMs > 0 || expectFrames > 0) setTimeout(() => finish(false), holdMs || 10_000);
      else s.end();
    });
  });
}

const frame = (body: Buffer, type = 0) => {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(body.length, 0);
  h[0] = type;
  return Buffer.concat([h, body]);
};

describe('receiver (Direct TCP on an ephemeral port)', () => {
  let rx: Receiver;
  const c = collector();
  const errors: string[] = [];
  beforeAll(async () => {
    rx = await startReceiver({ port: 0, onMessage: c.onMessage, idleTimeoutMs: 300, onError: (e) => errors.push(e.name) });
  });
  afterAll(async () => {
    await rx?.close();
  });

  it('receives multi-block and single-block messages from sendMessage', async () => {
    const n = c.got.length;
    const long = 'x'.repeat(300) + '\nend';
    const a = await sendMessage({ host: rx.host, port: rx.port, to: 'bob', from: 'ALICE', text: long, maxBytes: 1000 });
    const b = await sendMessage({ host: rx.host, port: rx.port, to: 'bob', from: 'ALICE', text: 'Grüße, ½ café', mode: 'single' });
    // 0xD5, then three 0xD7 and the 0xD6 pipelined (send.ts AUTO_PIPELINING; lock-step took 5).
    expect(a).toMatchObject({ ok: true, transport: 'direct', blocks: 3, roundTrips: 2, pipeline: 'after-start' });
    expect(b).toMatchObject({ ok: true, transport: 'direct', blocks: 1, roundTrips: 2 });
    const got = await c.waitFor(n + 2);
    expect(got[n]).toMatchObject({ from: 'ALICE', to: 'BOB', text: long, transport: 'direct', kind: 'multi' });
    expect(got[n + 1]).toMatchObject({ from: 'ALICE', to: 'BOB', text: 'Grüße, ½ café', kind: 'single' });
  });

  it('decodes MS-MSRP 0x14 line breaks', async () => {
    const n = c.got.length;
    await sendMessage({ host: rx.host, port: rx.port, to: 'bob', from: 'A', text: 'one\r\ntwo', lineEndings: 'msrp' });
    expect((await c.waitFor(n + 1))[n]!.text).toBe('one\ntwo');
  });

  it('answers D7 and D6 without D5 with ERRDOS/87 and keeps the connection', async () => {
    const d7 = encodeMessageRequest({ command: 0xd7, groupId: 1, data: Buffer.from('x') });
    const d6 = encodeMessageRequest({ command: 0xd6, groupId: 1 });
    const { data } = await rawExchange(rx.port, rx.host, [frame(d7), frame(d6)], 0, 2);
    const r1 = decodeMessageResponse(data.subarray(4, 4 + data.readUInt16BE(2)));
    const rest = data.subarray(4 + data.readUInt16BE(2));
    const r2 = decodeMessageResponse(rest.subarray(4));
    expect(r1.status).toEqual({ form: 'dos', errorClass: 1, errorCode: 87 });
    expect(r2).toMatchObject({ command: 0xd6, status: { form: 'dos', errorClass: 1, errorCode: 87 } });
  });

  it('replies WordCount 1 with a group id to D5 (MS-MSRP §2.2.3.2.2)', async () => {
    const d5 = encodeMessageRequest({ command: 0xd5, from: Buffer.from('A'), to: Buffer.from('B') });
    const { data } = await rawExchange(rx.port, rx.host, [frame(d5)], 0, 1);
    const r = decodeMessageResponse(data.subarray(4), 0xd5);
    expect(r.groupId).not.toBeNull();
    expect(r.groupId).toBeGreaterThan(0);
  });

  it('answers NEGOTIATE with NT LM 0.12 (or 0xFFFF) and other commands with ERRDOS/ERRbadfunc', async () => {
    const neg = encodeNegotiateRequest(['PC NETWORK PROGRAM 1.0', 'NT LM 0.12']);
    const none = encodeNegotiateRequest(['LANMAN1.0']);
    const setup = encodeSmb1Message({ ...emptyHeader(0x73), flags2: 0x4000 }, Buffer.alloc(0), Buffer.alloc(0));
    const { data } = await rawExchange(rx.port, rx.host, [frame(neg), frame(none), frame(setup)], 0, 3);
    const frames = splitNbssFrames(data).map((f) => decodeSmb1Message(f.body));
    expect(frames).toHaveLength(3);
    const r = decodeNegotiateResponse(frames[0]!);
    expect(r).toMatchObject({ kind: 'challenge', dialectIndex: 1 });
    expect(decodeNegotiateResponse(frames[1]!)).toEqual({ kind: 'none', dialectIndex: 0xffff });
    expect(frames[2]!.header).toMatchObject({ command: 0x73, flags: 0x80 });
    expect(smb1Status(frames[2]!.header)).toEqual({ form: 'nt', code: 0xc00000bb }); // the request asked for NT status
  });

  it('drops oversized frames, garbage and idle connections, and keeps serving', async () => {
    const big = await rawExchange(rx.port, rx.host, [Buffer.from([0, 0xff, 0xff, 0xff])], 5_000);
    expect(big.closedByPeer).toBe(true);
    const garbage = await rawExchange(rx.port, rx.host, [Buffer.from('GET / HTTP/1.0\r\n\r\n')], 5_000);
    expect(garbage.closedByPeer).toBe(true);
    const truncated = await rawExchange(rx.port, rx.host, [Buffer.from([0, 0, 0, 100, 0xff, 0x53])]);
    expect(truncated.closedByPeer).toBe(true);
    const idle = await rawExchange(rx.port, rx.host, [], 10_000); // idleTimeoutMs 300 closes it first
    expect(idle.closedByPeer).toBe(true);
    const n = c.got.length;
    expect((await sendMessage({ host: rx.host, port: rx.port, to: 'bob', from: 'A', text: 'still alive' })).ok).toBe(true);
    await c.waitFor(n + 1);
  });

  it('survives random frames (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.boolean(), async (bytes, framed) => {
        const payload = framed ? frame(Buffer.from(bytes)) : Buffer.from(bytes);
        await rawExchange(rx.port, rx.host, [payload], 0);
      }),
      { numRuns: 60 },
    );
    const n = c.got.length;
    expect((await sendMessage({ host: rx.host, port: rx.port, to: 'bob', from: 'A', text: 'after fuzz' })).ok).toBe(true);
    await c.waitFor(n + 1);
  });

  it('refuses messages over maxMessageBytes with ERRSRV/ERRnoroom (-> NERR_BadReceive)', async () => {
    const small = await startReceiver({ port: 0, onMessage: () => {}, maxMessageBytes: 100 });
    try {
      const r = await sendMessage({ host: small.host, port: small.port, to: 'bob', from: 'A', text: 'y'.repeat(300) });
      expect(r).toMatchObject({ ok: false, netApiStatus: 2282, status: { layer: 'dos', name: 'ERRSRV/ERRnoroom' } });
    } finally {
      await small.close();
    }
  });

  it('works over IPv6 loopback', async () => {
    const got6: ReceivedMessage[] = [];
    const rx6 = await startReceiver({ host: '::1', port: 0, onMessage: (m) => got6.push(m) });
    try {
      expect((await sendMessage({ host: '::1', port: rx6.port, to: 'bob', from: 'A', text: 'over ::1' })).ok).toBe(true);
      expect(got6[0]).toMatchObject({ text: 'over ::1', remoteAddress: '::1' });
    } finally {
      await rx6.close();
    }
  });

  it('closes when its signal aborts', async () => {
    const ac = new AbortController();
    const r = await startReceiver({ port: 0, onMessage: () => {}, signal: ac.signal });
    expect((await sendMessage({ host: r.host, port: r.port, to: 'bob', from: 'A', text: 'open' })).ok).toBe(true);
    ac.abort();
    await r.close(); // resolves once the listener is gone
    const after = await sendMessage({ host: r.host, port: r.port, to: 'bob', from: 'A', text: 'closed', timeoutMs: 2000 });
    expect(after).toMatchObject({ ok: false, netApiStatus: 2136 });
  });

  it('a throwing onMessage handler does not stop the receiver', async () => {
    const bad = await startReceiver({ port: 0, onMessage: () => { throw new Error('boom'); } });
    try {
      expect((await sendMessage({ host: bad.host, port: bad.port, to: 'bob', from: 'A', text: '1' })).ok).toBe(true);
      expect((await sendMessage({ host: bad.host, port: bad.port, to: 'bob', from: 'A', text: '2' })).ok).toBe(true);
    } finally {
      await bad.close();
    }
  });
});

const rootOk = typeof process.getuid === 'function' && process.getuid() === 0;

describe.runIf(rootOk)('receiver on port 139 (NBSS)', () => {
  let rx: Receiver;
  const c = collector();
  const host = `127.78.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
  beforeAll(async () => {
    rx = await startReceiver({ host, port: 139, onMessage: c.onMessage, names: ['BOB', 'Carol'] });
  });
  afterAll(async () => {
    await rx?.close();
  });

  it('accepts a registered name over NBSS', async () => {
    const n = c.got.length;
    const r = await sendMessage({ host, to: 'carol', from: 'ALICE', text: 'over nbss' });
    expect(r).toMatchObject({ ok: true, transport: 'nbss', roundTrips: 3 });
    expect((await c.waitFor(n + 1))[n]).toMatchObject({ to: 'CAROL', text: 'over nbss', transport: 'nbss' });
  });

  it('refuses an unknown called name with NBSS 0x82 -> NERR_NameNotFound', async () => {
    const r = await sendMessage({ host, to: 'MALLORY', from: 'ALICE', text: 'x' });
    expect(r).toMatchObject({ ok: false, netApiStatus: 2273, status: { layer: 'nbss', code: 0x82 } });
  });

  it('drops a session message sent before the session request', async () => {
    const r = await rawExchange(139, host, [frame(Buffer.from('hi'))], 5_000);
    expect(r.closedByPeer).toBe(true);
    const bad = Buffer.concat([Buffer.from([0x81, 0, 0, 68]), encodeName(netbiosName('BOB', 3)), Buffer.alloc(34, 0x7a)]);
    expect((await rawExchange(139, host, [bad], 5_000)).closedByPeer).toBe(true);
  });

  it('drops an oversized NBSS frame after a good session request, and a truncated request', async () => {
    const req = Buffer.concat([Buffer.from([0x81, 0, 0, 68]), encodeName(netbiosName('BOB', 3)), encodeName(netbiosName('EVE', 0))]);
    const big = await rawExchange(139, host, [req, Buffer.from([0x00, 0x01, 0xff, 0xff])], 5_000);
    expect(big.closedByPeer).toBe(true);
    expect(big.data.subarray(0, 4)).toEqual(Buffer.from([0x82, 0, 0, 0])); // the session itself was accepted
    const truncated = await rawExchange(139, host, [req.subarray(0, 40)]);
    expect(truncated.closedByPeer).toBe(true);
    expect((await sendMessage({ host, to: 'bob', from: 'A', text: 'still serving' })).ok).toBe(true);
  });

  it('survives random bytes before and after the session request (property)', async () => {
    const req = Buffer.concat([Buffer.from([0x81, 0, 0, 68]), encodeName(netbiosName('BOB', 3)), encodeName(netbiosName('EVE', 0))]);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 120 }), fc.boolean(), async (bytes, afterSession) => {
        const junk = Buffer.from(bytes);
        await rawExchange(139, host, afterSession ? [req, junk] : [junk], 0);
      }),
      { numRuns: 40 },
    );
    expect((await sendMessage({ host, to: 'bob', from: 'A', text: 'after nbss fuzz' })).ok).toBe(true);
  });

  it.runIf(interopEnabled())('receives from smbclient -M', async () => {
    const n = c.got.length;
    await new Promise<void>((resolve, reject) => {
      const child = execFile('smbclient', ['-M', 'BOB', '-I', host, '-p', '139', '-U', 'alice', '-N', '-n', 'SENDER'], { timeout: 20_000 }, (err) =>
        err ? reject(err) : resolve(),
      );
      child.stdin!.end('from smbclient\nline two\n');
    });
    const m = (await c.waitFor(n + 1))[n]!;
    expect(m).toMatchObject({ from: 'alice', to: 'BOB', text: 'from smbclient\nline two\n', transport: 'nbss', kind: 'multi' });
  });

  it.runIf(interopEnabled())('receives from smbclient -M on port 445 (Direct TCP)', async () => {
    const got: ReceivedMessage[] = [];
    const rx445 = await startReceiver({ host, port: 445, onMessage: (m) => got.push(m) });
    try {
      expect(rx445.transport).toBe('direct');
      await new Promise<void>((resolve, reject) => {
        const child = execFile('smbclient', ['-M', 'CAROL', '-I', host, '-p', '445', '-U', 'bob', '-N'], { timeout: 20_000 }, (err) => (err ? reject(err) : resolve()));
        child.stdin!.end('over 445');
      });
      for (let i = 0; i < 500 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(got[0]).toMatchObject({ from: 'bob', to: 'CAROL', text: 'over 445', transport: 'direct' });
    } finally {
      await rx445.close();
    }
  });
});
