/**
 * Loads the CLI bundle `npm run build` makes (scripts/bundle-cli.mjs: dist/NAME.bundle.cjs and its
 * chunks, CommonJS) for the bins, keeping V8's compiled code between runs on Node 20, which lacks
 * module.enableCompileCache (Node >= 22.1 has it: there the bundle is a plain require and Node
 * caches it). Compiling the bundle is a measurable part of a send's wall time (issue 12,
 * bench/cli-startup.mjs).
 *
 * The cache is V8 code: whoever can write it runs code as this user. So it lives only in a
 * directory of this user's own: $XDG_CACHE_HOME/netsend (an absolute XDG_CACHE_HOME), else
 * ~/.cache/netsend, created mode 0700, used only when it is a real directory owned by this user
 * that no one else can write or read, under a parent no one else can write. Entries are keyed by
 * the code's hash (a chunk's file name carries one, the entry's first line another) and by Node's
 * version and architecture; V8 itself rejects data made by another V8 or for another source.
 * Any failure to read or write the cache falls back silently to compiling as usual.
 * NETSEND_NO_CODE_CACHE=1 turns it off.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as nodeModule from 'node:module';

/** A loaded bundle: its exports, the files it read, and what to do once the command is done. */
export interface LoadedBundle {
  exports: Record<string, unknown>;
  /** Bundle files read, in order (relative to dist/). */
  files: string[];
  /** How each file was compiled: 'hit' (from the cache), 'miss' (compiled, cache written at save), 'off'. */
  cache: Record<string, 'hit' | 'miss' | 'off'>;
  /** Writes the compiled code of every file the cache missed; never throws. */
  save(): void;
}

/** First line of a bundle entry: `//# netsend-bundle <sha256 of the rest>` (scripts/bundle-cli.mjs). */
const HASH_LINE = /^\/\/# netsend-bundle ([0-9a-f]{64})\n/;
/** A chunk's name carries rolldown's content hash. */
const CHUNK = /^[a-z]+-chunk-[A-Za-z0-9_-]+\.cjs$/;

/**
 * This user's private cache directory, or null when there is none fit to hold code: created 0700
 * when absent; refused when it (or the parent it would be made in) is a symlink, not a directory,
 * not owned by this user, or open to others.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NETSEND_NO_CODE_CACHE === '1' || typeof process.getuid !== 'function') return null;
  const uid = process.getuid();
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || os.homedir(), '.cache');
  try {
    const parent = fs.lstatSync(base, { throwIfNoEntry: false });
    if (parent === undefined) fs.mkdirSync(base, { recursive: true, mode: 0o700 });
    else if (!parent.isDirectory() || (parent.mode & 0o022) !== 0 || (parent.uid !== uid && parent.uid !== 0)) return null;
    const dir = path.join(base, 'netsend');
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return null;
    }
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) return null;
    return dir;
  } catch {
    return null;
  }
}

/** The file that holds one bundle file's compiled code. */
function cacheFile(dir: string, key: string): string {
  return path.join(dir, `${key}-${process.version}-${process.arch}.v8`);
}

/** Reads cached code, or undefined (absent, unreadable, not a plain file of ours). */
function readCache(file: string): Buffer | undefined {
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile() || st.uid !== process.getuid?.()) return undefined;
      return fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Writes cached code atomically (a private temporary file, then rename); errors are ignored. */
function writeCache(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing left to clean
    }
  }
}

/**
 * Loads dist/NAME.bundle.cjs (NAME 'cli' or 'sendnetmsg') from `distDir`; null when the build has
 * no bundle (a plain tsc build: the bins then import dist/cli/*.js).
 */
export function loadBundle(name: string, distDir: string, env: NodeJS.ProcessEnv = process.env): LoadedBundle | null {
  const entry = path.join(distDir, `${name}.bundle.cjs`);
  if (!fs.existsSync(entry)) return null;
  const nodeRequire = nodeModule.createRequire(entry);
  const files: string[] = [];
  const cache: LoadedBundle['cache'] = {};
  const pending: Array<[string, vm.Script]> = [];
  const loaded = new Map<string, { exports: Record<string, unknown> }>();
  // Node's own compile cache (>= 22.1, enabled by the bins) covers a plain require.
  const nodeCaches = typeof (nodeModule as unknown as Record<string, unknown>).enableCompileCache === 'function';
  const dir = nodeCaches ? null : codeCacheDir(env);

  const load = (file: string): Record<string, unknown> => {
    const known = loaded.get(file);
    if (known) return known.exports;
    const rel = path.relative(distDir, file);
    files.push(rel);
    if (nodeCaches) {
      cache[rel] = 'off';
      const m = { exports: nodeRequire(file) as Record<string, unknown> };
      loaded.set(file, m);
      return m.exports;
    }
    let source = fs.readFileSync(file, 'utf8');
    let key: string | undefined;
    const hashed = HASH_LINE.exec(source);
    if (hashed) key = `${name}-${hashed[1]}`;
    else if (CHUNK.test(path.basename(file))) key = path.basename(file, '.cjs');
    // The entry's hash line stays in the source V8 sees (line numbers in stack traces stay right).
    const store = key === undefined || dir === null ? undefined : cacheFile(dir, key);
    const cachedData = store === undefined ? undefined : readCache(store);
    source = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
    const script = new vm.Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
    cache[rel] = store === undefined ? 'off' : cachedData && !script.cachedDataRejected ? 'hit' : 'miss';
    if (store !== undefined && cache[rel] === 'miss') pending.push([store, script]);
    const m = { exports: {} as Record<string, unknown> };
    loaded.set(file, m);
    const require = (id: string): unknown => (id.startsWith('./') && id.endsWith('.cjs') ? load(path.join(path.dirname(file), id)) : nodeRequire(id));
    (script.runInThisContext() as (...a: unknown[]) => void).call(m.exports, m.exports, require, m, file, path.dirname(file));
    return m.exports;
  };

  const exports = load(entry);
  return {
    exports,
    files,
    cache,
    save(): void {
      for (const [store, script] of pending.splice(0)) {
        try {
          writeCache(store, script.createCachedData());
        } catch {
          // no cache this time
        }
      }
    },
  };
}
