#!/usr/bin/env node
// Benchmark (issue 12 goal 5): the built `netsend` CLI sending one message to many targets from a
// --targets, with a bounded --concurrency, against receivers on loopback addresses served by a
// separate process (so the CLI's RSS is its own). Reports wall time, the CLI's peak RSS (VmHWM,
// polled from /proc), the summary line and how many messages the receivers got. With --samba, also
// sends to one private smbd (`message command` set) M times through the same fan-out.
// Usage: npm run build && node bench/fanout.mjs [-n 10000] [-r 250] [-c 256] [--samba 200]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('-n', 10_000);
const R = arg('-r', 250);
const C = arg('-c', 256);
const SAMBA = arg('--samba', 0);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-fanout-'));

/** Receivers in their own process; resolves to { targets: ['host:port'...], count(): Promise<number>, stop() }. */
async function startReceivers(n) {
  const script = `
    import { startReceiver } from ${JSON.stringify(path.join(root, 'dist/messenger/receiver.js'))};
    let got = 0;
    const rxs = [];
    const b = 1 + Math.floor(Math.random() * 200);
    for (let i = 0; i < ${n}; i++) {
      const host = '127.91.' + (b + Math.floor(i / 250)) + '.' + (1 + (i % 250));
      rxs.push(await startReceiver({ host, port: 0, onMessage: () => got++, maxConnections: 100000, maxConnectionsPerAddress: 100000, messageRate: 1000000, messageBurst: 1000000 }));
    }
    process.stdout.write(JSON.stringify(rxs.map((r) => r.host + ':' + r.port)) + '\\n');
    process.stdin.on('data', () => process.stdout.write(JSON.stringify({ got }) + '\\n'));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  let buf = '';
  const waiters = [];
  child.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      waiters.shift()?.();
    }
  });
  const nextLine = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => waiters.push(() => r(lines.shift()))));
  const targets = JSON.parse(await nextLine());
  return {
    targets,
    count: async () => {
      child.stdin.write('?\n');
      return JSON.parse(await nextLine()).got;
    },
    stop: () => child.kill(),
  };
}

/** Runs the CLI; resolves to { ms, peakRssMb, code, stdoutLines, stderrTail }. */
function runCli(args) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'bin/netsend.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited
      }
    }, 25);
    let lines = 0;
    let err = '';
    child.stdout.on('data', (d) => (lines += d.toString().split('\n').length - 1));
    child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ ms: performance.now() - t0, peakRssMb: +(peakKb / 1024).toFixed(1), code, stdoutLines: lines, stderrTail: err.trim().split('\n').slice(-1)[0] });
    });
  });
}

try {
  const rx = await startReceivers(R);
  const file = path.join(tmp, 'targets');
  fs.writeFileSync(file, Array.from({ length: N }, (_, i) => rx.targets[i % R]).join('\n') + '\n');
  const r = await runCli(['--targets', file, '--concurrency', String(C), '--json', 'BOB', 'fan-out bench']);
  const got = await rx.count();
  rx.stop();
  console.table([{ peer: `netsend receivers x${R}`, targets: N, concurrency: C, wall_ms: Math.round(r.ms), per_target_ms: +(r.ms / N).toFixed(3), peak_rss_mb: r.peakRssMb, json_lines: r.stdoutLines, received: got, exit: r.code, summary: r.stderrTail }]);
  if (SAMBA > 0) {
    const { startBenchSamba } = await import('./lib/samba.mjs');
    const samba = await startBenchSamba({}, { messageCommand: true });
    try {
      const sfile = path.join(tmp, 'samba-targets');
      fs.writeFileSync(sfile, Array.from({ length: SAMBA }, () => samba.host).join('\n') + '\n');
      const s = await runCli(['--targets', sfile, '--concurrency', '16', '--json', 'BENCHSRV', 'fan-out to samba']);
      for (let i = 0; i < 200 && samba.delivered() < SAMBA; i++) await new Promise((res) => setTimeout(res, 50));
      console.table([{ peer: 'Samba smbd (message command)', targets: SAMBA, concurrency: 16, wall_ms: Math.round(s.ms), per_target_ms: +(s.ms / SAMBA).toFixed(2), peak_rss_mb: s.peakRssMb, json_lines: s.stdoutLines, received: samba.delivered(), exit: s.code, summary: s.stderrTail }]);
    } finally {
      await samba.stop();
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
