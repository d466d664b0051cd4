/**
 * The API reference (`npm run docs`, TypeDoc over the package's `exports` entry points) builds with
 * warnings treated as errors: every documented-kind export carries a doc comment, every link resolves,
 * and every type the public API references is either exported or listed in typedoc.json. CI runs this
 * through `npm test`; the output goes to a temporary directory, never into the work tree.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TYPEDOC = path.join(ROOT, 'node_modules/typedoc/bin/typedoc');
const OUT = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-docs-'));

afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

describe('API docs (TypeDoc)', () => {
  it('typedoc.json covers every package.json export', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
    const fromExports = Object.keys(pkg.exports)
      .filter((k) => k !== './package.json')
      .map((k) => (k === '.' ? 'src/index.ts' : `src/${k.slice(2)}/index.ts`))
      .sort();
    expect([...cfg.entryPoints].sort()).toEqual(fromExports);
  });

  it('builds with warnings as errors (undocumented exports, broken links, unexported referenced types)', () => {
    const r = spawnSync(process.execPath, [TYPEDOC, '--treatWarningsAsErrors', '--out', OUT], { cwd: ROOT, encoding: 'utf8' });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(output.split('\n').filter((l) => /warning|error/i.test(l) && !/Found 0 errors and 0 warnings/.test(l))).toEqual([]);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(OUT, 'index.html'))).toBe(true);
  }, 180_000);
});
