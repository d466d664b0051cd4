/**
 * The remote side of the CLI: `netsend --server HOST NAME text` (wkssvc NetrMessageBufferSend on
 * HOST) and `netsend info --server HOST` (NetrWkstaGetInfo), with SMB credentials and dialect options.
 * The SMB/RPC/NTLM stack is imported only when one of these runs, so direct sends start faster.
 */
import type { RemoteConnectOptions } from '../messenger/remote.js';
import { SMB_DIALECTS, type Credentials, type RpcPathInfo, type SmbDialectName, type SmbSessionInfo } from '../messenger/session-options.js';
import { bindingOptionsFrom } from './rpc-commands.js';
import { NetsendError } from '../status/error.js';
import { sanitizeForTerminal as shown, toSafeJson } from '../util/sanitize.js';
import { closeCapture, openCapture } from './capture.js';
import { errorLine, protocolNumber, whatHappened } from './error-line.js';
import { concurrencyOption, fanOut } from './fanout.js';
import { CREDENTIAL_OPTIONS, credentialSources } from './credentials.js';
import { EXIT_UNCONFIRMED, intOption, listOption, retryOptionsFrom, stringOption, UsageError, type CliIO, type CliOutcome, type CommandContext, type OptionSpec, type ParsedValues, type SendContext } from './common.js';
import { win32 } from '../status/win32.js';

const REMOTE = ['send', 'info', 'names', 'sessions'] as const;

/** Option rows for the remote path (merged into OPTIONS by main.ts). */
export const REMOTE_OPTIONS: OptionSpec[] = [
  { name: 'server', type: 'string', multiple: true, arg: 'HOST', help: { send: "ask HOST's Workstation service to send it (wkssvc NetrMessageBufferSend over SMB; needs admin on HOST)", info: 'server to query', sessions: 'Windows host whose sessions to list', endpoints: 'server whose endpoint mapper (TCP 135) to list' }, commands: [...REMOTE, 'endpoints'] },
  { name: 'binding', type: 'string', arg: 'STRING', help: 'RPC string binding: ncacn_np:HOST[\\pipe\\wkssvc], ncacn_ip_tcp:HOST[PORT] or ncacn_ip_tcp:HOST (port from the endpoint mapper); options [sign] [seal] [connect], [ntlm] for raw NTLMSSP (default SPNEGO)', commands: REMOTE },
  { name: 'auth-level', type: 'string', arg: 'LEVEL', help: 'RPC auth level: none (np default), connect, integrity or privacy (tcp default)', commands: REMOTE },
  { name: 'epm-port', type: 'string', arg: 'N', help: 'endpoint mapper port (default 135)', commands: ['endpoints'] },
  { name: 'user', short: 'U', type: 'string', arg: 'USER[%PASS]', help: 'SMB user (password after %, blanked from ps once parsed; or -A, --password-fd, $NETSEND_PASSWORD, a prompt on a terminal)', commands: REMOTE },
  { name: 'workgroup', short: 'W', type: 'string', arg: 'DOMAIN', help: 'domain or workgroup of the user', commands: REMOTE },
  { name: 'hashes', type: 'string', arg: '[LM:]NT', help: 'authenticate with an NT hash instead of a password (blanked from ps once parsed)', commands: REMOTE },
  ...CREDENTIAL_OPTIONS,
  { name: 'anonymous', type: 'boolean', help: 'null session (no user)', commands: REMOTE },
  { name: 'smb1', type: 'boolean', help: 'speak SMB1 (NT LM 0.12) only, as NT4 to 2003 do', commands: REMOTE },
  { name: 'smb-min', type: 'string', arg: 'DIALECT', help: `lowest dialect (${SMB_DIALECTS.join(', ')})`, commands: REMOTE },
  { name: 'smb-max', type: 'string', arg: 'DIALECT', help: 'highest dialect', commands: REMOTE },
  { name: 'sign', type: 'boolean', help: 'require SMB signing', commands: REMOTE },
  { name: 'encrypt', type: 'boolean', help: 'require SMB3 encryption', commands: REMOTE },
  { name: 'allow-guest', type: 'boolean', help: 'accept a guest session when -U USER is given (refused by default: unsigned, spoofable)', commands: REMOTE },
  { name: 'allow-unsigned', type: 'boolean', help: 'SMB1: go on unsigned when the logon is not signed (refused by default)', commands: REMOTE },
  { name: 'level', type: 'string', arg: 'N', help: 'NetrWkstaGetInfo level: 100 (default), 101 or 102', commands: ['info'] },
  { name: 'json', type: 'boolean', help: 'one JSON object per server', commands: ['info', 'endpoints'] },
  { name: 'timeout', type: 'string', arg: 'MS', help: 'per-server deadline in milliseconds (default 10000)', commands: ['info', 'endpoints'] },
  { name: 'port', type: 'string', arg: 'N', help: 'SMB port (445 default, or 139)', commands: ['info'] },
];

