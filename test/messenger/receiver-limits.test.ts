/**
 * The receiver's admission limits (issue 11 item 3, issue 15 item 2): bursts of legitimate senders
 * are all served, idle and slow-drip attackers cannot lock anyone out, one address's flood is
 * rate-limited while others are served, and every phase of a connection has a deadline.
 * Everything runs over real loopback sockets; attackers bind their own 127.x source addresses.
 * No timing assertions: each test asserts what was delivered, refused or closed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { interopEnabled } from '../harness/samba.js';
import { startReceiver, RECEIVER_LIMIT_DEFAULTS, type ReceivedMessage, type Receiver, type ReceiverOptions } from '../../src/messenger/receiver.js';
import { addressKey, MessageRateLimiter, resolveReceiverLimits } from '../../src/messenger/receiver-limits.js';
import { sendMessage } from '../../src/messenger/send.js';
import { decodeMessageResponse, encodeMessageRequest } from '../../src/smb/smb1/message-commands.js';
import { encodeNegotiateRequest } from '../../src/smb/smb1/negotiate.js';
import { ByteStream } from '../../src/transport/tcp.js';
import { FramedMessageStream, NBSS_TYPE, encodeDirectTcpFrame, encodeNbssPacket, encodeSessionRequest } from '../../src/transport/nbss.js';
import { netbiosName } from '../../src/transport/names.js';
import { NetsendError } from '../../src/status/error.js';

/** A loopback source address of our own (127.<a>.<b>.<c>), distinct per call. */
let addrSeq = 0;
const base = 10 + Math.floor(Math.random() * 200);
function srcAddr(): string {
  addrSeq++;
  return `127.${base}.${(addrSeq >> 8) & 0xff}.${(addrSeq & 0xff) || 1}`;
}

const open: net.Socket[] = [];
const timers: NodeJS.Timeout[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const s of open.splice(0)) s.destroy();
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(opts: Partial<ReceiverOptions> = {}): Promise<{ rx: Receiver; got: ReceivedMessage[]; errors: NetsendError[] }> {
  const got: ReceivedMessage[] = [];
  const errors: NetsendError[] = [];
  const rx = await startReceiver({ port: 0, onMessage: (m) => got.push(m), onError: (e) => errors.push(e), ...opts });
  receivers.push(rx);
  return { rx, got, errors };
}

/** A TCP connection from `localAddress`; resolves once connected (or on failure, closed). */
function connectFrom(port: number, localAddress: string): Promise<net.Socket> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress });
    open.push(s);
    s.on('error', () => {});
    s.on('data', () => {}); // read whatever comes, so refusals and replies never back up
    s.once('connect', () => resolve(s));
    s.once('close', () => resolve(s));
  });
}

