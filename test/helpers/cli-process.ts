/**
 * The real `netsend` executable for tests that must observe the process from outside (its
 * /proc/PID/cmdline, file modes, exit codes): src/ is compiled with tsc into a private temporary
 * tree next to a copy of bin/netsend.js, so a test never races another over the repository's dist/.
 */
import { execFileSync, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BuiltCli {
  /** Path of the copied bin/netsend.js. */
  bin: string;
  /** Path of another copied bin script (e.g. 'sendnetmsg.js'). */
  binOf(name: string): string;
  dir: string;
  remove(): void;
}

/** Compiles src/ (tsconfig.build.json) into a temporary directory; takes a few seconds. */
export function buildCli(): BuiltCli {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-cli-build-'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  fs.cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  const { name, version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version, type: 'module' }) + '\n');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return { bin: path.join(dir, 'bin/netsend.js'), binOf: (name) => path.join(dir, 'bin', name), dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves with the exit code and everything printed once the process ends (or kills it after timeoutMs). */
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Starts `node BIN args...`; with `shellPrefix` (e.g. `umask 000;`) or `shellSuffix` through `sh -c`, and with `via`
 * (e.g. ['unshare', '-m']) under that command. Each execs the next, so the child's pid is node's.
 */
export function runCli(cli: BuiltCli, args: string[], opts: { bin?: string; stdio?: StdioOptions; shellPrefix?: string; shellSuffix?: string; via?: string[]; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const env = { ...process.env, ...opts.env };
  delete env.NETSEND_PASSWORD;
  const stdio = opts.stdio ?? ['ignore', 'pipe', 'pipe'];
  // With a suffix the shell stays (the child's pid is then the shell's) and exits with node's status.
  const script = opts.shellSuffix !== undefined ? `${opts.shellPrefix ?? ''} "$0" "$@"; rc=$?; ${opts.shellSuffix}; exit $rc` : `${opts.shellPrefix} exec "$0" "$@"`;
  const argv = opts.shellPrefix !== undefined || opts.shellSuffix !== undefined ? ['sh', '-c', script, process.execPath, opts.bin ?? cli.bin, ...args] : [process.execPath, opts.bin ?? cli.bin, ...args];
  const [file, ...rest] = [...(opts.via ?? []), ...argv];
  const child = spawn(file!, rest, { stdio, env });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => out.push(d));
  child.stderr?.on('data', (d: Buffer) => err.push(d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
  return { child, done };
}
