/** `netsend listen --udp` and `netsend --udp --host H NAME TEXT` end to end over loopback. */
import { describe, expect, it } from 'vitest';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { tsharkAvailable } from '../helpers/tshark.js';
import { main } from '../../src/cli/main.js';
import { cliIO as io } from '../helpers/cli-io.js';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('netsend CLI over ncadg_ip_udp', () => {
  it('listen --udp serves NetrSendMessage; --udp --host sends it, confirmed; --json says transport udp', async () => {
    const t = io();
    const ac = new AbortController();
    const done = main(['listen', '--port', '0', '--dgram-port', '0', '--udp', '--udp-port', '0', '--json'], { ...t.io, signal: ac.signal });
    await until(() => /connectionless RPC .* on udp 127\.0\.0\.1:\d+/.test(t.err.join('')), 'the listener');
    const port = /connectionless RPC .* on udp 127\.0\.0\.1:(\d+)/.exec(t.err.join(''))![1]!;
    const s = io();
    expect(await main(['--udp', '--host', '127.0.0.1', '--udp-port', port, '--from', 'ALICE', 'bob', 'over', 'udp'], s.io)).toBe(0);
    expect(s.out.join('')).toMatch(new RegExp(`^BOB@127\\.0\\.0\\.1:${port}: message sent \\(udp, 1 block, 1 round trips\\), delivery confirmed`));
    const j = io();
    expect(await main(['--udp', '--host', '127.0.0.1', '--udp-port', port, '--json', 'bob', 'second'], j.io)).toBe(0);
    expect(JSON.parse(j.out[0]!)).toMatchObject({ ok: true, delivery: 'confirmed', transport: 'udp', netApiStatus: 0, datagrams: 2 });
    if (tsharkAvailable()) {
      // --pcap: every datagram of the send decodes as CL DCE/RPC, Messenger fields shown, nothing Malformed.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udpcli-'));
      const file = path.join(dir, 'send.pcap');
      const c = io();
      expect(await main(['--udp', '--host', '127.0.0.1', '--udp-port', port, '--from', 'ALICE', '--pcap', file, 'bob', 'captured'], c.io)).toBe(0);
      const args = ['-r', file, '--disable-protocol', 'adwin_config', '-o', 'udp.try_heuristic_first:TRUE'];
      expect(execFileSync('tshark', [...args, '-V'], { encoding: 'utf8' })).not.toMatch(/Malformed|\[Expert Info \(Error/);
      const rows = execFileSync('tshark', [...args, '-T', 'fields', '-e', 'dcerpc.pkt_type', '-e', 'messenger.server', '-e', 'messenger.client', '-e', 'messenger.message'], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
      expect(rows.map((l) => l.replace(/\t+$/, ''))).toEqual(['0\tALICE\tBOB\tcaptured', '2']);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await until(() => t.out.length === (tsharkAvailable() ? 3 : 2), 'the messages');
    ac.abort();
    expect(await done).toBe(0);
    expect(t.out.map((l) => JSON.parse(l)).slice(0, 2)).toEqual([
      expect.objectContaining({ from: 'ALICE', to: 'BOB', text: 'over udp', transport: 'udp' }),
      expect.objectContaining({ to: 'BOB', text: 'second', transport: 'udp' }),
    ]);
  });

  it('usage errors: --udp without --host, --udp-port without --udp on listen', async () => {
    const u = io();
    expect(await main(['--udp', 'bob', 'x'], u.io)).toBe(2);
    expect(u.err.join('')).toMatch(/--udp needs --host/);
    const l = io();
    expect(await main(['listen', '--port', '0', '--dgram-port', '0', '--udp-port', '0'], l.io)).toBe(2);
    expect(l.err.join('')).toMatch(/--udp-port needs --udp/);
  });

  it('a silent UDP port: the request went out, nothing answered: exit 3 (unconfirmed), named timeout', async () => {
    const hole = dgram.createSocket('udp4');
    await new Promise<void>((r) => hole.bind(0, '127.0.0.1', () => r()));
    try {
      const t = io();
      expect(await main(['--udp', '--host', '127.0.0.1', '--udp-port', String(hole.address().port), '--timeout', '500', 'bob', 'x'], t.io)).toBe(3);
      expect(t.err.join('')).toMatch(/delivery unconfirmed: TIMEOUT: .*no answer within the 500 ms deadline.*→ NET_API_STATUS 1726 RPC_S_CALL_FAILED/);
    } finally {
      hole.close();
    }
  });
});