function dialectOption(values: ParsedValues, name: string): SmbDialectName | undefined {
  const v = stringOption(values, name);
  if (v === undefined) return undefined;
  const d = v.toUpperCase() === 'NT1' ? 'NT1' : v;
  if (!(SMB_DIALECTS as readonly string[]).includes(d)) throw new UsageError(`--${name} must be one of ${SMB_DIALECTS.join(', ')}`);
  return d as SmbDialectName;
}

/** Reads a password from the terminal without echo. */
async function promptPassword(io: CliIO, user: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new UsageError(`no password for ${user}: give USER%PASS, --hashes, --anonymous or $NETSEND_PASSWORD`);
  io.stderr.write(`Password for ${user}: `);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let pw = '';
      const onData = (d: Buffer): void => {
        for (const ch of d.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return done(() => resolve(pw));
          if (ch === '\u0003') return done(() => reject(new UsageError('cancelled')));
          if (ch === '\u007f' || ch === '\b') pw = pw.slice(0, -1);
          else pw += ch;
        }
      };
      const done = (f: () => void): void => {
        stdin.off('data', onData);
        f();
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}

/** Credentials from -U / -W / --hashes / --anonymous / -A / --password-fd / $NETSEND_PASSWORD (the command line wins over -A). */
export async function credentialsFrom(values: ParsedValues, io: CliIO): Promise<Credentials> {
  const hashes = stringOption(values, 'hashes');
  if (values.anonymous === true) {
    if (stringOption(values, 'user') !== undefined || hashes !== undefined || values['authentication-file'] !== undefined || values['password-fd'] !== undefined) throw new UsageError('--anonymous excludes -U, --hashes, -A and --password-fd');
    return { user: '', anonymous: true };
  }
  const src = await credentialSources(values, io);
  const domain = stringOption(values, 'workgroup') ?? src.domain;
  const userArg = stringOption(values, 'user') ?? src.username;
  if (userArg === undefined) throw new UsageError('--server needs -U USER, or -A FILE with a username (or --anonymous)');
  const cut = userArg.indexOf('%');
  let user = cut < 0 ? userArg : userArg.slice(0, cut);
  let password = cut < 0 ? undefined : userArg.slice(cut + 1);
  if (password !== undefined && src.passwordFromFd) throw new UsageError('give the password once: in USER%PASS or with --password-fd');
  password ??= src.password;
  // DOMAIN\user and user@domain forms, as smbclient accepts them.
  let dom = domain;
  const bs = user.indexOf('\\');
  if (bs > 0) [dom, user] = [user.slice(0, bs), user.slice(bs + 1)];
  const creds: Credentials = { user, ...(dom !== undefined ? { domain: dom } : {}) };
  if (hashes !== undefined) {
    if (password !== undefined) throw new UsageError('give either a password or --hashes');
    const { parseHashes } = await import('../messenger/remote.js');
    const h = parseHashes(hashes);
    creds.ntHash = h.ntHash;
    if (h.lmHash) creds.lmHash = h.lmHash;
    return creds;
  }
  password ??= process.env.NETSEND_PASSWORD ?? (await promptPassword(io, user));
  creds.password = password;
  return creds;
}

/** Connection options shared by `send --server` and `info`. */
export async function connectOptionsFrom(values: ParsedValues, io: CliIO): Promise<Omit<RemoteConnectOptions, 'server'>> {
  const smbMin = dialectOption(values, 'smb-min');
  const smbMax = dialectOption(values, 'smb-max');
  const smb1 = values.smb1 === true || smbMax === 'NT1';
  if (smb1 && values.encrypt === true) throw new UsageError('--encrypt needs SMB3; SMB1 has no encryption');
  const port = intOption(values, 'port', 1, 65535);
  const timeoutMs = intOption(values, 'timeout', 1, 3_600_000);
  return {
    credentials: await credentialsFrom(values, io),
    dialect: smb1 ? 'smb1' : smbMin !== undefined && smbMin !== 'NT1' ? 'smb2' : 'auto',
    ...(smbMin ? { smbMin } : {}),
    ...(smbMax ? { smbMax } : {}),
    ...(values.sign === true ? { requireSigning: true } : {}),
    ...(values.encrypt === true ? { requireEncryption: true } : {}),
    ...(values['allow-guest'] === true ? { allowGuest: true } : {}),
    ...(values['allow-unsigned'] === true ? { allowUnsigned: true } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...bindingOptionsFrom(values),
  };
}

function pathDetail(p: RpcPathInfo | undefined): Record<string, string> {
  return p ? { binding: p.binding, authLevel: p.authLevel } : {};
}

function sessionDetail(s: SmbSessionInfo | undefined): Record<string, string | number | boolean> {
  if (!s) return {};
  return { dialect: s.dialect, signing: s.signing, encryption: s.encryption, ...(s.cipher ? { cipher: s.cipher } : {}) };
}

/** `netsend --server HOST NAME text`: one concurrent wkssvc call per --server. */
export async function runRemoteSend(ctx: SendContext): Promise<number> {
  const { values, io, name, text } = ctx;
  const servers = listOption(values, 'server');
  const base = { ...(await connectOptionsFrom(values, io)), ...retryOptionsFrom(values) };
  const [{ sendViaWorkstation }, { netApiStatusFor }] = await Promise.all([import('../messenger/remote.js'), import('../messenger/status-map.js')]);
  const from = stringOption(values, 'from');
  const capture = await openCapture(values, io);
  let captureFailed = 0;
  let code: number;
  try {
    code = await fanOut(
      servers,
      async (server, signal): Promise<CliOutcome> => {
        const target = `${name.toUpperCase()} via ${server}`;
        try {
          const r = await sendViaWorkstation({ ...base, server: server.replace(/^\\\\/, ''), to: name, from: from ?? null, text, signal, ...(capture ? { tap: capture.tap() } : {}) });
          return { target, ok: r.ok, delivery: r.delivery, netApiStatus: r.netApiStatus, status: r.status, detail: { path: 'wkssvc', attempts: r.attempts, ...pathDetail(r.path), ...sessionDetail(r.session) } };
        } catch (e) {
          if (!(e instanceof NetsendError) || e.layer === 'usage') throw e;
          return { target, ok: false, delivery: 'failed', netApiStatus: netApiStatusFor(e), status: { layer: e.layer, code: e.code, name: e.name, message: e.message } };
        }
      },
      { concurrency: concurrencyOption(values), json: values.json === true, io },
    );
  } finally {
    captureFailed = closeCapture(capture, io);
  }
  return captureFailed && (code === 0 || code === EXIT_UNCONFIRMED) ? 1 : code;
}

const PLATFORMS: Record<number, string> = { 300: 'DOS', 400: 'OS/2', 500: 'NT', 600: 'OSF', 700: 'VMS' };

/** `netsend info --server HOST`: NetrWkstaGetInfo, a quick "does the RPC stack reach it". */
export async function runInfo({ values, positionals, io }: CommandContext): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const servers = listOption(values, 'server');
  if (servers.length === 0) throw new UsageError('info needs --server HOST');
  const level = intOption(values, 'level', 100, 102) ?? 100;
  if (level !== 100 && level !== 101 && level !== 102) throw new UsageError('--level must be 100, 101 or 102');
  const base = await connectOptionsFrom(values, io);
  const { workstationInfo } = await import('../messenger/remote.js');
  const json = values.json === true;
  const capture = await openCapture(values, io);
  let failed = 0;
  try {
    for (const server of servers) {
      try {
        const { session, path, result } = await workstationInfo({ ...base, server: server.replace(/^\\\\/, ''), ...(capture ? { tap: capture.tap() } : {}) }, level);
        const status = win32(result.status);
        if (result.status !== 0) failed++;
        if (json) {
          io.stdout.write(toSafeJson({ server, ok: result.status === 0, status: { layer: 'win32', code: result.status, name: status.name }, ...pathDetail(path), session: sessionDetail(session), info: result.info ?? null }) + '\n');
          continue;
        }
        const carrier = [
          ...(path ? [`${path.binding}, auth level ${path.authLevel}`] : []),
          ...(session ? [`SMB ${session.dialect}`, session.signing ? 'signed' : 'unsigned', ...(session.encryption ? [`encrypted${session.cipher ? ` ${session.cipher}` : ''}`] : [])] : []),
        ].join(', ');
        // Names below are the server's own words: shown() escapes controls and bidi overrides.
        const lines = [`server:        ${shown(server)} (${shown(carrier)})`];
        if (result.status !== 0 || !result.info) {
          io.stdout.write(lines.join('\n') + '\n');
          io.stderr.write(errorLine(shown(server), { layer: 'win32', code: result.status, name: status.name, message: `NetrWkstaGetInfo level ${level}: ${status.message}` }) + '\n');
          continue;
        }
        const i = result.info;
        lines.push(`platform:      ${i.platformId} (${PLATFORMS[i.platformId] ?? 'unknown'})`, `computer name: ${shown(i.computerName ?? '')}`, `domain:        ${shown(i.lanGroup ?? '')}`, `version:       ${i.verMajor}.${i.verMinor}`);
        if (i.lanRoot !== undefined) lines.push(`lan root:      ${shown(i.lanRoot ?? '')}`);
        if (i.loggedOnUsers !== undefined) lines.push(`logged on:     ${i.loggedOnUsers}`);
        io.stdout.write(lines.join('\n') + '\n');
      } catch (e) {
        failed++;
        if (!(e instanceof NetsendError)) throw e;
        if (e.layer === 'usage') throw e;
        if (json) io.stdout.write(toSafeJson({ server, ok: false, message: whatHappened(e), status: { layer: e.layer, code: e.code, number: protocolNumber(e.layer, e.code) ?? null, name: e.name } }) + '\n');
        else io.stderr.write(errorLine(shown(server), e) + '\n');
      }
    }
  } finally {
    failed += closeCapture(capture, io);
  }
  return failed === 0 ? 0 : 1;
}
