/**
 * A private Samba smbd for interop tests: its own loopback address (127.77.x.y, so test files
 * running in parallel never share ports 139/445), its own directories, stopped by pid.
 * Messages delivered through `message command` land in `<dir>/msgs` and are read back with
 * `messages()`. See ../shared/reference/samba-peer.md.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export const INTEROP_REQUIRED = process.env.NETSEND_INTEROP === 'required';

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = path.join(dir, cmd);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

/** Why interop tests cannot run here, or null when they can. */
export function interopUnavailableReason(): string | null {
  if (!which('smbd')) return 'smbd is not installed (apt-get install samba)';
  if (!which('smbpasswd')) return 'smbpasswd is not installed (samba-common-bin)';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root: smbd needs ports 139/445';
  return null;
}

/** True when interop tests should run; throws when they are required (CI) but cannot. */
export function interopEnabled(): boolean {
  const why = interopUnavailableReason();
  if (why && INTEROP_REQUIRED) throw new Error(`NETSEND_INTEROP=required but ${why}`);
  return why === null;
}

export interface SambaUser {
  name: string;
  password: string;
}

export const DEFAULT_USER: SambaUser = { name: 'nsalice', password: 'Passw0rd!' };

export interface SambaOptions {
  /** Extra or overriding [global] parameters, e.g. { 'server max protocol': 'NT1' }. */
  global?: Record<string, string>;
  /** Set `message command` to the recording hook (default true). */
  messageCommand?: boolean;
  /** Users to create (unix account without home, plus the Samba password). Default: DEFAULT_USER. */
  users?: SambaUser[];
  netbiosName?: string;
  workgroup?: string;
}

export interface DeliveredMessage {
  /** The sender as Samba's %f gives it (non-alphanumerics turned into '_'). */
  from: string;
  /** The text as Samba stored it: converted from the dos charset to UTF-8, CR before LF stripped. */
  text: string;
  raw: Buffer;
}

export interface SambaInstance {
  host: string;
  dir: string;
  netbiosName: string;
  workgroup: string;
  user: SambaUser;
  confPath: string;
  pid: number;
  /** Messages delivered so far, oldest first. */
  messages(): DeliveredMessage[];
  /** Waits until at least n messages arrived (polls; fails after timeoutMs). */
  waitForMessages(n: number, timeoutMs?: number): Promise<DeliveredMessage[]>;
  /** smbd's own log so far (for failure diagnostics). */
  log(): string;
  stop(): Promise<void>;
}

let usedHosts = new Set<string>();

/** smb.conf settings that keep every piece of Samba state under `dir` (its subfolders must exist). */
export function privateDirectories(dir: string): Record<string, string> {
  return {
    'private dir': path.join(dir, 'private'),
    'lock directory': path.join(dir, 'lock'),
    'state directory': path.join(dir, 'state'),
    'cache directory': path.join(dir, 'cache'),
    'pid directory': path.join(dir, 'pid'),
    'ncalrpc dir': path.join(dir, 'ncalrpc'),
    'binddns dir': path.join(dir, 'binddns'),
  };
}

async function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function pickHost(): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const host = `127.77.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    if (usedHosts.has(host)) continue;
    if ((await portFree(host, 445)) && (await portFree(host, 139))) {
      usedHosts.add(host);
      return host;
    }
  }
  throw new Error('no free 127.77.x.y address for smbd');
}

function ensureUnixUser(name: string): void {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      execFileSync('id', ['-u', name], { stdio: 'ignore' });
      return;
    } catch {
      /* absent */
    }
    try {
      execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', name], { stdio: 'pipe' });
      return;
    } catch {
      // Another test file may hold /etc/passwd's lock; try again shortly.
      execFileSync('sleep', ['0.2']);
    }
  }
  throw new Error(`could not create unix user ${name}`);
}

async function waitListening(host: string, port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`smbd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`smbd did not listen on ${host}:${port} within ${timeoutMs} ms`);
}

function killPidFile(pidFile: string, confPath: string): void {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    if (!pid) return;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes(confPath)) process.kill(pid, 'SIGTERM');
  } catch {
    /* not running */
  }
}

