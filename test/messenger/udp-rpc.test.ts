import { afterEach, describe, expect, it } from 'vitest';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { sendViaUdpRpc } from '../../src/messenger/udp-rpc.js';
import { startUdpRpcReceiver, type UdpRpcReceiver } from '../../src/messenger/udp-receiver.js';
import type { ReceivedMessage } from '../../src/messenger/receiver.js';
import { CL_FLAGS1, CL_PTYPE, clHeader, encodeClPdu } from '../../src/rpc/cl-pdu.js';
import { MSGSVCSEND, netrSendMessage } from '../../src/rpc/interfaces/msgsvcsend.js';
import { CaptureFile } from '../../src/pcap/writer.js';
import { seeded, startUdpRelay } from '../helpers/udp-relay.js';
import { tsharkAvailable } from '../helpers/tshark.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function receiver(o: { names?: string[]; callbackRetransmitMs?: number } = {}): Promise<{ rx: UdpRpcReceiver; got: ReceivedMessage[] }> {
  const got: ReceivedMessage[] = [];
  const rx = await startUdpRpcReceiver({ host: '127.0.0.1', port: 0, onMessage: (m) => got.push(m), messageRate: 1000, messageBurst: 1000, ...o });
  cleanup.push(() => rx.close());
  return { rx, got };
}

const fast = { retransmitMs: 40, maxRetransmitMs: 200 };

