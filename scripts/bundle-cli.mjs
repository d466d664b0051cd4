#!/usr/bin/env node
// `npm run build`, second step: bundles the CLI entry points of dist/ (tsc's output) into
// dist/cli.bundle.js and dist/sendnetmsg.bundle.js (plus shared chunks), so starting a bin reads
// a few files instead of ~90 ES modules (bench/cli-startup.mjs measures it). The bins load a
// bundle when it exists and fall back to dist/cli/*.js, so a plain `tsc` build still runs.
// The bundler is rolldown (a dev dependency); without it the bundle is skipped, not failed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
// A stale bundle must never outlive a rebuild of dist/cli.
for (const f of fs.readdirSync(dist)) if (/^(cli|sendnetmsg)(\.bundle|-chunk-.*)\.js$/.test(f)) fs.rmSync(path.join(dist, f));

let rolldown;
try {
  rolldown = await import('rolldown');
} catch {
  console.warn('scripts/bundle-cli.mjs: rolldown not installed; the bins will load dist/cli/*.js');
  process.exit(0);
}
// One build per bin: each entry file then holds everything its bin loads at start (one file to read
// and link); only what a command imports on demand (remote send, listen) becomes a chunk.
for (const [entry, name] of [['cli/main.js', 'cli'], ['cli/sendnetmsg.js', 'sendnetmsg']]) {
  await rolldown.build({
    input: { [`${name}.bundle`]: path.join(dist, entry) },
    platform: 'node',
    // iconv-lite stays the package's runtime dependency (its code-page tables load on demand).
    external: [/^node:/, 'iconv-lite'],
    output: { dir: dist, format: 'esm', entryFileNames: '[name].js', chunkFileNames: `${name}-chunk-[hash].js` },
    logLevel: 'warn',
  });
}
