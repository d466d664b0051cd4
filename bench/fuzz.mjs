#!/usr/bin/env node
// Long-running mutation fuzzer: the targets, seeds, mutations and oracle of test/fuzz/targets.ts, run
// against the built library (dist/). There is no TypeScript loader, so this script transpiles
// test/fuzz/targets.ts and test/helpers/fixtures.ts with the `typescript` dev dependency into a
// temporary directory whose src/ is a link to dist/. See docs/fuzzing.md.
//
// Usage: npm run build && node bench/fuzz.mjs [iterations-per-target] [seed] [target-filter] [socket-runs]
//   iterations-per-target  default 100000
//   seed                   default: time-based (printed, so a run can be repeated)
//   target-filter          substring of target names ("" = all)
//   socket-runs            connections per client script (default 200; 0 = none)
// NETSEND_FUZZ_DIST=/path uses another build output instead of dist/.
// Prints every finding (target, kind, exception, src frame, minimised reproducer hex); exit code 1 if any.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const iterations = Number(process.argv[2] ?? 100000);
const seed = Number(process.argv[3] ?? (Date.now() & 0x7fffffff));
const filter = process.argv[4] ?? '';
const socketRuns = Number(process.argv[5] ?? 200);
// NETSEND_FUZZ_DIST points at another build output (e.g. `tsc -p tsconfig.build.json --outDir /tmp/d`).
const dist = path.resolve(process.env.NETSEND_FUZZ_DIST ?? path.join(root, 'dist'));

if (!fs.existsSync(path.join(dist, 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}

/** Transpiles the fuzzer sources into a throwaway tree that resolves ../../src to dist/. */
function stage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-fuzz-'));
  for (const rel of ['test/fuzz/targets.ts', 'test/helpers/fixtures.ts']) {
    const src = fs.readFileSync(path.join(root, rel), 'utf8');
    const out = ts.transpileModule(src, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, isolatedModules: true },
      fileName: rel,
    }).outputText;
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel.replace(/\.ts$/, '.js')), out);
  }
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  fs.symlinkSync(dist, path.join(dir, 'src'), 'dir');
  fs.symlinkSync(path.join(root, 'fixtures'), path.join(dir, 'fixtures'), 'dir');
  fs.mkdirSync(path.join(dir, 'test', 'rpc'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'test', 'smb2'), { recursive: true });
  for (const d of ['test/rpc/captures', 'test/smb/smb2/fixtures']) {
    if (fs.existsSync(path.join(root, d))) fs.symlinkSync(path.join(root, d), path.join(dir, d), 'dir');
  }
  return dir;
}

const dir = stage();
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const lib = await import(pathToFileURL(path.join(dir, 'test', 'fuzz', 'targets.js')).href);

let strays = 0;
process.on('unhandledRejection', (e) => {
  strays++;
  console.log(`FINDING unhandled rejection: ${e?.stack ?? e}`);
});
process.on('uncaughtException', (e) => {
  strays++;
  console.log(`FINDING uncaught exception: ${e?.stack ?? e}`);
});

console.log(`netsend fuzz: seed ${seed}, ${iterations} iterations per target, filter "${filter}", ${socketRuns} socket runs per script`);
const seeds = lib.loadSeeds();
const findings = [];
let total = 0;
const t0 = performance.now();
for (const t of lib.TARGETS) {
  if (!t.name.includes(filter)) continue;
  const s = performance.now();
  const r = lib.fuzzTarget(t, seeds, iterations, seed);
  total += r.iterations;
  findings.push(...r.findings);
  console.log(`${t.name.padEnd(56)} ${String(r.iterations).padStart(8)} inputs ${((performance.now() - s) / 1000).toFixed(1).padStart(6)} s  ${r.findings.length ? r.findings.length + ' FINDING(S)' : 'ok'}`);
}

