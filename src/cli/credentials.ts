/**
 * Keeping secrets off the command line.
 *
 * 1. `concealSecretArguments`: a password given as `-U USER%PASS` or a hash given as `--hashes` is
 *    blanked from the process's visible arguments as soon as the command line is parsed.
 *    /proc/PID/cmdline (what `ps -o args` shows, readable by every user) is the memory area that
 *    held the original argv strings; editing `process.argv` does not touch it. Setting
 *    `process.title` does: on Linux libuv writes the title over that area and zero-fills the rest,
 *    capped at the area's original length (a longer title is cut, never spilled into environ). We
 *    set it to the original command line with each secret replaced by `***`, joined by spaces (so
 *    cmdline then holds one NUL-terminated string: `ps -o args` looks unchanged but for the
 *    secret). libuv also renames the thread (PR_SET_NAME, i.e. /proc/PID/comm) to the title's
 *    first 15 bytes; we write the previous name back so `ps -C node` still finds the process.
 *    macOS: libuv uses the same argv-overwriting code there (plus the Launch Services name, and
 *    no /proc, so the shown command line is rebuilt from process.argv0/execArgv/argv) and `ps`
 *    reads the arguments from the process's memory (KERN_PROCARGS2), so the secret should vanish
 *    the same way; not verified here (no macOS). FreeBSD/OpenBSD: libuv calls setproctitle(3).
 *    Either way the arguments are visible from exec until the CLI has parsed them (Node's start-up,
 *    tens of milliseconds), which is why -A FILE and --password-fd N exist.
 * 2. `-A/--authentication-file FILE`: smbclient's format, one `key = value` per line with keys
 *    `username`, `password` and `domain`; a warning when the file is readable by group or others.
 * 3. `--password-fd N`: the first line read from inherited descriptor N (`3<file`, a pipe, ...).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { NetsendError } from '../status/error.js';
import { raceWait } from '../util/abort.js';
import type { CliIO, OptionSpec, ParsedValues } from './common.js';

const REMOTE = ['send', 'info', 'names'] as const;

/** Option rows (merged into REMOTE_OPTIONS). */
export const CREDENTIAL_OPTIONS: OptionSpec[] = [
  { name: 'authentication-file', short: 'A', type: 'string', arg: 'FILE', help: 'read the credentials from FILE: lines "username = USER", "password = PASS", "domain = DOMAIN" (as smbclient -A; keep it mode 0600)', commands: REMOTE },
  { name: 'password-fd', type: 'string', arg: 'N', help: 'read the password from file descriptor N, first line (e.g. --password-fd 3 3<FILE)', commands: REMOTE },
];

/** What replaces a secret in the visible arguments. */
export const CONCEALED = '***';

function usage(message: string, name = 'ERROR_INVALID_PARAMETER'): NetsendError {
  return new NetsendError('usage', 0, name, message);
}

/** The secrets a parsed command line carries in its arguments: the PASS of `-U USER%PASS` and the `--hashes` value. */
export function secretArguments(values: ParsedValues): string[] {
  const secrets: string[] = [];
  const user = values.user;
  if (typeof user === 'string' && user.includes('%')) secrets.push(user.slice(user.indexOf('%') + 1));
  if (typeof values.hashes === 'string') secrets.push(values.hashes);
  // Longest first, so a secret containing another is replaced whole.
  return secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

function conceal(arg: string, secrets: string[]): string {
  return secrets.reduce((a, s) => a.split(s).join(CONCEALED), arg);
}

/**
 * Blanks the secrets of `values` from this process's visible arguments (see the module comment).
 * Does nothing unless a secret is really among this process's own arguments, so a program that
 * calls `main()` with its own argv (tests, embedders) keeps its title. Returns whether it rewrote them.
 */
export function concealSecretArguments(values: ParsedValues): boolean {
  const secrets = secretArguments(values);
  if (secrets.length === 0 || !process.argv.some((a) => secrets.some((s) => a.includes(s)))) return false;
  let shown: string[];
  let comm: string | undefined;
  try {
    // The arguments as exec() gave them (process.argv has argv[0] resolved and node's own flags removed).
    shown = fs.readFileSync('/proc/self/cmdline').toString('utf8').split('\0');
    if (shown.at(-1) === '') shown.pop();
    comm = fs.readFileSync('/proc/self/comm', 'utf8').replace(/\n$/, '');
  } catch {
    shown = [process.argv0, ...process.execArgv, ...process.argv.slice(1)];
  }
  process.title = shown.map((a) => conceal(a, secrets)).join(' ');
  if (comm !== undefined) {
    try {
      fs.writeFileSync('/proc/self/comm', comm);
    } catch {
      /* only the thread name stays changed */
    }
  }
  // Also for anything in this process that reports its argv later (crash reports, diagnostics).
  for (let i = 0; i < process.argv.length; i++) process.argv[i] = conceal(process.argv[i]!, secrets);
  return true;
}

/** Credentials read from `-A FILE`. */
export interface AuthenticationFile {
  username?: string;
  password?: string;
  domain?: string;
}

const MAX_AUTH_FILE = 64 * 1024;

/**
 * Parses smbclient's authentication file format: `key = value` lines (keys username, password,
 * domain, any case; values trimmed), blank lines and lines starting with `#` or `;` ignored.
 * Errors name the line number, never its text (it may hold the password).
 */
export function parseAuthenticationFile(text: string, file: string): AuthenticationFile {
  const out: AuthenticationFile = {};
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw usage(`authentication file ${file} line ${i + 1}: expected "key = value"`);
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (key !== 'username' && key !== 'password' && key !== 'domain') throw usage(`authentication file ${file} line ${i + 1}: unknown key '${key.slice(0, 32)}' (username, password or domain)`);
    out[key] = value;
  }
  return out;
}

