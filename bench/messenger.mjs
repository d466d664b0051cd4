#!/usr/bin/env node
// Benchmark: direct Messenger delivery, our sendMessage versus `smbclient -M`, against one private
// smbd on its own loopback address (run as root: smbd needs 139/445). N sends each, median time.
// Usage: npm run build && node bench/messenger.mjs [N]
import { execFile } from 'node:child_process';
import os from 'node:os';
import { sendMessage } from '../dist/messenger/send.js';
import { startBenchSamba, median } from './lib/samba.mjs';

const N = Number(process.argv[2] ?? 50);
const samba = await startBenchSamba({}, { messageCommand: true });
const { host, delivered } = samba;

try {
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
  // The CLI's default pipelining ('auto' = 'after-start'): session, 0xD5, then 0xD7 + 0xD6 together.
  rows.push({ peer: 'netsend CLI (new node process each) port 139', median_ms: +median(cliTimes).toFixed(2), round_trips: 3, failures: cliFail });
  console.table(rows);
  console.log(`N=${N} per row; messages delivered by smbd: ${delivered()} of ${N * 6 + 5} (incl. 5 warm-up); load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
} finally {
  await samba.stop();
}
