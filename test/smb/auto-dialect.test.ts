/**
 * 'auto' dialect selection (issue 12 goal 2): an SMB2 NEGOTIATE first ([MS-SMB2] §3.2.4.2.2.2),
 * the SMB1 multi-protocol NEGOTIATE ([MS-SMB2] §3.2.4.2.2.1) on a new connection only when the
 * server refuses it, and the host's family remembered for the process. Against real Samba (default,
 * and `server max protocol = NT1`, which closes the connection on an SMB2 NEGOTIATE: observed), a
 * spec-following SMB1 front ([MS-CIFS] §3.3.5.2: a non-SMB1 message gets an SMB1 STATUS_INVALID_SMB
 * answer; no peer here behaves so), an attacker resetting the SMB2 NEGOTIATE, and a silent server.
 */
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { FrameSplitter, startProxy } from '../helpers/proxy.js';
import { connectSmb, type ConnectSmbOptions } from '../../src/smb/connect.js';
import { smbFamilies, SMB_FAMILY_MEMORY_ENTRIES } from '../../src/smb/family-memory.js';
import { Smb1Client } from '../../src/smb/smb1/client.js';
import { AbortError, NetsendError, TimeoutError } from '../../src/status/error.js';
import type { TrafficTap } from '../../src/util/tap.js';
import { expectBindAck, WKSSVC_BIND } from './smb1/wkssvc-bind.js';

/** The SMB messages in a byte stream: bodies of NBSS session messages / Direct TCP frames (type 0). */
class Frames {
  private readonly frames = new FrameSplitter();
  push(d: Buffer): Buffer[] {
    return this.frames.push(d).filter((f) => f[0] === 0).map((f) => f.subarray(4));
  }
}

/** A tap that keeps the SMB messages the client sent, per TCP connection. */
function recorder(): TrafficTap & { connections: Buffer[][] } {
  let frames = new Frames();
  const t = {
    connections: [] as Buffer[][],
    opened() {
      frames = new Frames();
      t.connections.push([]);
    },
    outbound(b: Buffer) {
      t.connections.at(-1)!.push(...frames.push(b));
    },
    inbound() {},
  };
  return t;
}

const isSmb2Negotiate = (m: Buffer): boolean => m.length >= 64 && m.readUInt32BE(0) === 0xfe534d42 && m.readUInt16LE(12) === 0;
const isSmb1Negotiate = (m: Buffer): boolean => m.length >= 33 && m.readUInt32BE(0) === 0xff534d42 && m[4] === 0x72;
const isSmb1 = (m: Buffer): boolean => m.length >= 4 && m.readUInt32BE(0) === 0xff534d42;
/** The dialect list of an SMB2 NEGOTIATE request ([MS-SMB2] §2.2.3). */
const offeredDialects = (m: Buffer): number[] => Array.from({ length: m.readUInt16LE(64 + 2) }, (_, i) => m.readUInt16LE(64 + 36 + 2 * i));

async function expectWkssvcBind(c: { openPipe(name: string): Promise<{ transact(d: Buffer, max: number): Promise<{ data: Buffer }>; close(): Promise<void> }> }): Promise<void> {
  const pipe = await c.openPipe('wkssvc');
  expectBindAck((await pipe.transact(WKSSVC_BIND, 4280)).data);
  await pipe.close();
}

