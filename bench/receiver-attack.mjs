#!/usr/bin/env node
// Benchmark: our receiver (`netsend listen`, a separate process, default limits unless given) under
// attack and under load. Run by hand: npm run build && node bench/receiver-attack.mjs [options]
//
//   --legit N         legitimate sends timed per attack scenario (default 30)
//   --attackers N     attacker sockets held open (default 1000; closed ones are reopened at once)
//   --sends N         sends in the load run (default 10000)
//   --concurrency C   concurrent senders in the load run (default 100)
//   --skip-attack / --skip-load
//   -- ARGS...        extra `netsend listen` arguments (e.g. -- --message-rate 100000)
//
// Scenarios (each with a fresh receiver):
//   baseline            no attacker: how long one send takes
//   idle, 1 address     N sockets from one address that connect and never send
//   idle, 20 addresses  N sockets spread over 20 addresses, plus 64 slow-drip senders (one SMB1
//                       NEGOTIATE every 2 s, from 4 more addresses): the old lock-out
// The legitimate sender (127.0.0.1) sends one message at a time; its wait is the whole sendMessage
// time, connect included. Then the load run: N sends at concurrency C from 127.0.0.1, counting the
// receiver's --json lines (deliveries), and sampling the receiver's RSS and open fds.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { sendMessage } from '../dist/messenger/send.js';
import { encodeNegotiateRequest } from '../dist/smb/smb1/negotiate.js';
import { encodeDirectTcpFrame } from '../dist/transport/nbss.js';

const argv = process.argv.slice(2);
const self = new URL(import.meta.url).pathname;
const dd = argv.indexOf('--');
const listenExtra = dd >= 0 ? argv.slice(dd + 1) : [];
const own = dd >= 0 ? argv.slice(0, dd) : argv;
const opt = (name, def) => {
  const i = own.indexOf(`--${name}`);
  return i >= 0 ? Number(own[i + 1]) : def;
};
const LEGIT = opt('legit', 30);
const ATTACKERS = opt('attackers', 1000);
const SENDS = opt('sends', 10_000);
const CONCURRENCY = opt('concurrency', 100);
const bin = new URL('../bin/netsend.js', import.meta.url).pathname;
const base = 10 + Math.floor(Math.random() * 200);
let addrSeq = 0;
const srcAddr = () => {
  addrSeq++;
  return `127.${base}.${(addrSeq >> 8) & 0xff}.${(addrSeq & 0xff) || 1}`;
};

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => +x.toFixed(1);

/** Starts `netsend listen --port 0 --json`; resolves to { port, pid, delivered(), stop() }. */
async function startListener() {
  const child = spawn(process.execPath, [bin, 'listen', '--port', '0', '--json', ...listenExtra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  let partial = '';
  child.stdout.on('data', (d) => {
    const s = partial + d.toString('utf8');
    const parts = s.split('\n');
    partial = parts.pop();
    lines += parts.length;
  });
  let err = '';
  const port = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d.toString();
      const m = /listening on [^:]+:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`listener exited ${code}: ${err}`)));
  });
  return {
    port,
    pid: child.pid,
    delivered: () => lines,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function procStats(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const fds = fs.readdirSync(`/proc/${pid}/fd`).length;
    return { rssMb: rssKb / 1024, fds };
  } catch {
    return { rssMb: NaN, fds: NaN };
  }
}

/** Holds `count` sockets open from each address; reopens any the receiver closes. */
const attackerSockets = new Set();
let attackerReopened = 0;
function attackHere(port, addresses, count, drip) {
  const negotiate = encodeDirectTcpFrame(encodeNegotiateRequest(['NT LM 0.12']));
  const sockets = attackerSockets;
  const open = (addr) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress: addr });
    sockets.add(s);
    s.on('error', () => {});
    s.on('data', () => {});
    let t = null;
    if (drip) {
      s.once('connect', () => s.write(negotiate));
      t = setInterval(() => s.writable && s.write(negotiate), 2_000);
    }
    s.once('close', () => {
      if (t) clearInterval(t);
      sockets.delete(s);
      attackerReopened++;
      setTimeout(() => open(addr), 10);
    });
  };
  for (const a of addresses) for (let i = 0; i < count; i++) open(a);
}

// Attacker mode: a child process, so the attacker's own CPU does not slow the measured sender.
if (argv[0] === '--as-attacker') {
  const groups = JSON.parse(argv[1]);
  for (const g of groups) attackHere(g.port, g.addresses, g.count, g.drip);
  setInterval(() => process.send?.({ open: attackerSockets.size, reopened: attackerReopened }), 250);
  await new Promise(() => {});
}

