/**
 * Mailslot messages over loopback: our sender (src/messenger/mailslot.ts) to our receiver
 * (src/messenger/mailslot-receiver.ts), the CLI paths, and hostile datagrams. Broadcasts proper
 * (a subnet broadcast address) are tested only inside network namespaces: test/messenger/mailslot-netns.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { main } from '../../src/cli/main.js';
import { sendBroadcast, sendMailslotMessage, BROADCAST_MAX_CHARS } from '../../src/messenger/mailslot.js';
import { startMailslotReceiver, type MailslotReceiver } from '../../src/messenger/mailslot-receiver.js';
import type { ReceivedMessage } from '../../src/messenger/receiver.js';
import { encodeMailslotWrite, encodeMessengerBody } from '../../src/smb/smb1/mailslot.js';
import { directDatagram, fragmentDatagram, DGM_TYPE } from '../../src/transport/datagram.js';
import { netbiosName } from '../../src/transport/names.js';
import { cliIO as io } from '../helpers/cli-io.js';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

async function sendRaw(packets: Buffer[], port: number): Promise<void> {
  const s = dgram.createSocket('udp4');
  try {
    for (const p of packets) await new Promise<void>((res, rej) => s.send(p, port, '127.0.0.1', (e) => (e ? rej(e) : res())));
  } finally {
    s.close();
  }
}

const open: MailslotReceiver[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function receiver(opts: { names?: string[]; workgroups?: string[]; messageRate?: number; messageBurst?: number } = {}): Promise<{ rx: MailslotReceiver; got: ReceivedMessage[] }> {
  const got: ReceivedMessage[] = [];
  const rx = await startMailslotReceiver({ host: '127.0.0.1', port: 0, onMessage: (m) => got.push(m), ...opts });
  open.push(rx);
  return { rx, got };
}

describe('mailslot send and receive over loopback', () => {
  it('delivers a directed message (NAME<03>, one datagram) and a long one in fragments, reassembled once', async () => {
    const { rx, got } = await receiver({ names: ['BOB'] });
    const [r] = await sendMailslotMessage({ to: 'bob', hosts: ['127.0.0.1'], port: rx.port, from: 'ALICE', text: 'hi bob' });
    expect(r).toMatchObject({ target: 'BOB<03>@127.0.0.1', ok: true, delivery: 'sent', datagrams: 1, truncated: false, netApiStatus: 0 });
    await until(() => got.length === 1, 'the message');
    expect(got[0]).toMatchObject({ from: 'ALICE', to: 'BOB', text: 'hi bob', transport: 'mailslot', remoteAddress: '127.0.0.1' });
    const long = 'é'.repeat(600);
    const [l] = await sendMailslotMessage({ to: 'BOB', hosts: ['127.0.0.1'], port: rx.port, from: 'ALICE', text: long });
    expect(l!.datagrams).toBe(2);
    await until(() => got.length === 2, 'the fragmented message');
    expect(got[1]!.text).toBe(long);
    expect(rx.stats()).toMatchObject({ datagrams: 3, messages: 2, dropped: 0, pending: 0 });
  });

  it('takes group datagrams only for its workgroups and unique ones only for its names', async () => {
    const { rx, got } = await receiver({ names: ['BOB'], workgroups: ['LAB'] });
    await sendMailslotMessage({ to: 'CAROL', hosts: ['127.0.0.1'], port: rx.port, text: 'not for bob' });
    await sendBroadcast({ workgroup: 'OTHER', broadcastAddresses: ['127.0.0.1'], port: rx.port, text: 'other workgroup' });
    const [b] = await sendBroadcast({ workgroup: 'lab', broadcastAddresses: ['127.0.0.1'], port: rx.port, from: 'ALICE', text: 'to the lab' });
    expect(b).toMatchObject({ target: 'LAB<00>@127.0.0.1', ok: true, datagrams: 1 });
    await until(() => got.length === 1, 'the workgroup message');
    await until(() => rx.stats().datagrams === 3, 'all datagrams');
    expect(got.map((m) => [m.to, m.text])).toEqual([['LAB', 'to the lab']]);
    expect(rx.stats().dropped).toBe(2);
  });

  it(`cuts a broadcast to ${BROADCAST_MAX_CHARS} characters with NERR_TruncatedBroadcast, or refuses it`, async () => {
    const { rx, got } = await receiver();
    const text = 'x'.repeat(BROADCAST_MAX_CHARS) + 'TAIL';
    const [r] = await sendBroadcast({ broadcastAddresses: ['127.0.0.1'], port: rx.port, text });
    expect(r).toMatchObject({ ok: true, truncated: true, netApiStatus: 2289, status: { name: 'NERR_TruncatedBroadcast' } });
    await until(() => got.length === 1, 'the broadcast');
    expect(got[0]!.text).toBe('x'.repeat(BROADCAST_MAX_CHARS));
    await expect(sendBroadcast({ broadcastAddresses: ['127.0.0.1'], port: rx.port, text, overLimit: 'refuse' })).rejects.toMatchObject({ layer: 'usage' });
    await expect(sendBroadcast({ broadcastAddresses: ['localhost'], text: 'x' })).rejects.toMatchObject({ layer: 'usage' });
    // A From that is no NetBIOS name (':' is forbidden in one) is still the body's From.
    await sendBroadcast({ broadcastAddresses: ['127.0.0.1'], port: rx.port, from: 'dom:j', text: 'dotted' });
    await until(() => got.length === 2, 'the dotted sender');
    expect(got[1]).toMatchObject({ from: 'dom:j', text: 'dotted' });
  });

  it('drops hostile datagrams silently and keeps serving', async () => {
    const { rx, got } = await receiver();
    const to = netbiosName('BOB', 3);
    const from = netbiosName('EVE', 3);
    const body = encodeMessengerBody({ from: Buffer.from('EVE'), to: Buffer.from('BOB'), text: Buffer.from('ok') });
    const browse = encodeMailslotWrite({ name: '\\MAILSLOT\\BROWSE', data: body });
    const badSmb = encodeMailslotWrite({ data: body });
    badSmb.writeUInt16LE(0xffff, 55); // DataCount past the end
    const badBody = encodeMailslotWrite({ data: Buffer.from('no nul at all') });
    // A fragment set that never completes, then one from another DGM_ID that does.
    const frags = fragmentDatagram({ type: DGM_TYPE.DIRECT_UNIQUE, id: 9, sourceIp: '127.0.0.1', source: from, destination: to, data: encodeMailslotWrite({ data: body }) }, 120);
    await sendRaw(
      [
        Buffer.from('garbage'),
        directDatagram({ id: 1, sourceIp: '127.0.0.1', source: from, destination: to, data: browse }),
        directDatagram({ id: 2, sourceIp: '127.0.0.1', source: from, destination: to, data: badSmb }),
        directDatagram({ id: 3, sourceIp: '127.0.0.1', source: from, destination: to, data: badBody }),
        frags[0]!,
        directDatagram({ id: 4, sourceIp: '127.0.0.1', source: from, destination: to, data: encodeMailslotWrite({ data: body }) }),
      ],
      rx.port,
    );
    await until(() => rx.stats().datagrams === 6, 'all datagrams');
    expect(got.map((m) => m.text)).toEqual(['ok']);
    expect(rx.stats()).toMatchObject({ messages: 1, dropped: 4, pending: 1 });
  });
});

describe('mailslot receiver rate limit', () => {
  it('drops messages from one address beyond the burst (the rate refills one per 100 s here)', async () => {
    const { rx, got } = await receiver({ messageRate: 0.01, messageBurst: 2 });
    for (let i = 0; i < 5; i++) await sendMailslotMessage({ to: 'BOB', hosts: ['127.0.0.1'], port: rx.port, text: `m${i}` });
    await until(() => rx.stats().datagrams === 5, 'all datagrams');
    expect(got.map((m) => m.text)).toEqual(['m0', 'm1']);
    expect(rx.stats()).toMatchObject({ messages: 2, dropped: 3 });
  });
});

describe('netsend CLI mailslot paths', () => {
  it('`netsend listen --dgram-port 0 --json` prints mailslot messages; `netsend --mailslot` and `--domain` send them', async () => {
    const t = io();
    const ac = new AbortController();
    const done = main(['listen', '--port', '0', '--dgram-port', '0', '--json', '--workgroup', 'LAB'], { ...t.io, signal: ac.signal });
    await until(() => /udp 127\.0\.0\.1:\d+/.test(t.err.join('')), 'the listener');
    const port = /udp 127\.0\.0\.1:(\d+)/.exec(t.err.join(''))![1]!;
    const s = io();
    expect(await main(['--mailslot', '--host', '127.0.0.1', '--port', port, '--from', 'ALICE', 'bob', 'directed', 'text'], s.io)).toBe(0);
    expect(s.out.join('')).toMatch(/^BOB<03>@127\.0\.0\.1: mailslot message sent \(1 datagram, \d+ bytes/);
    const d = io();
    expect(await main(['--domain', 'lab', '--broadcast-address', '127.0.0.1', '--port', port, '--from', 'ALICE', '--json', 'to', 'all'], d.io)).toBe(0);
    expect(JSON.parse(d.out[0]!)).toMatchObject({ target: 'LAB<00>@127.0.0.1', ok: true, delivery: 'sent', transport: 'mailslot', datagrams: 1, truncated: false, netApiStatus: 0 });
    await until(() => t.out.length === 2, 'two messages');
    ac.abort();
    expect(await done).toBe(0);
    const msgs = t.out.map((l) => JSON.parse(l));
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'ALICE', to: 'BOB', text: 'directed text', transport: 'mailslot' }),
        expect.objectContaining({ from: 'ALICE', to: 'LAB', text: 'to all', transport: 'mailslot' }),
      ]),
    );
    const u = io();
    expect(await main(['--mailslot', 'bob', 'x'], u.io)).toBe(2);
    expect(u.err.join('')).toMatch(/--mailslot needs --host/);
  });

  it('an explicit --dgram-port that cannot be bound fails the listener, naming the error', async () => {
    const busy = dgram.createSocket('udp4');
    await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
    try {
      const t = io();
      expect(await main(['listen', '--port', '0', '--dgram-port', String(busy.address().port)], t.io)).toBe(1);
      expect(t.err.join('')).toMatch(/EADDRINUSE/);
    } finally {
      busy.close();
    }
  });
});
