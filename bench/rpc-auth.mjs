#!/usr/bin/env node
// Benchmark: NetrWkstaGetInfo 100 at RPC auth levels none / integrity / privacy on one binding, over
// ncacn_np (SMB 3.1.1) and ncacn_ip_tcp (samba-dcerpcd, port from the endpoint mapper), against a
// private Samba; compared with `rpcclient` (a new process per call) on the same bindings.
// Usage (root): npm run build && node bench/rpc-auth.mjs [N]
import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { openRpc } from '../dist/rpc/factory.js';
import { WKSSVC, encodeWkstaGetInfo, decodeWkstaGetInfo } from '../dist/rpc/interfaces/wkssvc.js';
import { startBenchSamba, median } from './lib/samba.mjs';

const N = Number(process.argv[2] ?? 200);
const COLD = Math.max(5, Math.min(30, Math.floor(N / 10)));
// Samba's own samba-dcerpcd serves ncacn_ip_tcp and the endpoint mapper on 135 (samba-peer.md).
const samba = await startBenchSamba({ 'rpc start on demand helpers': 'no', 'smb ports': '445' });
const dcerpcd = spawn('/usr/libexec/samba/samba-dcerpcd', ['-F', '--debug-stdout', '-d', '0', '-s', samba.conf, '--libexec-rpcds'], { stdio: 'ignore' });
for (let i = 0; ; i++) {
  const ok = await new Promise((r) => {
    const s = net.connect({ host: samba.host, port: 135 }, () => (s.destroy(), r(true)));
    s.on('error', () => r(false));
  });
  if (ok) break;
  if (i > 200) throw new Error('samba-dcerpcd did not listen on 135');
  await new Promise((r) => setTimeout(r, 100));
}
const credentials = { user: samba.user.name, password: samba.user.password, domain: 'BENCH' };

function writes() {
  const t = { n: 0, outbound: () => void t.n++, inbound() {} };
  return t;
}

try {
  const rows = [];
  for (const [transport, binding] of [['np (SMB 3.1.1)', `ncacn_np:${samba.host}[\\pipe\\wkssvc]`], ['tcp', `ncacn_ip_tcp:${samba.host}`]]) {
    for (const level of ['none', 'integrity', 'privacy']) {
      // Cold: connect (+ endpoint mapper on tcp) + bind (+ auth legs) + one call.
      const cold = [];
      let coldWrites = 0;
      let result = '';
      for (let i = 0; i < COLD; i++) {
        const tap = writes();
        const t0 = performance.now();
        const rpc = await openRpc(binding, WKSSVC, { credentials, authLevel: level, tap, smbMin: '3.1.1' });
        try {
          result = String(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(null, 100)), 100).status);
        } catch (e) {
          result = e.name;
        }
        cold.push(performance.now() - t0);
        coldWrites = tap.n;
        await rpc.close();
      }
      // Warm: per call on one open binding.
      const rpc = await openRpc(binding, WKSSVC, { credentials, authLevel: level, smbMin: '3.1.1' });
      const warm = [];
      for (let i = 0; i < N; i++) {
        const t0 = performance.now();
        await rpc.call(0, encodeWkstaGetInfo(null, 100)).catch(() => undefined);
        warm.push(performance.now() - t0);
      }
      await rpc.close();
      rows.push({ transport, level, per_call_ms: +median(warm).toFixed(3), round_trips_per_call: 1, cold_open_and_call_ms: +median(cold).toFixed(2), cold_client_writes: coldWrites, result: result === '0' ? 'OK' : result });
    }
  }
  console.table(rows);
  const rc = [];
  for (const [transport, base, opts] of [
    ['np', `ncacn_np:${samba.host}`, { none: '', integrity: '[sign]', privacy: '[seal]' }],
    ['tcp', `ncacn_ip_tcp:${samba.host}`, { none: '', integrity: '[sign]', privacy: '[seal]' }],
  ]) {
    for (const level of ['none', 'integrity', 'privacy']) {
      const times = [];
      let ok = true;
      for (let i = 0; i < COLD; i++) {
        const t0 = performance.now();
        try {
          execFileSync('rpcclient', ['-U', `BENCH\\${credentials.user}%${credentials.password}`, base + opts[level], '-c', 'wkssvc_wkstagetinfo'], { stdio: 'ignore' });
        } catch {
          ok = false;
        }
        times.push(performance.now() - t0);
      }
      rc.push({ peer: 'rpcclient (new process each)', transport, level, per_call_ms: +median(times).toFixed(2), result: ok ? 'OK' : 'error exit' });
    }
  }
  console.table(rc);
  console.log(`N=${N} warm calls, ${COLD} cold opens per row; host ${samba.host}; node ${process.version}`);
} finally {
  dcerpcd.kill('SIGTERM');
  await samba.stop();
}