if (socketRuns > 0) {
  const rpcReplies = lib.rpcReplies(seeds);
  const scripts = lib.replayScripts().filter((s) => ('client ' + s.name).includes(filter) || filter === '');
  const baseline = lib.activeResources();
  for (const script of scripts) {
    const pool = seeds.get(script.dialect.startsWith('smb2') ? 'smb2' : 'smb1') ?? [];
    const hist = {};
    for (let i = 0; i < socketRuns; i += 4) {
      const batch = await Promise.all(
        [0, 1, 2, 3].map(async (j) => {
          const runSeed = seed + i + j;
          const rng = new lib.Rng(runSeed);
          const mutated = [];
          const mut = lib.replyMutator(rng, pool, script.replies.length);
          const o = await lib.replayOnce(script, (k, b) => {
            const m = mut(k, b);
            mutated.push(m.toString('hex'));
            return m;
          });
          return { o, runSeed, mutated };
        }),
      );
      for (const { o, runSeed, mutated } of batch) {
        hist[`${o.result}:${o.detail}`] = (hist[`${o.result}:${o.detail}`] ?? 0) + 1;
        if (o.result === 'exception' || o.result === 'hang') {
          findings.push({ target: `client ${script.name}`, kind: o.result, detail: o.detail, where: o.where, hex: `run seed ${runSeed}; replies ${mutated.join(' | ')}` });
        }
      }
      total += batch.length;
    }
    console.log(`client ${script.name}: ${JSON.stringify(hist)}`);
  }
  if (rpcReplies.length >= 2) {
    const hist = {};
    for (let i = 0; i < socketRuns * 10; i++) {
      const rng = new lib.Rng(seed + i);
      const mutated = [];
      const mut = lib.replyMutator(rng, seeds.get('rpc-pdu') ?? [], rpcReplies.length);
      const o = await lib.rpcReplayOnce(rpcReplies, (k, b) => {
        const m = mut(k, b);
        mutated.push(m.toString('hex'));
        return m;
      });
      hist[`${o.result}:${o.detail}`] = (hist[`${o.result}:${o.detail}`] ?? 0) + 1;
      if (o.result === 'exception' || o.result === 'hang') findings.push({ target: 'RpcClient bind+NetrWkstaGetInfo', kind: o.result, detail: o.detail, where: o.where, hex: `replies ${mutated.join(' | ')}` });
      total++;
    }
    console.log(`RpcClient replay: ${JSON.stringify(hist)}`);
  }
  for (const transport of ['nbss', 'direct']) {
    const h = await lib.startFuzzReceiver(transport);
    let stuck = 0;
    let sent = 0;
    for (const script of lib.receiverScripts().filter((r) => r.transport === transport)) {
      for (let i = 0; i < socketRuns * 4; i += 8) {
        await Promise.all(
          [0, 1, 2, 3, 4, 5, 6, 7].map(async (j) => {
            const bytes = lib.mutateClientStream(new lib.Rng(seed + i + j), script.stream, seeds.get('smb1') ?? []);
            sent++;
            if (!(await lib.sendToReceiver(h, bytes))) {
              stuck++;
              findings.push({ target: `receiver ${transport}`, kind: 'hang', detail: 'connection not closed', where: '?', hex: bytes.toString('hex') });
            }
          }),
        );
      }
    }
    for (const e of h.errors.filter((x) => x.name === 'INTERNAL')) findings.push({ target: `receiver ${transport}`, kind: 'exception', detail: e.message, where: '?', hex: '(see run seed)' });
    const hist = {};
    for (const e of h.errors) hist[e.name] = (hist[e.name] ?? 0) + 1;
    console.log(`receiver ${transport}: ${sent} streams, ${h.delivered} delivered, ${stuck} stuck, reported ${JSON.stringify(hist)}`);
    total += sent;
    await h.receiver.close();
  }
  await new Promise((r) => setTimeout(r, 200));
  const leak = lib.leaked(baseline, lib.activeResources());
  if (leak.length) findings.push({ target: 'clients', kind: 'leak', detail: leak.join(', '), where: '?', hex: '' });
}

const uniq = [];
for (const f of findings) if (!uniq.some((g) => g.target === f.target && g.kind === f.kind && g.where === f.where && g.detail.split(':')[0] === f.detail.split(':')[0])) uniq.push(f);
console.log(`\n${total} inputs in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${uniq.length} finding(s)${strays ? `, ${strays} stray exception(s)` : ''}`);
for (const f of uniq) console.log(`\nFINDING ${f.target}: ${f.kind} ${f.detail}\n  at ${f.where}\n  reproducer ${f.hex}`);
process.exitCode = uniq.length || strays ? 1 : 0;
