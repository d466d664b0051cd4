#!/usr/bin/env node
// `npm run bench`: the cheap benchmarks one after another, each in its own process (they start
// their own private smbd, so run as root with Samba installed). Long runs stay manual:
// `node bench/fuzz.mjs`, and `npm run bench:load` (1,000 sends to Samba, 10,000 to our receiver).
// Usage: npm run bench [-- N]   (N: iterations for the per-call benchmarks, default 20)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const n = process.argv[2] ?? '20';
const runs = [
  ['messenger.mjs', n],
  ['smb1.mjs', n],
  ['smb2.mjs', n],
  ['remote.mjs', n],
  ['load.mjs', '--peer', 'receiver', '-n', '2000', '-c', '100'],
  ['load.mjs', '--peer', 'samba', '-n', '100', '-c', '20', '--settle', '5000'],
];
let failed = 0;
for (const [script, ...args] of runs) {
  console.log(`\n### node bench/${script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [dir + script, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${script} exited with ${r.status ?? r.signal}`);
  }
}
process.exitCode = failed ? 1 : 0;
