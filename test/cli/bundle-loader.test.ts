/**
 * The bins' V8 code cache on Node 20 (src/cli/bundle-loader.ts, issue 12): where it may live (a
 * directory of this user's own, never one others can write), that a second run uses it, and that
 * a damaged entry is recompiled and replaced without the command noticing. Its speed is measured
 * by bench/cli-startup.mjs, never here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheDir } from '../../src/cli/bundle-loader.js';
import { buildCli, type BuiltCli } from '../helpers/cli-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const isRoot = process.getuid?.() === 0;

describe('codeCacheDir: only a directory of this user that no one else can write', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-cc-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A fresh private base directory (what XDG_CACHE_HOME names). */
  function base(name: string, mode = 0o700): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    fs.chmodSync(dir, mode);
    return dir;
  }

  it('creates $XDG_CACHE_HOME/netsend mode 0700', () => {
    const xdg = base('ok');
    expect(codeCacheDir({ XDG_CACHE_HOME: xdg })).toBe(path.join(xdg, 'netsend'));
    const st = fs.statSync(path.join(xdg, 'netsend'));
    expect(st.mode & 0o777).toBe(0o700);
    expect(st.uid).toBe(process.getuid!());
    // Again: the existing directory is fine.
    expect(codeCacheDir({ XDG_CACHE_HOME: xdg })).toBe(path.join(xdg, 'netsend'));
  });

  it('refuses a base others can write (a shared /tmp-like directory, sticky or not, or group-writable)', () => {
    for (const [name, mode] of [['world', 0o1777], ['world-plain', 0o777], ['group', 0o770]] as const) {
      const xdg = base(name, mode);
      expect(codeCacheDir({ XDG_CACHE_HOME: xdg }), name).toBeNull();
      expect(fs.existsSync(path.join(xdg, 'netsend')), name).toBe(false);
    }
  });

  it('refuses a netsend directory open to others, a symlink in its place, or a file', () => {
    const open = base('open');
    fs.mkdirSync(path.join(open, 'netsend'));
    fs.chmodSync(path.join(open, 'netsend'), 0o755);
    expect(codeCacheDir({ XDG_CACHE_HOME: open })).toBeNull();
    const linked = base('linked');
    fs.mkdirSync(path.join(linked, 'elsewhere'), { mode: 0o700 });
    fs.symlinkSync(path.join(linked, 'elsewhere'), path.join(linked, 'netsend'));
    expect(codeCacheDir({ XDG_CACHE_HOME: linked })).toBeNull();
    const file = base('file');
    fs.writeFileSync(path.join(file, 'netsend'), '');
    expect(codeCacheDir({ XDG_CACHE_HOME: file })).toBeNull();
  });

  it.runIf(isRoot)("refuses a netsend directory owned by another user, and a base owned by one", () => {
    const theirs = base('theirs');
    fs.mkdirSync(path.join(theirs, 'netsend'), { mode: 0o700 });
    fs.chownSync(path.join(theirs, 'netsend'), 65534, 65534);
    expect(codeCacheDir({ XDG_CACHE_HOME: theirs })).toBeNull();
    const theirBase = base('their-base');
    fs.chownSync(theirBase, 65534, 65534);
    expect(codeCacheDir({ XDG_CACHE_HOME: theirBase })).toBeNull();
    expect(fs.existsSync(path.join(theirBase, 'netsend'))).toBe(false);
  });

  it('NETSEND_NO_CODE_CACHE=1 turns it off; a relative XDG_CACHE_HOME is ignored (the XDG rule)', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: base('off'), NETSEND_NO_CODE_CACHE: '1' })).toBeNull();
    const home = base('home');
    expect(codeCacheDir({ XDG_CACHE_HOME: 'relative/dir', HOME: home })).toBe(path.join(home, '.cache', 'netsend'));
    expect(fs.statSync(path.join(home, '.cache')).mode & 0o777).toBe(0o700);
  });
});

