#!/usr/bin/env node
// Benchmark: the SMB 2/3 client as an RPC transport against a private smbd on its own loopback address
// (run as root). For SMB 2.1, SMB 3.1.1 signed and SMB 3.1.1 encrypted it reports the requests a cold
// connect + session + IPC$ + CREATE wkssvc + one transact (bind) + CLOSE takes, and the median per-call
// time of N FSCTL_PIPE_TRANSCEIVE calls (wkssvc NetrWkstaGetInfo level 100) on one open pipe.
// Usage: npm run build && node bench/smb2.mjs [N]
import { connectSmb2 } from '../dist/smb/smb2/index.js';
import { startBenchSamba, median } from './lib/samba.mjs';
import { BIND, getInfo, check } from './lib/wkssvc-pdus.mjs';

const N = Number(process.argv[2] ?? 200);
const samba = await startBenchSamba({ 'server min protocol': 'SMB2_02' });
const { host, user } = samba;

const configs = [
  { label: 'SMB 2.1', opts: { dialects: { max: 0x0210 } } },
  { label: 'SMB 3.1.1 signed', opts: { requireSigning: true } },
  { label: 'SMB 3.1.1 encrypted', opts: { requireEncryption: true } },
];

try {
  const rows = [];
  for (const { label, opts } of configs) {
    const t0 = performance.now();
    const c = await connectSmb2({ host, credentials: { user: user.name, password: user.password }, timeoutMs: 10000, ...opts });
    const pipe = await c.openPipe('wkssvc');
    check((await pipe.transact(BIND, 4280)).data, 12);
    const setupMs = performance.now() - t0;
    const setupRequests = c.requestsSent + 1; // + the CLOSE of a one-shot use
    const times = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      const r = await pipe.transact(getInfo(i + 2), 4280);
      times.push(performance.now() - t);
      check(r.data, 2);
    }
    rows.push({
      config: label,
      dialect: c.info.dialect,
      signing: c.info.signing,
      cipher: c.info.cipher ?? '-',
      signing_alg: c.info.signingAlgorithm ?? '-',
      requests_connect_to_close: setupRequests,
      cold_setup_ms: +setupMs.toFixed(1),
      transact_median_ms: +median(times).toFixed(3),
      transact_p90_ms: +[...times].sort((a, b) => a - b)[Math.floor(N * 0.9)].toFixed(3),
    });
    await pipe.close();
    await c.close();
  }
  console.table(rows);
  console.log(`N=${N} transacts per row; host ${host}; node ${process.version}`);
} finally {
  await samba.stop();
}
