#!/usr/bin/env node
// Benchmark: warm calls per second with 1, 2 and 4 pipes in flight on one SMB2 session (MessageId
// demultiplexing, src/smb/smb2/connection.ts): each pipe has its own binding and runs one call at a
// time; the pipes' calls overlap on the one connection. Turns interleave (1, 2, 4, 1, 2, 4 ...) so
// that a change in machine load hits every width alike; read the ratios to 1 pipe.
// Call: wkssvc NetrWkstaGetInfo level 100. Usage (root): npm run build && node bench/warm-concurrent.mjs [N] [signed|encrypted|smb2.1] [--json]
import os from 'node:os';
import { connectSmb } from '../dist/smb/connect.js';
import { RpcClient } from '../dist/rpc/client.js';
import { WKSSVC, encodeWkstaGetInfo } from '../dist/rpc/interfaces/wkssvc.js';
import { startBenchSamba } from './lib/samba.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 4000);
const only = args.find((a) => /^[a-z0-9.]+$/.test(a) && !/^\d+$/.test(a));
const WIDTHS = [1, 2, 4];
const ROUNDS = 4;
const modes = [
  ['SMB 3.1.1 signed', 'signed', { dialect: 'smb2', requireSigning: true }],
  ['SMB 3.1.1 encrypted', 'encrypted', { dialect: 'smb2', requireEncryption: true }],
  ['SMB 2.1', 'smb2.1', { dialect: 'smb2', smbMax: '2.1' }],
].filter(([, key]) => !only || key === only);

const samba = await startBenchSamba();
const credentials = { user: samba.user.name, password: samba.user.password };
try {
  const rows = [];
  for (const [label, , opts] of modes) {
    const smb = await connectSmb({ host: samba.host, credentials, ...opts });
    const stub = encodeWkstaGetInfo(null, 100);
    const pipes = [];
    for (let i = 0; i < Math.max(...WIDTHS); i++) {
      const rpc = new RpcClient(await smb.openPipe('wkssvc'));
      await rpc.bind(WKSSVC);
      for (let j = 0; j < 200; j++) await rpc.call(0, stub); // JIT warm-up
      pipes.push(rpc);
    }
    const seconds = new Map(WIDTHS.map((w) => [w, 0]));
    const per = Math.ceil(N / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      for (const w of WIDTHS) {
        const each = Math.ceil(per / w);
        const t0 = performance.now();
        await Promise.all(pipes.slice(0, w).map(async (rpc) => {
          for (let i = 0; i < each; i++) await rpc.call(0, stub);
        }));
        seconds.set(w, seconds.get(w) + (performance.now() - t0) / 1000);
      }
    }
    smb.abort();
    const rate = (w) => Math.round((Math.ceil(per / w) * w * ROUNDS) / seconds.get(w));
    const row = { mode: label };
    for (const w of WIDTHS) row[`${w}_pipe${w > 1 ? 's' : ''}_calls_per_s`] = rate(w);
    for (const w of WIDTHS.slice(1)) row[`x${w}_vs_1`] = +(rate(w) / rate(1)).toFixed(2);
    rows.push(row);
  }
  if (json) console.log(JSON.stringify({ n: N, rows }));
  else {
    console.table(rows);
    console.log(`N=${N} calls per width and mode; node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  }
} finally {
  await samba.stop();
}
