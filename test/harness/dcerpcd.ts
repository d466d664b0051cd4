/**
 * samba-dcerpcd run by a test itself (../shared/reference/samba-peer.md): it serves ncacn_ip_tcp on
 * the Samba instance's own 127.77.x.y address, the endpoint mapper on TCP 135 and each RPC helper
 * (rpcd_classic, rpcd_epmapper ...) on a port of its own from 49152 up. Start the Samba instance with
 * DCERPCD_GLOBAL so smbd does not start one on demand, then `startDcerpcd(samba)`; stop it by pid.
 */
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import type { SambaInstance } from './samba.js';

export const DCERPCD_PATH = '/usr/libexec/samba/samba-dcerpcd';

/** [global] settings for a Samba instance whose samba-dcerpcd the test runs itself. */
export const DCERPCD_GLOBAL: Record<string, string> = { 'rpc start on demand helpers': 'no' };

export interface Dcerpcd {
  pid: number;
  log(): string;
  /** TCP ports the daemon family listens on at the instance's address, from `ss -ltnp`. */
  listeningPorts(): { port: number; process: string }[];
  stop(): Promise<void>;
}

async function waitPort(host: string, port: number, timeoutMs: number, exited: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (exited()) throw new Error('samba-dcerpcd exited');
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
  throw new Error(`samba-dcerpcd did not listen on ${host}:${port} within ${timeoutMs} ms`);
}

/** Listening TCP sockets on `host` as `ss -ltnp` reports them. */
export function ssListening(host: string): { port: number; process: string }[] {
  const out = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' });
  const rows: { port: number; process: string }[] = [];
  for (const line of out.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const local = cols[3];
    if (!local) continue;
    const i = local.lastIndexOf(':');
    if (local.slice(0, i) !== host) continue;
    const proc = /users:\(\("([^"]+)"/.exec(line)?.[1] ?? '';
    rows.push({ port: Number(local.slice(i + 1)), process: proc });
  }
  return rows.sort((a, b) => a.port - b.port);
}

export async function startDcerpcd(samba: SambaInstance): Promise<Dcerpcd> {
  const chunks: Buffer[] = [];
  const child = spawn(DCERPCD_PATH, ['-F', '--debug-stdout', '-d', '1', '-s', samba.confPath, '--libexec-rpcds'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d));
  const log = (): string => Buffer.concat(chunks).toString('utf8');
  try {
    await waitPort(samba.host, 135, 20_000, () => child.exitCode !== null);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${log()}`);
  }
  let stopped = false;
  return {
    pid: child.pid!,
    log,
    listeningPorts: () => ssListening(samba.host).filter((r) => r.port !== 445 && r.port !== 139),
    async stop() {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}
