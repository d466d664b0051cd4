#!/usr/bin/env node
// Benchmark: SMB1 (NT LM 0.12) as an RPC transport against a private smbd (server max protocol NT1) on
// its own loopback address (run as root). Reports round trips of a cold connect, and the median
// per-call time of N wkssvc NetrWkstaGetInfo(level 100) calls on one open pipe through TransactNmPipe
// and through WRITE_ANDX + READ_ANDX, unsigned and signed.
// Usage: npm run build && node bench/smb1.mjs [N]
import { connectSmb } from '../dist/smb/index.js';
import { startBenchSamba, median } from './lib/samba.mjs';
import { BIND, getInfo, check } from './lib/wkssvc-pdus.mjs';

const N = Number(process.argv[2] ?? 200);
const samba = await startBenchSamba({ 'server max protocol': 'NT1', 'server signing': 'auto' });
const { host, user } = samba;

try {
  const rows = [];
  // A first, unrecorded session warms up the JIT and Samba's RPC server (samba-dcerpcd starts on demand).
  for (const sign of ['warm-up', false, true]) {
    const t0 = performance.now();
    const c = await connectSmb({ host, credentials: { user: user.name, password: user.password }, sign: sign === true, timeoutMs: 10000 });
    const connectMs = performance.now() - t0;
    const connectRt = c.roundTrips + 1; // + the multi-protocol NEGOTIATE sent by connectSmb
    const pipe = await c.openPipe('wkssvc');
    check((await pipe.transact(BIND, 4280)).data, 12);
    let call = 2;
    for (const via of ['TransactNmPipe', 'WRITE_ANDX+READ_ANDX']) {
      for (let i = 0; i < 20; i++) check((await pipe.transact(getInfo(call++), 4280)).data, 2); // warm-up
      const times = [];
      const rt0 = c.roundTrips;
      for (let i = 0; i < N; i++) {
        const t = performance.now();
        let r;
        if (via === 'TransactNmPipe') r = await pipe.transact(getInfo(call++), 4280);
        else { await pipe.write(getInfo(call++)); r = await pipe.read(4280); }
        times.push(performance.now() - t);
        check(r.data, 2);
      }
      if (sign !== 'warm-up') rows.push({ signing: c.info.signing, via, median_ms: +median(times).toFixed(3), round_trips_per_call: (c.roundTrips - rt0) / N, cold_connect_ms: +connectMs.toFixed(1), connect_round_trips: connectRt });
    }
    await pipe.close();
    await c.close();
  }
  // Cold: connect (multi-protocol NEGOTIATE), open \wkssvc, bind, one call, close; median of 20.
  const cold = [];
  let coldRt = 0;
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const c = await connectSmb({ host, credentials: { user: user.name, password: user.password }, timeoutMs: 10000 });
    const pipe = await c.openPipe('wkssvc');
    check((await pipe.transact(BIND, 4280)).data, 12);
    check((await pipe.transact(getInfo(2), 4280)).data, 2);
    await pipe.close();
    coldRt = c.roundTrips + 1;
    await c.close();
    coldRt += 2; // TREE_DISCONNECT + LOGOFF_ANDX
    cold.push(performance.now() - t);
  }
  console.table(rows);
  console.log(`cold connect + open + bind + 1 call + close: median ${median(cold).toFixed(2)} ms over 20, ${coldRt} round trips`);
  console.log(`N=${N} calls per row; dialect NT LM 0.12; host ${host}; node ${process.version}`);
} finally {
  await samba.stop();
}
