/**
 * Starts test/harness/tsts_responder.py: a scripted MS-TSTS responder (LSM TermSrvEnumeration /
 * TermSrvSession, Legacy IcaApi, auth level none) behind Debian's python3-impacket SMB server, on
 * its own loopback address and an ephemeral port, stopped by pid. The script reports every bind
 * and call as a JSON line; `events()` returns them, `calls(op)` the calls of one operation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INTEROP_REQUIRED } from './samba.js';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(new URL(import.meta.url).pathname), 'tsts_responder.py');

export interface TstsSession {
  id: number;
  /** WINSTATIONSTATECLASS: 0 Active, 4 Disconnected, 6 Listen. */
  state: number;
  name: string;
  user?: string;
  domain?: string;
}

export interface TstsScenario {
  user: string;
  password: string;
  sessions: TstsSession[];
  /** Serve \PIPE\LSM_API_service (default true). */
  lsm?: boolean;
  /** \PIPE\LSM_API_service exists but CREATE is refused with STATUS_ACCESS_DENIED. */
  lsmRefused?: boolean;
  /** Serve \PIPE\Ctx_WinStation_API_service (default true). */
  legacy?: boolean;
  /** 'enum': enumeration refused (E_ACCESSDENIED / STATUS_ACCESS_DENIED); 'messages': every message refused. */
  deny?: '' | 'enum' | 'messages';
  denySessions?: number[];
  /** Listed by enumeration, gone when opened or messaged. */
  vanished?: number[];
  /** The user's answer when bDoNotWait is FALSE (default IDOK = 1). */
  answer?: number;
  /** Offer RpcWinStationCloseServerEx (opnum 60; default true). */
  legacyCloseEx?: boolean;
  /** Sessions whose message request ends the pipe connection without an answer. */
  hangup?: number[];
  /** Sessions whose message request is never answered. */
  stall?: number[];
}

export interface TstsEvent {
  event: string;
  op?: string;
  [k: string]: unknown;
}

export interface TstsResponder {
  host: string;
  port: number;
  events(): TstsEvent[];
  calls(op?: string): TstsEvent[];
  /** Waits until `n` disconnect events were seen (the server side of a pipe ended). */
  waitForDisconnects(n: number, timeoutMs?: number): Promise<TstsEvent[]>;
  /** Waits until every pipe connection the responder accepted has ended, then forgets the events. */
  quiesce(timeoutMs?: number): Promise<void>;
  clear(): void;
  stop(): Promise<void>;
}

/** Why the responder cannot run here, or null. */
export function responderUnavailableReason(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is missing`;
  if (!fs.existsSync('/usr/lib/python3/dist-packages/impacket/smbserver.py')) return 'python3-impacket is not installed (apt-get install python3-impacket)';
  return null;
}

export function responderEnabled(): boolean {
  const why = responderUnavailableReason();
  if (why && INTEROP_REQUIRED) throw new Error(`NETSEND_INTEROP=required but ${why}`);
  return why === null;
}

let nextHost = 0;

export async function startTstsResponder(scenario: TstsScenario, timeoutMs = 15_000): Promise<TstsResponder> {
  const host = `127.79.${(process.pid >> 8) & 0xff}.${(((process.pid & 0xff) + nextHost++) % 250) + 2}`;
  const child: ChildProcess = spawn(PYTHON, ['-B', SCRIPT, JSON.stringify({ ...scenario, host })], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: TstsEvent[] = [];
  let stderr = '';
  let buf = '';
  const waiters: (() => void)[] = [];
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        events.push(JSON.parse(line) as TstsEvent);
      } catch {
        events.push({ event: 'unparsed', line });
      }
      for (const w of waiters.splice(0)) w();
    }
  });
  const changed = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`tsts responder: no event within ${ms} ms; stderr: ${stderr}`)), ms);
      waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`tsts responder exited (${code}); stderr: ${stderr}`));
      });
    });
  const deadline = Date.now() + timeoutMs;
  while (!events.some((e) => e.event === 'ready')) await changed(Math.max(1, deadline - Date.now()));
  const port = events.find((e) => e.event === 'ready')!.port as number;
  events.length = 0;
  return {
    host,
    port,
    events: () => [...events],
    calls: (op) => events.filter((e) => e.event === 'call' && (op === undefined || e.op === op)),
    async waitForDisconnects(n, ms = 10_000) {
      const end = Date.now() + ms;
      while (events.filter((e) => e.event === 'disconnect').length < n) await changed(Math.max(1, end - Date.now()));
      return events.filter((e) => e.event === 'disconnect');
    },
    clear: () => {
      events.length = 0;
    },
    async quiesce(ms = 10_000) {
      const end = Date.now() + ms;
      const open = () => events.filter((e) => e.event === 'bind' && e.type === 'bind').length - events.filter((e) => e.event === 'disconnect').length;
      while (open() > 0) await changed(Math.max(1, end - Date.now()));
      events.length = 0;
    },
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
