#!/usr/bin/env node
// Benchmark: whole-process wall time of the CLI against its peers, interleaved in one run (each
// round runs every row once, in turn, so machine load hits all rows alike); medians of N rounds.
// Rows: bare `node -e 0` (the floor), `netsend --help` vs `smbclient --version`, a direct send vs
// `smbclient -M` (port 139), a remote send (--server) vs `rpcclient wkssvc_messagebuffersend`.
// Samba answers the remote opnum 12 with a fault: both peers exit 1 after the full exchange.
// Usage (root): npm run build && node bench/cli-startup.mjs [N] [--json] [--base OTHER/bin/netsend.js]
//   --base adds the same three netsend rows for another build (e.g. an older commit's), in the same rounds.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { startBenchSamba, median } from './lib/samba.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
const bin = new URL('../bin/netsend.js', import.meta.url).pathname;
const base = args.includes('--base') ? args[args.indexOf('--base') + 1] : undefined;
const samba = await startBenchSamba({}, { messageCommand: true });
const { host, user } = samba;

/** Runs one process to its end; resolves to its wall time in ms (exit status ignored: faults exit 1). */
function run(file, argv, stdin) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const c = execFile(file, argv, { env: { ...process.env, NETSEND_PASSWORD: user.password } }, () => resolve(performance.now() - t0));
    c.stdin.end(stdin ?? '');
  });
}

const rows = [
  ['node -e 0 (floor)', () => run(process.execPath, ['-e', '0'])],
  ['netsend --help', () => run(process.execPath, [bin, '--help'])],
  ['smbclient --version', () => run('smbclient', ['--version'])],
  ['netsend direct send (139)', () => run(process.execPath, [bin, '--host', host, '--from', 'BENCH', 'BENCHSRV', 'bench cli'])],
  ['smbclient -M (139)', () => run('smbclient', ['-M', 'BENCHSRV', '-I', host, '-p', '139', '-U', 'bench', '-N', '-n', 'BENCH'], 'bench smbclient\n')],
  ['netsend --server (remote)', () => run(process.execPath, [bin, '--server', host, '-U', user.name, '--from', 'ALICE', 'BOB', 'bench'])],
  ['rpcclient messagebuffersend', () => run('rpcclient', ['-U', `${user.name}%${user.password}`, host, '-c', 'wkssvc_messagebuffersend "bench"'])],
];
if (base) {
  rows.push(
    ['base netsend --help', () => run(process.execPath, [base, '--help'])],
    ['base netsend direct send (139)', () => run(process.execPath, [base, '--host', host, '--from', 'BENCH', 'BENCHSRV', 'bench cli'])],
    ['base netsend --server (remote)', () => run(process.execPath, [base, '--server', host, '-U', user.name, '--from', 'ALICE', 'BOB', 'bench'])],
  );
}
try {
  for (const [, f] of rows) await f(); // warm-up: page cache, smbd's first fork
  const times = rows.map(() => []);
  for (let i = 0; i < N; i++) for (let r = 0; r < rows.length; r++) times[r].push(await rows[r][1]());
  const med = times.map(median);
  const ratio = (a, b) => +(med[a] / med[b]).toFixed(2);
  const table = rows.map(([name], r) => ({ row: name, median_ms: +med[r].toFixed(1) }));
  const goals = {
    'help / smbclient --version': ratio(1, 2),
    'direct send / smbclient -M': ratio(3, 4),
    'remote send / rpcclient': ratio(5, 6),
    'node floor / smbclient -M': ratio(0, 4),
    ...(base ? { 'help / base help': ratio(1, 7), 'direct send / base direct send': ratio(3, 8), 'remote send / base remote send': ratio(5, 9) } : {}),
  };
  if (json) console.log(JSON.stringify({ n: N, table, goals }));
  else {
    console.table(table);
    console.table(Object.entries(goals).map(([k, v]) => ({ ratio: k, value: v, goal_met: k.startsWith('node') || k.includes('base') ? '' : v <= 1 ? 'yes' : 'no' })));
    console.log(`N=${N} interleaved rounds; node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  }
} finally {
  await samba.stop();
}
