#!/usr/bin/env node
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadBundle } from '../dist/cli/bundle-loader.js';

// Node >= 22.1 keeps V8's compiled code between runs; on Node 20 the bundle loader does (src/cli/bundle-loader.ts).
module.enableCompileCache?.();
// The bundle `npm run build` makes (scripts/bundle-cli.mjs) starts faster; a plain tsc build has only dist/cli.
let bundle = null;
try {
  bundle = loadBundle('sendnetmsg', fileURLToPath(new URL('../dist/', import.meta.url)));
} catch {
  bundle = null;
}
const { sendnetmsgMain } = bundle?.exports ?? (await import('../dist/cli/sendnetmsg.js'));

sendnetmsgMain(process.argv.slice(2), { stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
    bundle?.save();
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
