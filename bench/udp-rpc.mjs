#!/usr/bin/env node
// Messenger over ncadg_ip_udp against our own receiver on loopback: datagrams and round trips per
// send (with and without the endpoint mapper, idempotent and with the conv callback), time per send,
// and behaviour under seeded loss through a relay (10% / 30% of datagrams dropped in each direction):
// median and worst time per send, deliveries. Uses the built library (dist/).
//
// Usage: npm run build && node bench/udp-rpc.mjs [sends per row, default 50]
import dgram from 'node:dgram';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { sendViaUdpRpc } = await import(path.join(root, 'dist/messenger/udp-rpc.js'));
const { startUdpRpcReceiver } = await import(path.join(root, 'dist/messenger/udp-receiver.js'));
const N = Number(process.argv[2] ?? 50);

function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function relay(target, loss, seed) {
  const rand = seeded(seed);
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  await new Promise((r) => front.bind(0, '127.0.0.1', r));
  await new Promise((r) => back.bind(0, '127.0.0.1', r));
  let client;
  front.on('message', (m, ri) => {
    client = ri;
    if (rand() >= loss) back.send(m, target, '127.0.0.1');
  });
  back.on('message', (m) => {
    if (client && rand() >= loss) front.send(m, client.port, client.address);
  });
  return { port: front.address().port, close: () => (front.close(), back.close()) };
}

const got = [];
const rx = await startUdpRpcReceiver({ host: '127.0.0.1', port: 0, onMessage: (m) => got.push(m.text), messageRate: 1e6, messageBurst: 1e6 });
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], worst: s[s.length - 1] };
};

async function row(name, opts, port, n = N) {
  const times = [];
  const outcomes = { confirmed: 0, failed: 0, unconfirmed: 0 };
  let dgrams = 0;
  let rtx = 0;
  const before = got.length;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await sendViaUdpRpc({ host: '127.0.0.1', to: 'BOB', from: 'ALICE', text: `${name} ${i}`, timeoutMs: 30_000, ...(port === 'mapper' ? { epmPort: rx.port } : { port }), ...opts });
    times.push(performance.now() - t0);
    outcomes[r.delivery]++;
    dgrams += r.datagramsSent + r.datagramsReceived;
    rtx += r.retransmissions;
  }
  const t = stats(times);
  const delivered = new Set(got.slice(before)).size;
  const dups = got.length - before - delivered;
  console.log(`${name.padEnd(34)} ${String(n).padStart(4)} sends  median ${t.median.toFixed(2)} ms  worst ${t.worst.toFixed(1)} ms  datagrams/send (msgsvcsend leg) ${(dgrams / n).toFixed(2)}  retransmissions ${rtx}  ${JSON.stringify(outcomes)}  shown ${delivered}, duplicates ${dups}`);
}

console.log(`node ${process.version}; receiver on 127.0.0.1:${rx.port}`);
await row('port given, idempotent', {}, rx.port);
await row('port given, non-idempotent (callback)', { idempotent: false }, rx.port);
await row('through ept_map, idempotent', {}, 'mapper');
for (const loss of [0.1, 0.3]) {
  const r = await relay(rx.port, loss, 20261130);
  await row(`${loss * 100}% loss each way, idempotent`, { retransmitMs: 1000, maxRetransmitMs: 8000 }, r.port);
  r.close();
}
await rx.close();
