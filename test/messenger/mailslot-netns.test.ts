/**
 * Mailslot broadcasts on a real (virtual) subnet: five network namespaces this test creates, a
 * bridge in a hub namespace and one veth port each for a sender and three `netsend listen`
 * receivers bound to 0.0.0.0 (UDP 138). Receivers A and B are in workgroup WORKGROUP, C in OTHER.
 * The CLI runs transpiled (buildNsClient) in child processes under `ip netns exec`. Nothing here
 * reaches the host's networks; everything is torn down by pid and namespace name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNsClient } from '../transport/netns/build-client.js';
import { tsharkAvailable, tsharkDecode } from '../helpers/tshark.js';
import { ip, removeStaleNamespaces, startDumpcap } from '../helpers/netns.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function which(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']).some((d) => fs.existsSync(path.join(d, cmd)));
}
/** Namespaces need root and iproute2. */
const netnsPossible = process.getuid?.() === 0 && which('ip');

const tag = `${process.pid % 100000}`;
const ns = { hub: `msl-${tag}-hub`, snd: `msl-${tag}-snd`, a: `msl-${tag}-a`, b: `msl-${tag}-b`, c: `msl-${tag}-c` };
const net3 = 100 + (process.pid % 150);
const addr = { snd: `10.214.${net3}.1`, a: `10.214.${net3}.2`, b: `10.214.${net3}.3`, c: `10.214.${net3}.4` };
const bcast = `10.214.${net3}.255`;

let entry = '';
let dir = '';

interface Listener {
  child: ChildProcess;
  out: string;
  err: string;
  messages(): Array<Record<string, unknown>>;
}

function startListener(where: string, workgroup: string): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', where, process.execPath, entry, 'listen', '--host', '0.0.0.0', '--port', '0', '--json', '--workgroup', workgroup], { stdio: ['ignore', 'pipe', 'pipe'] });
    const l: Listener = {
      child,
      out: '',
      err: '',
      messages: () => l.out.split('\n').filter((x) => x.trim()).map((x) => JSON.parse(x) as Record<string, unknown>),
    };
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`listener in ${where} did not start: ${l.err}`));
    }, 30_000);
    child.stdout!.on('data', (d: Buffer) => (l.out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      l.err += d.toString();
      if (/udp 0\.0\.0\.0:138/.test(l.err)) {
        clearTimeout(t);
        resolve(l);
      }
    });
    child.once('exit', () => {
      clearTimeout(t);
      reject(new Error(`listener in ${where} exited: ${l.err}`));
    });
  });
}

