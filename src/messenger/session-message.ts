/**
 * The `msg.exe /server:HOST` path ([MS-TSTS]): a message box in user sessions of a Windows host
 * that has no Messenger service (Vista to 11, Server 2008 to 2025). tsts-notes §0 gives the flow:
 *
 * 1. NTLMv2 SMB session, \PIPE\LSM_API_service, bind TermSrvEnumeration at packet privacy
 *    (NTLMSSP, auth_type 10, as impacket and the [MS-TSTS] §4.3 example do; SPNEGO as an option);
 * 2. RpcOpenEnum, RpcGetEnumResult(level 1), RpcCloseEnum;
 * 3. TermSrvSession on the same association (alter_context), and per selected session
 *    RpcOpenSession, RpcShowMessageBox, RpcCloseSession;
 * 4. when the LSM pipe is absent: \PIPE\Ctx_WinStation_API_service, IcaApi RpcWinStationOpenServer,
 *    RpcWinStationEnumerate, RpcWinStationSendMessage per session, RpcWinStationCloseServerEx.
 *
 * Session selection as msg.exe: a session id, a user name (LSM only: RpcGetUserName), or `*` =
 * Active sessions other than session 0 (services) and listeners (id >= 65536) — the exact filter
 * msg.exe applies is unknown (tsts-notes §3.2). Every context handle is closed, on error too.
 * One Deadline covers the whole operation: both pipes, all sessions, teardown.
 *
 * Delivery per session (outcome.ts): 'confirmed' when the server answered S_OK / TRUE; 'failed' when
 * it answered with an error or the request was never written; 'unconfirmed' when the request was
 * written and no readable answer came.
 */
import type { Credentials } from '../auth/types.js';
import type { CallOptions } from '../rpc/client.js';
import { openRpc, type RpcConnection } from '../rpc/factory.js';
import type { AuthLevelName } from '../rpc/security.js';
import { withContextHandle } from '../rpc/caller.js';
import { TERMSRV_ENUMERATION, closeEnum, getEnumResult, openEnum, type SessionEntry } from '../rpc/interfaces/termsrv-enumeration.js';
import { TERMSRV_SESSION, closeSession, getUserName, openSession, showMessageBox } from '../rpc/interfaces/termsrv-session.js';
import { ICAAPI, closeServer, enumerateWinStations, openServer, sendMessage as legacySendMessage, LEGACY_MAX_CHARS } from '../rpc/interfaces/icaapi.js';
import { LEGACY_PIPE, LISTENER_SESSION_BASE, LSM_PIPE, MB, WINSTATION_STATE, responseName, stateName, type SessionHandle } from '../rpc/interfaces/tsts-common.js';
import type { SmbDialectName } from '../smb/connect.js';
import { NetsendError, formatCode, usageError, toNetsendError } from '../status/error.js';
import { NT } from '../status/ntstatus.js';
import { HRESULT } from '../status/hresult.js';
import { WIN32 } from '../status/win32.js';
import { NCA } from '../status/rpc.js';
import type { TrafficTap } from '../transport/tcp.js';
import type { WaitOptions } from '../util/abort.js';
import { Deadline } from '../util/deadline.js';
import type { Delivery } from './outcome.js';
import type { SendStatus } from './send.js';

/** Which sessions get the message: `*`, a session id, or a user name (msg.exe's three forms). */
export type SessionSelector = '*' | number | string;

export interface SessionConnectOptions extends WaitOptions {
  server: string;
  credentials: Credentials;
  /** SMB port (default 445). */
  port?: number;
  /** RPC auth level on the pipes (default 'privacy', as every known working client uses). */
  authLevel?: AuthLevelName;
  /** 'ntlmssp' (auth_type 10, default, as msg.exe's path in [MS-TSTS] §4.3 / impacket) or 'spnego' (9). */
  authType?: 'ntlmssp' | 'spnego';
  /** 'auto' (default): LSM, then Legacy when the LSM pipe or interface is absent. */
  interface?: 'auto' | 'lsm' | 'legacy';
  dialect?: 'auto' | 'smb1' | 'smb2';
  smbMin?: Exclude<SmbDialectName, 'NT1'>;
  smbMax?: SmbDialectName;
  requireSigning?: boolean;
  requireEncryption?: boolean;
  tap?: TrafficTap;
}

