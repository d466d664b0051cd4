#!/usr/bin/env node
// `npm run bench`: the cheap benchmarks one after another, each in its own process (they start
// their own private smbd, so run as root with Samba installed), then one side-by-side table of
// netsend against the peers on this machine (smbclient -M, rpcclient) with the ratios issue 12
// sets as goals (netsend / peer time, or peer / netsend rate: <= 1 is met for times, >= 1 for rates).
// Long runs stay manual: `node bench/fuzz.mjs`, and `npm run bench:load`.
// Usage: npm run bench [-- N] [--compare-only]   (N: iterations for the per-call benchmarks,
// default 20; the interleaved CLI rounds use max(N, 30); --compare-only: just the side-by-side table)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const compareOnly = process.argv.includes('--compare-only');
const n = process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? '20';
const runs = [
  ['messenger.mjs', n],
  ['smb1.mjs', n],
  ['smb2.mjs', n],
  ['warm-concurrent.mjs', '2000'],
  ['load.mjs', '--peer', 'receiver', '-n', '2000', '-c', '100'],
  ['load.mjs', '--peer', 'samba', '-n', '100', '-c', '20', '--settle', '5000'],
];
/** Benchmarks whose --json line feeds the side-by-side table. */
const compared = [
  ['cli-startup.mjs', String(Math.max(30, Number(n))), '--json'],
  ['warm.mjs', '2000', '--json'],
  ['remote.mjs', n, '--json'],
  ['pipeline.mjs', n, '--json'],
];
let failed = 0;
for (const [script, ...args] of compareOnly ? [] : runs) {
  console.log(`\n### node bench/${script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [dir + script, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${script} exited with ${r.status ?? r.signal}`);
  }
}
const results = {};
for (const [script, ...args] of compared) {
  console.log(`\n### node bench/${script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [dir + script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    failed++;
    console.error(`bench/${script} exited with ${r.status ?? r.signal}`);
    continue;
  }
  results[script] = JSON.parse(line);
  console.log(line);
}

const side = [];
const cli = results['cli-startup.mjs'];
if (cli) {
  const ms = Object.fromEntries(cli.table.map((r) => [r.row, r.median_ms]));
  const row = (path, ours, peerName, goal) => side.push({ path, netsend: `${ms[ours]} ms`, peer: peerName, 'peer value': `${ms[peerName]} ms`, ratio: +(ms[ours] / ms[peerName]).toFixed(2), goal, met: ms[ours] / ms[peerName] <= 1 ? 'yes' : 'no' });
  row('CLI start-up (--help)', 'netsend --help', 'smbclient --version', '<= 1');
  row('direct send, new process', 'netsend direct send (139)', 'smbclient -M (139)', '<= 1');
  row('remote send, new process', 'netsend --server (remote)', 'rpcclient messagebuffersend', '<= 1');
  side.push({ path: '(floor: node -e 0)', netsend: `${ms['node -e 0 (floor)']} ms`, peer: 'smbclient -M (139)', 'peer value': `${ms['smbclient -M (139)']} ms`, ratio: +(ms['node -e 0 (floor)'] / ms['smbclient -M (139)']).toFixed(2), goal: '', met: '' });
}
const warm = results['warm.mjs'];
if (warm) {
  for (const r of warm.rows) side.push({ path: `warm calls, ${r.mode}`, netsend: `${r.netsend_calls_per_s}/s`, peer: 'rpcclient', 'peer value': `${r.rpcclient_calls_per_s}/s`, ratio: r.ratio, goal: '>= 1', met: r.ratio >= 1 ? 'yes' : 'no' });
}
const remote = results['remote.mjs'];
if (remote) {
  // Goal 2: a cold remote send in <= 5 round trips, 'auto' paying nothing for the SMB1 fallback it keeps.
  const peer = remote.rows.find((r) => r.path.startsWith('rpcclient'));
  for (const r of remote.rows.filter((x) => x.path.startsWith('auto') || x.path.startsWith('SMB2+'))) {
    side.push({ path: `cold remote send round trips, ${r.path}`, netsend: `${r.requests_per_cold_send} RT, ${r.median_ms} ms`, peer: 'rpcclient', 'peer value': `${peer?.requests_per_cold_send} RT`, ratio: +(r.requests_per_cold_send / (peer?.requests_per_cold_send ?? NaN)).toFixed(2), goal: '<= 5 RT', met: r.requests_per_cold_send <= 5 ? 'yes' : 'no' });
  }
}
const pipe = results['pipeline.mjs'];
if (pipe) {
  // Goal 3: direct delivery's round trips after the NBSS session (Direct TCP 445 has none), per pipelining mode.
  for (const r of pipe.rows.filter((x) => x.target.startsWith('samba direct 445') && x.target.includes(`+${pipe.delay_ms}ms`))) {
    const lockStep = pipe.rows.find((x) => x.target === r.target && x.pipeline === 'off');
    side.push({ path: `direct send to Samba, 445 +${pipe.delay_ms}ms, --pipeline ${r.pipeline}`, netsend: `${r.round_trips_wire} RT, ${r.median_ms} ms`, peer: 'lock-step (smbclient -M)', 'peer value': `${lockStep?.round_trips_wire} RT, ${lockStep?.median_ms} ms`, ratio: r['vs off'], goal: '1 RT', met: r.round_trips_wire <= 1 ? 'yes' : 'no' });
  }
  side.push({ path: 'protocol share of a lock-step send to Samba (rest: its message command)', netsend: `${pipe.share.protocol_share}`, peer: '', 'peer value': '', ratio: '', goal: '', met: '' });
}
if (side.length) {
  console.log('\n### netsend side by side with the peers (medians; ratio = netsend / peer for times, rate / peer rate for calls)');
  console.table(side);
}
process.exitCode = failed ? 1 : 0;
