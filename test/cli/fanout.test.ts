import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { parseTarget, parseTargetLines } from '../../src/cli/fanout.js';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../src/messenger/receiver.js';
import { buildCli, runCli, type BuiltCli } from '../helpers/cli-process.js';

const rootOk = typeof process.getuid === 'function' && process.getuid() === 0;

function io(opts: { progress?: string[]; signal?: AbortSignal; onOut?: (s: string) => void } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (s: string) => (out.push(s), opts.onOut?.(s)) },
      stderr: { write: (s: string) => err.push(s) },
      stdin: Readable.from([]),
      ...(opts.progress ? { progress: { write: (s: string) => opts.progress!.push(s) } } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
  };
}

/** A TCP peer that accepts and never answers; counts the connections open at once. */
async function silentPeer(host = '127.0.0.1') {
  const sockets = new Set<net.Socket>();
  let maxOpen = 0;
  let accepted = 0;
  const server = net.createServer((c) => {
    accepted++;
    sockets.add(c);
    maxOpen = Math.max(maxOpen, sockets.size);
    c.on('error', () => undefined);
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return {
    host,
    port: (server.address() as net.AddressInfo).port,
    get open() {
      return sockets.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    get accepted() {
      return accepted;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('targets: ADDR[:PORT] and hosts files', () => {
  it('parses addresses with and without ports, IPv6 in brackets', () => {
    expect(parseTarget('192.0.2.7', 139)).toEqual({ host: '192.0.2.7', port: 139, explicitPort: false });
    expect(parseTarget('192.0.2.7:445', 139)).toEqual({ host: '192.0.2.7', port: 445, explicitPort: true });
    expect(parseTarget('[::1]:4450', 139)).toEqual({ host: '::1', port: 4450, explicitPort: true });
    expect(parseTarget('::1', 139)).toEqual({ host: '::1', port: 139, explicitPort: false });
    expect(parseTarget('bob.example', 139)).toEqual({ host: 'bob.example', port: 139, explicitPort: false });
    expect(() => parseTarget('h:0', 139)).toThrow(/1\.\.65535/);
    expect(() => parseTarget('h:x', 139)).toThrow(/number/);
    expect(parseTargetLines('# office\n10.0.0.1\n\n  10.0.0.2:445  # printer room\r\n')).toEqual(['10.0.0.1', '10.0.0.2:445']);
  });

  it('bad --concurrency, an empty --targets file, and --targets with --hosts-file are usage errors (exit 2)', async () => {
    for (const c of ['0', 'x', '10001']) {
      const t = io();
      expect(await main(['--host', '127.0.0.1', '--concurrency', c, 'bob', 'x'], t.io)).toBe(2);
      expect(t.err.join('')).toMatch(/--concurrency/);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hosts-file-'));
    try {
      fs.writeFileSync(path.join(dir, 'empty'), '# nothing\n');
      const t = io();
      expect(await main(['--targets', path.join(dir, 'empty'), 'bob', 'x'], t.io)).toBe(2);
      expect(t.err.join('')).toMatch(/names no target/);
      const m = io();
      expect(await main(['--hosts-file', path.join(dir, 'missing'), 'bob', 'x'], m.io)).toBe(2);
      const s = io();
      expect(await main(['--targets', '-', 'bob'], s.io)).toBe(2);
      const b = io();
      expect(await main(['--targets', path.join(dir, 'empty'), '--hosts-file', path.join(dir, 'empty'), 'bob', 'x'], b.io)).toBe(2);
      expect(b.err.join('')).toMatch(/--targets and --hosts-file are the same option/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(rootOk)('many targets (loopback receivers on 127.0.0.0/8)', () => {
  const receivers: Receiver[] = [];
  const got = new Map<string, ReceivedMessage[]>();
  const base = `127.88.${1 + Math.floor(Math.random() * 200)}`;
  beforeAll(async () => {
    // 1,000 receivers, each on its own address (127.88.B.1 .. 127.88.B+3.250) and ephemeral port.
    for (let i = 0; i < 1000; i++) {
      const [b, h] = base.split('.').slice(1).map(Number) as [number, number];
      const host = `127.${b}.${h + Math.floor(i / 250)}.${1 + (i % 250)}`;
      const key = host;
      got.set(key, []);
      receivers.push(await startReceiver({ host, port: 0, names: ['BOB'], onMessage: (m) => got.get(key)!.push(m) }));
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('1,000 targets from a hosts file: every receiver gets the message once, one result line each, the summary counts them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hosts-file-'));
    try {
      const file = path.join(dir, 'targets');
      fs.writeFileSync(file, '# all of them\n' + receivers.map((r) => `${r.host}:${r.port}`).join('\n') + '\n');
      const t = io();
      expect(await main(['--json', '--targets', file, '--concurrency', '64', 'bob', 'fan', 'out'], t.io)).toBe(0);
      const lines = t.out.join('').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(1000);
      expect(new Set(lines.map((l) => l.target)).size).toBe(1000);
      for (const l of lines) expect(l).toMatchObject({ ok: true, category: 'delivered' });
      for (const [, msgs] of got) expect(msgs.map((m) => m.text)).toEqual(['fan out']);
      expect(t.err.join('')).toBe('1000/1000 delivered\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('the summary categorises: delivered, refused, unreachable', async () => {
    const closed = await closedPort();
    const r = receivers.slice(0, 3);
    const t = io();
    const code = await main(['--host', `${r[0]!.host}:${r[0]!.port}`, '--host', `${r[1]!.host}:${r[1]!.port}`, '--host', `127.0.0.1:${closed}`, '--host', `${r[2]!.host}:${r[2]!.port}`, 'mallory', 'x'], t.io);
    // MALLORY is not a name these receivers serve: they answer with an error status (refused).
    expect(code).toBe(1);
    expect(t.err.join('')).toMatch(/^0\/4 delivered, 3 refused, 1 unreachable$/m);
    const u = io();
    expect(await main(['--host', `${r[0]!.host}:${r[0]!.port}`, '--host', `127.0.0.1:${closed}`, 'bob', 'y'], u.io)).toBe(1);
    expect(u.err.join('')).toMatch(/^1\/2 delivered, 1 unreachable$/m);
  });

  it('--concurrency bounds the sends in flight', async () => {
    const peer = await silentPeer();
    try {
      // Nothing answers, so the first sends stay in flight; once 3 are open, stop the run. Without
      // the bound all 12 connect at once.
      const ac = new AbortController();
      const watcher = setInterval(() => {
        if (peer.open >= 3) ac.abort();
      }, 10);
      const args = Array.from({ length: 12 }, () => ['--host', `${peer.host}:${peer.port}`]).flat();
      const t = io({ signal: ac.signal });
      expect(await main([...args, '--concurrency', '3', '--timeout', '60000', 'bob', 'x'], t.io)).toBe(130);
      clearInterval(watcher);
      expect(peer.accepted).toBe(3);
      expect(t.err.join('')).toMatch(/^0\/12 delivered, 3 interrupted, 9 not started$/m);
    } finally {
      await peer.close();
    }
  });

  it('results print as each target finishes, not after the slowest', async () => {
    const peer = await silentPeer();
    try {
      const fast = receivers.slice(10, 15);
      const openWhenPrinted: number[] = [];
      const t = io({ onOut: () => openWhenPrinted.push(peer.open) });
      // The silent peer is first on the command line and answers never (until its deadline).
      const code = await main(['--host', `${peer.host}:${peer.port}`, ...fast.flatMap((r) => ['--host', `${r.host}:${r.port}`]), '--timeout', '5000', 'bob', 'streamed'], t.io);
      expect(code).toBe(1);
      expect(openWhenPrinted).toEqual([1, 1, 1, 1, 1]);
      expect(t.err.join('')).toMatch(new RegExp(`^BOB@${peer.host.replace(/\./g, '\\.')}:${peer.port}: TIMEOUT`, 'm'));
    } finally {
      await peer.close();
    }
  });

  it('a progress line goes to the progress stream (a terminal) only, erased before each result', async () => {
    const r = receivers.slice(20, 24);
    const progress: string[] = [];
    const t = io({ progress });
    expect(await main(r.flatMap((x) => ['--host', `${x.host}:${x.port}`]).concat(['bob', 'p']), t.io)).toBe(0);
    expect(progress[0]).toBe('\r\x1b[K[0/4] 0 delivered');
    expect(progress).toContain('\r\x1b[K[4/4] 4 delivered');
    expect(progress.at(-1)).toBe('\r\x1b[K');
    expect(t.err.join('') + t.out.join('')).not.toMatch(/\[\d+\/4\]/);
    const none = io();
    expect(await main(r.flatMap((x) => ['--host', `${x.host}:${x.port}`]).concat(['bob', 'p']), none.io)).toBe(0);
    expect(none.err.join('')).toBe('4/4 delivered\n');
  });

  it('an interrupt (io.signal) aborts what is in flight, prints it, counts the rest as not started, exits 130', async () => {
    const peer = await silentPeer();
    try {
      const ac = new AbortController();
      const fast = receivers.slice(30, 32);
      const t = io({ signal: ac.signal });
      // Concurrency 3: the two fast ones finish, then three silent ones hang; abort once they do.
      const watcher = setInterval(() => {
        if (peer.open === 3) ac.abort();
      }, 20);
      const code = await main([...fast.flatMap((r) => ['--host', `${r.host}:${r.port}`]), ...Array.from({ length: 6 }, () => ['--host', `${peer.host}:${peer.port}`]).flat(), '--concurrency', '3', '--timeout', '60000', 'bob', 'x'], t.io);
      clearInterval(watcher);
      expect(code).toBe(130);
      expect(t.out.join('').match(/message sent/g)).toHaveLength(2);
      expect(t.err.join('')).toMatch(/^2\/8 delivered, 3 interrupted, 3 not started$/m);
    } finally {
      await peer.close();
    }
  });
});

describe.runIf(rootOk)('the real CLI under SIGINT and on a terminal', () => {
  let cli: BuiltCli;
  beforeAll(() => {
    cli = buildCli();
  }, 120_000);
  afterAll(() => cli?.remove());

  it('Ctrl-C prints the results so far, closes the --pcap file properly and exits 130', async () => {
    const rx = await startReceiver({ host: '127.0.0.1', port: 0, names: ['BOB'], onMessage: () => undefined });
    const peer = await silentPeer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigint-'));
    const pcap = path.join(dir, 'out.pcap');
    try {
      const run = runCli(cli, ['--host', `127.0.0.1:${rx.port}`, '--host', `${peer.host}:${peer.port}`, '--host', `${peer.host}:${peer.port}`, '--timeout', '60000', '--pcap', pcap, 'bob', 'before', 'ctrl-c']);
      let out = '';
      run.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (out.includes('message sent') && peer.open === 2) {
            clearInterval(t);
            resolve();
          }
        }, 20);
      });
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.code).toBe(130);
      expect(r.stdout).toMatch(/^BOB@127\.0\.0\.1:\d+: message sent/);
      expect(r.stderr).toMatch(/ABORTED/);
      expect(r.stderr).toMatch(/^1\/3 delivered, 2 interrupted$/m);
      // A complete pcap: global header plus whole records (each record's length fits the file).
      const b = fs.readFileSync(pcap);
      expect(b.readUInt32LE(0)).toBe(0xa1b2c3d4);
      let off = 24;
      let records = 0;
      while (off < b.length) {
        const incl = b.readUInt32LE(off + 8);
        off += 16 + incl;
        records++;
      }
      expect(off).toBe(b.length);
      expect(records).toBeGreaterThan(4);
    } finally {
      await rx.close();
      await peer.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('stderr on a terminal shows the progress line; piped it does not', async () => {
    const rxs = await Promise.all([0, 1, 2].map(() => startReceiver({ host: '127.0.0.1', port: 0, names: ['BOB'], onMessage: () => undefined })));
    try {
      const args = [...rxs.flatMap((r) => ['--host', `127.0.0.1:${r.port}`]), 'bob', 'tty'];
      const piped = await runCli(cli, args).done;
      expect(piped.code).toBe(0);
      expect(piped.stderr).toBe('3/3 delivered\n');
      // script(1) runs the CLI on a pseudo-terminal; everything it printed comes back on our stdout.
      const cmd = [process.execPath, cli.bin, ...args].map((a) => `'${a}'`).join(' ');
      // (asynchronously: the receivers live in this process)
      const tty = await new Promise<string>((resolve, reject) => execFile('script', ['-qec', cmd, '/dev/null'], { timeout: 30_000 }, (e, out) => (e ? reject(e) : resolve(out))));
      expect(tty).toMatch(/\r\x1b\[K\[3\/3\] 3 delivered/);
      expect(tty).toMatch(/3\/3 delivered/);
    } finally {
      await Promise.all(rxs.map((r) => r.close()));
    }
  }, 60_000);
});