export interface SessionMessageOptions extends SessionConnectOptions {
  /** Default `*`. */
  sessions?: SessionSelector;
  /** Default `Message from USER` (msg.exe's own title is unknown, tsts-notes §7.4). */
  title?: string;
  text: string;
  /** MessageBox uType (default MB_OK). */
  style?: number;
  /** Seconds the box stays up; 0 (default) = until dismissed. */
  timeoutSec?: number;
  /** Wait for the user's answer (IDOK, IDTIMEOUT, ...); default false (bDoNotWait TRUE, answer IDASYNC). */
  wait?: boolean;
}

/** One session as listed (`netsend sessions`). */
export interface SessionInfo {
  sessionId: number;
  /** Station name ('Console', 'RDP-Tcp#0'): untrusted network text, sanitise before printing. */
  name: string;
  state: number;
  stateName: string;
  /** LSM only (RpcGetUserName); untrusted network text. */
  user?: string;
  domain?: string;
}

/** Outcome for one terminal session. */
export interface SessionMessageResult {
  sessionId: number;
  name: string;
  ok: boolean;
  delivery: Delivery;
  /** IDASYNC when not waiting; the user's answer (IDOK, IDTIMEOUT...) when waiting. */
  response?: number;
  responseName?: string;
  /** The raw failure, null on success. */
  status: SendStatus | null;
}

/**
 * Which [MS-TSTS] RPC interface served the request: 'lsm' (the session manager's) or 'legacy' (the older terminal-
 * server one).
 */
export type SessionPath = 'lsm' | 'legacy';

/** Outcome of sending a message to terminal sessions on one server ([MS-TSTS] message box). */
export interface SendSessionMessageResult {
  server: string;
  path: SessionPath;
  /** One entry per selected session (none when no session matched). */
  results: SessionMessageResult[];
  /** True when at least one session was selected and every one is confirmed. */
  ok: boolean;
}

/** Sessions of a server as the [MS-TSTS] enumeration reported them. */
export interface ListSessionsResult {
  server: string;
  path: SessionPath;
  sessions: SessionInfo[];
}

/** Per-session budget added to the default deadline when waiting for an answer without a box timeout. */
export const DEFAULT_WAIT_SEC = 60;
/** Default deadline without waiting (connect, two binds, enumeration, every session). */
export const DEFAULT_SESSION_TIMEOUT_MS = 15_000;

/** NTSTATUS values that mean "this pipe does not exist here" on CREATE (impacket answers STATUS_NO_SUCH_FILE). */
const PIPE_ABSENT = new Set<number>([NT.STATUS_OBJECT_NAME_NOT_FOUND, NT.STATUS_NO_SUCH_FILE, NT.STATUS_OBJECT_PATH_NOT_FOUND]);

function isPipeAbsent(e: unknown): boolean {
  if (!(e instanceof NetsendError)) return false;
  if (e.layer === 'ntstatus' && PIPE_ABSENT.has(e.code >>> 0)) return true;
  // The pipe exists but serves another interface (or this OS lacks it): RPC_S_UNKNOWN_IF.
  if (e.layer === 'rpc-bind' && e.name === 'abstract_syntax_not_supported') return true;
  return e.layer === 'rpc-fault' && e.code >>> 0 === NCA.nca_s_unk_if;
}

function isAccessDenied(e: unknown): boolean {
  if (!(e instanceof NetsendError)) return false;
  const c = e.code >>> 0;
  if (e.layer === 'ntstatus') return c === NT.STATUS_ACCESS_DENIED || c === NT.STATUS_CTX_WINSTATION_ACCESS_DENIED;
  if (e.layer === 'rpc-fault' || e.layer === 'win32') return c === WIN32.ERROR_ACCESS_DENIED;
  if (e.layer === 'hresult') return c === HRESULT.E_ACCESSDENIED || c === 0x80071b85;
  return false;
}

function raw(e: NetsendError): string {
  return `${e.name} ${formatCode(e.layer, e.code)}`;
}

/** The same error with a message a user can act on; layer, code and name stay the raw status. */
function actionable(e: NetsendError, message: string): NetsendError {
  return new NetsendError(e.layer, e.code, e.name, message, { cause: e });
}

/** STATUS_OBJECT_NAME_NOT_FOUND / 1722 on both pipes ([MS-TSTS] §2.1; tsts-notes §1.4, §4). */
export function remoteApiDisabledError(server: string, lsm: NetsendError, legacy: NetsendError | undefined): NetsendError {
  const tried = legacy ? `\\PIPE\\${LSM_PIPE}: ${raw(lsm)}; \\PIPE\\${LEGACY_PIPE}: ${raw(legacy)}` : `\\PIPE\\${LSM_PIPE}: ${raw(lsm)}`;
  const last = legacy ?? lsm;
  return actionable(
    last,
    `remote session API disabled on ${server} (AllowRemoteRPC=0, or Terminal Services off): ${tried} (RPC_S_SERVER_UNAVAILABLE 1722 for Windows tools)`,
  );
}

