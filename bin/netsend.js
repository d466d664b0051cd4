#!/usr/bin/env node
import module from 'node:module';

// Node >= 22.1 keeps V8's compiled code between runs (a no-op on Node 20, which lacks it).
module.enableCompileCache?.();
// The bundle `npm run build` makes (scripts/bundle-cli.mjs) starts faster; a plain tsc build has only dist/cli.
const { main } = await import('../dist/cli.bundle.js').catch((e) => (e?.code === 'ERR_MODULE_NOT_FOUND' ? import('../dist/cli/main.js') : Promise.reject(e)));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
