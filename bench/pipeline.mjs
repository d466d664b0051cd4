#!/usr/bin/env node
// Benchmark for issue 12 goal 3: a direct send (300 bytes: 0xD5, three 0xD7, 0xD6) in each
// pipelining mode ('off' = lock-step, 'after-start' = the default, 'full'), to Samba (message command
// set) on 139 and 445 and to our receiver (group ids from 1, so 'full' re-sends its blocks), with no
// added latency and through a proxy that delays every chunk by D ms each way. All rows interleaved
// in one loop (the machine is shared). Round trips are counted by the proxy on the wire: each burst
// of client bytes that follows server bytes (or opens the connection) is one.
// Also the protocol's share of a lock-step send to Samba: the 0xD6 round trip includes smbd running
// its message command, so (total - (D6 - median D7)) / total is what the protocol itself costs.
// Usage (root): npm run build && node bench/pipeline.mjs [N] [--delay D]   (N default 30, D default 10)
import net from 'node:net';
import os from 'node:os';
import { sendMessage } from '../dist/messenger/send.js';
import { startReceiver } from '../dist/messenger/receiver.js';
import { connectSmbTransport } from '../dist/transport/nbss.js';
import { netbiosName } from '../dist/transport/names.js';
import { encodeMessageRequest, decodeMessageResponse } from '../dist/smb/smb1/message-commands.js';
import { startBenchSamba, median } from './lib/samba.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const N = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--delay') ?? 30);
const DELAY = args.includes('--delay') ? Number(args[args.indexOf('--delay') + 1]) : 10;
const MODES = ['off', 'after-start', 'full'];
const TEXT = 'p'.repeat(300);

/** A proxy on `listenHost:listenPort` delaying each chunk by `delayMs` each way and counting client bursts. */
async function startProxy(upstream, delayMs, listenHost = '127.0.0.1', listenPort = 0) {
  const sockets = new Set();
  const stats = { bursts: 0 };
  const server = net.createServer((client) => {
    const up = net.connect(upstream);
    // As the endpoints do (transport/tcp.ts): Nagle would hold a pipelined reply until the previous one is acknowledged.
    client.setNoDelay(true);
    up.setNoDelay(true);
    sockets.add(client).add(up);
    let lastFromServer = true; // the first client bytes open a burst
    const pass = (to, d) => (delayMs > 0 ? setTimeout(() => to.destroyed || to.write(d), delayMs) : to.write(d));
    client.on('data', (d) => {
      if (lastFromServer) stats.bursts++;
      lastFromServer = false;
      pass(up, d);
    });
    up.on('data', (d) => {
      lastFromServer = true;
      pass(client, d);
    });
    const end = () => {
      // Let delayed bytes go out before closing.
      setTimeout(() => { client.destroy(); up.destroy(); }, delayMs + 5);
    };
    client.on('close', end).on('error', end);
    up.on('close', end).on('error', end);
  });
  await new Promise((r) => server.listen(listenPort, listenHost, r));
  return {
    host: listenHost,
    port: server.address().port,
    stats,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
  };
}