/** Starts an attacker process for `groups` ({addresses, count, drip}); resolves once its sockets are open. */
async function attack(port, groups) {
  const child = spawn(process.execPath, [self, '--as-attacker', JSON.stringify(groups.map((g) => ({ ...g, port })))], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const state = { open: 0, reopened: 0 };
  child.on('message', (m) => Object.assign(state, m));
  const want = groups.reduce((n, g) => n + g.addresses.length * g.count, 0);
  for (let i = 0; i < 100 && state.open < want * 0.5; i++) await new Promise((r) => setTimeout(r, 100));
  return {
    get open() {
      return state.open;
    },
    get reopened() {
      return state.reopened;
    },
    stop: () => child.kill('SIGKILL'),
  };
}

async function legitWaits(port, n) {
  const waits = [];
  let failed = 0;
  const failures = new Map();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'LEGIT', text: `legit ${i}`, timeoutMs: 30_000 });
    waits.push(performance.now() - t0);
    if (!r.ok) {
      failed++;
      failures.set(r.status?.name, (failures.get(r.status?.name) ?? 0) + 1);
    }
    await new Promise((r) => setTimeout(r, 100)); // spread over the attack, not one burst
  }
  return { waits, failed, failures };
}

const rows = [];
async function scenario(name, groups) {
  const rx = await startListener();
  const atk = groups ? await attack(rx.port, groups) : null;
  await new Promise((r) => setTimeout(r, 1_500)); // let the attack settle (sockets opened, budget filled)
  const before = procStats(rx.pid);
  const { waits, failed, failures } = await legitWaits(rx.port, LEGIT);
  const after = procStats(rx.pid);
  const attackerOpen = atk?.open ?? 0;
  const reopened = atk?.reopened ?? 0;
  atk?.stop();
  await new Promise((r) => setTimeout(r, 200));
  const delivered = rx.delivered();
  await rx.stop();
  rows.push({
    scenario: name,
    attacker_sockets_open: attackerOpen,
    attacker_reconnects: reopened,
    legit_sent: LEGIT,
    legit_failed: failed,
    legit_delivered: delivered,
    wait_median_ms: ms(pct(waits, 50)),
    wait_p90_ms: ms(pct(waits, 90)),
    wait_max_ms: ms(Math.max(...waits)),
    rx_rss_mb: ms(after.rssMb),
    rx_fds: `${before.fds}/${after.fds}`,
    failures: [...failures].map(([k, v]) => `${k}×${v}`).join(' '),
  });
}

if (!own.includes('--skip-attack')) {
  await scenario('baseline (no attacker)', null);
  await scenario(`idle, 1 address × ${ATTACKERS}`, [{ addresses: [srcAddr()], count: ATTACKERS }]);
  const per = Math.round(ATTACKERS / 20);
  await scenario(`idle, 20 addresses × ${per} + 64 slow-drip`, [
    { addresses: Array.from({ length: 20 }, srcAddr), count: per },
    { addresses: Array.from({ length: 4 }, srcAddr), count: 16, drip: true },
  ]);
  console.log(`Legitimate sender under attack (${LEGIT} sends each, one at a time; receiver: netsend listen ${listenExtra.join(' ') || '(default limits)'})`);
  console.table(rows);
}

if (!own.includes('--skip-load')) {
  const rx = await startListener();
  const samples = [];
  const sampler = setInterval(() => samples.push({ ...procStats(rx.pid), client: process.memoryUsage().rss / 1048576 }), 250);
  samples.push({ ...procStats(rx.pid), client: process.memoryUsage().rss / 1048576 });
  const latencies = [];
  const failures = new Map();
  let ok = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SENDS) {
        const i = next++;
        const s0 = performance.now();
        const r = await sendMessage({ host: '127.0.0.1', port: rx.port, to: 'BOB', from: 'LOAD', text: `load ${i}`, timeoutMs: 30_000 });
        latencies.push(performance.now() - s0);
        if (r.ok) ok++;
        else failures.set(r.status?.name, (failures.get(r.status?.name) ?? 0) + 1);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  for (let i = 0; i < 50 && rx.delivered() < ok; i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  clearInterval(sampler);
  samples.push({ ...procStats(rx.pid), client: process.memoryUsage().rss / 1048576 });
  const delivered = rx.delivered();
  await rx.stop();
  const rss = samples.map((s) => s.rssMb).filter(Number.isFinite);
  const fds = samples.map((s) => s.fds).filter(Number.isFinite);
  console.log(`\nLoad: ${SENDS} sends at concurrency ${CONCURRENCY} to netsend listen ${listenExtra.join(' ') || '(default limits)'}`);
  console.table([
    {
      sends: SENDS,
      ok,
      failed: SENDS - ok,
      delivered,
      lost: SENDS - delivered,
      ok_but_missing: Math.max(0, ok - delivered),
      seconds: ms(elapsed),
      per_second: ms(SENDS / elapsed),
      p50_ms: ms(pct(latencies, 50)),
      p99_ms: ms(pct(latencies, 99)),
      failures: [...failures].map(([k, v]) => `${k}×${v}`).join(' '),
    },
  ]);
  console.table([
    {
      rx_rss_start_mb: ms(rss[0]),
      rx_rss_max_mb: ms(Math.max(...rss)),
      rx_rss_end_mb: ms(rss[rss.length - 1]),
      rx_fds_start: fds[0],
      rx_fds_max: Math.max(...fds),
      rx_fds_end: fds[fds.length - 1],
      client_rss_start_mb: ms(samples[0].client),
      client_rss_max_mb: ms(Math.max(...samples.map((s) => s.client))),
    },
  ]);
}
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
