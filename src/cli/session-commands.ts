/**
 * The CLI of the msg.exe path ([MS-TSTS], src/messenger/session-message.ts):
 *   netsend --msg --server HOST -U USER [--session ID|USER|*] [--title T] [--wait N] text
 *   netsend sessions --server HOST -U USER            (like qwinsta /server:HOST)
 * Station and user names come from the network: they are printed through the sanitiser.
 */
import { NetsendError } from '../status/error.js';
import { sanitizeForTerminal as shown, toSafeJson } from '../util/sanitize.js';
import { connectOptionsFrom } from './remote.js';
import { closeCapture, openCapture } from './capture.js';
import { errorLine, protocolNumber, whatHappened } from './error-line.js';
import { intOption, listOption, reportOutcomes, stringOption, UsageError, type CliOutcome, type CommandContext, type OptionSpec, type ParsedValues } from './common.js';
import type { SendSessionMessageResult, SessionConnectOptions, SessionSelector } from '../messenger/session-message.js';

/** Option rows of the msg.exe path (merged into OPTIONS by main.ts). */
export const SESSION_OPTIONS: OptionSpec[] = [
  { name: 'msg', type: 'boolean', help: "show the text in user sessions of --server HOST, as msg.exe /server:HOST does (MS-TSTS: LSM, else the Legacy interface; for Vista to 11, which have no Messenger)", commands: ['send'] },
  { name: 'session', type: 'string', arg: 'ID|USER|*', help: 'with --msg: a session id, the sessions of a user, or * (default: every Active user session)', commands: ['send'] },
  { name: 'title', type: 'string', arg: 'T', help: 'with --msg: the message box title (default "Message from USER")', commands: ['send'] },
  { name: 'wait', type: 'string', arg: 'N', help: "with --msg: wait up to N seconds for the user's answer (IDOK, or IDTIMEOUT when the box times out)", commands: ['send'] },
  { name: 'interface', type: 'string', arg: 'auto|lsm|legacy', help: 'MS-TSTS interface: auto (default: LSM_API_service, else Ctx_WinStation_API_service), lsm or legacy', commands: ['send', 'sessions'] },
  { name: 'json', type: 'boolean', help: 'one JSON object per session', commands: ['sessions'] },
  { name: 'timeout', type: 'string', arg: 'MS', help: 'per-server deadline in milliseconds (default 15000)', commands: ['sessions'] },
  { name: 'port', type: 'string', arg: 'N', help: 'SMB port (445 default)', commands: ['sessions'] },
];

const INTERFACES = ['auto', 'lsm', 'legacy'] as const;