const samba = await startBenchSamba({}, { messageCommand: true });
let received = 0;
const rxHost = `127.78.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
const receiver = await startReceiver({ host: rxHost, port: 139, onMessage: () => void received++ });
const proxies = [];
try {
  // Targets: [label, host, port, calledName]; the delayed ones through a proxy on 139 of its own address (NBSS) or an ephemeral port (Direct TCP).
  const targets = [];
  for (const delay of [0, DELAY]) {
    for (const [peer, host, port] of [['samba', samba.host, 139], ['samba', samba.host, 445], ['receiver', rxHost, 139]]) {
      const listenHost = `127.80.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
      const p = await startProxy({ host, port }, delay, listenHost, port === 139 ? 139 : 0);
      proxies.push(p);
      targets.push({ label: `${peer} ${port === 139 ? 'nbss 139' : 'direct 445'} +${delay}ms each way`, host: p.host, port: p.port, proxy: p });
    }
  }
  const rows = new Map();
  const once = async (t, mode) => {
    const before = t.proxy.stats.bursts;
    const t0 = performance.now();
    const r = await sendMessage({ host: t.host, port: t.port, to: 'BENCHSRV', from: 'BENCH', text: TEXT, pipeline: mode, timeoutMs: 10_000 });
    const ms = performance.now() - t0;
    const key = `${t.label} | ${mode}`;
    const row = rows.get(key) ?? { target: t.label, mode, times: [], wire: 0, reported: 0, failures: 0, recovery: r.pipelineRecovery ?? '' };
    row.times.push(ms);
    row.wire = t.proxy.stats.bursts - before;
    row.reported = r.roundTrips;
    if (!r.ok) row.failures++;
    rows.set(key, row);
  };
  for (let i = 0; i < 3; i++) for (const t of targets) for (const m of MODES) await once(t, m); // warm-up
  rows.clear();
  for (let i = 0; i < N; i++) for (const t of targets) for (const m of MODES) await once(t, m);

  const table = [];
  for (const row of rows.values()) {
    const base = rows.get(`${row.target} | off`);
    table.push({
      target: row.target,
      pipeline: row.mode,
      median_ms: +median(row.times).toFixed(2),
      'vs off': +(median(row.times) / median(base.times)).toFixed(2),
      round_trips_wire: row.wire,
      round_trips_reported: row.reported,
      recovery: row.recovery,
      failures: row.failures,
    });
  }
  if (!json) console.table(table);

  // The protocol's share of a lock-step send to Samba (139, no added latency): time each request.
  const per = { session: [], d5: [], d7: [], d6: [], total: [] };
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const s = await connectSmbTransport({ host: samba.host, port: 139, calledName: netbiosName('BENCHSRV', 0x03), callingName: netbiosName('BENCH', 0x00), timeoutMs: 5000 });
    const t1 = performance.now();
    per.session.push(t1 - t0);
    const reqs = [{ command: 0xd5, from: Buffer.from('BENCH'), to: Buffer.from('BENCHSRV') }, { command: 0xd7, groupId: 0, data: Buffer.from(`share ${i}`) }, { command: 0xd6, groupId: 0 }];
    try {
      for (const r of reqs) {
        const a = performance.now();
        await s.send(encodeMessageRequest(r), { timeoutMs: 5000 });
        decodeMessageResponse(await s.receive({ timeoutMs: 5000 }), r.command);
        per[{ 0xd5: 'd5', 0xd7: 'd7', 0xd6: 'd6' }[r.command]].push(performance.now() - a);
      }
    } finally {
      s.close();
    }
    per.total.push(performance.now() - t0);
  }
  const m = Object.fromEntries(Object.entries(per).map(([k, v]) => [k, median(v)]));
  const command = Math.max(0, m.d6 - m.d7);
  const share = { session_ms: +m.session.toFixed(3), d5_ms: +m.d5.toFixed(3), d7_ms: +m.d7.toFixed(3), d6_ms: +m.d6.toFixed(3), total_ms: +m.total.toFixed(3), message_command_ms: +command.toFixed(3), protocol_share: +((m.total - command) / m.total).toFixed(2) };
  if (json) console.log(JSON.stringify({ n: N, delay_ms: DELAY, rows: table, share }));
  else console.table([{ session_ms: +m.session.toFixed(3), d5_ms: +m.d5.toFixed(3), d7_ms: +m.d7.toFixed(3), d6_ms: +m.d6.toFixed(3), total_ms: +m.total.toFixed(3), message_command_ms: +command.toFixed(3), protocol_share: +((m.total - command) / m.total).toFixed(2) }]);
  if (!json) console.log(`N=${N} per row, interleaved; ${TEXT.length}-byte text (3 blocks); added latency ${DELAY} ms each way on the delayed rows; receiver got ${received}, smbd delivered ${samba.delivered()}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
} finally {
  for (const p of proxies) await p.close();
  await receiver.close();
  await samba.stop();
}
