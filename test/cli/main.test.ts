import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { main, helpText } from '../../src/cli/main.js';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../src/messenger/receiver.js';
import { sendMessage } from '../../src/messenger/send.js';
import { interopEnabled, startSamba, type SambaInstance } from '../harness/samba.js';
import { tsharkAvailable, tsharkDecode } from '../helpers/tshark.js';
import { cliIO as io } from '../helpers/cli-io.js';

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  const port = await new Promise<number>((res) => srv.listen(0, '127.0.0.1', () => res((srv.address() as net.AddressInfo).port)));
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

describe('netsend CLI: usage', () => {
  it('prints help and exits 0', async () => {
    const t = io();
    expect(await main(['--help'], t.io)).toBe(0);
    expect(t.out.join('')).toContain('Usage: netsend [send] [options] NAME [message...]');
    expect(t.out.join('')).toContain('netsend listen');
    expect(helpText('listen')).toContain('--name');
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['no recipient', [], /missing recipient/],
    ['unknown option', ['--bogus', 'BOB', 'hi'], /bogus/],
    ['bad port', ['--port', 'x1', '--host', '127.0.0.1', 'BOB', 'hi'], /--port/],
    ['unknown code page', ['--codepage', 'cp99999', '--host', '127.0.0.1', 'BOB', 'hi'], /code page/],
    ['recipient too long', ['--host', '127.0.0.1', 'ABCDEFGHIJKLMNOP', 'hi'], /at most 15/],
    ['message too long', ['--host', '127.0.0.1', 'BOB', 'x'.repeat(700)], /limit 652/],
    ['single block too long', ['--host', '127.0.0.1', '--single-block', 'BOB', 'x'.repeat(200)], /single-block/],
    ['bad line endings', ['--host', '127.0.0.1', '--line-endings', 'dos', 'BOB', 'hi'], /line-endings/],
    ['bad pipeline mode', ['--host', '127.0.0.1', '--pipeline', 'all', 'BOB', 'hi'], /--pipeline must be one of auto, off, after-start, full/],
    ['pipeline with --server', ['--server', 'S', '--pipeline', 'off', 'BOB', 'hi'], /--pipeline does nothing with --server/],
    ['listen option on send', ['--name', 'X', 'BOB', 'hi'], /name/],
  ];
  for (const [what, argv, msg] of bad) {
    it(`exits 2 on ${what}`, async () => {
      const t = io();
      expect(await main(argv, t.io)).toBe(2);
      expect(t.err.join('')).toMatch(msg);
    });
  }

  it('exits 2 on an empty stdin message', async () => {
    const t = io('\n');
    expect(await main(['--host', '127.0.0.1', 'BOB'], t.io)).toBe(2);
  });
});

describe('netsend CLI against our receiver', () => {
  let rx: Receiver;
  const got: ReceivedMessage[] = [];
  beforeAll(async () => {
    rx = await startReceiver({ port: 0, onMessage: (m) => got.push(m) });
  });
  afterAll(async () => {
    await rx?.close();
  });

  it('sends words from argv and exits 0', async () => {
    const t = io();
    expect(await main(['--host', rx.host, '--port', String(rx.port), '--from', 'cli', 'bob', 'hello', 'there'], t.io)).toBe(0);
    // 0xD5, then the 0xD7 and 0xD6 together (the default pipelining; lock-step took 3).
    expect(t.out.join('')).toMatch(/^BOB@127\.0\.0\.1: message sent \(direct, 1 block, 2 round trips\)/);
    expect(got.at(-1)).toMatchObject({ from: 'cli', to: 'BOB', text: 'hello there' });
  });

  it('--pipeline reaches the send: lock-step, after-start, full (the receiver numbers its groups, so full sends the blocks again)', async () => {
    const trips: Record<string, number> = {};
    for (const mode of ['off', 'after-start', 'full', 'auto']) {
      const t = io();
      const n = got.length;
      expect(await main(['--json', '--pipeline', mode, '--host', rx.host, '--port', String(rx.port), 'bob', 'x'.repeat(300)], t.io)).toBe(0);
      trips[mode] = JSON.parse(t.out.join('').trim()).roundTrips;
      expect(got.slice(n).map((m) => m.text)).toEqual(['x'.repeat(300)]);
    }
    expect(trips).toEqual({ off: 5, 'after-start': 2, full: 2, auto: 2 });
  });

  it('warns about characters the code page lacks and still sends', async () => {
    const t = io();
    expect(await main(['--host', rx.host, '--port', String(rx.port), 'bob', 'price:', '5€'], t.io)).toBe(0);
    // The warning names what went out instead (issue 11 item 7e): '?' in cp850.
    expect(t.err.join('')).toMatch(/warning: '€' sent as '\?' \(not in code page cp850\)/);
    expect(got.at(-1)!.text).toBe('price: 5?');
  });

  it('reads the message from stdin', async () => {
    const t = io('line one\nline two\n');
    expect(await main(['--host', rx.host, '--port', String(rx.port), 'bob'], t.io)).toBe(0);
    expect(got.at(-1)!.text).toBe('line one\nline two');
  });

  it('sends to several hosts concurrently; --json gives one object per target; a failure exits 1', async () => {
    const dead = await closedPort();
    // Two targets on different ports are not expressible with one --port: use the receiver twice and a dead one via a second run.
    const t = io();
    const n = got.length;
    expect(await main(['--json', '--host', rx.host, '--host', 'localhost', '--port', String(rx.port), 'bob', 'fan', 'out'], t.io)).toBe(0);
    const lines = t.out.join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.target).sort()).toEqual(['BOB@127.0.0.1', 'BOB@localhost']);
    for (const l of lines) expect(l).toMatchObject({ ok: true, status: null, netApiStatus: 0, transport: 'direct' });
    expect(got.length).toBe(n + 2);

    const t2 = io();
    expect(await main(['--json', '--host', '127.0.0.1', '--port', String(dead), 'bob', 'x'], t2.io)).toBe(1);
    const [l2] = t2.out.join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(l2).toMatchObject({ target: 'BOB@127.0.0.1', ok: false, status: { layer: 'socket', name: 'ECONNREFUSED' }, netApiStatus: 2136 });
  });

  it('names the failure on stderr without --json', async () => {
    const dead = await closedPort();
    const t = io();
    expect(await main(['--host', '127.0.0.1', '--port', String(dead), 'bob', 'x'], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(/^BOB@127\.0\.0\.1: ECONNREFUSED \(errno \d+\): .* → NET_API_STATUS 2136 NERR_NetworkError$/m);
  });
});

describe('netsend listen', () => {
  it('prints received messages as JSON until stopped', async () => {
    const t = io();
    const ac = new AbortController();
    const done = main(['listen', '--port', '0', '--json'], { ...t.io, signal: ac.signal });
    let port = 0;
    for (let i = 0; i < 500 && !port; i++) {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(t.err.join(''));
      if (m) port = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(port).toBeGreaterThan(0);
    expect((await sendMessage({ host: '127.0.0.1', port, to: 'eve', from: 'ALICE', text: 'to the listener' })).ok).toBe(true);
    for (let i = 0; i < 500 && t.out.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    expect(await done).toBe(0);
    expect(JSON.parse(t.out[0]!)).toMatchObject({ from: 'ALICE', to: 'EVE', text: 'to the listener', transport: 'direct' });
  });

  it('exits 1 naming the socket error when the port is taken', async () => {
    const busy = await startReceiver({ port: 0, onMessage: () => {} });
    try {
      const t = io();
      expect(await main(['listen', '--port', String(busy.port)], t.io)).toBe(1);
      expect(t.err.join('')).toMatch(/EADDRINUSE/);
    } finally {
      await busy.close();
    }
  });

  it('prints a boxed popup without --json', async () => {
    const t = io();
    const ac = new AbortController();
    const done = main(['listen', '--port', '0'], { ...t.io, signal: ac.signal });
    let port = 0;
    for (let i = 0; i < 500 && !port; i++) {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(t.err.join(''));
      if (m) port = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 20));
    }
    await sendMessage({ host: '127.0.0.1', port, to: 'eve', from: 'ALICE', text: 'boxed' });
    for (let i = 0; i < 500 && t.out.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    expect(await done).toBe(0);
    expect(t.out[0]).toMatch(/Message from ALICE to EVE on \d+\/\d+\/\d{4} /);
    expect(t.out[0]).toContain('│ boxed');
  });
});

describe.runIf(interopEnabled())('netsend CLI against Samba', () => {
  let samba: SambaInstance;
  let refusing: SambaInstance;
  let dir: string;
  beforeAll(async () => {
    [samba, refusing] = await Promise.all([startSamba(), startSamba({ messageCommand: false })]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-cli-'));
  });
  afterAll(async () => {
    await Promise.all([samba?.stop(), refusing?.stop()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers on 139 with --single-block', async () => {
    const t = io();
    expect(await main(['--host', samba.host, '--single-block', '--from', 'CLI', 'bob', 'single from cli'], t.io)).toBe(0);
    expect(t.out.join('')).toContain('3 round trips');
    expect((await samba.waitForMessages(1)).at(-1)).toMatchObject({ from: 'CLI', text: 'single from cli' });
  });

  it('reports ERRDOS/71 as exit 1 with the status named on stderr', async () => {
    const t = io();
    expect(await main(['--host', refusing.host, 'bob', 'x'], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(new RegExp(`^BOB@${refusing.host.replace(/\./g, '\\.')}: ERRDOS/ERRreqnotaccep \\(class 0x01, code 71\\): .* → NET_API_STATUS 71 ERROR_REQ_NOT_ACCEP$`, 'm'));
    expect(t.err.join('').match(/ERRreqnotaccep/g)).toHaveLength(1);
    const j = io();
    expect(await main(['--json', '--host', refusing.host, 'bob', 'x'], j.io)).toBe(1);
    expect(JSON.parse(j.out[0]!)).toMatchObject({ ok: false, status: { layer: 'dos', code: 0x10047, name: 'ERRDOS/ERRreqnotaccep' }, netApiStatus: 71 });
  });

  it.runIf(tsharkAvailable())('--pcap records traffic that tshark decodes without errors', async () => {
    const file = path.join(dir, 'send.pcap');
    const t = io();
    expect(await main(['--host', samba.host, '--pcap', file, '--from', 'CAP', 'bob', 'captured ', 'x'.repeat(200)], t.io)).toBe(0);
    const single = path.join(dir, 'single.pcap');
    expect(await main(['--host', samba.host, '--port', '445', '--single-block', '--pcap', single, 'bob', 'single'], io().io)).toBe(0);
    const d = await tsharkDecode(file);
    expect(d.malformed, d.expertErrors.join('\n')).toBe(false);
    expect(d.text).toMatch(/Called name: BOB<03>/);
    expect(d.text).toMatch(/Calling name: CAP<00>/);
    expect(d.text).toMatch(/Send Start of Multi-block Message/);
    expect(d.text).toMatch(/Send End of Multi-block Message/);
    const s = await tsharkDecode(single);
    expect(s.malformed, s.expertErrors.join('\n')).toBe(false);
    expect(s.text).toMatch(/Negotiate Protocol/);
    expect(s.text).toMatch(/Message: single/);
  });
});

describe.runIf(interopEnabled() && tsharkAvailable())('netsend listen on 139 with --pcap, fed by smbclient -M', () => {
  it('prints the message and records a capture tshark decodes cleanly', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-listen-'));
    const file = path.join(dir, 'listen.pcap');
    const host = `127.81.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    const t = io();
    const ac = new AbortController();
    try {
      const done = main(['listen', '--host', host, '--port', '139', '--json', '--pcap', file], { ...t.io, signal: ac.signal });
      for (let i = 0; i < 500 && !t.err.join('').includes('listening'); i++) await new Promise((r) => setTimeout(r, 20));
      const { execFile } = await import('node:child_process');
      await new Promise<void>((resolve, reject) => {
        const c = execFile('smbclient', ['-M', 'LISTENER', '-I', host, '-p', '139', '-U', 'smbuser', '-N', '-n', 'SMBCLI'], { timeout: 20_000 }, (e) => (e ? reject(e) : resolve()));
        c.stdin!.end('from smbclient to netsend listen\n');
      });
      for (let i = 0; i < 500 && t.out.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      ac.abort();
      expect(await done).toBe(0);
      expect(JSON.parse(t.out[0]!)).toMatchObject({ from: 'smbuser', to: 'LISTENER', text: 'from smbclient to netsend listen\n', transport: 'nbss' });
      const d = await tsharkDecode(file);
      expect(d.malformed, d.expertErrors.join('\n')).toBe(false);
      expect(d.text).toMatch(/Called name: LISTENER<03>/);
      expect(d.text).toMatch(/Send Start of Multi-block Message Response \(0xd5\)\s+Word Count \(WCT\): 1/);
    } finally {
      ac.abort();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
