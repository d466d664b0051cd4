/**
 * The package's bins as a user runs them: `tsc -p tsconfig.build.json` into a scratch tree inside the
 * repository (so `node_modules` resolves as it does for dist/), the bin scripts copied beside it.
 * Built once per test file; `run` spawns `node BIN args` with the given environment.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BinRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface BuiltBins {
  dir: string;
  run(bin: string, args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<BinRun>;
  remove(): void;
}

export function buildBins(): BuiltBins {
  fs.mkdirSync(path.join(ROOT, '.test-build'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, '.test-build', 'b-'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist')], { stdio: 'pipe' });
  fs.cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  return {
    dir,
    run(bin, args, opts = {}) {
      return new Promise((resolve) => {
        const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env };
        execFile(process.execPath, [path.join(dir, 'bin', bin), ...args], { env, timeout: opts.timeoutMs ?? 30_000 }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
          resolve({ code, stdout, stderr });
        });
      });
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