/**
 * Rewrites an access-denied failure of a terminal-session call into one that says administrator rights on the server
 * are needed, keeping the original status.
 */
export function adminNeededError(server: string, e: NetsendError, what: string): NetsendError {
  return actionable(e, `${what} needs an administrator of ${server} (UAC remote restrictions apply to local accounts): ${raw(e)}`);
}

function toStatus(e: unknown): SendStatus {
  const err = toNetsendError(e);
  return { layer: err.layer, code: err.code, name: err.name, message: err.message };
}

async function openPipe(o: SessionConnectOptions, pipe: string, iface: typeof ICAAPI, wait: WaitOptions): Promise<RpcConnection> {
  return openRpc({ protseq: 'ncacn_np', networkAddress: o.server, endpoint: `\\pipe\\${pipe}`, options: [] }, iface, {
    credentials: o.credentials,
    authLevel: o.authLevel ?? 'privacy',
    authType: o.authType ?? 'ntlmssp',
    ...(o.port !== undefined ? { smbPort: o.port } : {}),
    ...(o.dialect ? { dialect: o.dialect } : {}),
    ...(o.smbMin ? { smbMin: o.smbMin } : {}),
    ...(o.smbMax ? { smbMax: o.smbMax } : {}),
    ...(o.requireSigning ? { requireSigning: true } : {}),
    ...(o.requireEncryption ? { requireEncryption: true } : {}),
    ...(o.tap ? { tap: o.tap } : {}),
    ...wait,
  });
}

interface Opened {
  path: SessionPath;
  rpc: RpcConnection;
}

/**
 * Opens the LSM pipe bound to TermSrvEnumeration, or (interface 'auto', LSM absent) the Legacy pipe
 * bound to IcaApi. Both absent: the "remote session API disabled" error; access denied on either:
 * the "needs an administrator" error.
 */
async function openTsts(o: SessionConnectOptions, wait: WaitOptions): Promise<Opened> {
  const which = o.interface ?? 'auto';
  let lsmError: NetsendError | undefined;
  if (which !== 'legacy') {
    try {
      return { path: 'lsm', rpc: await openPipe(o, LSM_PIPE, TERMSRV_ENUMERATION, wait) };
    } catch (e) {
      if (isAccessDenied(e)) throw adminNeededError(o.server, e as NetsendError, `\\PIPE\\${LSM_PIPE}`);
      if (!isPipeAbsent(e)) throw e;
      lsmError = e as NetsendError;
      if (which === 'lsm') throw remoteApiDisabledError(o.server, lsmError, undefined);
    }
  }
  try {
    return { path: 'legacy', rpc: await openPipe(o, LEGACY_PIPE, ICAAPI, wait) };
  } catch (e) {
    if (isAccessDenied(e)) throw adminNeededError(o.server, e as NetsendError, `\\PIPE\\${LEGACY_PIPE}`);
    if (!isPipeAbsent(e)) throw e;
    if (lsmError) throw remoteApiDisabledError(o.server, lsmError, e as NetsendError);
    throw actionable(e as NetsendError, `remote session API disabled on ${o.server} (AllowRemoteRPC=0, or Terminal Services off): \\PIPE\\${LEGACY_PIPE}: ${raw(e as NetsendError)}`);
  }
}

/** Enumeration, with access denied made actionable. */
async function enumerate(o: SessionConnectOptions, opened: Opened, wait: CallOptions): Promise<SessionEntry[]> {
  try {
    if (opened.path === 'lsm') return await withContextHandle(() => openEnum(opened.rpc, wait), (h) => closeEnum(opened.rpc, h, wait), (h) => getEnumResult(opened.rpc, h, 1, wait));
    return await withContextHandle(() => openServer(opened.rpc, wait), (h) => closeServer(opened.rpc, h, wait), (h) => enumerateWinStations(opened.rpc, h, wait));
  } catch (e) {
    if (isAccessDenied(e)) throw adminNeededError(o.server, e as NetsendError, 'enumerating sessions');
    throw e;
  }
}

/** Layers that are the server's answer (the connection still works). */
const ANSWERS = new Set<string>(['hresult', 'ntstatus', 'rpc-fault', 'win32']);

/**
 * Closes a context handle after the message went out, on error too. A failed close does not change
 * the message's outcome (the box is up or not already); the server runs the handle down when the
 * association ends ([MS-RPCE] §3.3.3.2.1).
 */
async function closeQuietly(close: () => Promise<void>): Promise<void> {
  await close().catch(() => undefined);
}