function runCli(where: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', where, process.execPath, entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, out, err });
    });
  });
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.runIf(netnsPossible)('mailslot broadcasts between network namespaces', () => {
  const listeners: Record<'a' | 'b' | 'c', Listener | null> = { a: null, b: null, c: null };
  let dumpcap: ChildProcess | null = null;
  const pcapPath = (): string => path.join(dir, 'mailslot.pcap');

  beforeAll(async () => {
    removeStaleNamespaces(/^(msl-(\d+)-\w+)\b/gm);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-mailslot-netns-'));
    entry = buildNsClient(path.join(dir, 'cli'), path.join(here, 'netns', 'cli-entry.ts')).entry;
    for (const n of Object.values(ns)) ip('netns', 'add', n);
    ip('-n', ns.hub, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns.hub, 'link', 'set', 'br0', 'up');
    for (const k of ['snd', 'a', 'b', 'c'] as const) {
      const inner = `ms${tag}${k}`.slice(0, 15);
      const outer = `mh${tag}${k}`.slice(0, 15);
      ip('link', 'add', inner, 'type', 'veth', 'peer', 'name', outer);
      ip('link', 'set', inner, 'netns', ns[k]);
      ip('link', 'set', outer, 'netns', ns.hub);
      ip('-n', ns.hub, 'link', 'set', outer, 'master', 'br0');
      ip('-n', ns.hub, 'link', 'set', outer, 'up');
      ip('-n', ns[k], 'addr', 'add', `${addr[k]}/24`, 'broadcast', bcast, 'dev', inner);
      ip('-n', ns[k], 'link', 'set', 'lo', 'up');
      ip('-n', ns[k], 'link', 'set', inner, 'up');
    }
    if (which('dumpcap') && tsharkAvailable()) {
      // Receiver C's side of the bridge: it sees every broadcast, whatever its workgroup.
      dumpcap = await startDumpcap(ns.c, `ms${tag}c`.slice(0, 15), 'udp port 138', pcapPath());
    }
    [listeners.a, listeners.b, listeners.c] = await Promise.all([startListener(ns.a, 'WORKGROUP'), startListener(ns.b, 'WORKGROUP'), startListener(ns.c, 'OTHER')]);
  }, 120_000);

  afterAll(() => {
    if (dumpcap && dumpcap.exitCode === null) dumpcap.kill('SIGTERM');
    for (const l of Object.values(listeners)) if (l && l.child.exitCode === null) l.child.kill('SIGTERM');
    for (const n of Object.values(ns)) {
      try {
        ip('netns', 'del', n);
      } catch {
        /* not created */
      }
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("`netsend '*'` reaches both WORKGROUP receivers exactly once, and not the OTHER one", async () => {
    const started = Date.now();
    const r = await runCli(ns.snd, ['*', '--from', 'SENDER', '--json', 'hello', 'subnet']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // No --broadcast-address: the sender namespace's only subnet, found from its interface.
    expect(JSON.parse(r.out)).toMatchObject({ target: `WORKGROUP<00>@${bcast}`, ok: true, delivery: 'sent', transport: 'mailslot', datagrams: 1 });
    await until(() => listeners.a!.messages().length >= 1 && listeners.b!.messages().length >= 1, 'both receivers');
    const elapsed = Date.now() - started;
    // A sentinel to OTHER, then one more to WORKGROUP: once these arrive, a duplicate of the first would have too.
    expect((await runCli(ns.snd, ['--domain', 'other', '--from', 'SENDER', 'for', 'other'])).code).toBe(0);
    expect((await runCli(ns.snd, ['--domain', 'WORKGROUP', '--broadcast-address', bcast, '--from', 'SENDER', 'last'])).code).toBe(0);
    await until(() => listeners.a!.messages().length >= 2 && listeners.b!.messages().length >= 2 && listeners.c!.messages().length >= 1, 'the later broadcasts');
    for (const l of [listeners.a!, listeners.b!]) {
      expect(l.messages().map((m) => [m.from, m.to, m.text, m.transport, m.remoteAddress])).toEqual([
        ['SENDER', 'WORKGROUP', 'hello subnet', 'mailslot', addr.snd],
        ['SENDER', 'WORKGROUP', 'last', 'mailslot', addr.snd],
      ]);
    }
    expect(listeners.c!.messages().map((m) => [m.to, m.text])).toEqual([['OTHER', 'for other']]);
    console.log(`mailslot broadcast: 1 datagram reached 2 receivers in ${elapsed} ms (CLI start included)`);
  }, 90_000);

  it('a directed `--mailslot` message reaches only the addressed host, fragmented when long', async () => {
    const before = { a: listeners.a!.messages().length, b: listeners.b!.messages().length, c: listeners.c!.messages().length };
    const long = 'z'.repeat(600);
    const r = await runCli(ns.snd, ['--mailslot', '--host', addr.b, '--from', 'SENDER', '--json', '--max-bytes', '652', 'bob', long]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ target: `BOB<03>@${addr.b}`, ok: true, datagrams: 2 });
    await until(() => listeners.b!.messages().length === before.b + 1, 'the directed message');
    expect(listeners.b!.messages().at(-1)).toMatchObject({ from: 'SENDER', to: 'BOB', text: long, transport: 'mailslot' });
    // A broadcast sentinel: once A and C have it, they would have had anything sent before it.
    expect((await runCli(ns.snd, ['--domain', 'OTHER', '--from', 'SENDER', 'sentinel'])).code).toBe(0);
    await until(() => listeners.c!.messages().length === before.c + 1, 'the sentinel');
    expect(listeners.a!.messages().length).toBe(before.a);
  }, 90_000);

  it('tshark -V decodes the captured broadcasts as NBDS → SMB → Mailslot with the MESSNGR body, no Malformed', async (ctx) => {
    if (!dumpcap) ctx.skip();
    const child = dumpcap!;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await exited;
    dumpcap = null;
    const res = await tsharkDecode(pcapPath(), { display: 'nbdgm.type == 0x11' });
    expect(res.expertErrors).toEqual([]);
    expect(res.text).toContain('Destination name: WORKGROUP<00>');
    expect(res.text).toContain('Destination name: OTHER<00>');
    expect(res.text).toContain('Source name: SENDER<03>');
    expect(res.text).toContain(`Source IP: ${addr.snd}`);
    expect(res.text).toContain('Mailslot Name: \\MAILSLOT\\MESSNGR');
    expect(res.text).toContain(`Data: ${Buffer.from('SENDER\0WORKGROUP\0hello subnet\0').toString('hex')}`);
  });
});
