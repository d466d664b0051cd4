import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../src/messenger/receiver.js';
import { netMessageBufferSend } from '../../src/messenger/api.js';
import {
  decodeNsPacket,
  encodeNbAddresses,
  encodeNodeStatusRdata,
  encodeNsPacket,
  NM_FLAG,
  NS_CLASS_IN,
  NS_TYPE,
} from '../../src/transport/nameservice.js';

// A NetBIOS name server on its own loopback address, port 137. Samba's nmbd cannot serve here: it
// refuses loopback-only setups and binds 0.0.0.0 (samba-peer.md), so this small responder stands in.
// It registers BOB<03> -> 127.0.0.1 and answers node status with BOB<00>, BOB<03>.
const rootOk = typeof process.getuid === 'function' && process.getuid() === 0;

describe.runIf(rootOk)('netsend NAME without --host (NetBIOS resolution)', () => {
  let rx: Receiver;
  let ns: dgram.Socket;
  const got: ReceivedMessage[] = [];
  const nsHost = `127.80.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
  beforeAll(async () => {
    rx = await startReceiver({ port: 0, onMessage: (m) => got.push(m), names: ['BOB'] });
    ns = dgram.createSocket('udp4');
    ns.on('message', (msg, rinfo) => {
      let q;
      try {
        q = decodeNsPacket(msg);
      } catch {
        return;
      }
      const question = q.questions[0];
      if (!question) return;
      const base = { id: q.id, response: true, opcode: 0, nmFlags: NM_FLAG.AA, questions: [], authority: [], additional: [] };
      let reply;
      if (question.type === NS_TYPE.NBSTAT) {
        const rdata = encodeNodeStatusRdata({ names: [{ name: 'BOB', suffix: 0x00, flags: 0x0400 }, { name: 'BOB', suffix: 0x03, flags: 0x0400 }] });
        reply = { ...base, rcode: 0, answers: [{ name: question.name, type: NS_TYPE.NBSTAT, class: NS_CLASS_IN, ttl: 0, rdata }] };
      } else if (question.name.name === 'BOB' && question.name.suffix === 0x03) {
        const rdata = encodeNbAddresses([{ group: false, ownerType: 0, address: '127.0.0.1' }]);
        reply = { ...base, rcode: 0, answers: [{ name: question.name, type: NS_TYPE.NB, class: NS_CLASS_IN, ttl: 300, rdata }] };
      } else {
        reply = { ...base, rcode: 3, answers: [] }; // NAM_ERR
      }
      ns.send(encodeNsPacket(reply), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => ns.bind(137, nsHost, () => r()));
  });
  afterAll(async () => {
    await rx?.close();
    ns?.close();
  });

  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, stdin: Readable.from([]) } };
  };

  it('resolves NAME<03> through the name server and delivers', async () => {
    const t = io();
    expect(await main(['--wins', nsHost, '--port', String(rx.port), 'bob', 'resolved', 'by', 'name'], t.io)).toBe(0);
    expect(t.out.join('')).toMatch(/^BOB@127\.0\.0\.1: message sent/);
    expect(got.at(-1)).toMatchObject({ to: 'BOB', text: 'resolved by name' });
  });

  it('an unknown name exits 1 with the NetBIOS status and NERR_NameNotFound', async () => {
    const t = io();
    expect(await main(['--json', '--wins', nsHost, '--port', String(rx.port), 'mallory', 'x'], t.io)).toBe(1);
    expect(JSON.parse(t.out[0]!)).toMatchObject({ target: 'MALLORY', ok: false, status: { layer: 'netbios', code: 3, number: 'RCODE 3' }, netApiStatus: 2273, netApiStatusName: 'NERR_NameNotFound', category: 'unreachable', hint: 'use --host ADDR to give its address' });
    const h = io();
    expect(await main(['--wins', nsHost, '--port', String(rx.port), 'mallory', 'x'], h.io)).toBe(1);
    expect(h.err.join('')).toMatch(/^MALLORY: \S+ \(RCODE 3\): [^\n]* \(use --host ADDR to give its address\) → NET_API_STATUS 2273 NERR_NameNotFound\n$/);
  });

  it('--lmhosts answers before the name query; DNS/hosts finds `localhost` after a negative query; --no-dns turns that off', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmhosts-cli-'));
    const file = path.join(dir, 'lmhosts');
    fs.writeFileSync(file, '127.0.0.1 BOB#03\n');
    try {
      // A name server address where nothing answers: only the LMHOSTS entry can find BOB.
      const t1 = io();
      expect(await main(['--lmhosts', file, '--wins', '127.0.0.1', '--timeout', '1500', '--port', String(rx.port), 'bob', 'from lmhosts'], t1.io)).toBe(0);
      expect(got.at(-1)).toMatchObject({ to: 'BOB', text: 'from lmhosts' });
      const t2 = io();
      await main(['--json', '--wins', nsHost, '--port', String(rx.port), 'localhost', 'x'], t2.io);
      expect(JSON.parse(t2.out[0]!)).toMatchObject({ target: 'LOCALHOST@127.0.0.1' });
      const t3 = io();
      expect(await main(['--json', '--no-dns', '--wins', nsHost, '--port', String(rx.port), 'localhost', 'x'], t3.io)).toBe(1);
      expect(JSON.parse(t3.out[0]!)).toMatchObject({ target: 'LOCALHOST', status: { layer: 'netbios', code: 3 }, netApiStatus: 2273 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an IP address as NAME asks the node for its messenger name (like net send <ip>)', async () => {
    // Node status goes to <ip>:137, so the name server's own address stands for the target; the
    // message itself then goes to that address, where nothing listens on this port: only the
    // resolved name is checked here.
    const t = io();
    await main(['--json', '--port', String(rx.port), nsHost, 'hello'], t.io);
    expect(JSON.parse(t.out[0]!)).toMatchObject({ target: `BOB@${nsHost}` });
  });

  it('netMessageBufferSend(null, ...) resolves through the configured name server', async () => {
    expect(await netMessageBufferSend(null, 'bob', 'ALICE', 'api resolved', { port: rx.port, nameService: { wins: nsHost } })).toBe(0);
    expect(got.at(-1)).toMatchObject({ from: 'ALICE', text: 'api resolved' });
    expect(await netMessageBufferSend(null, 'nobody', 'ALICE', 'x', { port: rx.port, nameService: { wins: nsHost }, timeoutMs: 2000 })).toBe(2273);
  });
});