describe.runIf(interopEnabled())("'auto' against a default Samba (NT1..SMB3)", () => {
  const samba = useSamba();
  const opts = (o: Partial<ConnectSmbOptions>): ConnectSmbOptions => ({ host: samba.host, credentials: { user: samba.user.name, password: samba.user.password }, timeoutMs: 10_000, ...o });

  it('negotiates SMB 3.1.1 with one SMB2 NEGOTIATE, no SMB1 NEGOTIATE, the same requests as dialect smb2', async () => {
    expect(smbFamilies.get(samba.host, 445)).toBeUndefined(); // first contact: the probe path
    const auto = recorder();
    const c = await connectSmb(opts({ tap: auto }));
    try {
      expect(c.info.dialect).toBe('3.1.1');
      await expectWkssvcBind(c);
    } finally {
      await c.close();
    }
    const forced = recorder();
    const c2 = await connectSmb(opts({ dialect: 'smb2', tap: forced }));
    try {
      await expectWkssvcBind(c2);
    } finally {
      await c2.close();
    }
    expect(auto.connections).toHaveLength(1);
    const sent = auto.connections[0]!;
    expect(isSmb2Negotiate(sent[0]!)).toBe(true);
    expect(sent.filter(isSmb1)).toEqual([]);
    expect(sent.filter(isSmb2Negotiate)).toHaveLength(1);
    // Exactly what 'smb2' sends: every dialect (and so the 3.1.1 contexts), and as many messages.
    expect(offeredDialects(sent[0]!)).toEqual(offeredDialects(forced.connections[0]![0]!));
    expect(offeredDialects(sent[0]!)).toContain(0x0311);
    expect(sent.length).toBe(forced.connections[0]!.length);
    expect(smbFamilies.get(samba.host, 445)).toBe('smb2');
  });

  it('an attacker resetting the SMB2 NEGOTIATE forces the fallback, which still lands on SMB2 with the same security', async () => {
    let resets = 1;
    const proxy = await startProxy({ upstream: { host: samba.host, port: 445 }, trigger: (f) => isSmb2Negotiate(f) && resets-- > 0, replyAction: 'reset' });
    try {
      const direct = await connectSmb(opts({ dialect: 'smb2', requireSigning: true }));
      const directInfo = direct.info;
      await direct.close();
      const tap = recorder();
      const c = await connectSmb(opts({ host: proxy.host, port: proxy.port, tap, requireSigning: true }));
      try {
        expect(c.info).toMatchObject({ dialect: directInfo.dialect, signing: directInfo.signing, encryption: directInfo.encryption, isGuest: false });
        await expectWkssvcBind(c);
      } finally {
        await c.close();
      }
      expect(proxy.triggered).toBe(1);
      expect(tap.connections).toHaveLength(2);
      expect(tap.connections[0]!.map(isSmb2Negotiate)).toEqual([true]);
      // The fallback: the multi-protocol NEGOTIATE, still offering SMB2, then SMB2 on that connection.
      const [multi, ...rest] = tap.connections[1]!;
      expect(isSmb1Negotiate(multi!)).toBe(true);
      expect(multi!.toString('latin1')).toContain('\x02SMB 2.???\x00');
      expect(rest.length).toBeGreaterThan(0);
      expect(rest.filter(isSmb1)).toEqual([]);
      expect(smbFamilies.get(proxy.host, proxy.port)).toBe('smb2');
      // Remembered as SMB2: the next connection (no attacker now) opens with the SMB2 NEGOTIATE.
      const tap2 = recorder();
      const c2 = await connectSmb(opts({ host: proxy.host, port: proxy.port, tap: tap2 }));
      await c2.close();
      expect(tap2.connections).toHaveLength(1);
      expect(isSmb2Negotiate(tap2.connections[0]![0]!)).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});

describe.runIf(interopEnabled())("'auto' against a Samba remembered as SMB2 that goes silent", () => {
  const samba = useSamba();

  it('waits the whole deadline for the NEGOTIATE answer instead of falling back after the probe bound', async () => {
    // The proxy passes the first connection, then holds every answer to the next SMB2 NEGOTIATE.
    let negotiates = 0;
    const proxy = await startProxy({ upstream: { host: samba.host, port: 445 }, trigger: (f) => isSmb2Negotiate(f) && negotiates++ >= 1, replyAction: 'hold' });
    try {
      const o = { host: proxy.host, port: proxy.port, credentials: { user: samba.user.name, password: samba.user.password } };
      await (await connectSmb({ ...o, timeoutMs: 10_000 })).close();
      expect(smbFamilies.get(proxy.host, proxy.port)).toBe('smb2');
      const err = await connectSmb({ ...o, timeoutMs: 1_500 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).step).not.toMatch(/SMB1|probe/);
      expect(proxy.triggered).toBe(1);
      expect(proxy.connections).toBe(2); // no fallback connection
    } finally {
      await proxy.close();
    }
  });
});

describe.runIf(interopEnabled())("'auto' against an SMB1-only Samba (server max protocol = NT1)", () => {
  const samba = useSamba({ global: { 'server max protocol': 'NT1' } });
  const opts = (port: number, tap: TrafficTap): ConnectSmbOptions => ({
    host: samba.host, port, calledName: samba.netbiosName, credentials: { user: samba.user.name, password: samba.user.password }, tap, timeoutMs: 10_000,
  });

  for (const port of [445, 139]) {
    it(`port ${port}: the refused SMB2 NEGOTIATE falls back to SMB1 on a new connection; the next connect skips the probe`, async () => {
      const first = recorder();
      const c = await connectSmb(opts(port, first));
      try {
        expect(c).toBeInstanceOf(Smb1Client);
        expect(c.info.dialect).toBe('NT LM 0.12');
        await expectWkssvcBind(c);
      } finally {
        await c.close();
      }
      expect(first.connections).toHaveLength(2);
      expect(first.connections[0]!.map(isSmb2Negotiate)).toEqual([true]); // Samba closed it unanswered
      expect(isSmb1Negotiate(first.connections[1]![0]!)).toBe(true);
      expect(smbFamilies.get(samba.host, port)).toBe('smb1');

      const second = recorder();
      const c2 = await connectSmb(opts(port, second));
      try {
        expect(c2.info.dialect).toBe('NT LM 0.12');
      } finally {
        await c2.close();
      }
      expect(second.connections).toHaveLength(1);
      expect(isSmb1Negotiate(second.connections[0]![0]!)).toBe(true);
      expect(second.connections[0]!.filter(isSmb2Negotiate)).toEqual([]);
    });
  }

  it(`the memory is bounded: ${SMB_FAMILY_MEMORY_ENTRIES} other hosts later the host is probed again`, async () => {
    const warm = recorder();
    await (await connectSmb(opts(445, warm))).close();
    expect(smbFamilies.get(samba.host, 445)).toBe('smb1');
    for (let i = 0; i < SMB_FAMILY_MEMORY_ENTRIES; i++) smbFamilies.remember(`other-${i}.invalid`, 445, 'smb2');
    expect(smbFamilies.size).toBe(SMB_FAMILY_MEMORY_ENTRIES);
    expect(smbFamilies.get(samba.host, 445)).toBeUndefined();
    const again = recorder();
    await (await connectSmb(opts(445, again))).close();
    expect(again.connections).toHaveLength(2);
    expect(isSmb2Negotiate(again.connections[0]![0]!)).toBe(true);
    expect(smbFamilies.get(samba.host, 445)).toBe('smb1');
  });

  it('dialect smb2 still fails without any fallback', async () => {
    const tap = recorder();
    const err = await connectSmb({ ...opts(445, tap), dialect: 'smb2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetsendError);
    expect(tap.connections).toHaveLength(1);
  });
});

/**
 * [MS-CIFS] §3.3.5.2: an SMB1 server answers a message whose Protocol is not 0xFF 'SMB' with an error
 * response, Status STATUS_INVALID_SMB. Samba closes instead, so this front gives that answer to every
 * SMB2 message and passes everything else to an NT1-only Samba.
 */
async function startCifsFront(upstream: { host: string; port: number }): Promise<{ host: string; port: number; answered: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const state = { answered: 0 };
  const srv = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    let server: net.Socket | null = null;
    let pending = Buffer.alloc(0);
    client.on('data', (d: Buffer) => {
      if (server) return void server.write(d);
      pending = Buffer.concat([pending, d]);
      if (pending.length < 8) return;
      if (pending.readUInt32BE(4) === 0xfe534d42) {
        state.answered++;
        const h = Buffer.alloc(35); // SMB1 header, WordCount 0, ByteCount 0 ([MS-CIFS] §2.2.3.1)
        h.writeUInt32BE(0xff534d42, 0);
        h[4] = 0x72;
        h.writeUInt32LE(0x00010002, 5); // STATUS_INVALID_SMB
        h[9] = 0x80; // reply
        h.writeUInt16LE(0x4001, 10); // NT status codes, long names
        const f = Buffer.alloc(4);
        f.writeUInt32BE(h.length);
        pending = Buffer.alloc(0);
        return void client.write(Buffer.concat([f, h]));
      }
      server = net.connect(upstream);
      sockets.add(server);
      server.on('error', () => client.destroy());
      server.on('close', () => client.destroy());
      client.on('close', () => server?.destroy());
      server.pipe(client);
      server.write(pending);
    });
  });
  const port = await new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as net.AddressInfo).port)));
  return {
    host: '127.0.0.1',
    port,
    get answered() {
      return state.answered;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

describe.runIf(interopEnabled())("'auto' against an SMB1 server that answers SMB2 with an SMB1 error ([MS-CIFS] §3.3.5.2)", () => {
  const samba = useSamba({ global: { 'server max protocol': 'NT1' } });

  it('takes the SMB1 answer as a refusal and connects over SMB1', async () => {
    const front = await startCifsFront({ host: samba.host, port: 445 });
    try {
      const tap = recorder();
      const c = await connectSmb({ host: front.host, port: front.port, credentials: { user: samba.user.name, password: samba.user.password }, tap, timeoutMs: 10_000 });
      try {
        expect(c.info.dialect).toBe('NT LM 0.12');
        await expectWkssvcBind(c);
      } finally {
        await c.close();
      }
      expect(front.answered).toBe(1);
      expect(tap.connections).toHaveLength(2);
      expect(isSmb1Negotiate(tap.connections[1]![0]!)).toBe(true);
    } finally {
      await front.close();
    }
  });
});

/** A TCP server that reads everything and never answers; records each connection's first message. */
async function startSilentServer(): Promise<{ port: number; firstMessages: Buffer[]; connections: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const firstMessages: Buffer[] = [];
  let connections = 0;
  const srv = net.createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    const frames = new Frames();
    let seen = false;
    s.on('data', (d: Buffer) => {
      const [m] = frames.push(d);
      if (m && !seen) {
        seen = true;
        firstMessages.push(m);
      }
    });
  });
  const port = await new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as net.AddressInfo).port)));
  return {
    port,
    firstMessages,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

describe("'auto' against a silent server", () => {
  it('falls back to SMB1 within the probe bound; the deadline error then names the SMB1 step', async () => {
    const silent = await startSilentServer();
    try {
      // The probe waits min(SMB2_PROBE_MS, half of what is left of the 2 s), leaving the SMB1 step its share.
      const err = await connectSmb({ host: '127.0.0.1', port: silent.port, credentials: { user: 'u', password: 'p' }, timeoutMs: 2_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).deadlineMs).toBe(2_000);
      expect((err as TimeoutError).step).toMatch(/^SMB1 multi-protocol NEGOTIATE \(after the server refused SMB2 NEGOTIATE\)/);
      expect(silent.connections).toBe(2);
      expect(isSmb2Negotiate(silent.firstMessages[0]!)).toBe(true);
      expect(isSmb1Negotiate(silent.firstMessages[1]!)).toBe(true);
      expect(smbFamilies.get('127.0.0.1', silent.port)).toBeUndefined(); // a refusal is never remembered
    } finally {
      await silent.close();
    }
  });

  it('an abort during the probe is not a refusal: no second connection', async () => {
    const silent = await startSilentServer();
    try {
      const ac = new AbortController();
      const p = connectSmb({ host: '127.0.0.1', port: silent.port, credentials: { user: 'u', password: 'p' }, timeoutMs: 10_000, signal: ac.signal }).catch((e: unknown) => e);
      while (silent.firstMessages.length === 0) await new Promise((r) => setTimeout(r, 10));
      ac.abort();
      expect(await p).toBeInstanceOf(AbortError);
      expect(silent.connections).toBe(1);
    } finally {
      await silent.close();
    }
  });
});
