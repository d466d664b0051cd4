import { afterEach, describe, expect, it } from 'vitest';
import * as dgram from 'node:dgram';
import { ClClient } from '../../src/rpc/cl-client.js';
import { ClServer, type ClHandler } from '../../src/rpc/cl-server.js';
import { CL_FLAGS1, CL_PTYPE, clHeader, decodeClPdu, encodeClPdu } from '../../src/rpc/cl-pdu.js';
import type { RpcInterface } from '../../src/rpc/client.js';
import { NetsendError } from '../../src/status/error.js';
import { startUdpRelay, type UdpRelay } from '../helpers/udp-relay.js';

const ECHO: RpcInterface = { name: 'echo', syntax: { uuid: '0badc0de-1234-5678-9abc-def012345678', major: 1, minor: 0 } };
const OTHER: RpcInterface = { name: 'other', syntax: { uuid: '0badc0de-0000-5678-9abc-def012345678', major: 1, minor: 0 } };

/** opnum 0 echoes its stub reversed; opnum 1 faults with nca_s_fault_ndr-like 0x1c000001. */
function echoHandler(runs: { n: number }): ClHandler {
  return {
    iface: ECHO,
    opcount: 2,
    handle(opnum, stub) {
      runs.n++;
      if (opnum === 1) throw new NetsendError('rpc-fault', 0x1c000001, 'nca_s_fault_int_div_by_zero', 'test fault');
      return Buffer.from(stub).reverse();
    },
  };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setup(o: { callback?: boolean; relay?: (dir: 'up' | 'down', n: number) => boolean; idempotent?: boolean } = {}) {
  const runs = { n: 0 };
  const server = new ClServer({ handlers: [echoHandler(runs)], ...(o.callback !== undefined ? { callback: o.callback } : {}), callbackRetransmitMs: 50 });
  const at = await server.listen();
  cleanup.push(() => server.close());
  let relay: UdpRelay | undefined;
  if (o.relay) {
    relay = await startUdpRelay(at, o.relay);
    cleanup.push(() => relay!.close());
  }
  const client = new ClClient({ host: '127.0.0.1', port: relay ? relay.port : at.port, iface: ECHO, retransmitMs: 40, maxRetransmitMs: 200, ...(o.idempotent !== undefined ? { idempotent: o.idempotent } : {}) });
  cleanup.push(() => client.close());
  return { server, client, runs, relay, at };
}

describe('ClClient against ClServer on loopback', () => {
  it('idempotent call: one request, one response, no callback, no ACK', async () => {
    const { server, client, runs } = await setup({ idempotent: true });
    const out = await client.call(0, Buffer.from('abcdef'), { timeoutMs: 5000 });
    expect(out.toString()).toBe('fedcba');
    expect(runs.n).toBe(1);
    expect(client.lastStats).toMatchObject({ datagramsSent: 1, datagramsReceived: 1, callbacks: 0 });
    expect(server.stats()).toMatchObject({ calls: 1, callbacks: 0, acks: 0 });
  });

  it('non-idempotent call: conv who_are_you2 callback answered, then ACK; later calls need no callback', async () => {
    const { server, client, runs } = await setup();
    expect((await client.call(0, Buffer.from('xy'), { timeoutMs: 5000 })).toString()).toBe('yx');
    expect(client.lastStats!.callbacks).toBe(1);
    await client.call(0, Buffer.from('12'), { timeoutMs: 5000 });
    expect(client.lastStats!.callbacks).toBe(0);
    expect(runs.n).toBe(2);
    await new Promise((r) => setTimeout(r, 50)); // the last ACK is in flight
    expect(server.stats()).toMatchObject({ calls: 2, callbacks: 1 });
    expect(server.stats().acks).toBeGreaterThanOrEqual(1);
  });

  it('fragments a large request (8-aligned bodies) and reassembles a large response', async () => {
    const { client } = await setup({ idempotent: true });
    const big = Buffer.alloc(6000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    const out = await client.call(0, big, { timeoutMs: 5000 });
    expect(out.equals(Buffer.from(big).reverse())).toBe(true);
    expect(client.lastStats!.datagramsSent).toBeGreaterThanOrEqual(5);
  });

  it('rejects and faults come back as named errors', async () => {
    const { client, runs } = await setup({ idempotent: true });
    await expect(client.call(5, Buffer.alloc(0), { timeoutMs: 5000 })).rejects.toMatchObject({ layer: 'rpc-fault', name: 'nca_s_op_rng_error', didNotExecute: true });
    await expect(client.call(1, Buffer.alloc(4), { timeoutMs: 5000 })).rejects.toMatchObject({ layer: 'rpc-fault', code: 0x1c000001, didNotExecute: false });
    const other = new ClClient({ host: '127.0.0.1', port: (client.opts as { port: number }).port, iface: OTHER, idempotent: true, retransmitMs: 40 });
    cleanup.push(() => other.close());
    await expect(other.call(0, Buffer.alloc(0), { timeoutMs: 5000 })).rejects.toMatchObject({ name: 'nca_s_unk_if', didNotExecute: true });
    expect(runs.n).toBe(1);
  });

  it('retransmits through a relay that drops the first requests, and the manager runs once', async () => {
    const { client, runs, relay } = await setup({ relay: (dir, n) => dir === 'up' && n < 3 });
    expect((await client.call(0, Buffer.from('lost'), { timeoutMs: 10_000 })).toString()).toBe('tsol');
    expect(relay!.counts.dropped).toBe(3);
    expect(client.lastStats!.retransmissions).toBeGreaterThanOrEqual(3);
    expect(runs.n).toBe(1);
  });

  it('a lost response is recovered by ping (cached reply), never by running the call twice', async () => {
    // down datagrams: 0 = the conv callback request, 1 = the response (dropped twice).
    const { client, runs, server } = await setup({ relay: (dir, n) => dir === 'down' && (n === 1 || n === 2) });
    expect((await client.call(0, Buffer.from('once'), { timeoutMs: 10_000 })).toString()).toBe('ecno');
    expect(runs.n).toBe(1);
    expect(server.stats().duplicates).toBeGreaterThanOrEqual(1);
  });

  it('a silent port ends in a named timeout; an abort ends in ABORTED', async () => {
    const hole = dgram.createSocket('udp4');
    await new Promise<void>((r) => hole.bind(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => hole.close(() => r())));
    const client = new ClClient({ host: '127.0.0.1', port: hole.address().port, iface: ECHO, retransmitMs: 20, maxRetransmitMs: 40 });
    cleanup.push(() => client.close());
    const e = await client.call(0, Buffer.from('x'), { timeoutMs: 300 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ layer: 'timeout', name: 'TIMEOUT' });
    expect((e as NetsendError).message).toMatch(/ncadg_ip_udp/);
    const ac = new AbortController();
    const p = client.call(0, Buffer.from('x'), { timeoutMs: 5000, signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    await expect(p).rejects.toMatchObject({ layer: 'abort' });
  });

  it('ignores a forged response from another address (the real one wins)', async () => {
    // A hand-driven "server" on 127.0.0.1; a forger on 127.0.0.2 answers first with the right activity and seq.
    const real = dgram.createSocket('udp4');
    const forger = dgram.createSocket('udp4');
    await new Promise<void>((r) => real.bind(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => forger.bind(0, '127.0.0.2', () => r()));
    cleanup.push(() => new Promise<void>((r) => real.close(() => r())));
    cleanup.push(() => new Promise<void>((r) => forger.close(() => r())));
    real.on('message', (m, ri) => {
      const h = decodeClPdu(m).header;
      const answer = (text: string) => encodeClPdu({ header: { ...h, ptype: CL_PTYPE.response, flags1: 0, serverBoot: 7 }, body: { kind: 'stub', stub: Buffer.from(text) } });
      forger.send(answer('FAKE'), ri.port, '127.0.0.1');
      setTimeout(() => real.send(answer('REAL'), ri.port, ri.address), 30);
    });
    // Unconnected (as for calls forwarded from UDP 135): our own address filter is what drops the forgery.
    const client = new ClClient({ host: '127.0.0.1', port: real.address().port, iface: ECHO, idempotent: true, retransmitMs: 1000, connect: false });
    cleanup.push(() => client.close());
    expect((await client.call(0, Buffer.from('q'), { timeoutMs: 5000 })).toString()).toBe('REAL');
    expect(client.dropped).toBeGreaterThanOrEqual(1);
  });

  it('a closed port: ICMP port unreachable ends the call at once with ECONNREFUSED (connected socket)', async () => {
    const gone = dgram.createSocket('udp4');
    await new Promise<void>((r) => gone.bind(0, '127.0.0.1', () => r()));
    const port = gone.address().port;
    await new Promise<void>((r) => gone.close(() => r()));
    const client = new ClClient({ host: '127.0.0.1', port, iface: ECHO, retransmitMs: 5000 });
    cleanup.push(() => client.close());
    await expect(client.call(0, Buffer.from('x'), { timeoutMs: 4000 })).rejects.toMatchObject({ layer: 'socket', name: 'ECONNREFUSED' });
  });

  it('a hostile server (mutated replies for our activity and seq) ends each call in a result or a NetsendError', async () => {
    const evil = dgram.createSocket('udp4');
    await new Promise<void>((r) => evil.bind(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => evil.close(() => r())));
    let k = 0;
    evil.on('message', (m, ri) => {
      let h;
      try {
        h = decodeClPdu(m).header;
      } catch {
        return;
      }
      if (h.ptype !== CL_PTYPE.request) return;
      const i = k++;
      const ptype = [CL_PTYPE.response, CL_PTYPE.fault, CL_PTYPE.reject, CL_PTYPE.working, CL_PTYPE.nocall, CL_PTYPE.fack][i % 6]!;
      const body = ptype === CL_PTYPE.response ? { kind: 'stub' as const, stub: Buffer.alloc(16, i) } : ptype === CL_PTYPE.fault || ptype === CL_PTYPE.reject ? { kind: 'status' as const, status: 0x1c010003 } : { kind: 'empty' as const };
      const good = encodeClPdu({ header: { ...h, ptype, flags1: i % 4 === 0 ? CL_FLAGS1.FRAG : 0, fragnum: i % 3, serverBoot: 9 }, body: ptype === CL_PTYPE.fack ? { kind: 'fack', fack: { version: 1, windowSize: 0, maxTsdu: 0, maxFragSize: 0, serial: 0, selack: [0xffffffff] } } : body });
      const bad = Buffer.from(good);
      // Mutate the parts after the activity and seq, so the client takes it as ours.
      for (let j = 0; j < 3; j++) {
        const at = [2, 3, 4, 7, 56, 68, 70, 74, 75, 76, 77, 79, 80, 81, 82][(i * 7 + j * 5) % 15]!;
        if (at < bad.length) bad[at] = (i * 37 + j * 101) & 0xff;
      }
      evil.send(i % 2 ? bad : good, ri.port, ri.address);
    });
    const client = new ClClient({ host: '127.0.0.1', port: evil.address().port, iface: ECHO, retransmitMs: 10, maxRetransmitMs: 20 });
    cleanup.push(() => client.close());
    for (let n = 0; n < 40; n++) {
      try {
        await client.call(0, Buffer.alloc(n * 70, n), { timeoutMs: 150 });
      } catch (e) {
        expect(e).toBeInstanceOf(NetsendError);
      }
    }
  });

  it('the server survives hostile datagrams and keeps serving', async () => {
    const { server, client, at } = await setup({ idempotent: true });
    const bad = dgram.createSocket('udp4');
    await new Promise<void>((r) => bad.bind(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => bad.close(() => r())));
    const req = encodeClPdu({ header: clHeader({ ptype: CL_PTYPE.request, flags1: CL_FLAGS1.FRAG, iface: ECHO.syntax.uuid, activity: '00000000-0000-0000-0000-00000000dead', ifVersion: 1, fragnum: 9999 }), body: { kind: 'stub', stub: Buffer.alloc(8) } });
    const junk = [Buffer.alloc(0), Buffer.alloc(79, 4), Buffer.from([4, 99, ...Buffer.alloc(78)]), req, req.subarray(0, 90), Buffer.concat([req.subarray(0, 74), Buffer.from([0xff, 0xff]), req.subarray(76)])];
    for (let i = 0; i < 200; i++) junk.push(Buffer.from(req.map((b, j) => (j === (i * 13) % req.length ? (b + i) & 0xff : b))));
    for (const j of junk) bad.send(j, at.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 100));
    expect((await client.call(0, Buffer.from('ok'), { timeoutMs: 5000 })).toString()).toBe('ko');
    expect(server.stats().dropped).toBeGreaterThan(0);
  });
});

describe('openRpc on ncadg_ip_udp', () => {
  it('with a port, and through ept_map on the receiver; the CO client is refused by name', async () => {
    const { openRpc } = await import('../../src/rpc/factory.js');
    const { startUdpRpcReceiver } = await import('../../src/messenger/udp-receiver.js');
    const { MSGSVCSEND, netrSendMessage } = await import('../../src/rpc/interfaces/msgsvcsend.js');
    const got: string[] = [];
    const rx = await startUdpRpcReceiver({ host: '127.0.0.1', port: 0, onMessage: (m) => got.push(m.text) });
    cleanup.push(() => rx.close());
    const ascii = { encode: (s: string) => Buffer.from(s, 'latin1'), decode: (b: Buffer) => b.toString('latin1') };
    const direct = await openRpc(`ncadg_ip_udp:127.0.0.1[${rx.port}]`, MSGSVCSEND, { timeoutMs: 5000 });
    expect(await direct.invoke(netrSendMessage(ascii), { From: 'A', To: 'B', Text: 'direct' } as never, { timeoutMs: 5000 })).toEqual({ status: 0 });
    expect(direct.bind.maxXmitFrag).toBe(1464);
    expect(() => direct.client).toThrow(expect.objectContaining({ name: 'RPC_S_PROTSEQ_NOT_SUPPORTED' }));
    await direct.close();
    const mapped = await openRpc('ncadg_ip_udp:127.0.0.1', MSGSVCSEND, { timeoutMs: 5000, epmPort: rx.port });
    expect(mapped.binding.endpoint).toBe(String(rx.port));
    expect(await mapped.invoke(netrSendMessage(ascii), { From: 'A', To: 'B', Text: 'mapped' } as never, { timeoutMs: 5000 })).toEqual({ status: 0 });
    await mapped.close();
    expect(got).toEqual(['direct', 'mapped']);
    // An interface the mapper does not know: ept_s_not_registered, by name.
    await expect(openRpc('ncadg_ip_udp:127.0.0.1', ECHO, { timeoutMs: 5000, epmPort: rx.port })).rejects.toMatchObject({ name: expect.stringMatching(/not_registered|NOT_REGISTERED/i) });
  });
});
