#!/usr/bin/env node
// Benchmark: direct Messenger delivery, our sendMessage versus `smbclient -M`, against one private
// smbd on its own loopback address (run as root: smbd needs 139/445). N sends each, median time.
// Usage: npm run build && node bench/messenger.mjs [N]
import { spawn, execFileSync, execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sendMessage } from '../dist/messenger/send.js';

const N = Number(process.argv[2] ?? 50);
const host = `127.79.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-bench-'));
for (const d of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'binddns', 'msgs']) fs.mkdirSync(path.join(dir, d));
fs.chmodSync(dir, 0o755);
fs.chmodSync(path.join(dir, 'msgs'), 0o777);
const hook = path.join(dir, 'hook.sh');
fs.writeFileSync(hook, '#!/bin/sh\nmv "$1" "$2/$(date +%s%N)-$$.msg"\n');
fs.chmodSync(hook, 0o755);
const conf = path.join(dir, 'smb.conf');
const g = {
  'netbios name': 'BENCHSRV', workgroup: 'BENCH', interfaces: `${host}/8`, 'bind interfaces only': 'yes',
  'smb ports': '445 139', 'server min protocol': 'NT1', 'server role': 'standalone server',
  'map to guest': 'Bad User', 'guest account': 'nobody', 'load printers': 'no', 'disable spoolss': 'yes',
  'printcap name': '/dev/null', 'log file': path.join(dir, 'log.%m'),
  'passdb backend': `tdbsam:${path.join(dir, 'private', 'passdb.tdb')}`,
  'message command': `/bin/sh ${hook} %s ${path.join(dir, 'msgs')}`,
};
for (const d of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'binddns']) g[`${d === 'lock' ? 'lock directory' : d === 'private' ? 'private dir' : d === 'ncalrpc' ? 'ncalrpc dir' : d === 'binddns' ? 'binddns dir' : `${d} directory`}`] = path.join(dir, d);
fs.writeFileSync(conf, '[global]\n' + Object.entries(g).map(([k, v]) => `  ${k} = ${v}\n`).join(''));
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
const delivered = () => fs.readdirSync(path.join(dir, 'msgs')).filter((f) => f.endsWith('.msg')).length;

try {
  await waitPort(445);
  await waitPort(139);
  const rows = [];
  // Warm-up (JIT, smbd's first fork): not counted.
  for (let i = 0; i < 5; i++) await sendMessage({ host, port: 139, to: 'BENCHSRV', from: 'BENCH', text: 'warm-up' });
  for (const [port, mode] of [[139, 'multi'], [445, 'multi'], [139, 'single'], [445, 'single']]) {
    const times = [];
    let rt = 0, failures = 0;
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      const r = await sendMessage({ host, port, to: 'BENCHSRV', from: 'BENCH', text: `bench ${i}`, mode });
      times.push(performance.now() - t0);
      if (!r.ok) failures++;
      rt = r.roundTrips;
    }
    rows.push({ peer: `netsend sendMessage ${mode} port ${port}`, median_ms: +median(times).toFixed(2), round_trips: rt, failures });
  }
  const smbTimes = [];
  let smbFail = 0;
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await new Promise((resolve) => {
      const c = execFile('smbclient', ['-M', 'BENCHSRV', '-I', host, '-p', '139', '-U', 'bench', '-N', '-n', 'BENCH'], (err) => { if (err) smbFail++; resolve(); });
      c.stdin.end(`bench ${i}\n`);
    });
    smbTimes.push(performance.now() - t0);
  }
  rows.push({ peer: 'smbclient -M (new process each) port 139', median_ms: +median(smbTimes).toFixed(2), round_trips: 4, failures: smbFail });
  // Same conditions as smbclient: a new process per send (node start-up included).
  const cliTimes = [];
  let cliFail = 0;
  const bin = new URL('../bin/netsend.js', import.meta.url).pathname;
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await new Promise((resolve) => {
      execFile(process.execPath, [bin, '--host', host, '--from', 'BENCH', 'BENCHSRV', `bench cli ${i}`], (err) => { if (err) cliFail++; resolve(); });
    });
    cliTimes.push(performance.now() - t0);
  }
  rows.push({ peer: 'netsend CLI (new node process each) port 139', median_ms: +median(cliTimes).toFixed(2), round_trips: 4, failures: cliFail });
  console.table(rows);
  console.log(`N=${N} per row; messages delivered by smbd: ${delivered()} of ${N * 6 + 5} (incl. 5 warm-up); load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
} finally {
  smbd.kill('SIGTERM');
  await new Promise((r) => smbd.once('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
}