async function sessionConnectOptions(values: ParsedValues, ctx: CommandContext): Promise<Omit<SessionConnectOptions, 'server'>> {
  if (stringOption(values, 'binding') !== undefined) throw new UsageError('--binding does not apply to the MS-TSTS pipes (use --auth-level)');
  const iface = stringOption(values, 'interface') ?? 'auto';
  if (!(INTERFACES as readonly string[]).includes(iface)) throw new UsageError(`--interface must be one of ${INTERFACES.join(', ')}`);
  const c = await connectOptionsFrom(values, ctx.io);
  if (c.dialect === 'smb1') throw new UsageError('MS-TSTS needs Vista or later: SMB 2 or 3');
  if (!c.credentials || c.credentials.anonymous) throw new UsageError('--msg and sessions need -U USER (an administrator of HOST)');
  return {
    credentials: c.credentials,
    interface: iface as (typeof INTERFACES)[number],
    ...(c.authLevel ? { authLevel: c.authLevel } : {}),
    ...(c.authType ? { authType: c.authType } : {}),
    ...(c.port !== undefined ? { port: c.port } : {}),
    ...(c.dialect ? { dialect: c.dialect } : {}),
    ...(c.smbMin && c.smbMin !== 'NT1' ? { smbMin: c.smbMin } : {}),
    ...(c.smbMax ? { smbMax: c.smbMax } : {}),
    ...(c.requireSigning ? { requireSigning: true } : {}),
    ...(c.requireEncryption ? { requireEncryption: true } : {}),
    ...(c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
  };
}

/** Win32 code of a per-session failure: NTSTATUS mapped, FACILITY_WIN32 HRESULTs by their low word. */
function win32Of(status: { layer: string; code: number } | null, ntStatusToWin32: (code: number) => number): number {
  if (!status) return 0;
  if (status.layer === 'ntstatus') return ntStatusToWin32(status.code);
  if (status.layer === 'hresult') return ((status.code >>> 16) & 0x7ff) === 7 ? status.code & 0xffff : 1726;
  if (status.layer === 'win32' || status.layer === 'rpc-fault') return status.code >>> 0 < 0x10000 ? status.code : 1726;
  return 1726;
}

function serversOf(values: ParsedValues): string[] {
  const servers = listOption(values, 'server').map((s) => s.replace(/^\\\\/, ''));
  if (servers.length === 0) throw new UsageError('needs --server HOST');
  return servers;
}

/** One CLI outcome per session (station names sanitised), or one "no session matches" failure. */
function sessionOutcomes(server: string, selector: SessionSelector, r: SendSessionMessageResult, ntStatusToWin32: (code: number) => number): CliOutcome[] {
  if (r.results.length === 0) {
    return [{ target: shown(server), ok: false, netApiStatus: 7022, status: { layer: 'win32', code: 7022, name: 'ERROR_CTX_WINSTATION_NOT_FOUND', message: `no session matches ${String(selector)}` } }];
  }
  return r.results.map((s) => ({
    target: shown(`session ${s.sessionId}${s.name ? ` (${s.name})` : ''} on ${server}`),
    ok: s.ok,
    delivery: s.delivery,
    netApiStatus: win32Of(s.status, ntStatusToWin32),
    status: s.status,
    detail: { path: r.path, sessionId: s.sessionId, ...(s.responseName ? { response: s.responseName } : {}) },
  }));
}

/** `netsend --msg --server HOST ... text`: one result line per session. */
export async function runSessionMessage(ctx: CommandContext): Promise<number> {
  const { values, positionals, io } = ctx;
  const text = positionals.join(' ');
  if (text === '') throw new UsageError('--msg needs the message text');
  const waitSec = intOption(values, 'wait', 1, 86_400);
  const [{ parseSessionSelector, sendSessionMessage }, { ntStatusToWin32 }] = await Promise.all([import('../messenger/session-message.js'), import('../status/map.js')]);
  const selector = parseSessionSelector(stringOption(values, 'session') ?? '*');
  const base = await sessionConnectOptions(values, ctx);
  const title = stringOption(values, 'title');
  const capture = await openCapture(values, io);
  let captureFailed = 0;
  const outcomes: CliOutcome[] = [];
  try {
    for (const server of serversOf(values)) {
      try {
        const r = await sendSessionMessage({ ...base, server, sessions: selector, text, ...(title !== undefined ? { title } : {}), ...(waitSec !== undefined ? { wait: true, timeoutSec: waitSec } : {}), ...(capture ? { tap: capture.tap() } : {}) });
        outcomes.push(...sessionOutcomes(server, selector, r, ntStatusToWin32));
      } catch (e) {
        if (!(e instanceof NetsendError) || e.layer === 'usage') throw e;
        outcomes.push({ target: shown(server), ok: false, netApiStatus: win32Of(e, ntStatusToWin32), status: { layer: e.layer, code: e.code, name: e.name, message: e.message } });
      }
    }
  } finally {
    captureFailed = closeCapture(capture, io);
  }
  const code = reportOutcomes(outcomes, values.json === true, io);
  if (values.json !== true) {
    for (const o of outcomes) if (o.ok && o.detail?.response && o.detail.response !== 'IDASYNC') io.stdout.write(`${o.target}: answer ${String(o.detail.response)}\n`);
  }
  return captureFailed && code !== 1 ? 1 : code;
}

/** `netsend sessions --server HOST`: ID, STATE, SESSIONNAME, USERNAME per session (qwinsta's columns). */
export async function runSessions(ctx: CommandContext): Promise<number> {
  const { values, positionals, io } = ctx;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const base = await sessionConnectOptions(values, ctx);
  const { listSessions } = await import('../messenger/session-message.js');
  const json = values.json === true;
  let failed = 0;
  for (const server of serversOf(values)) {
    try {
      const r = await listSessions({ ...base, server });
      if (json) {
        for (const s of r.sessions) io.stdout.write(toSafeJson({ server, path: r.path, ...s }) + '\n');
        continue;
      }
      io.stdout.write(` ${'SESSIONNAME'.padEnd(18)} ${'USERNAME'.padEnd(20)} ${'ID'.padStart(6)}  STATE\n`);
      for (const s of r.sessions) {
        const user = s.user ? (s.domain ? `${s.domain}\\${s.user}` : s.user) : '';
        io.stdout.write(` ${shown(s.name).padEnd(18)} ${shown(user).padEnd(20)} ${String(s.sessionId).padStart(6)}  ${s.stateName}\n`);
      }
      io.stderr.write(`${shown(server)}: ${r.sessions.length} sessions (${r.path === 'lsm' ? 'LSM_API_service' : 'Ctx_WinStation_API_service'})\n`);
    } catch (e) {
      failed++;
      if (!(e instanceof NetsendError) || e.layer === 'usage') throw e;
      if (json) io.stdout.write(toSafeJson({ server, ok: false, message: whatHappened(e), status: { layer: e.layer, code: e.code, number: protocolNumber(e.layer, e.code) ?? null, name: e.name } }) + '\n');
      else io.stderr.write(errorLine(shown(server), e) + '\n');
    }
  }
  return failed === 0 ? 0 : 1;
}