/** `*` = Active user sessions: never session 0 (services, Vista+) nor listeners. */
export function isStarTarget(s: { sessionId: number; state: number }): boolean {
  return s.state === WINSTATION_STATE.State_Active && s.sessionId !== 0 && s.sessionId >= 0 && s.sessionId < LISTENER_SESSION_BASE;
}

function sameUser(want: string, user: string | null, domain: string | null): boolean {
  if (!user) return false;
  const w = want.toLowerCase();
  return w === user.toLowerCase() || (domain !== null && w === `${domain}\\${user}`.toLowerCase());
}

/** Parses the CLI's `--session` value: `*`, a decimal id, or a user name. */
export function parseSessionSelector(s: string): SessionSelector {
  if (s === '*') return '*';
  if (/^\d{1,10}$/.test(s)) {
    const n = Number(s);
    if (n > 0x7fffffff) throw usageError(`session id ${s} out of range`);
    return n;
  }
  if (s === '' || /[\0-\x1f]/.test(s)) throw usageError('bad session selector');
  return s;
}

function checkMessageOptions(o: SessionMessageOptions): void {
  const bad = (m: string): never => {
    throw usageError(m);
  };
  if (typeof o.text !== 'string' || o.text.includes('\0')) bad('message text must be a string without NUL');
  if (o.title !== undefined && o.title.includes('\0')) bad('title contains NUL');
  const t = o.timeoutSec ?? 0;
  if (!Number.isInteger(t) || t < 0 || t > 0xffffffff) bad('timeoutSec must be a non-negative integer');
  const st = o.style ?? MB.MB_OK;
  if (!Number.isInteger(st) || st < 0 || st > 0xffffffff) bad('style must be a 32-bit unsigned integer');
  if (typeof o.sessions === 'number' && (!Number.isInteger(o.sessions) || o.sessions < 0 || o.sessions > 0x7fffffff)) bad('session id out of range');
  if (typeof o.sessions === 'string' && o.sessions !== '*') parseSessionSelector(o.sessions);
}

function budget(o: SessionMessageOptions): number {
  if (o.timeoutMs !== undefined) return o.timeoutMs;
  return DEFAULT_SESSION_TIMEOUT_MS + (o.wait ? (o.timeoutSec || DEFAULT_WAIT_SEC) * 1000 : 0);
}

/**
 * Shows `text` in the selected sessions of `server` (msg.exe /server:HOST). Connection-level failures
 * (no pipe, access denied, logon failure) throw NetsendError with an actionable message; per-session
 * failures (a session that vanished, no WINSTATION_MSG right) are results.
 */