describe('Messenger over ncadg_ip_udp: our sender to our receiver on loopback', () => {
  it('with the port: one datagram each way, confirmed, shown once', async () => {
    const { rx, got } = await receiver();
    const r = await sendViaUdpRpc({ host: '127.0.0.1', port: rx.port, to: 'bob', from: 'ALICE', text: 'hello over udp', timeoutMs: 5000, ...fast });
    expect(r).toMatchObject({ ok: true, delivery: 'confirmed', netApiStatus: 0, transport: 'udp', mapped: false, datagramsSent: 1, datagramsReceived: 1 });
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ from: 'ALICE', to: 'BOB', text: 'hello over udp', transport: 'udp', remoteAddress: '127.0.0.1' });
  });

  it('through the endpoint mapper on the same socket (ept_map with an ncadg_ip_udp tower)', async () => {
    const { rx, got } = await receiver();
    const r = await sendViaUdpRpc({ host: '127.0.0.1', epmPort: rx.port, to: 'BOB', text: 'mapped', timeoutMs: 5000, ...fast });
    expect(r).toMatchObject({ ok: true, delivery: 'confirmed', mapped: true, port: rx.port });
    expect(got.map((m) => m.text)).toEqual(['mapped']);
  });

  it('non-idempotent: the receiver calls back (conv who_are_you2), the sender answers, then ACKs', async () => {
    const { rx, got } = await receiver();
    const r = await sendViaUdpRpc({ host: '127.0.0.1', port: rx.port, to: 'BOB', text: 'with callback', idempotent: false, timeoutMs: 5000, ...fast });
    expect(r).toMatchObject({ ok: true, delivery: 'confirmed', callbacks: 1 });
    expect(got).toHaveLength(1);
    await new Promise((res) => setTimeout(res, 50));
    expect(rx.stats()).toMatchObject({ callbacks: 1, messages: 1 });
    expect(rx.stats().acks).toBe(1);
  });

  it('a recipient the receiver does not serve: failed with NERR_NameNotFound', async () => {
    const { rx, got } = await receiver({ names: ['BOB'] });
    const r = await sendViaUdpRpc({ host: '127.0.0.1', port: rx.port, to: 'CAROL', text: 'x', timeoutMs: 5000, ...fast });
    expect(r).toMatchObject({ ok: false, delivery: 'failed', netApiStatus: 2273, status: { name: 'NERR_NameNotFound' } });
    expect(got).toHaveLength(0);
  });

  it('the first datagrams lost: retransmission delivers exactly once', async () => {
    const { rx, got } = await receiver();
    const relay = await startUdpRelay({ address: '127.0.0.1', port: rx.port }, (dir, n) => dir === 'up' && n < 2);
    cleanup.push(() => relay.close());
    const r = await sendViaUdpRpc({ host: '127.0.0.1', port: relay.port, to: 'BOB', text: 'lossy', timeoutMs: 10_000, ...fast });
    expect(r).toMatchObject({ ok: true, delivery: 'confirmed' });
    expect(r.retransmissions).toBeGreaterThanOrEqual(2);
    expect(relay.counts.dropped).toBe(2);
    expect(got).toHaveLength(1);
  });

  it('every reply lost: the request was sent, nothing acknowledged it: unconfirmed (RPC_S_CALL_FAILED), shown once', async () => {
    const { rx, got } = await receiver();
    const relay = await startUdpRelay({ address: '127.0.0.1', port: rx.port }, (dir) => dir === 'down');
    cleanup.push(() => relay.close());
    const r = await sendViaUdpRpc({ host: '127.0.0.1', port: relay.port, to: 'BOB', text: 'no answer', timeoutMs: 600, ...fast });
    expect(r).toMatchObject({ ok: false, delivery: 'unconfirmed', netApiStatus: 1726, status: { layer: 'timeout' } });
    expect(r.retransmissions).toBeGreaterThan(0);
    expect(got).toHaveLength(1);
  });

  it('a closed port: failed at once with ECONNREFUSED (RPC_S_SERVER_UNAVAILABLE), not unconfirmed', async () => {
    const gone = dgram.createSocket('udp4');
    await new Promise<void>((r) => gone.bind(0, '127.0.0.1', () => r()));
    const port = gone.address().port;
    await new Promise<void>((r) => gone.close(() => r()));
    const r = await sendViaUdpRpc({ host: '127.0.0.1', port, to: 'BOB', text: 'x', timeoutMs: 4000, retransmitMs: 3000 });
    expect(r).toMatchObject({ ok: false, delivery: 'failed', netApiStatus: 1722, status: { layer: 'socket', name: 'ECONNREFUSED' } });
  });

  it('seeded 30% loss, duplicates, delays and reordering both ways: 8 messages, each shown exactly once', async () => {
    const { rx, got } = await receiver();
    const rand = seeded(20261130);
    // Delays of 0-60 ms reorder datagrams (retransmissions overtake originals).
    const relay = await startUdpRelay({ address: '127.0.0.1', port: rx.port }, () => rand() < 0.3, '127.0.0.1', () => rand() < 0.15, () => Math.floor(rand() * 60));
    cleanup.push(() => relay.close());
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await sendViaUdpRpc({ host: '127.0.0.1', port: relay.port, to: 'BOB', text: `m${i}`, timeoutMs: 15_000, ...fast }));
    expect(results.map((r) => r.delivery)).toEqual(Array(8).fill('confirmed'));
    expect(got.map((m) => m.text).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(relay.counts.dropped).toBeGreaterThan(0);
  });

  it('seeded 30% loss with duplicates, non-idempotent: callback and ACK survive; 6 messages, each shown exactly once', async () => {
    const { rx, got } = await receiver({ callbackRetransmitMs: 50 });
    const rand = seeded(7);
    const relay = await startUdpRelay({ address: '127.0.0.1', port: rx.port }, () => rand() < 0.3, '127.0.0.1', () => rand() < 0.15, () => Math.floor(rand() * 60));
    cleanup.push(() => relay.close());
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await sendViaUdpRpc({ host: '127.0.0.1', port: relay.port, to: 'BOB', text: `n${i}`, idempotent: false, timeoutMs: 15_000, ...fast }));
    expect(results.map((r) => r.delivery)).toEqual(Array(6).fill('confirmed'));
    expect(got.map((m) => m.text).sort()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
    expect(rx.stats().callbacks).toBe(6);
    expect(relay.counts.dropped).toBeGreaterThan(0);
  });

  it('hostile datagrams: the receiver drops them, shows nothing from them, keeps serving', async () => {
    const { rx, got } = await receiver();
    const bad = dgram.createSocket('udp4');
    await new Promise<void>((r) => bad.bind(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => bad.close(() => r())));
    const ascii = { encode: (s: string) => Buffer.from(s, 'latin1'), decode: (b: Buffer) => b.toString('latin1') };
    const stub = netrSendMessage(ascii).encodeIn({ From: 'EVE', To: 'BOB', Text: 'boom' } as never);
    const base = clHeader({ ptype: CL_PTYPE.request, flags1: CL_FLAGS1.IDEMPOTENT, iface: MSGSVCSEND.syntax.uuid, activity: '0000beef-0000-0000-0000-000000000000', ifVersion: 1 });
    const junk: Buffer[] = [Buffer.alloc(0), Buffer.alloc(3000, 0x04)];
    // Truncated and mutated stubs (the NDR counts lie), a lying len, wrong interface version, opnum 9.
    for (let i = 0; i < 150; i++) {
      const s = Buffer.from(stub);
      s[(i * 7) % s.length] = (i * 31) & 0xff;
      junk.push(encodeClPdu({ header: { ...base, seq: i + 1, activity: `0000beef-0000-0000-0000-${String(i).padStart(12, '0')}` }, body: { kind: 'stub', stub: s.subarray(0, i % 2 ? s.length : (i % s.length)) } }));
    }
    junk.push(encodeClPdu({ header: { ...base, ifVersion: 2 }, body: { kind: 'stub', stub } }));
    junk.push(encodeClPdu({ header: { ...base, opnum: 9 }, body: { kind: 'stub', stub } }));
    for (const j of junk) bad.send(j, rx.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 150));
    const r = await sendViaUdpRpc({ host: '127.0.0.1', port: rx.port, to: 'BOB', text: 'still here', timeoutMs: 5000, ...fast });
    expect(r.delivery).toBe('confirmed');
    expect(got.some((m) => m.text === 'still here')).toBe(true);
    // A one-byte mutation may still be a valid NetrSendMessage; it can change bytes, never lengths.
    for (const m of got) expect(m.text === 'still here' || m.text.length <= 4).toBe(true);
    expect(got.length).toBeLessThan(junk.length);
    expect(rx.stats().rejects).toBeGreaterThanOrEqual(2);
  });
});

