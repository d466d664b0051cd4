#!/usr/bin/env node
// Benchmark: SMB1 (NT LM 0.12) as an RPC transport against a private smbd (server max protocol NT1) on
// its own loopback address (run as root). Reports round trips of a cold connect, and the median
// per-call time of N wkssvc NetrWkstaGetInfo(level 100) calls on one open pipe through TransactNmPipe
// and through WRITE_ANDX + READ_ANDX, unsigned and signed.
// Usage: npm run build && node bench/smb1.mjs [N]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectSmb } from '../dist/smb/index.js';

const N = Number(process.argv[2] ?? 200);
const host = `127.78.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
const user = { name: 'nsbench', password: 'Bench-Passw0rd' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-bench-smb1-'));
const sub = ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'binddns'];
for (const d of sub) fs.mkdirSync(path.join(dir, d));
const conf = path.join(dir, 'smb.conf');
const g = {
  'netbios name': 'BENCHSMB1', workgroup: 'BENCH', interfaces: `${host}/8`, 'bind interfaces only': 'yes', 'smb ports': '445 139',
  'server min protocol': 'NT1', 'server max protocol': 'NT1', 'server signing': 'auto', 'server role': 'standalone server',
  'load printers': 'no', 'disable spoolss': 'yes', 'printcap name': '/dev/null', 'log file': path.join(dir, 'log.%m'),
  'passdb backend': `tdbsam:${path.join(dir, 'private', 'passdb.tdb')}`, 'private dir': path.join(dir, 'private'),
  'lock directory': path.join(dir, 'lock'), 'state directory': path.join(dir, 'state'), 'cache directory': path.join(dir, 'cache'),
  'pid directory': path.join(dir, 'pid'), 'ncalrpc dir': path.join(dir, 'ncalrpc'), 'binddns dir': path.join(dir, 'binddns'),
};
fs.writeFileSync(conf, '[global]\n' + Object.entries(g).map(([k, v]) => `  ${k} = ${v}\n`).join(''));
try {
  execFileSync('id', ['-u', user.name], { stdio: 'ignore' });
} catch {
  execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', user.name]);
}
execFileSync('smbpasswd', ['-c', conf, '-s', '-a', user.name], { input: `${user.password}\n${user.password}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
const smbd = spawn('smbd', ['-F', '--debug-stdout', '-d', '0', '-s', conf], { stdio: 'ignore' });

async function waitPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => { const s = net.connect({ host, port }, () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('smbd did not start');
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

// protocol-notes §7.1: bind wkssvc 1.0 / NDR 2.0; then request opnum 0 NetrWkstaGetInfo(NULL, 100).
const BIND = Buffer.from('05000b031000000048000000010000' + '00b810b81000000000010000000000010098d0ff6b12a110369833' + '46c3f87e345a01000000045d888aeb1cc9119fe808002b10486002000000', 'hex');
function getInfo(callId) {
  const stub = Buffer.from('0000000064000000', 'hex'); // server_name = NULL (unique), level = 100
  const h = Buffer.from('05000003100000000000000000000000', 'hex');
  h.writeUInt16LE(24 + stub.length, 8);
  h.writeUInt32LE(callId, 12);
  const req = Buffer.alloc(8);
  req.writeUInt32LE(stub.length, 0); // alloc_hint; ctx 0, opnum 0
  return Buffer.concat([h, req, stub]);
}
const check = (pdu, ptype) => { if (pdu[2] !== ptype) throw new Error(`expected ptype ${ptype}, got ${pdu[2]}`); };

try {
  await waitPort(445);
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
  smbd.kill('SIGTERM');
  await new Promise((r) => smbd.once('exit', r));
  try {
    const pid = Number(fs.readFileSync(path.join(dir, 'pid', 'samba-dcerpcd.pid'), 'utf8').trim());
    if (pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(conf)) process.kill(pid, 'SIGTERM');
  } catch { /* not running */ }
  fs.rmSync(dir, { recursive: true, force: true });
}