export async function sendSessionMessage(o: SessionMessageOptions): Promise<SendSessionMessageResult> {
  checkMessageOptions(o);
  const deadline = Deadline.of({ timeoutMs: budget(o), ...(o.signal ? { signal: o.signal } : {}) });
  const wait = deadline.waitOptions();
  const selector = o.sessions ?? '*';
  const title = o.title ?? `Message from ${o.credentials.user || 'netsend'}`;
  const box = { title, message: o.text, style: o.style ?? MB.MB_OK, timeoutSec: o.timeoutSec ?? 0, doNotWait: o.wait !== true };
  const opened = await openTsts(o, wait);
  const { rpc } = opened;
  try {
    if (opened.path === 'legacy' && (title.length > LEGACY_MAX_CHARS || o.text.length > LEGACY_MAX_CHARS)) {
      throw usageError(`the Legacy interface carries at most ${LEGACY_MAX_CHARS} characters of title and of text`);
    }
    const listed = await enumerate(o, opened, wait);
    const results: SessionMessageResult[] = [];
    let broken: NetsendError | undefined;
    const one = async (s: { sessionId: number; name: string }, send: (call: CallOptions) => Promise<number>): Promise<void> => {
      if (broken) {
        results.push({ sessionId: s.sessionId, name: s.name, ok: false, delivery: 'failed', status: toStatus(broken) });
        return;
      }
      let written = false;
      const call: CallOptions = { ...wait, onLastFragment: (st) => (written = st === 'written' || written) };
      try {
        const response = await send(call);
        results.push({ sessionId: s.sessionId, name: s.name, ok: true, delivery: 'confirmed', response, responseName: responseName(response), status: null });
      } catch (e) {
        const answered = e instanceof NetsendError && ANSWERS.has(e.layer);
        if (!answered) broken = toNetsendError(e);
        const err = e instanceof NetsendError && isAccessDenied(e) ? adminNeededError(o.server, e, `a message to session ${s.sessionId}`) : e;
        results.push({ sessionId: s.sessionId, name: s.name, ok: false, delivery: !answered && written ? 'unconfirmed' : 'failed', status: toStatus(err) });
      }
    };
    if (opened.path === 'lsm') {
      const bound = await rpc.client.bind(TERMSRV_SESSION, wait);
      const ctx = { contextId: bound.contextId };
      const targets = typeof selector === 'number' ? [listed.find((s) => s.sessionId === selector) ?? { sessionId: selector, state: -1, name: '' }] : listed.filter((s) => (selector === '*' ? isStarTarget(s) : s.sessionId >= 0 && s.sessionId < LISTENER_SESSION_BASE));
      const lsmCall = { ...wait, ...ctx };
      for (const s of targets) {
        if (typeof selector === 'string' && selector !== '*') {
          // By user name: ask each session who is logged on, and show the box through the same handle.
          // A session that vanished or refuses queries is not the user's: skipped, as LSM enumeration does.
          let h: SessionHandle;
          try {
            h = await openSession(rpc, s.sessionId, lsmCall);
          } catch (e) {
            if (e instanceof NetsendError && ANSWERS.has(e.layer)) continue;
            throw e;
          }
          try {
            const who = await getUserName(rpc, h, lsmCall).catch((e: unknown) => {
              if (e instanceof NetsendError && ANSWERS.has(e.layer)) return { user: null, domain: null };
              throw e;
            });
            if (sameUser(selector, who.user, who.domain)) await one(s, (call) => showMessageBox(rpc, h, box, { ...call, ...ctx }));
          } finally {
            await closeQuietly(() => closeSession(rpc, h, lsmCall));
          }
          continue;
        }
        await one(s, async (call) => {
          const h = await openSession(rpc, s.sessionId, lsmCall);
          try {
            return await showMessageBox(rpc, h, box, { ...call, ...ctx });
          } finally {
            await closeQuietly(() => closeSession(rpc, h, lsmCall));
          }
        });
      }
    } else {
      if (typeof selector === 'string' && selector !== '*') {
        throw new NetsendError('usage', 0, 'ERROR_NOT_SUPPORTED', `selecting sessions by user name needs \\PIPE\\${LSM_PIPE}; ${o.server} only offers the Legacy interface: give a session id or *`);
      }
      const targets = typeof selector === 'number' ? [listed.find((s) => s.sessionId === selector) ?? { sessionId: selector, state: -1, name: '' }] : listed.filter(isStarTarget);
      const h = await openServer(rpc, wait);
      try {
        for (const s of targets) await one(s, (call) => legacySendMessage(rpc, h, { sessionId: s.sessionId, ...box }, call));
      } finally {
        await closeQuietly(() => closeServer(rpc, h, wait));
      }
    }
    return { server: o.server, path: opened.path, results, ok: results.length > 0 && results.every((r) => r.ok) };
  } finally {
    await rpc.close(wait).catch(() => undefined);
  }
}

/** The sessions of `server`, like `qwinsta /server:HOST`: LSM level 1 plus user names, or Legacy. */
export async function listSessions(o: SessionConnectOptions): Promise<ListSessionsResult> {
  const deadline = Deadline.of({ timeoutMs: o.timeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS, ...(o.signal ? { signal: o.signal } : {}) });
  const wait = deadline.waitOptions();
  const opened = await openTsts(o, wait);
  const { rpc } = opened;
  try {
    const listed = await enumerate(o, opened, wait);
    const sessions: SessionInfo[] = listed.map((s) => ({ sessionId: s.sessionId, name: s.name, state: s.state, stateName: stateName(s.state) }));
    if (opened.path === 'lsm') {
      const bound = await rpc.client.bind(TERMSRV_SESSION, wait);
      const ctx = { ...wait, contextId: bound.contextId };
      for (const s of sessions) {
        if (s.sessionId >= LISTENER_SESSION_BASE || s.sessionId < 0) continue;
        try {
          const who = await withContextHandle(
            () => openSession(rpc, s.sessionId, ctx),
            (h) => closeSession(rpc, h, ctx),
            (h) => getUserName(rpc, h, ctx),
          );
          if (who.user) s.user = who.user;
          if (who.domain) s.domain = who.domain;
        } catch (e) {
          // A session that went away or may not be queried keeps its row without a user.
          if (!(e instanceof NetsendError) || !['hresult', 'rpc-fault'].includes(e.layer)) throw e;
        }
      }
    }
    return { server: o.server, path: opened.path, sessions };
  } finally {
    await rpc.close(wait).catch(() => undefined);
  }
}
