/**
 * Several calls in flight on one SMB2 session against Samba ([MS-SMB2] §3.2.4.1, §3.2.5.1): one pipe
 * per call, each answer matched to its call by MessageId. The calls differ so that a mismatch shows:
 * wkssvc NetrWkstaGetInfo at levels 100 and 101, srvsvc NetrShareEnum at levels 0 and 1 (each answer
 * decodes only at its own level, and says which level it is). Proxies in front of Samba reorder,
 * hold, drop, repeat and rewrite the server's messages, as no server does by itself.
 */
import { describe, expect, it } from 'vitest';
import { interopEnabled, useSamba } from '../../harness/samba.js';
import { startFrameProxy, type FrameContext } from '../../helpers/proxy.js';
import { connectSmb2, type Smb2Client, type Smb2ConnectOptions } from '../../../src/smb/smb2/index.js';
import { RpcClient } from '../../../src/rpc/client.js';
import { WKSSVC, decodeWkstaGetInfo, encodeWkstaGetInfo } from '../../../src/rpc/interfaces/wkssvc.js';
import { SRVSVC, decodeShareEnum, encodeShareEnum } from '../../../src/rpc/interfaces/srvsvc.js';
import { NetsendError } from '../../../src/status/error.js';

interface Caller {
  /** What the answer must say: the interface and level asked for. */
  readonly expected: string;
  call(opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<string>;
}

const KINDS = [
  { pipe: 'wkssvc', iface: WKSSVC, opnum: 0, stub: () => encodeWkstaGetInfo(null, 100), describe: (s: Buffer) => `wkssvc ${decodeWkstaGetInfo(s, 100).info?.level} lanroot:${decodeWkstaGetInfo(s, 100).info?.lanRoot !== undefined}`, expected: 'wkssvc 100 lanroot:false' },
  { pipe: 'wkssvc', iface: WKSSVC, opnum: 0, stub: () => encodeWkstaGetInfo(null, 101), describe: (s: Buffer) => `wkssvc ${decodeWkstaGetInfo(s, 101).info?.level} lanroot:${decodeWkstaGetInfo(s, 101).info?.lanRoot !== undefined}`, expected: 'wkssvc 101 lanroot:true' },
  { pipe: 'srvsvc', iface: SRVSVC, opnum: 15, stub: () => encodeShareEnum(0), describe: (s: Buffer) => shareLevel(s, 0), expected: 'srvsvc 0 typed:false' },
  { pipe: 'srvsvc', iface: SRVSVC, opnum: 15, stub: () => encodeShareEnum(1), describe: (s: Buffer) => shareLevel(s, 1), expected: 'srvsvc 1 typed:true' },
] as const;

function shareLevel(stub: Buffer, level: 0 | 1): string {
  const r = decodeShareEnum(stub, level);
  if (r.shares.length === 0) throw new Error('no shares listed');
  return `srvsvc ${r.level} typed:${r.shares.every((s) => s.type !== undefined)}`;
}

/** Opens `n` pipes on the session (cycling through KINDS), binds each, and returns one caller per pipe. */
async function callers(client: Smb2Client, n = 4): Promise<Caller[]> {
  const out: Caller[] = [];
  for (let i = 0; i < n; i++) {
    const k = KINDS[i % KINDS.length]!;
    const rpc = new RpcClient(await client.openPipe(k.pipe));
    await rpc.bind(k.iface);
    out.push({ expected: k.expected, call: async (opts = {}) => k.describe(await rpc.call(k.opnum, k.stub(), opts)) });
  }
  return out;
}

/** The SMB2 header of a frame from the proxy, or null for a TRANSFORM (encrypted) one. */
function smb2At(frame: Buffer): number | null {
  return frame.length >= 68 && frame.readUInt32BE(4) === 0xfe534d42 ? 4 : null;
}

/**
 * True for an interim STATUS_PENDING response ([MS-SMB2] §3.3.4.2), which Samba sends for a pipe
 * IOCTL that goes async. Encrypted, it is told by its size: an interim is an ERROR response (64-byte
 * header + 9-byte body) and the only 73-byte message these calls draw.
 */
function isInterim(frame: Buffer): boolean {
  const at = smb2At(frame);
  if (at === null) return frame.length === 4 + 52 + 73;
  return (frame.readUInt32LE(at + 16) & 2) !== 0 && frame.readUInt32LE(at + 8) === 0x103;
}

const MODES: Array<[string, Partial<Smb2ConnectOptions>]> = [
  ['SMB 2.1', { dialects: { max: 0x0210 } }],
  ['SMB 3.1.1 signed', { dialects: { min: 0x0311, max: 0x0311 }, requireSigning: true }],
  ['SMB 3.1.1 encrypted', { dialects: { min: 0x0311, max: 0x0311 }, requireEncryption: true }],
];

describe.runIf(interopEnabled())('SMB2: several calls in flight on one session (MessageId demultiplexing)', () => {
  const samba = useSamba();
  const base = (port?: number, host?: string): Smb2ConnectOptions => ({
    host: host ?? samba.host,
    ...(port !== undefined ? { port, serverName: samba.host } : {}),
    credentials: { user: samba.user.name, password: samba.user.password, domain: samba.workgroup },
    timeoutMs: 10_000,
  });

  for (const [name, mode] of MODES) {
    it(`${name}: 4 pipes, 10 calls each, all in flight together; every answer is its own call's`, async () => {
      const client = await connectSmb2({ ...base(), ...mode });
      try {
        const cs = await callers(client);
        const results = await Promise.all(cs.flatMap((c) => Array.from({ length: 10 }, () => c.call())));
        expect(results).toEqual(cs.flatMap((c) => Array(10).fill(c.expected)));
        if (mode.requireEncryption) expect(client.info.encryption).toBe(true);
        else if (mode.requireSigning) expect(client.info.signing).toBe(true);
      } finally {
        await client.close();
      }
    });
  }

  for (const [name, mode] of MODES.slice(1)) {
    it(`${name}: a proxy that answers each round of 4 in reverse order still matches every answer (and needs all 4 in flight)`, async () => {
      let armed = false;
      const held: Array<[Buffer, FrameContext]> = [];
      const proxy = await startFrameProxy({
        upstream: { host: samba.host, port: 445 },
        serverFrame: (f, ctx) => {
          // Interim responses go on at once: only final answers are reordered (a final before its own interim is no order a server can make).
          if (!armed || isInterim(f)) return ctx.toClient(f);
          held.push([f, ctx]);
          // Only 4 requests in flight at once can ever fill a round: a client that serialised would time out here.
          if (held.length === 4) for (const [g, c] of held.splice(0).reverse()) c.toClient(g);
        },
      });
      const client = await connectSmb2({ ...base(proxy.port, proxy.host), ...mode });
      try {
        const cs = await callers(client);
        armed = true;
        for (let round = 0; round < 5; round++) {
          expect(await Promise.all(cs.map((c) => c.call({ timeoutMs: 5000 })))).toEqual(cs.map((c) => c.expected));
        }
      } finally {
        armed = false;
        await client.close();
        await proxy.close();
      }
    });
  }

  it('SMB 3.1.1 signed: a response that never comes times that call out; the other calls complete, and the session goes on', async () => {
    let drop = false;
    const proxy = await startFrameProxy({
      upstream: { host: samba.host, port: 445 },
      serverFrame: (f, ctx) => {
        if (drop && !isInterim(f)) drop = false;
        else ctx.toClient(f);
      },
    });
    const client = await connectSmb2({ ...base(proxy.port, proxy.host), ...MODES[1]![1] });
    try {
      const cs = await callers(client);
      drop = true;
      const settled = await Promise.allSettled(cs.map((c) => c.call({ timeoutMs: 3000 })));
      const failed = settled.filter((s) => s.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ layer: 'timeout' });
      settled.forEach((s, i) => s.status === 'fulfilled' && expect(s.value).toBe(cs[i]!.expected));
      // The pipes whose calls completed still work, and so does a new pipe on the session.
      const ok = cs.filter((_, i) => settled[i]!.status === 'fulfilled');
      expect(await Promise.all(ok.map((c) => c.call()))).toEqual(ok.map((c) => c.expected));
      const [fresh] = await callers(client, 1);
      expect(await fresh!.call()).toBe(fresh!.expected);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('SMB 3.1.1 encrypted: an answer that comes after its call timed out is dropped as a late answer while other calls are in flight', async () => {
    let delay = false;
    const proxy = await startFrameProxy({
      upstream: { host: samba.host, port: 445 },
      serverFrame: (f, ctx) => {
        if (!delay || isInterim(f)) return ctx.toClient(f);
        delay = false;
        setTimeout(() => ctx.toClient(f), 1200);
      },
    });
    const client = await connectSmb2({ ...base(proxy.port, proxy.host), ...MODES[2]![1] });
    try {
      const cs = await callers(client);
      // A call that gives up before its answer comes (held 1.2 s by the proxy): the answer arrives later, during other calls.
      delay = true;
      const gaveUp = await cs[1]!.call({ timeoutMs: 300 }).catch((e: unknown) => e);
      expect(gaveUp).toMatchObject({ layer: 'timeout' });
      const during = await Promise.all([cs[2]!, cs[3]!].map(async (c) => {
        const out: string[] = [];
        for (let i = 0; i < 15; i++) {
          out.push(await c.call());
          await new Promise((r) => setTimeout(r, 100));
        }
        return out;
      }));
      expect(during).toEqual([cs[2]!, cs[3]!].map((c) => Array(15).fill(c.expected)));
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('SMB 2.1: aborting one call in flight fails that call only; the others complete', async () => {
    let hold = false;
    const held: Array<[Buffer, FrameContext]> = [];
    const proxy = await startFrameProxy({
      upstream: { host: samba.host, port: 445 },
      serverFrame: (f, ctx) => (hold && !isInterim(f) ? held.push([f, ctx]) : ctx.toClient(f)),
    });
    const client = await connectSmb2({ ...base(proxy.port, proxy.host), ...MODES[0]![1] });
    try {
      const cs = await callers(client);
      hold = true;
      const ac = new AbortController();
      const calls = cs.map((c, i) => c.call(i === 2 ? { signal: ac.signal } : {}));
      const settled = Promise.allSettled(calls);
      // All four answers are at the proxy: all four requests are in flight.
      for (let i = 0; held.length < 4 && i < 200; i++) await new Promise((r) => setTimeout(r, 10));
      expect(held).toHaveLength(4);
      ac.abort();
      await new Promise((r) => setTimeout(r, 20));
      hold = false;
      for (const [f, c] of held.splice(0)) c.toClient(f);
      const out = await settled;
      out.forEach((s, i) => {
        if (i === 2) expect(s).toMatchObject({ status: 'rejected', reason: { layer: 'abort' } });
        else expect(s).toEqual({ status: 'fulfilled', value: cs[i]!.expected });
      });
      const rest = cs.filter((_, i) => i !== 2);
      expect(await Promise.all(rest.map((c) => c.call()))).toEqual(rest.map((c) => c.expected));
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('SMB 2.1: a server that grants 1 credit at a time gets one request at a time; concurrent calls wait instead of failing', async () => {
    // The proxy keeps the client's balance (credits granted minus credits spent) at 1 once it has spent
    // what Samba granted before: each unsigned final response grants what tops the balance up to 1, no
    // more, and an interim one grants nothing (it may grant, [MS-SMB2] §3.3.4.2; then two could be out).
    // Signed responses (the final SESSION_SETUP one) pass unchanged, their grant counted.
    let granted = 1; // every connection starts with one credit, for NEGOTIATE
    let used = 0;
    let overdrawn = false;
    let outstanding = 0;
    let most = 0;
    let measuring = false;
    const proxy = await startFrameProxy({
      upstream: { host: samba.host, port: 445 },
      clientFrame: (f, ctx) => {
        const cost = Math.max(1, f.readUInt16LE(4 + 6));
        if (used + cost > granted) overdrawn = true;
        used += cost;
        outstanding++;
        if (measuring) most = Math.max(most, outstanding);
        ctx.toServer(f);
      },
      serverFrame: (f, ctx) => {
        const at = smb2At(f)!;
        if ((f.readUInt32LE(at + 16) & 8) === 0) f.writeUInt16LE(isInterim(f) ? 0 : Math.max(0, 1 - (granted - used)), at + 14);
        granted += f.readUInt16LE(at + 14);
        if (!isInterim(f)) outstanding--;
        ctx.toClient(f);
      },
    });
    const client = await connectSmb2({ ...base(proxy.port, proxy.host), ...MODES[0]![1] });
    try {
      const cs = await callers(client);
      // Spend what Samba granted with the signed SESSION_SETUP response, one call at a time.
      for (let i = 0; i < 400 && client.connection.credits > 1; i++) await cs[0]!.call();
      expect(client.connection.credits).toBe(1);
      measuring = true;
      most = outstanding;
      const results = await Promise.all(cs.flatMap((c) => [c.call(), c.call(), c.call()]));
      expect(results).toEqual(cs.flatMap((c) => Array(3).fill(c.expected)));
      expect(most).toBe(1);
      expect(overdrawn).toBe(false);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  describe('hostile server (SMB 2.1, unsigned, so a proxy can play it)', () => {
    async function hostile(rewrite: (f: Buffer, ctx: FrameContext) => void): Promise<{ settled: PromiseSettledResult<string>[]; after: unknown }> {
      let armed = false;
      const proxy = await startFrameProxy({
        upstream: { host: samba.host, port: 445 },
        serverFrame: (f, ctx) => (armed ? rewrite(f, ctx) : ctx.toClient(f)),
      });
      const client = await connectSmb2({ ...base(proxy.port, proxy.host), ...MODES[0]![1] });
      try {
        const cs = await callers(client);
        armed = true;
        const settled = await Promise.allSettled(cs.flatMap((c) => [c.call({ timeoutMs: 4000 }), c.call({ timeoutMs: 4000 })]));
        const after = await client.openPipe('wkssvc', { timeoutMs: 4000 }).then(
          () => 'opened',
          (e: unknown) => e,
        );
        return { settled, after };
      } finally {
        client.abort();
        await proxy.close();
      }
    }

    function expectTornDown(r: { settled: PromiseSettledResult<string>[]; after: unknown }): void {
      const failures = r.settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
      expect(failures.length).toBeGreaterThan(0);
      // Each failure is typed; none is a hang ended by a timeout.
      for (const e of failures) expect(e).toBeInstanceOf(NetsendError);
      expect(failures.some((e) => (e as NetsendError).name === 'SMB2_BAD_MESSAGE_ID')).toBe(true);
      expect(failures.some((e) => (e as NetsendError).layer === 'timeout')).toBe(false);
      // The connection is torn down: a later request fails with the same typed error.
      expect(r.after).toMatchObject({ name: 'SMB2_BAD_MESSAGE_ID' });
    }

    it('every response sent twice: the duplicate is a typed SMB2_BAD_MESSAGE_ID that ends the connection, without a hang', async () => {
      expectTornDown(
        await hostile((f, ctx) => {
          ctx.toClient(f);
          ctx.toClient(f);
        }),
      );
    });

    it('a response for a MessageId never sent: typed SMB2_BAD_MESSAGE_ID for the calls in flight, without a hang', async () => {
      let done = false;
      expectTornDown(
        await hostile((f, ctx) => {
          if (!done) f.writeBigUInt64LE(0x7fff0000n, smb2At(f)! + 24);
          done = true;
          ctx.toClient(f);
        }),
      );
    });
  });
});
