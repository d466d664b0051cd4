/**
 * test/ mirrors src/: each layer of src/ has its tests in the same folder under test/ (a sub-folder
 * such as smb/smb1 may have its own), and test/ has no folder that src/ lacks besides the
 * cross-cutting ones below.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Folders of test/ that test across layers or serve the tests. */
const CROSS_CUTTING = new Set(['architecture', 'fuzz', 'harness', 'helpers', 'package']);

function dirs(base: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(base, rel), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      return [r, ...dirs(base, r)];
    });
}

describe('test/ mirrors src/', () => {
  const srcDirs = dirs(path.join(ROOT, 'src'));
  const testDirs = dirs(path.join(ROOT, 'test'));

  it('every layer of src/ has a test folder with tests', () => {
    const missing = srcDirs.filter((d) => !d.includes('/')).filter((d) => {
      const t = path.join(ROOT, 'test', d);
      const hasCode = fs.readdirSync(path.join(ROOT, 'src', d)).some((f) => f.endsWith('.ts') && f !== 'index.ts');
      return hasCode && !(fs.existsSync(t) && fs.readdirSync(t, { recursive: true }).some((f) => String(f).endsWith('.test.ts')));
    });
    expect(missing).toEqual([]);
  });

  it('no test folder without a src/ counterpart (besides the cross-cutting ones)', () => {
    const extra = testDirs.filter((d) => {
      const top = d.split('/')[0]!;
      if (CROSS_CUTTING.has(top)) return false;
      if (/(^|\/)(fixtures|captures|netns)$/.test(d)) return false; // data and helpers beside the tests
      return !srcDirs.includes(d);
    });
    expect(extra).toEqual([]);
  });
});
