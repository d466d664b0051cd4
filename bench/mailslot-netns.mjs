#!/usr/bin/env node
// Mailslot broadcast reach: how long one `net send *` datagram takes to reach N receivers on one
// subnet. Builds network namespaces (a bridge in a hub namespace, a sender and N receivers; root
// and iproute2 needed; nothing touches the host's networks), starts the built library's mailslot
// receiver (dist/messenger/mailslot-receiver.js) on 0.0.0.0:138 in each receiver namespace, sends
// K broadcasts with sendBroadcast from the sender namespace, and prints datagrams per broadcast
// and the send-to-receipt latency (wall clock, shared by all namespaces): median and worst over
// receivers, per broadcast. Everything is removed by namespace name and child pid at the end.
//
// Usage: npm run build && node bench/mailslot-netns.mjs [N receivers, default 8] [K broadcasts, default 20]
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? 8);
const K = Number(process.argv[3] ?? 20);
const tag = `${process.pid % 100000}`;
const net3 = 100 + (process.pid % 150);
const ns = (k) => `mbn-${tag}-${k}`;
const ip = (...a) => execFileSync('ip', a, { stdio: 'pipe' });
const bcast = `10.216.${net3}.255`;
const dist = path.join(root, 'dist');

const receiverJs = `
const { startMailslotReceiver } = await import(${JSON.stringify(path.join(dist, 'messenger/mailslot-receiver.js'))});
await startMailslotReceiver({ host: '0.0.0.0', port: 138, onMessage: (m) => process.stdout.write(JSON.stringify({ t: performance.timeOrigin + performance.now(), text: m.text }) + '\\n') });
process.stdout.write('ready\\n');
`;
const senderJs = `
const { sendBroadcast } = await import(${JSON.stringify(path.join(dist, 'messenger/mailslot.js'))});
for (let i = 0; i < ${K}; i++) {
  const t = performance.timeOrigin + performance.now();
  const [r] = await sendBroadcast({ broadcastAddresses: [${JSON.stringify(bcast)}], from: 'BENCH', text: 'b' + i });
  process.stdout.write(JSON.stringify({ i, t, datagrams: r.datagrams, bytes: r.bytes, ok: r.ok }) + '\\n');
  await new Promise((res) => setTimeout(res, 50));
}
`;

const names = ['hub', 'snd', ...Array.from({ length: N }, (_, i) => `r${i}`)];
const children = [];
try {
  for (const n of names) ip('netns', 'add', ns(n));
  ip('-n', ns('hub'), 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', ns('hub'), 'link', 'set', 'br0', 'up');
  names.slice(1).forEach((n, i) => {
    const inner = `bi${tag}${n}`.slice(0, 15);
    const outer = `bo${tag}${n}`.slice(0, 15);
    ip('link', 'add', inner, 'type', 'veth', 'peer', 'name', outer);
    ip('link', 'set', inner, 'netns', ns(n));
    ip('link', 'set', outer, 'netns', ns('hub'));
    ip('-n', ns('hub'), 'link', 'set', outer, 'master', 'br0');
    ip('-n', ns('hub'), 'link', 'set', outer, 'up');
    ip('-n', ns(n), 'addr', 'add', `10.216.${net3}.${i + 1}/24`, 'broadcast', bcast, 'dev', inner);
    ip('-n', ns(n), 'link', 'set', 'lo', 'up');
    ip('-n', ns(n), 'link', 'set', inner, 'up');
  });
  const got = Array.from({ length: N }, () => new Map());
  await Promise.all(
    Array.from({ length: N }, (_, i) =>
      new Promise((resolve, reject) => {
        const c = spawn('ip', ['netns', 'exec', ns(`r${i}`), process.execPath, '--input-type=module', '-e', receiverJs], { stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(c);
        let buf = '';
        c.stdout.on('data', (d) => {
          buf += d.toString();
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line === 'ready') resolve();
            else {
              const m = JSON.parse(line);
              got[i].set(m.text, (got[i].get(m.text) ?? []).concat(m.t));
            }
          }
        });
        c.once('exit', (code) => reject(new Error(`receiver ${i} exited ${code}`)));
      }),
    ),
  );
  const out = execFileSync('ip', ['netns', 'exec', ns('snd'), process.execPath, '--input-type=module', '-e', senderJs], { encoding: 'utf8' });
  await new Promise((r) => setTimeout(r, 500));
  const sends = out.trim().split('\n').map((l) => JSON.parse(l));
  const lat = [];
  let missing = 0;
  let dupes = 0;
  for (const s of sends) {
    const per = got.map((g) => g.get(`b${s.i}`) ?? []);
    missing += per.filter((x) => x.length === 0).length;
    dupes += per.filter((x) => x.length > 1).length;
    const ds = per.filter((x) => x.length).map((x) => x[0] - s.t).sort((a, b) => a - b);
    lat.push({ median: ds[Math.floor(ds.length / 2)], worst: ds[ds.length - 1] });
  }
  const q = (a, p) => a.slice().sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))];
  const worst = lat.map((l) => l.worst);
  const med = lat.map((l) => l.median);
  console.log(`mailslot broadcast to ${N} receivers on one bridge, ${K} broadcasts: ${sends[0].datagrams} datagram (${sends[0].bytes} bytes) per broadcast`);
  console.log(`  send -> receipt, median receiver: p50 ${q(med, 0.5).toFixed(2)} ms, p90 ${q(med, 0.9).toFixed(2)} ms`);
  console.log(`  send -> receipt, last receiver:   p50 ${q(worst, 0.5).toFixed(2)} ms, p90 ${q(worst, 0.9).toFixed(2)} ms, max ${Math.max(...worst).toFixed(2)} ms`);
  console.log(`  missing deliveries ${missing}, duplicated deliveries ${dupes} (of ${N * K})`);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  for (const n of names) {
    try {
      ip('netns', 'del', ns(n));
    } catch {
      /* not created */
    }
  }
}