export async function startSamba(opts: SambaOptions = {}): Promise<SambaInstance> {
  const host = await pickHost();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-samba-'));
  fs.chmodSync(dir, 0o755);
  for (const d of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'binddns', 'msgs', 'share']) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
  }
  fs.chmodSync(path.join(dir, 'msgs'), 0o777);
  const hook = path.join(dir, 'hook.sh');
  fs.writeFileSync(
    hook,
    [
      '#!/bin/sh',
      '# $1 = temp file holding the text, $2 = sender (%f), $3 = output dir',
      'n="$3/$(date +%s%N)-$$"',
      '{ printf \'%s\\n\' "$2"; cat "$1"; } > "$n.tmp" && mv "$n.tmp" "$n.msg"',
      'rm -f "$1"',
      '',
    ].join('\n'),
  );
  fs.chmodSync(hook, 0o755);

  const netbiosName = opts.netbiosName ?? 'NETSENDSRV';
  const workgroup = opts.workgroup ?? 'NETSENDLAB';
  const global: Record<string, string> = {
    'netbios name': netbiosName,
    workgroup,
    interfaces: `${host}/8`,
    'bind interfaces only': 'yes',
    'smb ports': '445 139',
    'server min protocol': 'NT1',
    'server max protocol': 'SMB3',
    'server role': 'standalone server',
    'map to guest': 'Bad User',
    'guest account': 'nobody',
    ...privateDirectories(dir),
    'log file': path.join(dir, 'log.%m'),
    'passdb backend': `tdbsam:${path.join(dir, 'private', 'passdb.tdb')}`,
    'load printers': 'no',
    printing: 'bsd',
    'printcap name': '/dev/null',
    'disable spoolss': 'yes',
    'disable netbios': 'no',
    'dns proxy': 'no',
    ...(opts.messageCommand === false ? {} : { 'message command': `/bin/sh ${hook} %s %f ${path.join(dir, 'msgs')}` }),
    ...opts.global,
  };
  const conf =
    '[global]\n' +
    Object.entries(global)
      .map(([k, v]) => `  ${k} = ${v}\n`)
      .join('') +
    `[share]\n  path = ${path.join(dir, 'share')}\n  read only = no\n`;
  const confPath = path.join(dir, 'smb.conf');
  fs.writeFileSync(confPath, conf);

  const users = opts.users ?? [DEFAULT_USER];
  for (const u of users) {
    ensureUnixUser(u.name);
    execFileSync('smbpasswd', ['-c', confPath, '-s', '-a', u.name], { input: `${u.password}\n${u.password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  const logChunks: Buffer[] = [];
  const child = spawn('smbd', ['-F', '--debug-stdout', '-d', '1', '-s', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => logChunks.push(d));
  child.stderr!.on('data', (d: Buffer) => logChunks.push(d));
  const log = (): string => Buffer.concat(logChunks).toString('utf8');
  try {
    await waitListening(host, 445, child, 20_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${log()}`);
  }

  const msgsDir = path.join(dir, 'msgs');
  const messages = (): DeliveredMessage[] =>
    fs
      .readdirSync(msgsDir)
      .filter((f) => f.endsWith('.msg'))
      .sort()
      .map((f) => {
        const raw = fs.readFileSync(path.join(msgsDir, f));
        const nl = raw.indexOf(0x0a);
        return { from: raw.subarray(0, nl).toString('utf8'), text: raw.subarray(nl + 1).toString('utf8'), raw: raw.subarray(nl + 1) };
      });

  let stopped = false;
  return {
    host,
    dir,
    netbiosName,
    workgroup,
    user: users[0] ?? DEFAULT_USER,
    confPath,
    pid: child.pid!,
    messages,
    async waitForMessages(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const m = messages();
        if (m.length >= n) return m;
        if (Date.now() > until) throw new Error(`expected ${n} delivered messages, have ${m.length}\n${log()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      killPidFile(path.join(dir, 'pid', 'samba-dcerpcd.pid'), confPath);
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      usedHosts.delete(host);
      if (!process.env.NETSEND_KEEP_SAMBA) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A private smbd for the enclosing describe block: started in its beforeAll, stopped by pid in its
 * afterAll. The returned object stands for the instance (property reads go to it), so tests write
 * `samba.host` as with startSamba; reading it before beforeAll ran is an error, not an undefined.
 * `timeoutMs` bounds that beforeAll (default: the hookTimeout of vitest.config.ts).
 */
export function useSamba(opts: SambaOptions = {}, { timeoutMs }: { timeoutMs?: number } = {}): SambaInstance {
  let samba: SambaInstance | undefined;
  beforeAll(async () => {
    samba = await startSamba(opts);
  }, timeoutMs);
  afterAll(async () => {
    await samba?.stop();
  });
  return new Proxy({} as SambaInstance, {
    get(_, key) {
      if (!samba) throw new Error('useSamba: the smbd starts in beforeAll; read it inside a test');
      const v: unknown = Reflect.get(samba, key);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(samba) : v;
    },
  });
}
