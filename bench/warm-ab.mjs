#!/usr/bin/env node
// A/B of warm calls between this build and another (e.g. an older commit's dist/), interleaved:
// both hold an open binding to one private smbd and take turns in blocks of 200 calls (which goes
// first alternates), so machine load hits both alike. Prints calls/s per build (medians of the
// blocks) and the median of the per-round ratios.
// Usage (root): npm run build && node bench/warm-ab.mjs OTHER_DIST_DIR [N] [signed|encrypted|smb2.1] [--warmup W]
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBenchSamba } from './lib/samba.mjs';

const args = process.argv.slice(2);
const wi = args.indexOf('--warmup');
const WARMUP = wi >= 0 ? Number(args.splice(wi, 2)[1]) : 200;
const [otherDist, nArg, modeArg] = args;
if (!otherDist) throw new Error('usage: node bench/warm-ab.mjs OTHER_DIST_DIR [N] [mode] [--warmup W]');
const N = Number(nArg ?? 4000);
const BLOCK = 200;
const mode = { signed: { dialect: 'smb2', requireSigning: true }, encrypted: { dialect: 'smb2', requireEncryption: true }, 'smb2.1': { dialect: 'smb2', smbMax: '2.1' } }[modeArg ?? 'signed'];
const samba = await startBenchSamba();
const credentials = { user: samba.user.name, password: samba.user.password };

async function binding(dist) {
  const url = (p) => pathToFileURL(path.resolve(dist, p)).href;
  const { connectSmb } = await import(url('smb/connect.js'));
  const { RpcClient } = await import(url('rpc/client.js'));
  const { WKSSVC, encodeWkstaGetInfo } = await import(url('rpc/interfaces/wkssvc.js'));
  const smb = await connectSmb({ host: samba.host, credentials, ...mode });
  const rpc = new RpcClient(await smb.openPipe('wkssvc'));
  await rpc.bind(WKSSVC);
  const stub = encodeWkstaGetInfo(null, 100);
  return { smb, call: () => rpc.call(0, stub), rates: [] };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const a = await binding(new URL('../dist', import.meta.url).pathname);
  const b = await binding(otherDist);
  for (const x of [a, b]) for (let i = 0; i < WARMUP; i++) await x.call();
  const ratios = [];
  for (let round = 0; round * BLOCK < N; round++) {
    for (const x of round % 2 === 0 ? [a, b] : [b, a]) {
      const t0 = performance.now();
      for (let i = 0; i < BLOCK; i++) await x.call();
      x.rates.push(BLOCK / ((performance.now() - t0) / 1000));
    }
    ratios.push(a.rates[round] / b.rates[round]);
  }
  console.log(JSON.stringify({ mode: modeArg ?? 'signed', warmup: WARMUP, calls: ratios.length * BLOCK, this_calls_per_s: Math.round(median(a.rates)), other_calls_per_s: Math.round(median(b.rates)), ratio: +median(ratios).toFixed(3), load: os.loadavg().map((l) => +l.toFixed(2)) }));
  for (const x of [a, b]) x.smb.abort();
} finally {
  await samba.stop();
}
