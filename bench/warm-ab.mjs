#!/usr/bin/env node
// A/B of warm calls between this build and another (e.g. an older commit's dist/), interleaved:
// both hold an open binding to one private smbd and take turns in blocks of 200 calls, so machine
// load hits both alike. Prints calls/s per build and the ratio.
// Usage (root): npm run build && node bench/warm-ab.mjs OTHER_DIST_DIR [N] [signed|encrypted|smb2.1]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBenchSamba } from './lib/samba.mjs';

const [otherDist, nArg, modeArg] = process.argv.slice(2);
if (!otherDist) throw new Error('usage: node bench/warm-ab.mjs OTHER_DIST_DIR [N] [mode]');
const N = Number(nArg ?? 4000);
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
  for (let i = 0; i < 200; i++) await rpc.call(0, stub);
  return { smb, call: () => rpc.call(0, stub), ms: 0 };
}

try {
  const builds = { this: await binding(new URL('../dist', import.meta.url).pathname), other: await binding(otherDist) };
  for (let done = 0; done < N; done += 200) {
    for (const b of Object.values(builds)) {
      const t0 = performance.now();
      for (let i = 0; i < 200; i++) await b.call();
      b.ms += performance.now() - t0;
    }
  }
  const rate = (b) => Math.round(Math.ceil(N / 200) * 200 / (b.ms / 1000));
  console.log(JSON.stringify({ mode: modeArg ?? 'signed', calls: Math.ceil(N / 200) * 200, this_calls_per_s: rate(builds.this), other_calls_per_s: rate(builds.other), ratio: +(rate(builds.this) / rate(builds.other)).toFixed(3) }));
  for (const b of Object.values(builds)) b.smb.abort();
} finally {
  await samba.stop();
}
