#!/usr/bin/env node
// Benchmark: warm calls per second on one open binding (one session, one pipe, one bind), per SMB
// security mode, against rpcclient running the same call N times in one process (its start-up and
// connection are taken out by timing 1 and N+1 calls and dividing the difference by N), in
// interleaved turns. Machine load moves absolute rates a lot on a shared box: read the ratios.
// Call: wkssvc NetrWkstaGetInfo level 100 (Samba answers it; opnum 12 only faults).
// Usage (root): npm run build && node bench/warm.mjs [N] [--json] [--warmup W]
//   --warmup W: calls before timing, per mode (default 100). Node compiles the hot path as it runs:
//   with 100 the first turns still pay for that; a long-lived process would not.
//   node --cpu-prof bench/warm.mjs 2000 signed   profiles one mode
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { connectSmb } from '../dist/smb/connect.js';
import { RpcClient } from '../dist/rpc/client.js';
import { WKSSVC, encodeWkstaGetInfo } from '../dist/rpc/interfaces/wkssvc.js';
import { startBenchSamba } from './lib/samba.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const wi = args.indexOf('--warmup');
const WARMUP = wi >= 0 ? Number(args.splice(wi, 2)[1]) : 100;
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 2000);
const only = args.find((a) => /^[a-z0-9.]+$/.test(a) && !/^\d+$/.test(a));
const samba = await startBenchSamba();
const credentials = { user: samba.user.name, password: samba.user.password };
const modes = [
  ['SMB 3.1.1 signed', 'signed', { dialect: 'smb2', requireSigning: true }, ['--option=client signing=required', '-m', 'SMB3_11']],
  ['SMB 3.1.1 encrypted', 'encrypted', { dialect: 'smb2', requireEncryption: true }, ['--option=client smb encrypt=required', '-m', 'SMB3_11']],
  ['SMB 2.1', 'smb2.1', { dialect: 'smb2', smbMax: '2.1' }, ['-m', 'SMB2_10']],
].filter(([, key]) => !only || key === only);

function rpcclientSeconds(n, extra) {
  const t0 = performance.now();
  execFileSync('rpcclient', ['-U', `${credentials.user}%${credentials.password}`, ...extra, samba.host, '-c', Array(n).fill('wkssvc_wkstagetinfo').join(';')], { stdio: 'ignore' });
  return (performance.now() - t0) / 1000;
}

try {
  const rows = [];
  for (const [label, , opts, rpcclientArgs] of modes) {
    const smb = await connectSmb({ host: samba.host, credentials, ...opts });
    const rpc = new RpcClient(await smb.openPipe('wkssvc'));
    await rpc.bind(WKSSVC);
    const stub = encodeWkstaGetInfo(null, 100);
    for (let i = 0; i < WARMUP; i++) await rpc.call(0, stub); // JIT warm-up
    // Interleaved in ROUNDS turns (ours, then rpcclient's), so a change in machine load hits both.
    const ROUNDS = 4;
    const per = Math.ceil(N / ROUNDS);
    let oursSeconds = 0;
    let peerSeconds = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      for (let i = 0; i < per; i++) await rpc.call(0, stub);
      oursSeconds += (performance.now() - t0) / 1000;
      if (!only) peerSeconds += rpcclientSeconds(per + 1, rpcclientArgs) - rpcclientSeconds(1, rpcclientArgs);
    }
    const ours = (per * ROUNDS) / oursSeconds;
    smb.abort();
    const peer = only ? NaN : (per * ROUNDS) / peerSeconds;
    rows.push({ mode: label, netsend_calls_per_s: Math.round(ours), rpcclient_calls_per_s: Math.round(peer), ratio: +(ours / peer).toFixed(2) });
  }
  if (json) console.log(JSON.stringify({ n: N, warmup: WARMUP, rows }));
  else {
    console.table(rows);
    console.log(`N=${N} calls per mode after ${WARMUP} warm-up calls; node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  }
} finally {
  await samba.stop();
}