/** Resolves true when the peer closes `s` within `ms` (a generous bound, not a timing assertion). */
function closedWithin(s: net.Socket, ms: number): Promise<boolean> {
  if (s.destroyed || s.readyState === 'closed') return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** A peer speaking Direct TCP framing from its own source address, one request at a time. */
async function peer(port: number, localAddress: string): Promise<{ socket: net.Socket; request(msg: Buffer): Promise<Buffer> }> {
  const socket = await connectFrom(port, localAddress);
  socket.removeAllListeners('data');
  const stream = new FramedMessageStream(new ByteStream(socket), 'direct', { idleTimeoutMs: 30_000 });
  return {
    socket,
    async request(msg) {
      await stream.send(msg);
      return stream.receive({ timeoutMs: 30_000 });
    },
  };
}

/** 0xD5 / 0xD7 / 0xD6 over `p`; resolves with the replies' statuses (0 = success). */
async function multiBlock(p: Awaited<ReturnType<typeof peer>>, text: string): Promise<number[]> {
  const start = decodeMessageResponse(await p.request(encodeMessageRequest({ command: 0xd5, from: Buffer.from('PEER'), to: Buffer.from('BOB') })), 0xd5);
  if (start.header.status !== 0) return [start.header.status];
  const groupId = start.groupId ?? 0;
  const block = decodeMessageResponse(await p.request(encodeMessageRequest({ command: 0xd7, groupId, data: Buffer.from(text) })), 0xd7);
  const end = decodeMessageResponse(await p.request(encodeMessageRequest({ command: 0xd6, groupId })), 0xd6);
  return [start.header.status, block.header.status, end.header.status];
}

const negotiate = encodeDirectTcpFrame(encodeNegotiateRequest(['NT LM 0.12']));
const sessionRequest = encodeNbssPacket(NBSS_TYPE.SESSION_REQUEST, encodeSessionRequest(netbiosName('BOB', 3), netbiosName('EVE', 0)));

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('receiver limits: configuration', () => {
  it('has one set of defaults that the receiver uses, and refuses out-of-range limits', () => {
    expect(resolveReceiverLimits({})).toEqual(RECEIVER_LIMIT_DEFAULTS);
    expect(resolveReceiverLimits({ maxConnections: 5 }).maxConnections).toBe(5);
    for (const bad of [{ maxConnections: 0 }, { idleTimeoutMs: -1 }, { maxConnectionsPerAddress: 1.5 }, { messageRate: Number.NaN }, { messageBurst: 0 }]) {
      expect(() => resolveReceiverLimits(bad)).toThrow(NetsendError);
    }
  });

  it('counts IPv4-mapped addresses as IPv4 and IPv6 by /64', () => {
    expect(addressKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('token bucket: a burst passes, then messages are held back up to the delay limit, then refused', () => {
    const rl = new MessageRateLimiter(10, 3, 250);
    const t = 1_000_000;
    expect([rl.take('a', t), rl.take('a', t), rl.take('a', t)]).toEqual([0, 0, 0]);
    expect(rl.take('a', t)).toBe(100); // one token borrowed: 1/10 s
    expect(rl.take('a', t)).toBe(200);
    expect(rl.take('a', t)).toBeNull(); // 300 ms > 250 ms
    expect(rl.take('b', t)).toBe(0); // other addresses have their own bucket
    expect(rl.take('a', t + 1_000)).toBe(0); // refilled
  });
});

/**
 * Makes n connections concurrent at the receiver: relays each client to `target` over its own
 * upstream connection, but starts relaying only once all n upstream connections are open. Without
 * it, a sender in the same process rarely has more than a few connections open at once, and a
 * burst (many senders connecting while the receiver is busy) would not be reproduced.
 */
async function barrierProxy(target: { host: string; port: number }, n: number): Promise<{ port: number; close(): void }> {
  const held: Array<() => void> = [];
  let arrived = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.pause();
    const up = net.connect({ host: target.host, port: target.port });
    sockets.add(client).add(up);
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
    const relay = (): void => {
      client.pipe(up);
      up.pipe(client);
      client.resume();
    };
    up.once('connect', () => {
      if (++arrived < n) held.push(relay);
      else for (const go of [relay, ...held.splice(0)]) go();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

describe('receiver under a burst of legitimate senders', () => {
  it('(a) 200 concurrent sendMessage senders with default limits: all delivered, none refused', async () => {
    const { rx, got } = await receiver();
    const burst = await barrierProxy(rx, 200);
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => sendMessage({ host: '127.0.0.1', port: burst.port, to: 'BOB', from: 'BURST', text: `burst ${i}`, timeoutMs: 60_000 })),
      );
      const failed = results.filter((r) => !r.ok).map((r) => r.status?.name);
      expect(failed).toEqual([]); // the old 64-connection limit reset 136 of them (ECONNRESET)
      await until(() => got.length >= 200);
      expect(new Set(got.map((m) => m.text)).size).toBe(200);
      const s = rx.stats();
      expect(s).toMatchObject({ refused: 0, queueExpired: 0, evicted: 0, rateLimited: 0 });
      expect(s.peakQueued).toBeGreaterThan(0); // the burst did exceed what is served at once, and waited
    } finally {
      burst.close();
    }
  }, 120_000);
});

describe('receiver under attack (default limits)', () => {
  it('(b) 1,000 idle sockets from one address: the per-address cap holds them to 16 and another sender is delivered', async () => {
    const { rx, got } = await receiver();
    const attacker = srcAddr();
    await Promise.all(Array.from({ length: 1000 }, () => connectFrom(rx.port, attacker)));
    await until(() => rx.stats().accepted >= 1000);
    const r = await sendMessage({ host: rx.host, port: rx.port, to: 'BOB', from: 'LEGIT', text: 'through the siege', timeoutMs: 30_000 });
    expect(r.ok).toBe(true);
    await until(() => got.some((m) => m.text === 'through the siege'));
    const s = rx.stats();
    expect(s.peakActive).toBeLessThanOrEqual(RECEIVER_LIMIT_DEFAULTS.maxConnectionsPerAddress + 1);
    expect(s.peakQueued).toBeLessThanOrEqual(RECEIVER_LIMIT_DEFAULTS.acceptQueuePerAddress + 1);
    expect(s.refused).toBeGreaterThan(0); // past the per-address queue
  }, 120_000);

  it('(b) idle sockets from 20 addresses and slow-drip NEGOTIATE senders fill the global budget: idle ones are evicted and a sender is delivered', async () => {
    const { rx, got } = await receiver();
    const idle = Array.from({ length: 20 }, () => srcAddr());
    await Promise.all(idle.flatMap((a) => Array.from({ length: 50 }, () => connectFrom(rx.port, a))));
    // 64 slow-drip senders (the old lock-out: one NEGOTIATE now and then keeps a connection alive).
    const drip = Array.from({ length: 4 }, () => srcAddr());
    const drippers = await Promise.all(drip.flatMap((a) => Array.from({ length: 16 }, () => connectFrom(rx.port, a))));
    for (const d of drippers) {
      d.write(negotiate);
      timers.push(setInterval(() => d.writable && d.write(negotiate), 2_000));
    }
    await until(() => rx.stats().accepted >= 1064);
    await until(() => rx.stats().active >= RECEIVER_LIMIT_DEFAULTS.maxConnections); // the budget is full
    const r = await sendMessage({ host: rx.host, port: rx.port, to: 'BOB', from: 'LEGIT', text: 'evict the idle', timeoutMs: 30_000 });
    expect(r.ok).toBe(true);
    await until(() => got.some((m) => m.text === 'evict the idle'));
    const s = rx.stats();
    expect(s.evicted).toBeGreaterThan(0);
    expect(s.peakActive).toBeLessThanOrEqual(RECEIVER_LIMIT_DEFAULTS.maxConnections);
  }, 120_000);
});

describe.runIf(interopEnabled())('receiver under attack, real peer', () => {
  it('smbclient -M still delivers while idle sockets from 20 addresses fill the budget', async () => {
    const { rx, got } = await receiver();
    const idle = Array.from({ length: 20 }, () => srcAddr());
    await Promise.all(idle.flatMap((a) => Array.from({ length: 50 }, () => connectFrom(rx.port, a))));
    await until(() => rx.stats().active >= RECEIVER_LIMIT_DEFAULTS.maxConnections);
    await new Promise<void>((resolve, reject) => {
      const child = execFile('smbclient', ['-M', 'BOB', '-I', '127.0.0.1', '-p', String(rx.port), '-U', 'alice', '-N'], { timeout: 60_000 }, (err) => (err ? reject(err) : resolve()));
      child.stdin!.end('from smbclient under attack');
    });
    await until(() => got.length > 0);
    expect(got[0]).toMatchObject({ from: 'alice', to: 'BOB', text: 'from smbclient under attack', transport: 'direct' });
  }, 120_000);
});

describe('receiver eviction and accept queue (small limits)', () => {
  it('evicts the oldest idle connection, never one mid-message; the mid-message one still delivers', async () => {
    const { rx, got } = await receiver({ maxConnections: 3, maxConnectionsPerAddress: 10, evictIdleAfterMs: 50 });
    const busy = await peer(rx.port, srcAddr());
    const start = decodeMessageResponse(await busy.request(encodeMessageRequest({ command: 0xd5, from: Buffer.from('MID'), to: Buffer.from('BOB') })), 0xd5);
    expect(start.header.status).toBe(0); // a multi-block message is open: busy
    const idleHost = srcAddr(); // holds two connections: more than the newcomer's address (none)
    const older = await peer(rx.port, idleHost);
    await older.request(encodeNegotiateRequest(['NT LM 0.12'])); // answered: idle from here
    const newer = await peer(rx.port, idleHost);
    await newer.request(encodeNegotiateRequest(['NT LM 0.12']));
    await until(() => rx.stats().active === 3);
    await new Promise((r) => setTimeout(r, 100)); // both idle past evictIdleAfterMs
    const r = await sendMessage({ host: rx.host, port: rx.port, to: 'BOB', from: 'NEW', text: 'made room', timeoutMs: 30_000 });
    expect(r.ok).toBe(true);
    expect(await closedWithin(older.socket, 10_000)).toBe(true); // the oldest idle one went
    expect(newer.socket.destroyed).toBe(false);
    expect(busy.socket.destroyed).toBe(false);
    const groupId = start.groupId ?? 0;
    expect(decodeMessageResponse(await busy.request(encodeMessageRequest({ command: 0xd7, groupId, data: Buffer.from('kept') })), 0xd7).header.status).toBe(0);
    expect(decodeMessageResponse(await busy.request(encodeMessageRequest({ command: 0xd6, groupId })), 0xd6).header.status).toBe(0);
    await until(() => got.length >= 2);
    expect(got.map((m) => m.text).sort()).toEqual(['kept', 'made room']);
    expect(rx.stats().evicted).toBe(1);
  });

  it('evicts only for an address holding fewer connections than the idle one\'s; equal shares wait', async () => {
    const { rx, got } = await receiver({ maxConnections: 2, evictIdleAfterMs: 50 });
    const a = srcAddr();
    const idleA = await peer(rx.port, a);
    await idleA.request(encodeNegotiateRequest(['NT LM 0.12']));
    const idleB = await peer(rx.port, srcAddr());
    await idleB.request(encodeNegotiateRequest(['NT LM 0.12']));
    await new Promise((r) => setTimeout(r, 100)); // both idle past evictIdleAfterMs
    // A second connection from A (which holds one, as B does) may not evict B's: it waits.
    const secondA = await connectFrom(rx.port, a);
    await until(() => rx.stats().queued === 1);
    await new Promise((r) => setTimeout(r, 300)); // several queue ticks
    expect(rx.stats()).toMatchObject({ queued: 1, evicted: 0 });
    // A newcomer from a third address (holding none) evicts the oldest idle one: A's first.
    const r = await sendMessage({ host: rx.host, port: rx.port, to: 'BOB', from: 'THIRD', text: 'fair share', timeoutMs: 30_000 });
    expect(r.ok).toBe(true);
    expect(await closedWithin(idleA.socket, 10_000)).toBe(true);
    expect(got.map((m) => m.text)).toEqual(['fair share']);
    expect(rx.stats().evicted).toBeGreaterThanOrEqual(1);
    secondA.destroy();
  });

  it('when every slot is busy, a new sender waits in the accept queue (not reset) and is served when one frees', async () => {
    const { rx, got } = await receiver({ maxConnections: 2 });
    const holders = await Promise.all([peer(rx.port, srcAddr()), peer(rx.port, srcAddr())]);
    const groups: number[] = [];
    for (const h of holders) {
      const r = decodeMessageResponse(await h.request(encodeMessageRequest({ command: 0xd5, from: Buffer.from('HOLD'), to: Buffer.from('BOB') })), 0xd5);
      groups.push(r.groupId ?? 0);
    }
    const waiting = sendMessage({ host: rx.host, port: rx.port, to: 'BOB', from: 'QUEUED', text: 'waited my turn', timeoutMs: 30_000 });
    await until(() => rx.stats().queued === 1);
    for (const [i, h] of holders.entries()) {
      await h.request(encodeMessageRequest({ command: 0xd7, groupId: groups[i]!, data: Buffer.from(`held ${i}`) }));
      await h.request(encodeMessageRequest({ command: 0xd6, groupId: groups[i]! }));
      h.socket.end();
    }
    expect((await waiting).ok).toBe(true);
    await until(() => got.length >= 3);
    expect(got.map((m) => m.text).sort()).toEqual(['held 0', 'held 1', 'waited my turn']);
    expect(rx.stats()).toMatchObject({ refused: 0, evicted: 0 });
  });

  it('refuses past the per-address accept queue; on NBSS with NEGATIVE SESSION RESPONSE 0x83', async () => {
    const { rx } = await receiver({ maxConnections: 1, acceptQueuePerAddress: 0, transport: 'nbss' });
    const holder = await connectFrom(rx.port, srcAddr());
    holder.write(Buffer.from([0x85, 0, 0, 0])); // busy: a request has begun
    await until(() => rx.stats().active === 1);
    const late = await connectFrom(rx.port, srcAddr());
    late.removeAllListeners('data');
    const answer = new Promise<Buffer>((resolve) => {
      let got = Buffer.alloc(0);
      late.on('data', (d: Buffer) => (got = Buffer.concat([got, d])));
      late.once('close', () => resolve(got));
    });
    late.write(sessionRequest);
    expect(await answer).toEqual(Buffer.from([0x83, 0, 0, 1, 0x83]));
    expect(rx.stats().refused).toBe(1);
  });
});

describe('receiver rate limit per address', () => {
  it('(c) refuses a flood from one address with ERRSRV/ERRnoresource while another address is served', async () => {
    const { rx, got, errors } = await receiver({ messageRate: 0.001, messageBurst: 5, rateLimitMaxDelayMs: 0 });
    const flood = await Promise.all(Array.from({ length: 30 }, (_, i) => sendMessage({ host: rx.host, port: rx.port, to: 'BOB', from: 'FLOOD', text: `flood ${i}`, timeoutMs: 30_000 })));
    const refused = flood.filter((r) => !r.ok);
    expect(flood.filter((r) => r.ok)).toHaveLength(5);
    expect(refused).toHaveLength(25);
    for (const r of refused) expect(r.status).toMatchObject({ layer: 'dos', name: 'ERRSRV/ERRnoresource' });
    expect(errors.filter((e) => e.name === 'RATE_LIMITED')).toHaveLength(25);
    const other = await peer(rx.port, srcAddr());
    expect(await multiBlock(other, 'another address')).toEqual([0, 0, 0]);
    await until(() => got.some((m) => m.text === 'another address'));
    expect(got.filter((m) => m.from === 'FLOOD')).toHaveLength(5);
  });

  it('holds back messages just over the rate instead of refusing them', async () => {
    const { rx, got } = await receiver({ messageRate: 20, messageBurst: 1, rateLimitMaxDelayMs: 2_000 });
    for (let i = 0; i < 4; i++) expect((await sendMessage({ host: rx.host, port: rx.port, to: 'BOB', from: 'A', text: `t${i}`, timeoutMs: 30_000 })).ok).toBe(true);
    expect(got).toHaveLength(4);
    expect(rx.stats().rateLimited).toBe(0);
  });
});

describe('receiver deadlines', () => {
  it('(d) closes a silent socket at the first-request deadline, long before the idle timeout', async () => {
    const { rx, errors } = await receiver({ idleTimeoutMs: 600_000, firstRequestTimeoutMs: 200 });
    const silent = await connectFrom(rx.port, srcAddr());
    expect(await closedWithin(silent, 20_000)).toBe(true);
    await until(() => errors.length > 0);
    expect(errors[0]).toMatchObject({ layer: 'timeout', name: 'TIMEOUT' });
    expect(errors[0]!.message).toMatch(/^first request timed out after 200 ms/);
  });

  it('(d) on NBSS too: a session request alone does not satisfy the first-request deadline', async () => {
    const { rx, errors } = await receiver({ transport: 'nbss', idleTimeoutMs: 600_000, firstRequestTimeoutMs: 300 });
    const s = await connectFrom(rx.port, srcAddr());
    s.write(sessionRequest);
    expect(await closedWithin(s, 20_000)).toBe(true);
    await until(() => errors.length > 0);
    expect(errors[0]!.message).toMatch(/^first request timed out/);
  });

  it('closes a connection that drips a frame, or keepalives, past the request deadline', async () => {
    const { rx, errors } = await receiver({ idleTimeoutMs: 600_000, firstRequestTimeoutMs: 600_000, requestTimeoutMs: 300 });
    const dripFrame = await connectFrom(rx.port, srcAddr());
    let i = 0;
    const frame = negotiate;
    timers.push(setInterval(() => i < frame.length && dripFrame.writable && dripFrame.write(frame.subarray(i, ++i)), 50));
    const keepalives = await connectFrom(rx.port, srcAddr());
    timers.push(setInterval(() => keepalives.writable && keepalives.write(Buffer.from([0x85, 0, 0, 0])), 50));
    expect(await closedWithin(dripFrame, 20_000)).toBe(true);
    expect(await closedWithin(keepalives, 20_000)).toBe(true);
    expect(errors.filter((e) => /^request timed out after 300 ms/.test(e.message))).toHaveLength(2);
  });

  it('closes a multi-block message left open past the message deadline, and delivers nothing', async () => {
    const { rx, got, errors } = await receiver({ idleTimeoutMs: 600_000, messageTimeoutMs: 400 });
    const p = await peer(rx.port, srcAddr());
    const start = decodeMessageResponse(await p.request(encodeMessageRequest({ command: 0xd5, from: Buffer.from('SLOW'), to: Buffer.from('BOB') })), 0xd5);
    timers.push(setInterval(() => void p.request(encodeMessageRequest({ command: 0xd7, groupId: start.groupId ?? 0, data: Buffer.from('.') })).catch(() => {}), 100));
    expect(await closedWithin(p.socket, 20_000)).toBe(true);
    expect(errors.some((e) => /^multi-block message timed out after 400 ms/.test(e.message))).toBe(true);
    expect(got).toHaveLength(0);
  });

  it('ends a connection at its lifetime even while it keeps sending complete requests', async () => {
    const { rx, errors } = await receiver({ maxConnectionLifetimeMs: 500 });
    const s = await connectFrom(rx.port, srcAddr());
    timers.push(setInterval(() => s.writable && s.write(negotiate), 50));
    expect(await closedWithin(s, 20_000)).toBe(true);
    expect(errors.some((e) => /^connection lifetime timed out after 500 ms/.test(e.message))).toBe(true);
  });
});
