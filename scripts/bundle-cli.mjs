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
/** dist files (relative to dist/) that `roots` reach through static imports: what one dynamic import loads. */
function staticClosure(roots) {
  const seen = new Set();
  const stack = roots.map((r) => path.join(dist, r));
  while (stack.length > 0) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s*['"](\.[^'"]+)['"]|^import\s*['"](\.[^'"]+)['"]/gm)) stack.push(path.resolve(path.dirname(file), m[1] ?? m[2]));
  }
  return seen;
}

// What a direct send imports when it runs (runSend in src/cli/main.ts): one chunk, not one per module
// shared with other commands (a file costs a resolve, a read and a link).
const DIRECT_SEND = staticClosure(['messenger/send.js', 'messenger/status-map.js', 'messenger/text.js']);
// NetBIOS name resolution, which a send loads only for a NAME without --host.
const RESOLVE = staticClosure(['messenger/resolve.js']);
// Likewise the remote path's stack (SMB2/3, NTLM, DCE/RPC; runRemoteSend and runInfo in src/cli/remote.ts).
const REMOTE = staticClosure(['messenger/remote.js']);
// sendnetmsg always looks the name up, then sends directly (netMessageBufferSend, src/messenger/api.ts).
const API_SEND = staticClosure(['messenger/api.js']);

// One build per bin: each entry file holds everything its bin loads at start (one file to read and
// link: rolldown's `$initial` tag captures the entry's static closure, and 'allow-extension' lets it
// stay in the entry file); what a command imports on demand (src/cli runners: a send, remote, listen)
// becomes chunks, so `--help` reads one file and a direct send no SMB2/NTLM/RPC code.
for (const [entry, name] of [['cli/main.js', 'cli'], ['cli/sendnetmsg.js', 'sendnetmsg']]) {
  await rolldown.build({
    input: { [`${name}.bundle`]: path.join(dist, entry) },
    platform: 'node',
    // iconv-lite stays the package's runtime dependency (its code-page tables load on demand).
    external: [/^node:/, 'iconv-lite'],
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: dist,
      format: 'esm',
      // Node decodes a source file to a JS string and V8 scans every character of it: comments are
      // ~30% of the text, and one non-ASCII character (a \u00a7 in a comment) makes the whole file a
      // two-byte string. Without comments, with the rest escaped to ASCII, each start reads less.
      comments: false,
      charset: 'ascii',
      entryFileNames: '[name].js',
      chunkFileNames: `${name}-chunk-[hash].js`,
      codeSplitting: {
        groups: [
          { name: `${name}-start`, tags: ['$initial'], priority: 4 },
          { name: `${name}-send`, test: (id) => DIRECT_SEND.has(id) || (name === 'sendnetmsg' && API_SEND.has(id)), priority: 3 },
          { name: `${name}-resolve`, test: (id) => RESOLVE.has(id), priority: 2 },
          { name: `${name}-remote`, test: (id) => REMOTE.has(id), priority: 1 },
        ],
      },
    },
    logLevel: 'warn',
    // The chunks are chosen above, per command: a module imported on demand by one command and
    // statically by another lands in whichever chunk its group says, which is the point, not a fault.
    onLog(level, log, defaultHandler) {
      if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
      defaultHandler(level, log);
    },
  });
}

// Node builtins through process.getBuiltinModule (createRequire before Node 20.16) instead of ESM
// imports: an ESM import of a builtin builds a facade module that reads every export, which runs
// lazy getters (node:fs loads its streams, node:crypto all of Web Crypto, node:util its MIME
// parser) that the CLI never uses. A builtin has no side effects on import, so a bare
// `import "node:x"` (rolldown keeps them for ordering) is dropped. node:module stays an ESM import
// for the fallback: the bins load it anyway.
const BUILTIN_IMPORT = /^import (?:(\* as [\w$]+)|(\{[^}]*\})|([\w$]+))? ?(?:from )?"(node:[\w/]+)";\n/gm;
for (const f of fs.readdirSync(dist)) {
  if (!/^(cli|sendnetmsg)(\.bundle|-chunk-.*)\.js$/.test(f)) continue;
  const file = path.join(dist, f);
  const text = fs.readFileSync(file, 'utf8');
  let used = false;
  const out = text.replace(BUILTIN_IMPORT, (line, ns, named, def, id) => {
    if (!ns && !named && !def) return '';
    used = true;
    const value = `__netsendBuiltin(${JSON.stringify(id)})`;
    if (ns) return `const ${ns.slice(5)} = ${value};\n`;
    if (named) return `const ${named.replace(/ as /g, ': ')} = ${value};\n`;
    return `const ${def} = ${value};\n`;
  });
  if (/^import [^;]*"node:/m.test(out)) throw new Error(`scripts/bundle-cli.mjs: ${f}: a builtin import left unrewritten`);
  const prelude = 'import { createRequire as __netsendCreateRequire } from "node:module";\n' + 'const __netsendBuiltin = process.getBuiltinModule ? (id) => process.getBuiltinModule(id) : __netsendCreateRequire(import.meta.url);\n';
  fs.writeFileSync(file, used ? prelude + out : out);
}
