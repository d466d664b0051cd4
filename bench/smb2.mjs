#!/usr/bin/env node
// Benchmark: the SMB 2/3 client as an RPC transport against a private smbd on its own loopback address
// (run as root). For SMB 2.1, SMB 3.1.1 signed and SMB 3.1.1 encrypted it reports the requests a cold
// connect + session + IPC$ + CREATE wkssvc + one transact (bind) + CLOSE takes, and the median per-call
// time of N FSCTL_PIPE_TRANSCEIVE calls (wkssvc NetrWkstaGetInfo level 100) on one open pipe.
// Usage: npm run build && node bench/smb2.mjs [N]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectSmb2 } from '../dist/smb/smb2/index.js';

const N = Number(process.argv[2] ?? 200);
const host = `127.79.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
const user = { name: 'nsbench', password: 'Bench-Passw0rd' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-bench-smb2-'));
for (const d of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'binddns']) fs.mkdirSync(path.join(dir, d));
const conf = path.join(dir, 'smb.conf');
const g = {
  'netbios name': 'BENCHSMB2', workgroup: 'BENCH', interfaces: `${host}/8`, 'bind interfaces only': 'yes', 'smb ports': '445',
  'server min protocol': 'SMB2_02', 'server max protocol': 'SMB3', 'server signing': 'auto',
  'server role': 'standalone server', 'load printers': 'no', 'disable spoolss': 'yes', 'printcap name': '/dev/null',
  'log file': path.join(dir, 'log.%m'), 'passdb backend': `tdbsam:${path.join(dir, 'private', 'passdb.tdb')}`,
  'private dir': path.join(dir, 'private'), 'lock directory': path.join(dir, 'lock'), 'state directory': path.join(dir, 'state'),
  'cache directory': path.join(dir, 'cache'), 'pid directory': path.join(dir, 'pid'), 'ncalrpc dir': path.join(dir, 'ncalrpc'),
  'binddns dir': path.join(dir, 'binddns'),
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

// protocol-notes §7.1: bind wkssvc 1.0 / NDR 2.0 (72 bytes); then request opnum 0 NetrWkstaGetInfo(NULL, 100).
const BIND = Buffer.from('05000b03100000004800000001000000b810b81000000000010000000000010098d0ff6b12a11036983346c3f87e345a01000000045d888aeb1cc9119fe808002b10486002000000', 'hex');
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

const configs = [
  { label: 'SMB 2.1', opts: { dialects: { max: 0x0210 } } },
  { label: 'SMB 3.1.1 signed', opts: { requireSigning: true } },
  { label: 'SMB 3.1.1 encrypted', opts: { requireEncryption: true } },
];

try {
  await waitPort(445);
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
  smbd.kill('SIGTERM');
  await new Promise((r) => smbd.once('exit', r));
  try {
    const pid = Number(fs.readFileSync(path.join(dir, 'pid', 'samba-dcerpcd.pid'), 'utf8').trim());
    if (pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(conf)) process.kill(pid, 'SIGTERM');
  } catch { /* not running */ }
  fs.rmSync(dir, { recursive: true, force: true });
}
