/**
 * `netsend listen --name BOB` on a subnet with a real nmbd (issue 9 item 4): four network
 * namespaces this test creates (a bridge in a hub namespace; nmbd, our listener, a sender). Our
 * listener claims BOB<03> and the computer's <03> by broadcast and answers for them; Samba's
 * nmblookup finds them (name query and node status), nmbd keeps its own names, `netsend BOB` and
 * `netsend <ip>` from another namespace reach the listener by name, and nmbd sees our mailslot
 * broadcast. Torn down by pid and namespace name; nothing reaches the host's networks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interopEnabled, INTEROP_REQUIRED, privateDirectories } from '../harness/samba.js';
import { buildNsClient } from '../transport/netns/build-client.js';
import { ip, removeStaleNamespaces } from '../helpers/netns.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function which(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']).some((d) => fs.existsSync(path.join(d, cmd)));
}
function enabled(): boolean {
  if (!interopEnabled()) return false;
  const missing = ['ip', 'nmbd', 'nmblookup'].filter((c) => !which(c));
  if (missing.length > 0 && INTEROP_REQUIRED) throw new Error(`NETSEND_INTEROP=required but ${missing.join(', ')} not installed`);
  return missing.length === 0 && process.getuid?.() === 0;
}

const tag = `${process.pid % 100000}`;
const ns = { hub: `mnm-${tag}-hub`, nmb: `mnm-${tag}-nmb`, rx: `mnm-${tag}-rx`, snd: `mnm-${tag}-snd` };
const net3 = 100 + (process.pid % 150);
const addr = { nmb: `10.215.${net3}.1`, rx: `10.215.${net3}.2`, snd: `10.215.${net3}.3` };
const bcast = `10.215.${net3}.255`;
const computer = os.hostname().split('.')[0]!.toUpperCase().slice(0, 15);

let entry = '';
let dir = '';
let conf = '';

function nmblookup(...args: string[]): string {
  try {
    return execFileSync('ip', ['netns', 'exec', ns.nmb, 'nmblookup', '-s', conf, ...args], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string };
    return `${x.stdout ?? ''}${x.stderr ?? ''}`;
  }
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

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(enabled())('message names on a subnet with nmbd (network namespaces)', () => {
  let nmbd: ChildProcess | null = null;
  let nmbdLog = '';
  let listener: ChildProcess | null = null;
  let lout = '';
  let lerr = '';

  beforeAll(async () => {
    removeStaleNamespaces(/^(mnm-(\d+)-\w+)\b/gm);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-msgnames-'));
    for (const d of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'binddns', 'log']) fs.mkdirSync(path.join(dir, d));
    entry = buildNsClient(path.join(dir, 'cli'), path.join(here, 'netns', 'cli-entry.ts')).entry;
    for (const n of Object.values(ns)) ip('netns', 'add', n);
    ip('-n', ns.hub, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns.hub, 'link', 'set', 'br0', 'up');
    for (const k of ['nmb', 'rx', 'snd'] as const) {
      const inner = `mn${tag}${k}`.slice(0, 15);
      const outer = `mo${tag}${k}`.slice(0, 15);
      ip('link', 'add', inner, 'type', 'veth', 'peer', 'name', outer);
      ip('link', 'set', inner, 'netns', ns[k]);
      ip('link', 'set', outer, 'netns', ns.hub);
      ip('-n', ns.hub, 'link', 'set', outer, 'master', 'br0');
      ip('-n', ns.hub, 'link', 'set', outer, 'up');
      ip('-n', ns[k], 'addr', 'add', `${addr[k]}/24`, 'broadcast', bcast, 'dev', inner);
      ip('-n', ns[k], 'link', 'set', 'lo', 'up');
      ip('-n', ns[k], 'link', 'set', inner, 'up');
    }
    conf = path.join(dir, 'smb.conf');
    const g: Record<string, string> = {
      'netbios name': 'NSHOST',
      workgroup: 'NSLAB',
      interfaces: `mn${tag}nmb`.slice(0, 15),
      'bind interfaces only': 'yes',
      'server role': 'standalone server',
      'disable netbios': 'no',
      'dns proxy': 'no',
      'load printers': 'no',
      ...privateDirectories(dir),
      'log file': path.join(dir, 'log', 'log.%m'),
    };
    fs.writeFileSync(conf, '[global]\n' + Object.entries(g).map(([k, v]) => `  ${k} = ${v}\n`).join(''));
    nmbd = spawn('ip', ['netns', 'exec', ns.nmb, 'nmbd', '-F', '--debug-stdout', '-d', '4', '-s', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    nmbd.stdout!.on('data', (d: Buffer) => (nmbdLog += d.toString()));
    nmbd.stderr!.on('data', (d: Buffer) => (nmbdLog += d.toString()));
    const end = Date.now() + 60_000;
    while (!/NSHOST\s+<03>/.test(nmblookup('-A', addr.nmb))) {
      if (Date.now() > end || nmbd.exitCode !== null) throw new Error(`nmbd did not come up:\n${nmbdLog}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    listener = spawn('ip', ['netns', 'exec', ns.rx, process.execPath, entry, 'listen', '--host', '0.0.0.0', '--port', '139', '--json', '--name', 'bob', '--workgroup', 'NSLAB'], { stdio: ['ignore', 'pipe', 'pipe'] });
    listener.stdout!.on('data', (d: Buffer) => (lout += d.toString()));
    listener.stderr!.on('data', (d: Buffer) => (lerr += d.toString()));
    await until(() => /answering name queries/.test(lerr) || listener!.exitCode !== null, 'the listener to register its names');
    if (listener.exitCode !== null) throw new Error(`listener exited: ${lerr}`);
  }, 180_000);

  afterAll(async () => {
    for (const child of [listener, nmbd]) {
      if (child && child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    }
    for (const n of Object.values(ns)) {
      try {
        ip('netns', 'del', n);
      } catch {
        /* not created */
      }
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('claims BOB<03> and the computer<03>; nmblookup finds them by broadcast, unicast and node status', () => {
    expect(lerr).toContain(`registered BOB<03> for ${addr.rx}`);
    expect(lerr).toContain(`registered ${computer}<03> for ${addr.rx}`);
    expect(nmblookup('-B', bcast, 'BOB#03')).toContain(`${addr.rx} BOB<03>`);
    expect(nmblookup('-U', addr.rx, `${computer}#03`)).toContain(`${addr.rx} ${computer}<03>`);
    const status = nmblookup('-A', addr.rx);
    expect(status).toMatch(/BOB\s+<03> -\s+B <ACTIVE>/);
    expect(status).toMatch(new RegExp(`${computer}\\s+<03> -\\s+B <ACTIVE>`));
  });

  it("leaves nmbd's names alone: NSHOST<03> still resolves to nmbd and its node status is unchanged", () => {
    expect(nmblookup('-U', addr.nmb, 'NSHOST#03')).toContain(`${addr.nmb} NSHOST<03>`);
    expect(nmblookup('-B', bcast, 'NSHOST#03')).not.toMatch(new RegExp(`^${addr.rx.replace(/\./g, '\\.')} `, 'm'));
    expect(nmblookup('-A', addr.nmb)).toMatch(/NSHOST\s+<03> -\s+B <ACTIVE>/);
    expect(nmbdLog).not.toMatch(/conflict.*BOB|BOB.*conflict/i);
  });

  it('`netsend BOB` (broadcast name query) and `netsend <ip>` (node status) reach the listener by name', async () => {
    const byName = await runCli(ns.snd, ['--broadcast', bcast, '--from', 'ALICE', '--json', 'BOB', 'by', 'name']);
    expect(byName, JSON.stringify(byName)).toMatchObject({ code: 0 });
    expect(JSON.parse(byName.out)).toMatchObject({ ok: true, delivery: 'confirmed' });
    const byIp = await runCli(ns.snd, ['--from', 'ALICE', addr.rx, 'by', 'address']);
    expect(byIp, JSON.stringify(byIp)).toMatchObject({ code: 0 });
    await until(() => lout.split('\n').filter(Boolean).length >= 2, 'two messages');
    const msgs = lout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(msgs[0]).toMatchObject({ from: 'ALICE', to: 'BOB', text: 'by name', transport: 'nbss', remoteAddress: addr.snd });
    expect(msgs[1]).toMatchObject({ from: 'ALICE', text: 'by address', transport: 'nbss' });
    expect(['BOB', computer]).toContain(msgs[1]!.to);
  });

  it("a workgroup broadcast reaches our listener as a mailslot message, and nmbd's datagram socket takes it too", async () => {
    const before = lout.split('\n').filter(Boolean).length;
    const r = await runCli(ns.snd, ['--domain', 'nslab', '--from', 'ALICE', 'to', 'the', 'lab']);
    expect(r.code).toBe(0);
    await until(() => lout.split('\n').filter(Boolean).length === before + 1, 'the broadcast');
    expect(JSON.parse(lout.split('\n').filter(Boolean).at(-1)!)).toMatchObject({ from: 'ALICE', to: 'NSLAB', text: 'to the lab', transport: 'mailslot', remoteAddress: addr.snd });
    // nmbd (at -d 4) parses the datagram and names its source, destination and mailslot, then ignores it.
    const seen = new RegExp(`process_dgram: datagram from ALICE<03> to NSLAB<00> IP ${addr.snd.replace(/\./g, '\\.')} for \\\\MAILSLOT\\\\MESSNGR`);
    await until(() => seen.test(nmbdLog), "nmbd's log to show the datagram", 10_000);
  });

  it('releases its names when stopped (nmbd logs each release); nobody answers for BOB<03> afterwards', async () => {
    const exited = new Promise<void>((r) => listener!.once('exit', () => r()));
    listener!.kill('SIGTERM');
    await exited;
    expect(listener!.exitCode).toBe(0);
    expect(nmblookup('-B', bcast, 'BOB#03')).toMatch(/name_query failed to find name BOB#03/);
    // nmbd (at -d 4) logs each broadcast NAME RELEASE it hears (RFC 1002 §4.2.9).
    for (const n of ['BOB', computer]) {
      const released = new RegExp(`process_name_release_request: Name release on name ${n}<03>, subnet [0-9.]+ from owner IP ${addr.rx.replace(/\./g, '\\.')}\\b`);
      await until(() => released.test(nmbdLog), `nmbd to log the release of ${n}<03>`, 10_000);
    }
  });
});
