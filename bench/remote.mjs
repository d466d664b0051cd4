#!/usr/bin/env node
// Benchmark: one cold remote NetMessageBufferSend (wkssvc opnum 12) against a private smbd, counting
// request/response pairs on the wire, per SMB dialect; compared with `rpcclient wkssvc_messagebuffersend`.
// Samba answers opnum 12 with a fault, which is still one full round trip of the call.
// Usage (root): npm run build && node bench/remote.mjs [N] [--json]
import { execFileSync } from 'node:child_process';
import { sendViaWorkstation } from '../dist/messenger/remote.js';
import { connectSmb } from '../dist/smb/connect.js';
import { RpcClient } from '../dist/rpc/client.js';
import { WKSSVC, encodeMessageBufferSend, encodeWkstaGetInfo } from '../dist/rpc/interfaces/wkssvc.js';
import { startBenchSamba, median } from './lib/samba.mjs';

const json = process.argv.includes('--json');
const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 50);
const samba = await startBenchSamba();
const credentials = { user: samba.user.name, password: samba.user.password };

/** A TrafficTap that counts the frames we send (each waits for one reply: a round trip). */
function counter() {
  const t = { requests: 0, outbound: (b) => { t.requests += countFrames(b); }, inbound() {} };
  return t;
}
function countFrames(b) {
  // Each write is one whole NBSS/Direct-TCP frame; an SMB2 compound (several requests, one frame)
  // waits for one reply frame, so counting frames counts round trips.
  let n = 0;
  for (let off = 0; off + 4 <= b.length; n++) off += 4 + ((b[off + 1] << 16) | b.readUInt16BE(off + 2));
  return n;
}

try {
  const rows = [];
  for (const [label, opts] of [
    ['auto (lands on 3.1.1)', { dialect: 'auto' }],
    ['SMB2+ only (3.1.1)', { dialect: 'smb2' }],
    ['SMB 2.1', { dialect: 'smb2', smbMax: '2.1' }],
    ['SMB 2.1 signed', { dialect: 'smb2', smbMax: '2.1', requireSigning: true }],
    ['SMB 3.0 signed', { dialect: 'smb2', smbMax: '3.0', requireSigning: true }],
    ['SMB 3.0 encrypted', { dialect: 'smb2', smbMax: '3.0', requireEncryption: true }],
    ['SMB 3.1.1 signed', { dialect: 'smb2', requireSigning: true }],
    ['SMB 3.1.1 encrypted', { dialect: 'smb2', requireEncryption: true }],
    ['SMB1 (NT LM 0.12)', { dialect: 'smb1' }],
  ]) {
    const times = [];
    let requests = 0;
    let status = '';
    for (let i = 0; i < N; i++) {
      const tap = counter();
      const t = performance.now();
      const r = await sendViaWorkstation({ server: samba.host, credentials, to: 'BOB', from: 'ALICE', text: 'bench', tap, ...opts });
      times.push(performance.now() - t);
      requests = tap.requests;
      status = r.status?.name ?? 'OK';
    }
    rows.push({ path: label, requests_per_cold_send: requests, median_ms: +median(times).toFixed(2), result: status });
  }
  const times = [];
  for (let i = 0; i < Math.min(N, 20); i++) {
    const t = performance.now();
    try {
      execFileSync('rpcclient', ['-U', `${credentials.user}%${credentials.password}`, samba.host, '-c', 'wkssvc_messagebuffersend "bench"'], { stdio: 'ignore' });
    } catch {
      /* exits 1 on the fault */
    }
    times.push(performance.now() - t);
  }
  rows.push({ path: 'rpcclient (new process each)', requests_per_cold_send: 9, median_ms: +median(times).toFixed(2), result: 'fault (exit 1)' });
  if (!json) console.table(rows);
  // Per call on an open binding (one session, one pipe, one bind), median of N*4 calls.
  const warm = [];
  for (const [label, opts] of [['SMB 3.1.1', { dialect: 'smb2' }], ['SMB 2.1', { dialect: 'smb2', smbMax: '2.1' }], ['SMB1', { dialect: 'smb1' }]]) {
    const smb = await connectSmb({ host: samba.host, credentials, ...opts });
    const rpc = new RpcClient(await smb.openPipe('wkssvc'));
    await rpc.bind(WKSSVC);
    for (const [call, opnum, stub] of [['NetrMessageBufferSend (fault)', 12, encodeMessageBufferSend('BOB', 'bench', { from: 'ALICE' })], ['NetrWkstaGetInfo 100', 0, encodeWkstaGetInfo(null, 100)]]) {
      const t = [];
      for (let i = 0; i < N * 4; i++) {
        const t0 = performance.now();
        await rpc.call(opnum, stub).catch(() => undefined);
        t.push(performance.now() - t0);
      }
      warm.push({ dialect: label, call, round_trips_per_call: 1, median_ms: +median(t).toFixed(3) });
    }
    smb.abort();
  }
  if (json) console.log(JSON.stringify({ n: N, rows, warm }));
  else console.table(warm);
  if (!json) console.log(`N=${N} cold sends per row (rpcclient: ${Math.min(N, 20)}); host ${samba.host}; node ${process.version}`);
} finally {
  await samba.stop();
}