/** Reads `-A FILE`, warning on stderr when group or others may read it. */
export function readAuthenticationFile(file: string, io: CliIO): AuthenticationFile {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new NetsendError('usage', Math.abs(err.errno ?? 0), err.code ?? 'EIO', `authentication file ${file}: ${err.message}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw usage(`authentication file ${file} is not a regular file`);
    if (st.size > MAX_AUTH_FILE) throw usage(`authentication file ${file} is over ${MAX_AUTH_FILE} bytes`);
    if ((st.mode & 0o044) !== 0) {
      const who = [st.mode & 0o040 ? 'group' : '', st.mode & 0o004 ? 'others' : ''].filter(Boolean).join(' and ');
      io.stderr.write(`netsend: warning: authentication file ${file} is readable by ${who} (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); chmod 600 it\n`);
    }
    return parseAuthenticationFile(fs.readFileSync(fd, 'utf8'), file);
  } finally {
    fs.closeSync(fd);
  }
}

const MAX_PASSWORD_LINE = 4096;
/** How long --password-fd waits for a pipe's writer to send the line. */
export const PASSWORD_FD_TIMEOUT_MS = 30_000;

function firstLine(b: Buffer): string | null {
  const nl = b.indexOf(0x0a);
  return nl < 0 ? null : b.subarray(0, nl).toString('utf8').replace(/\r$/, '');
}

/**
 * Reads the first line from inherited descriptor `fd` (up to a newline or end of file, at most 4 KiB).
 * Pipes and sockets are read without blocking the event loop and with a deadline; regular files
 * and devices are read directly. The descriptor is closed afterwards unless it is 0, 1 or 2.
 */
export async function readPasswordFd(fd: number, timeoutMs = PASSWORD_FD_TIMEOUT_MS): Promise<string> {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new NetsendError('usage', Math.abs(err.errno ?? 0), err.code ?? 'EBADF', `--password-fd ${fd}: not an open file descriptor`);
  }
  const what = `--password-fd ${fd}`;
  if (st.isFIFO() || st.isSocket()) {
    const sock = new net.Socket({ fd, readable: true, writable: false });
    let got = Buffer.alloc(0);
    try {
      return await raceWait(
        `${what}: reading the password`,
        { timeoutMs },
        () =>
          new Promise<string>((resolve, reject) => {
            sock.on('data', (d: Buffer) => {
              got = Buffer.concat([got, d]);
              const line = firstLine(got);
              if (line !== null) resolve(line);
              else if (got.length > MAX_PASSWORD_LINE) reject(usage(`${what}: no newline within ${MAX_PASSWORD_LINE} bytes`));
            });
            sock.on('end', () => (got.length === 0 ? reject(usage(`${what}: end of file before a password`)) : resolve(got.toString('utf8').replace(/\r$/, ''))));
            sock.on('error', (e) => reject(new NetsendError('usage', 0, (e as NodeJS.ErrnoException).code ?? 'EIO', `${what}: ${e.message}`)));
          }),
      );
    } finally {
      if (fd > 2) sock.destroy();
      else {
        // Standard streams stay open for the rest of the program, but must not keep it alive.
        sock.pause();
        sock.unref();
      }
    }
  }
  if (!st.isFile() && !st.isCharacterDevice()) throw usage(`${what}: not a file, pipe, socket or terminal`);
  const buf = Buffer.alloc(MAX_PASSWORD_LINE + 1);
  let n = 0;
  try {
    for (;;) {
      const r = fs.readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (buf.subarray(0, n).includes(0x0a) || n >= buf.length) break;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new NetsendError('usage', Math.abs(err.errno ?? 0), err.code ?? 'EIO', `${what}: ${err.message}`);
  } finally {
    if (fd > 2) fs.closeSync(fd);
  }
  const got = buf.subarray(0, n);
  if (n === 0) throw usage(`${what}: end of file before a password`);
  const line = firstLine(got);
  if (line === null && n > MAX_PASSWORD_LINE) throw usage(`${what}: no newline within ${MAX_PASSWORD_LINE} bytes`);
  return line ?? got.toString('utf8').replace(/\r$/, '');
}

/** What -A FILE and --password-fd N contribute: the fd's password wins over the file's. */
export interface CredentialSources extends AuthenticationFile {
  /** Whether -A or --password-fd was given at all. */
  given: boolean;
  /** Whether the password came from --password-fd. */
  passwordFromFd: boolean;
}

export async function credentialSources(values: ParsedValues, io: CliIO): Promise<CredentialSources> {
  const file = typeof values['authentication-file'] === 'string' ? values['authentication-file'] : undefined;
  const fdArg = typeof values['password-fd'] === 'string' ? values['password-fd'] : undefined;
  const out: CredentialSources = { given: file !== undefined || fdArg !== undefined, passwordFromFd: false };
  if (file !== undefined) Object.assign(out, readAuthenticationFile(file, io));
  if (fdArg !== undefined) {
    if (!/^\d{1,9}$/.test(fdArg)) throw usage(`--password-fd needs a file descriptor number, got '${fdArg.slice(0, 32)}'`);
    // Checked before reading, which may wait for a writer.
    if (typeof values.user === 'string' && values.user.includes('%')) throw usage('give the password once: in USER%PASS or with --password-fd');
    out.password = await readPasswordFd(Number(fdArg));
    out.passwordFromFd = true;
  }
  return out;
}
