#!/usr/bin/env node
// A/B of 'auto' dialect selection (issue 12 goal 2): cold remote sends (NetrMessageBufferSend over a
// new connection each), interleaved one of each per round so machine load hits all alike, against
// a default Samba (SMB 2/3) and an SMB1-only one (server max protocol = NT1). Rows: this build's
// 'auto' at first contact (the process memory of host families cleared) and remembered, 'smb2' or
// 'smb1' forced, another build's 'auto' (e.g. an older commit's dist/), and rpcclient. Round trips are
// the frames the client writes (each waits for its answer; the refused SMB2 NEGOTIATE counts).
// --rtt MS puts a loopback proxy in front of each smbd that holds every server chunk (and its FIN)
// back MS ms: a network with that round-trip time, where each saved round trip shows in the times.
// Usage (root): npm run build && node bench/auto-ab.mjs [OTHER_DIST_DIR] [N] [--rtt MS]
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBenchSamba, median } from './lib/samba.mjs';

const argv = process.argv.slice(2);
const rttAt = argv.indexOf('--rtt');
const RTT = rttAt >= 0 ? Number(argv.splice(rttAt, 2)[1]) : 0;
const [otherDist, nArg] = argv;
const N = Number(nArg ?? 30);
const url = (dist, p) => pathToFileURL(path.resolve(dist, p)).href;
const thisDist = new URL('../dist', import.meta.url).pathname;
const { sendViaWorkstation } = await import(url(thisDist, 'messenger/remote.js'));
const { smbFamilies } = await import(url(thisDist, 'smb/family-memory.js'));
const other = otherDist ? (await import(url(otherDist, 'messenger/remote.js'))).sendViaWorkstation : null;

function counter() {
  const t = {
    requests: 0,
    connections: 0,
    opened: () => void t.connections++,
    outbound: (b) => {
      for (let off = 0; off + 4 <= b.length; off += 4 + ((b[off + 1] << 16) | b.readUInt16BE(off + 2))) t.requests++;
    },
    inbound() {},
  };
  return t;
}

/** A proxy to host:port that delays what the server sends (data and end) by `ms`. */
async function latencyProxy(host, port, ms) {
  const sockets = new Set();
  const srv = net.createServer((client) => {
    const server = net.connect({ host, port });
    sockets.add(client).add(server);
    const later = (f) => setTimeout(f, ms);
    client.on('data', (d) => server.write(d));
    client.on('end', () => server.end());
    server.on('data', (d) => later(() => client.writable && client.write(d)));
    server.on('end', () => later(() => client.end()));
    for (const s of [client, server]) s.on('error', () => (client.destroy(), server.destroy()));
    client.on('close', () => server.destroy());
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { host: '127.0.0.1', port: srv.address().port, close: () => (sockets.forEach((s) => s.destroy()), new Promise((r) => srv.close(r))) };
}

async function table(title, global, rows) {
  const samba = await startBenchSamba(global);
  const credentials = { user: samba.user.name, password: samba.user.password };
  const proxy = RTT > 0 ? await latencyProxy(samba.host, 445, RTT) : null;
  const target = proxy ? { server: proxy.host, port: proxy.port } : { server: samba.host };
  const stats = rows.map(() => ({ times: [], requests: 0, connections: 0, result: '' }));
  try {
    for (let round = 0; round < N; round++) {
      for (const [i, [, run]] of rows.entries()) {
        const s = stats[i];
        const t0 = performance.now();
        if (Array.isArray(run)) {
          try {
            execFileSync('rpcclient', [...run, '-U', `${credentials.user}%${credentials.password}`, samba.host, '-c', 'wkssvc_messagebuffersend "bench"'], { stdio: 'ignore' });
          } catch {
            /* exits 1 on the fault */
          }
          s.times.push(performance.now() - t0);
          s.requests = run.length ? '' : 9; // counted once with tshark (bench/remote.mjs)
          s.result = 'fault (exit 1)';
          continue;
        }
        const tap = counter();
        const r = await run({ ...target, credentials, to: 'BOB', from: 'ALICE', text: 'bench', tap });
        s.times.push(performance.now() - t0);
        s.requests = tap.requests;
        s.connections = tap.connections;
        s.result = `${r.session?.dialect ?? '?'} ${r.status?.name ?? 'OK'}`;
      }
    }
  } finally {
    await proxy?.close();
    await samba.stop();
  }
  const base = median(stats[0].times);
  console.log(`\n${title}`);
  console.table(rows.map(([label], i) => ({ path: label, round_trips: stats[i].requests, tcp_connections: stats[i].connections || '', median_ms: +median(stats[i].times).toFixed(2), vs_first_row: +(median(stats[i].times) / base).toFixed(2), result: stats[i].result })));
}

const thisAuto = (o) => sendViaWorkstation({ ...o, dialect: 'auto' });
const firstContact = (o) => (smbFamilies.forget(), thisAuto(o));
const rows2 = [
  ["auto, first contact (this build)", firstContact],
  ["auto, remembered (this build)", thisAuto],
  ["dialect 'smb2' (this build)", (o) => sendViaWorkstation({ ...o, dialect: 'smb2' })],
  ...(other ? [["auto (other build)", (o) => other({ ...o, dialect: 'auto' })]] : []),
  // rpcclient is left out behind the proxy (it does not follow --port there alone: 20 s per run).
  ...(RTT ? [] : [['rpcclient (new process each)', []]]),
];
await table('SMB 2/3 server (default Samba)', {}, rows2);
const rows1 = [
  ["auto, first contact (this build)", firstContact],
  ["auto, remembered (this build)", thisAuto],
  ["dialect 'smb1' (this build)", (o) => sendViaWorkstation({ ...o, dialect: 'smb1' })],
  ...(other ? [["auto (other build)", (o) => other({ ...o, dialect: 'auto' })]] : []),
  ...(RTT ? [] : [['rpcclient --option=clientminprotocol=NT1', ['--option=clientminprotocol=NT1']]]),
];
await table('SMB1-only server (server max protocol = NT1)', { 'server max protocol': 'NT1' }, rows1);
console.log(`N=${N} rounds, rows interleaved${RTT ? `; ${RTT} ms round-trip time (proxy)` : ''}; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}; node ${process.version}`);