function tshark(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile('tshark', args, { timeout: 60_000, maxBuffer: 32 << 20 }, (err, out, se) => (err ? reject(new Error(`${err.message}\n${se}`)) : resolve(out))));
}

describe.runIf(tsharkAvailable())('tshark decodes a whole UDP send (mapper + NetrSendMessage + callback)', () => {
  it('CL headers, EPM map request/response, Messenger From/To/Text, conv; no Malformed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udprpc-'));
    const file = path.join(dir, 'send.pcap');
    const cap = new CaptureFile(file);
    const { rx } = await receiver();
    const tap = (d: 'out' | 'in', local: { address: string; port: number }, remote: { address: string; port: number }, data: Buffer) => (d === 'out' ? cap.addUdp(local, remote, data) : cap.addUdp(remote, local, data));
    const r = await sendViaUdpRpc({ host: '127.0.0.1', epmPort: rx.port, to: 'BOB', from: 'ALICE', text: 'seen by tshark', idempotent: false, timeoutMs: 5000, tap, ...fast });
    expect(r.delivery).toBe('confirmed');
    cap.close();
    const base = ['-r', file, '--disable-protocol', 'adwin_config', '-o', 'udp.try_heuristic_first:TRUE'];
    const v = await tshark([...base, '-V']);
    expect(v).not.toMatch(/Malformed|\[Expert Info \(Error/);
    const rows = (await tshark([...base, '-T', 'fields', '-e', 'dcerpc.pkt_type', '-e', 'epm.opnum', '-e', 'epm.proto.udp_port', '-e', 'messenger.server', '-e', 'messenger.client', '-e', 'messenger.message', '-e', 'conv.opnum'])).trim().split('\n').map((l) => l.split('\t'));
    // Every datagram is CL DCE/RPC.
    expect(rows.every((x) => x[0] !== '')).toBe(true);
    expect(rows.some((x) => x[1] === '3' && x[0] === '2' && x[2] === String(rx.port))).toBe(true);
    expect(rows.some((x) => x[0] === '0' && x[3] === 'ALICE' && x[4] === 'BOB' && x[5] === 'seen by tshark')).toBe(true);
    expect(rows.some((x) => x[6] === '1')).toBe(true);
    expect(rows.some((x) => x[0] === '7')).toBe(true); // the ACK
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('netMessageBufferSend with transport udp / auto', () => {
  it("'udp' sends NetrSendMessage; 'auto' falls back to UDP when TCP is refused; statuses are NET_API_STATUS", async () => {
    const { netMessageBufferSend } = await import('../../src/messenger/api.js');
    const { rx, got } = await receiver({ names: ['BOB'] });
    expect(await netMessageBufferSend(null, 'BOB', 'ALICE', 'via udp', { host: '127.0.0.1', transport: 'udp', udp: { port: rx.port }, timeoutMs: 5000 })).toBe(0);
    // A TCP port nobody listens on: refused, then UDP.
    const closed = dgram.createSocket('udp4');
    await new Promise<void>((r) => closed.bind(0, '127.0.0.1', () => r()));
    const tcpPort = closed.address().port; // almost surely no TCP listener on the same number
    closed.close();
    let tcpStatus: string | undefined;
    expect(await netMessageBufferSend(null, 'BOB', 'ALICE', 'auto fallback', { host: '127.0.0.1', port: tcpPort, transport: 'auto', udp: { port: rx.port }, timeoutMs: 5000, onResult: (r) => (tcpStatus = r.status?.name) })).toBe(0);
    expect(tcpStatus).toBe('ECONNREFUSED');
    expect(await netMessageBufferSend(null, 'CAROL', null, 'nobody', { host: '127.0.0.1', transport: 'udp', udp: { port: rx.port }, timeoutMs: 5000 })).toBe(2273);
    expect(got.map((m) => m.text)).toEqual(['via udp', 'auto fallback']);
  });
});
