/**
 * Transpiles ns-client.ts and the sources it imports (type-stripping only) into a temporary
 * directory, so child processes in other network namespaces run plain JavaScript with no loader.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');

/**
 * Returns the path of the runnable ns-client.js (or of `entryTs` transpiled the same way, e.g. a
 * CLI entry); `dir` is removed by the caller.
 */
export function buildNsClient(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-nsclient-')), entryTs = path.join(here, 'ns-client.ts')): { dir: string; entry: string } {
  const pending = [entryTs];
  const done = new Set<string>();
  while (pending.length) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = fs.readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)\.js'/g)) pending.push(path.resolve(path.dirname(file), `${m[1]}.ts`));
    const out = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const target = path.join(dir, path.relative(repoRoot, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, out.outputText);
  }
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  const nm = path.join(dir, 'node_modules');
  if (!fs.existsSync(nm)) fs.symlinkSync(path.join(repoRoot, 'node_modules'), nm);
  return { dir, entry: path.join(dir, path.relative(repoRoot, entryTs)).replace(/\.ts$/, '.js') };
}