describe('the bundle with a code cache', () => {
  let cli: BuiltCli;
  let driver: string;
  let xdg: string;
  beforeAll(() => {
    cli = buildCli();
    fs.mkdirSync(path.join(cli.dir, 'scripts'));
    fs.copyFileSync(path.join(ROOT, 'scripts/bundle-cli.mjs'), path.join(cli.dir, 'scripts/bundle-cli.mjs'));
    execFileSync(process.execPath, [path.join(cli.dir, 'scripts/bundle-cli.mjs')], { cwd: cli.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    // As the bins do, then how each bundle file was compiled, on stderr.
    driver = path.join(cli.dir, 'drive-cache.mjs');
    fs.writeFileSync(
      driver,
      "import { fileURLToPath } from 'node:url';\n" +
        "import { loadBundle } from './dist/cli/bundle-loader.js';\n" +
        "const b = loadBundle('cli', fileURLToPath(new URL('./dist/', import.meta.url)));\n" +
        'process.exitCode = await b.exports.main(process.argv.slice(2));\n' +
        'b.save();\n' +
        "process.stderr.write('CACHE ' + JSON.stringify(b.cache) + '\\n');\n",
    );
    xdg = path.join(cli.dir, 'xdg');
    fs.mkdirSync(xdg, { mode: 0o700 });
  }, 120_000);
  afterAll(() => cli?.remove());

  function run(args: string[]): { cache: Record<string, string>; stdout: string; status: number | null } {
    const r = spawnSync(process.execPath, [driver, ...args], { cwd: cli.dir, encoding: 'utf8', input: '', env: { ...process.env, XDG_CACHE_HOME: xdg, NETSEND_NO_CODE_CACHE: '' }, timeout: 60_000 });
    const m = /^CACHE (.*)$/m.exec(r.stderr);
    return { cache: m ? (JSON.parse(m[1]!) as Record<string, string>) : {}, stdout: r.stdout, status: r.status };
  }

  const cached = (): string[] => fs.readdirSync(path.join(xdg, 'netsend')).sort();

  it('the first run writes the compiled entry (0600, keyed by its hash and Node), the second uses it', () => {
    const first = run(['--help']);
    expect(first.status).toBe(0);
    expect(first.cache).toEqual({ 'cli.bundle.cjs': 'miss' });
    const hash = /^\/\/# netsend-bundle ([0-9a-f]{64})$/m.exec(fs.readFileSync(path.join(cli.dir, 'dist/cli.bundle.cjs'), 'utf8'))![1]!;
    expect(cached()).toEqual([`cli-${hash}-${process.version}-${process.arch}.v8`]);
    const file = path.join(xdg, 'netsend', cached()[0]!);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const before = fs.statSync(file);
    const second = run(['--help']);
    expect(second.cache).toEqual({ 'cli.bundle.cjs': 'hit' });
    expect(second.stdout).toBe(first.stdout);
    expect(second.stdout).toContain('Usage: netsend [send]');
    const after = fs.statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('a chunk is cached under its own name; a damaged cache file is recompiled and replaced', () => {
    const args = ['--host', '127.0.0.1', '--port', '1', '--timeout', '2000', 'BOB', 'x'];
    const send = run(args);
    expect(send.status).toBe(1);
    const chunk = Object.keys(send.cache).find((f) => f !== 'cli.bundle.cjs')!;
    expect(send.cache[chunk]).toBe('miss');
    expect(cached().some((f) => f.startsWith(path.basename(chunk, '.cjs') + '-'))).toBe(true);
    expect(run(args).cache[chunk]).toBe('hit');
    // Garbage of the same size in place of the entry's compiled code.
    const entry = path.join(xdg, 'netsend', cached().find((f) => f.startsWith('cli-') && !f.startsWith('cli-chunk-'))!);
    fs.writeFileSync(entry, Buffer.alloc(fs.statSync(entry).size, 0x5a));
    const damaged = run(['--version']);
    expect(damaged.status).toBe(0);
    expect(damaged.stdout).toMatch(/^netsend \d+\.\d+\.\d+/);
    expect(damaged.cache['cli.bundle.cjs']).toBe('miss');
    expect(run(['--version']).cache['cli.bundle.cjs']).toBe('hit');
  });
});
