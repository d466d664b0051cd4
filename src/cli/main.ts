/**
 * `netsend` command line. Subcommands are rows of COMMANDS, options are rows of OPTIONS (each row
 * names the subcommands it belongs to), so new paths (remote wkssvc, `info`) add rows, not code paths.
 *
 *   netsend [send] [options] NAME [message...]    (message from stdin when absent)
 *   netsend [send] --server HOST -U USER NAME [message...]   (HOST's Workstation service sends it)
 *   netsend info --server HOST -U USER           (NetrWkstaGetInfo)
 *   netsend '*' TEXT | --domain WG TEXT | --mailslot --host H NAME TEXT   (\MAILSLOT\MESSNGR, cli/mailslot.ts)
 *   netsend --udp --host H [--udp-port P] NAME TEXT   (NetrSendMessage over ncadg_ip_udp, cli/udp-rpc.ts)
 *   netsend names --server HOST [list|add|del|get NAME]   (msgsvc, cli/names.ts)
 *   netsend listen [--host 127.0.0.1] [--port 139] [--json]
 *
 * Exit codes: 0 delivered (or listener stopped cleanly), 1 refused/failed, 2 usage, 3 unconfirmed
 * (no target failed, but for at least one the final request was written and no answer came:
 * the message may have arrived; see src/messenger/outcome.ts).
 */
import { parseArgs } from 'node:util';
import { NetsendError, toNetsendError } from '../status/error.js';
import type { TrafficTap } from '../util/tap.js';
// Protocol code loads when a command runs (sendModules(), and the cli/*.ts runners): `--help`,
// `--version` and usage errors read none of it (issue 12; test/cli/startup-footprint.test.ts).
import type { SendPipelining, SendResult } from '../messenger/send.js';
import type { ReceivedMessage } from '../messenger/receiver.js';
import * as net from 'node:net';
import { readFileSync } from 'node:fs';
import { LINE_ENDINGS, checkMessageText, type LineEndings } from '../messenger/text-rules.js';
import { sanitizeForTerminal, sanitizingWriter, toSafeJson } from '../util/sanitize.js';
import { formatPopup } from '../messenger/popup.js';
import { REMOTE_OPTIONS, runInfo, runRemoteSend } from './remote.js';
// Light: the msg.exe path's protocol code loads only when session-commands calls into the messenger.
import { SESSION_OPTIONS, runSessionMessage, runSessions } from './session-commands.js';
import { runEndpoints } from './rpc-commands.js';
import { CAPTURE_OPTIONS, closeCapture, openCapture } from './capture.js';
import { concealSecretArguments } from './credentials.js';
import { errorLine } from './error-line.js';
import { checkSendMode } from './modes.js';
import { LISTEN_ACTION_OPTIONS, listenActions } from './listen-actions.js';
import { EXIT_INTERRUPTED, FANOUT_OPTIONS, concurrencyOption, fanOut, parseTarget, targetArguments, targetsFileOption, type Target } from './fanout.js';
import { MAX_RETRIES } from '../messenger/outcome.js';
import { LISTEN_LIMIT_OPTIONS, listenLimits } from './listen-limits.js';
import { NAMES_OPTIONS, runNames } from './names.js';
import { MAILSLOT_OPTIONS, mailslotSendApplies, runMailslotSend, startListenMailslot, startListenNames, listenAcceptNames } from './mailslot.js';
import { UDP_RPC_OPTIONS, runUdpRpcSend, startListenUdpRpc } from './udp-rpc.js';
import { EXIT_UNCONFIRMED, intOption, listOption, reportOutcomes, retryOptionsFrom, stringOption, UsageError, type CliIO, type CliOutcome, type CommandContext, type CommandSpec, type OptionSpec, type ParsedValues, type SendContext } from './common.js';
export * from './common.js';

/** Every option of every subcommand. */
export const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', help: 'show help and exit', commands: '*' },
  { name: 'version', short: 'V', type: 'boolean', help: 'print the version and exit', commands: '*' },
  { name: 'host', type: 'string', multiple: true, arg: 'ADDR', help: { send: 'target ADDR[:PORT], [IPv6]:PORT (repeatable; at most --concurrency in flight); without it NAME is resolved by name', listen: 'address to listen on (default 127.0.0.1)' }, commands: ['send', 'listen'] },
  { name: 'port', type: 'string', arg: 'N', help: { send: '139 (default): NetBIOS session to NAME<03>; any other port: Direct TCP', listen: '139 (default): NetBIOS sessions; any other port (0 = ephemeral): Direct TCP' }, commands: ['send', 'listen'] },
  { name: 'wins', type: 'string', arg: 'ADDR', help: 'resolve NAME<03> with a unicast name query to this NetBIOS name server', commands: ['send'] },
  { name: 'broadcast', type: 'string', arg: 'ADDR', help: 'resolve NAME<03> by broadcast to ADDR (default 255.255.255.255)', commands: ['send'] },
  { name: 'lmhosts', type: 'string', arg: 'FILE', help: 'look NAME up in this LMHOSTS file (ADDRESS NAME[#03] lines) before the name query', commands: ['send'] },
  { name: 'no-dns', type: 'boolean', help: 'no DNS / hosts-file fallback when the NetBIOS name query finds no owner of NAME<03>', commands: ['send'] },
  { name: 'from', type: 'string', arg: 'NAME', help: 'sender name (default: this host name, upper-cased, 15 chars)', commands: ['send'] },
  { name: 'codepage', type: 'string', arg: 'CP', help: 'OEM/ANSI code page for names and text (default cp850): cpNNN, ibmNNN, windows-NNNN, Shift_JIS, GBK, EUC-KR, Big5', commands: ['send', 'listen'] },
  { name: 'single-block', type: 'boolean', help: 'one SMB_COM_SEND_MESSAGE (≤128 bytes) after an SMB1 NEGOTIATE, instead of start/text/end blocks', commands: ['send'] },
  { name: 'no-negotiate', type: 'boolean', help: 'never send SMB1 NEGOTIATE first', commands: ['send'] },
  { name: 'pipeline', type: 'string', arg: 'MODE', help: 'multi-block requests: auto (default: after-start), off (lock-step), after-start (start block, then text and end blocks together), full (all at once with group id 0: one round trip on Samba)', commands: ['send'] },
  { name: 'line-endings', type: 'string', arg: 'MODE', help: 'crlf (default: shows on Windows and Samba), msrp (0x14), lf, raw', commands: ['send'] },
  { name: 'max-bytes', type: 'string', arg: 'N', help: 'limit on the encoded text (default 652, [MS-MSRP] §3.2.4.4)', commands: ['send'] },
  { name: 'timeout', type: 'string', arg: 'MS', help: 'deadline of each attempt per target in milliseconds (default 10000)', commands: ['send'] },
  { name: 'json', type: 'boolean', help: { send: 'one JSON object per target: {target, ok, status, netApiStatus, ...}', listen: 'one JSON object per message' }, commands: ['send', 'listen'] },
  ...CAPTURE_OPTIONS,
  ...FANOUT_OPTIONS,
  { name: 'retries', type: 'string', arg: 'N', help: `send again up to N times when delivery failed (default 0, at most ${MAX_RETRIES}); never after an unconfirmed one`, commands: ['send'] },
  { name: 'retry-unconfirmed', type: 'boolean', help: 'with --retries, also send again when delivery is unconfirmed (may show the message twice)', commands: ['send'] },
  { name: 'name', type: 'string', multiple: true, arg: 'NAME', help: 'accept only these recipient names (repeatable; default: any)', commands: ['listen'] },
  ...REMOTE_OPTIONS,
  ...SESSION_OPTIONS,
  ...LISTEN_LIMIT_OPTIONS,
  ...LISTEN_ACTION_OPTIONS,
  ...MAILSLOT_OPTIONS,
  ...UDP_RPC_OPTIONS,
  ...NAMES_OPTIONS,
];

/** Subcommands; the first positional picks one, anything else means `send`. */
export const COMMANDS: Record<string, CommandSpec> = {
  send: {
    summary: 'send a Messenger popup directly (SMB1 message commands)',
    usage: 'netsend [send] [options] NAME [message...]',
    run: runSend,
    examples: [
      ['netsend BOB "Lunch is ready"', 'resolve BOB<03> over NetBIOS and deliver on port 139'],
      ['netsend --host 192.0.2.7 BOB "Lunch is ready"', 'deliver to that address'],
      ['netsend --targets office.txt --concurrency 64 BOB "Fire drill at 3"', 'many targets, one ADDR[:PORT] per line; results as each finishes'],
      ['echo "from stdin" | netsend --host 192.0.2.7 --from HELPDESK BOB', 'the message from stdin'],
      ["netsend --server HOST -U 'DOM\\admin' BOB \"text\"", "HOST's Workstation service sends it (wkssvc)"],
    ],
  },
  listen: {
    summary: 'receive Messenger popups and print them',
    usage: 'netsend listen [--host ADDR] [--port N] [--json] [--name NAME...] [--exec CMD] [--notify]',
    run: runListen,
    examples: [
      ['netsend listen --host 0.0.0.0 --port 139', 'a WinPopup-style receiver (port 139 needs root)'],
      ["netsend listen --port 1139 --exec 'logger -t netsend'", 'run a command per message, no shell (fields in NETSEND_* variables, text on stdin)'],
      ['netsend listen --notify', 'a desktop notification per message (notify-send)'],
    ],
  },
  names: { summary: "list, add, get or delete a Messenger's message names (msgsvc on \\PIPE\\msgsvc over SMB, as `net name`)", usage: 'netsend names --server HOST [-U USER[%PASS]] [list | add NAME | del NAME | get NAME] [--level 0|1] [--json]', run: runNames },
  info: {
    summary: "ask a server's Workstation service who it is (wkssvc NetrWkstaGetInfo over SMB)",
    usage: 'netsend info --server HOST [-U USER[%PASS]] [--level 100|101|102] [--json]',
    run: runInfo,
    examples: [['netsend info --server HOST -U user --level 101', 'does the RPC stack reach it?']],
  },
  sessions: { summary: 'list the user sessions of a Windows host (MS-TSTS, like qwinsta /server:HOST)', usage: 'netsend sessions --server HOST -U USER [--json]', run: (ctx) => runSessions(ctx) },
  endpoints: { summary: "list what a server's endpoint mapper knows (ept_lookup on TCP 135)", usage: 'netsend endpoints --server HOST [--json]', run: (ctx) => runEndpoints(ctx) },
  help: { summary: 'show help for all commands or one', usage: 'netsend help [COMMAND]', run: runHelp },
};

const DEFAULT_COMMAND = 'send';

function optionsFor(command: string): OptionSpec[] {
  return OPTIONS.filter((o) => o.commands === '*' || o.commands.includes(command));
}

export function helpText(command?: string): string {
  const lines: string[] = [];
  const cmds = command ? [command] : Object.keys(COMMANDS);
  if (!command) lines.push('netsend: send and receive Windows Messenger (net send) popups', '');
  for (const c of cmds) {
    const spec = COMMANDS[c]!;
    lines.push(`Usage: ${spec.usage}`, `  ${spec.summary}`);
    for (const o of optionsFor(c)) {
      const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.arg ? ` ${o.arg}` : ''}`;
      const help = typeof o.help === 'string' ? o.help : (o.help[c] ?? Object.values(o.help)[0] ?? '');
      lines.push(`  ${flag.padEnd(28)} ${help}`);
    }
    if (spec.examples?.length) {
      lines.push('  Examples:');
      for (const [cmd, what] of spec.examples) lines.push(`    ${cmd}`, `        ${what}`);
    }
    lines.push('');
  }
  if (!command) lines.push(`Exit status: 0 delivered, 1 refused or failed, 2 usage error, ${EXIT_UNCONFIRMED} unconfirmed (sent, no answer: it may have arrived), ${EXIT_INTERRUPTED} interrupted (Ctrl-C).`, 'Message text is read from stdin when none is given. More: netsend help COMMAND, man netsend.', '');
  return lines.join('\n');
}

/**
 * The version in the package's package.json: one level up from the CLI bundle (dist/cli.bundle.js),
 * two from dist/cli/main.js or src/cli/main.ts.
 */
export function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'netsend' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not this level
    }
  }
  return 'unknown';
}

/** `netsend help [COMMAND]`. */
async function runHelp({ positionals, io }: CommandContext): Promise<number> {
  const [topic, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`help takes one COMMAND, got '${rest[0]}'`);
  if (topic !== undefined && !Object.hasOwn(COMMANDS, topic)) throw new UsageError(`no command '${topic}'; commands: ${Object.keys(COMMANDS).join(', ')}`);
  io.stdout.write(helpText(topic));
  return 0;
}

/**
 * process.stdin on first use: Node builds the stream (a socket over a pipe, a file reader, a TTY)
 * when the getter is first read, and a send with its text on the command line never reads it.
 */
const lazyStdin: AsyncIterable<Buffer | string> & { readonly isTTY: boolean } = {
  get isTTY() {
    return process.stdin.isTTY === true;
  },
  [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator](),
};

function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: lazyStdin };
}

export async function main(argv: string[], io: Partial<CliIO> = {}): Promise<number> {
  const given: CliIO = { ...defaultIO(), ...io };
  // Everything printed passes the sanitiser (util/sanitize.ts): network strings never reach the terminal raw.
  const fullIO: CliIO = { ...given, stdout: sanitizingWriter(given.stdout), stderr: sanitizingWriter(given.stderr) };
  // The progress line needs \r and erase-line, which the sanitiser escapes: it gets the raw stream, on a terminal only.
  if (!given.progress && io.stderr === undefined && process.stderr.isTTY) fullIO.progress = process.stderr;
  let command = DEFAULT_COMMAND;
  let args = argv;
  if (argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0])) {
    command = argv[0];
    args = argv.slice(1);
  }
  const spec = COMMANDS[command]!;
  let values: ParsedValues;
  let positionals: string[];
  try {
    const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
    for (const o of optionsFor(command)) options[o.name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    values = parsed.values as ParsedValues;
    positionals = parsed.positionals;
    concealSecretArguments(values);
  } catch (e) {
    fullIO.stderr.write(`netsend: ${e instanceof Error ? e.message : String(e)}\nTry 'netsend --help'.\n`);
    return 2;
  }
  if (values.version) {
    fullIO.stdout.write(`netsend ${packageVersion()}\n`);
    return 0;
  }
  if (values.help) {
    fullIO.stdout.write(helpText(command === DEFAULT_COMMAND && argv[0] !== 'send' ? undefined : command));
    return 0;
  }
  try {
    return await spec.run({ values, positionals, io: fullIO });
  } catch (e) {
    if (e instanceof UsageError || (e instanceof NetsendError && e.layer === 'usage')) {
      fullIO.stderr.write(`netsend: ${sanitizeForTerminal(e.message)}\nTry 'netsend --help'.\n`);
      return 2;
    }
    fullIO.stderr.write(`${e instanceof NetsendError ? errorLine('netsend', e) : `netsend: ${e instanceof Error ? e.message : String(e)}`}\n`);
    return 1;
  }
}

// ---------------------------------------------------------------------------------------------
// helpers shared by subcommands

const MAX_STDIN = 1 << 20;

async function readAll(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    n += b.length;
    if (n > MAX_STDIN) throw new UsageError(`message on stdin is over ${MAX_STDIN} bytes`);
    parts.push(b);
  }
  return Buffer.concat(parts).toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// send

/**
 * Other ways to deliver a message (e.g. the remote wkssvc path when `--server` is given). The first
 * delegate whose `applies` is true handles the send instead of direct delivery; it prints with
 * `reportOutcomes` so exit codes and --json stay uniform.
 */
export interface SendDelegate {
  name: string;
  applies(values: ParsedValues): boolean;
  run(ctx: SendContext): Promise<number>;
}
export const SEND_DELEGATES: SendDelegate[] = [
  { name: 'wkssvc', applies: (v) => listOption(v, 'server').length > 0, run: (ctx) => runRemoteSend(ctx) },
  { name: 'udp', applies: (v) => v.udp === true, run: (ctx) => runUdpRpcSend(ctx) },
];

/** What smbclient -M says before reading a message typed at the terminal. */
export const MESSAGE_PROMPT = 'Type your message, ending it with a Control-D\n';

/** Prompt only when a person is typing: stdin is a terminal (never for a pipe or a file). */
export function promptsForMessage(stdin: unknown): boolean {
  return (stdin as { isTTY?: unknown } | null)?.isTTY === true;
}

/** Recipient and text from the positionals, or from stdin when only NAME is given. */
export async function readRecipientAndText({ positionals, io }: CommandContext): Promise<{ name: string; text: string }> {
  const [name, ...words] = positionals;
  if (!name) throw new UsageError('missing recipient NAME');
  let text = words.join(' ');
  if (words.length === 0) {
    if (promptsForMessage(io.stdin)) io.stderr.write(MESSAGE_PROMPT);
    // A single trailing newline from `echo` or a heredoc is not part of the message.
    text = (await readAll(io.stdin)).replace(/\r?\n$/, '');
  }
  if (text.length === 0) throw new UsageError('empty message');
  checkMessageText(text);
  return { name, text };
}

/** The direct send's modules, loaded on its first use. */
async function sendModules() {
  const [send, statusMap, text] = await Promise.all([import('../messenger/send.js'), import('../messenger/status-map.js'), import('../messenger/text.js')]);
  return { prepareMessage: send.prepareMessage, sendMessage: send.sendMessage, SEND_PIPELINING: send.SEND_PIPELINING, netApiStatusFor: statusMap.netApiStatusFor, unmappableWarning: text.unmappableWarning };
}

function failureOutcome(target: string, e: unknown, netApiStatusFor: (e: unknown) => number): CliOutcome {
  const err = toNetsendError(e);
  return { target, ok: false, delivery: 'failed', netApiStatus: netApiStatusFor(err), status: { layer: err.layer, code: err.code, name: err.name, message: err.message } };
}

/** --pipeline MODE as the sendMessage option. */
function pipelineOption(values: ParsedValues, SEND_PIPELINING: readonly SendPipelining[]): { pipeline?: SendPipelining } {
  const p = stringOption(values, 'pipeline');
  if (p === undefined) return {};
  if (!SEND_PIPELINING.includes(p as SendPipelining)) throw new UsageError(`--pipeline must be one of ${SEND_PIPELINING.join(', ')}`);
  return { pipeline: p as SendPipelining };
}

function sendOutcome(target: string, r: SendResult): CliOutcome {
  return { target, ok: r.ok, delivery: r.delivery, netApiStatus: r.netApiStatus, status: r.status, detail: { transport: r.transport, roundTrips: r.roundTrips, blocks: r.blocks, attempts: r.attempts } };
}

async function runSend(ctx: CommandContext): Promise<number> {
  const { values, io } = ctx;
  // --msg: the msg.exe path (MS-TSTS); its positionals are all text, there is no NAME.
  if (values.msg === true) return runSessionMessage(ctx);
  if (mailslotSendApplies(values, ctx.positionals)) return runMailslotSend(ctx, readRecipientAndText);
  checkSendMode(values);
  if (targetsFileOption(values) === '-' && ctx.positionals.length < 2) throw new UsageError('--targets - reads the targets from stdin: give the message on the command line');
  const { name, text } = await readRecipientAndText(ctx);
  const delegate = SEND_DELEGATES.find((d) => d.applies(values));
  if (delegate) return delegate.run({ ...ctx, name, text });

  const port = intOption(values, 'port', 1, 65535) ?? 139;
  const timeoutMs = intOption(values, 'timeout', 1, 3_600_000);
  const maxBytes = intOption(values, 'max-bytes', 1, 65_024);
  const lineEndings = stringOption(values, 'line-endings');
  if (lineEndings !== undefined && !LINE_ENDINGS.includes(lineEndings as LineEndings)) {
    throw new UsageError(`--line-endings must be one of ${LINE_ENDINGS.join(', ')}`);
  }
  const single = values['single-block'] === true;
  const json = values.json === true;

  const explicitTargets = await targetArguments(values, io);
  const concurrency = concurrencyOption(values);
  let targets: Target[] = explicitTargets.map((t) => parseTarget(t, port));
  const { prepareMessage, sendMessage, netApiStatusFor, unmappableWarning, SEND_PIPELINING } = await sendModules();
  const base = {
    port,
    to: name,
    text,
    ...(stringOption(values, 'from') !== undefined ? { from: stringOption(values, 'from')! } : {}),
    ...(stringOption(values, 'codepage') !== undefined ? { codepage: stringOption(values, 'codepage')! } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxBytes !== undefined ? { maxBytes } : {}),
    ...(lineEndings !== undefined ? { lineEndings: lineEndings as LineEndings } : {}),
    mode: single ? ('single' as const) : ('auto' as const),
    ...(values['no-negotiate'] === true ? { negotiate: false } : {}),
    ...pipelineOption(values, SEND_PIPELINING),
    ...retryOptionsFrom(values),
  };
  // Usage problems (names, code page, size) fail before any traffic, for every target alike.
  // An IP address as NAME (no --host) is asked for its messenger name first, like `net send <ip>`.
  const byAddress = targets.length === 0 && net.isIP(name) !== 0;
  const prepared = prepareMessage({ ...base, to: byAddress ? 'X' : name, host: targets[0]?.host ?? '0.0.0.0' });
  if (prepared.unmappable.length > 0) {
    io.stderr.write(`netsend: warning: ${unmappableWarning(prepared.unmappable, base.codepage)}\n`);
  }

  if (targets.length === 0) {
    try {
      const wins = stringOption(values, 'wins');
      const broadcast = stringOption(values, 'broadcast');
      const lmhosts = stringOption(values, 'lmhosts');
      // Name resolution (UDP 137) loads only when NAME has no --host.
      const { resolveMessengerTarget } = await import('../messenger/resolve.js');
      const t = await resolveMessengerTarget(name, {
        timeoutMs: timeoutMs ?? 3_000,
        ...(base.codepage !== undefined ? { codepage: base.codepage } : {}),
        ...(wins !== undefined ? { wins } : {}),
        ...(broadcast !== undefined ? { broadcast } : {}),
        ...(lmhosts !== undefined ? { lmhosts } : {}),
        ...(values['no-dns'] === true ? { dns: false } : {}),
      });
      targets = [{ host: t.host, port, explicitPort: false }];
      base.to = t.to;
    } catch (e) {
      if (e instanceof NetsendError && e.layer === 'usage') throw e;
      return reportOutcomes([failureOutcome(name.toUpperCase(), e, netApiStatusFor)], json, io);
    }
  }
  const capture = await openCapture(values, io);
  let code: number;
  let captureFailed = 0;
  try {
    code = await fanOut(
      targets,
      async (t, signal): Promise<CliOutcome> => {
        const tap: TrafficTap | undefined = capture ? capture.tap('client') : undefined;
        const target = `${base.to.toUpperCase()}@${t.explicitPort ? (net.isIPv6(t.host) ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`) : t.host}`;
        try {
          return sendOutcome(target, await sendMessage({ ...base, host: t.host, port: t.port, signal, ...(tap ? { tap } : {}) }));
        } catch (e) {
          if (e instanceof NetsendError && e.layer === 'usage') throw e;
          return failureOutcome(target, e, netApiStatusFor);
        }
      },
      { concurrency, json, io },
    );
  } finally {
    captureFailed = closeCapture(capture, io);
  }
  // A capture that could not be written is a failure, and a failure outranks "unconfirmed" (3).
  return captureFailed && (code === 0 || code === EXIT_UNCONFIRMED) ? 1 : code;
}

// ---------------------------------------------------------------------------------------------
// listen

async function runListen({ values, positionals, io }: CommandContext): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const hosts = listOption(values, 'host');
  if (hosts.length > 1) throw new UsageError('listen takes one --host');
  const port = intOption(values, 'port', 0, 65535) ?? 139;
  const json = values.json === true;
  const names = await listenAcceptNames(values, hosts[0] ?? '127.0.0.1');
  const codepage = stringOption(values, 'codepage');
  const actions = await listenActions(values, io);
  const print = (m: ReceivedMessage): void => {
    actions?.onMessage(m);
    if (json) {
      io.stdout.write(toSafeJson({ from: m.from, to: m.to, text: m.text, receivedAt: m.receivedAt.toISOString(), remoteAddress: m.remoteAddress, transport: m.transport }) + '\n');
    } else {
      io.stdout.write(formatPopup(m) + '\n');
    }
  };
  const capture = await openCapture(values, io);
  // Loaded here: a send never needs the receiver (bench/cli-startup.mjs).
  const { startReceiver } = await import('../messenger/receiver.js');
  const rx = await startReceiver({
    host: hosts[0] ?? '127.0.0.1',
    port,
    onMessage: print,
    ...(capture ? { tap: () => capture.tap('server') } : {}),
    ...(names.length ? { names } : {}),
    ...(codepage !== undefined ? { codepage } : {}),
    ...listenLimits(values),
  });
  io.stderr.write(`listening on ${rx.host}:${rx.port} (${rx.transport === 'nbss' ? 'NetBIOS session' : 'Direct TCP'})\n`);
  let dgram;
  let registered;
  let udpRpc;
  try {
    dgram = await startListenMailslot(values, rx.host, print, io);
    udpRpc = await startListenUdpRpc(values, rx.host, print, io);
    registered = await startListenNames(values, rx.host, io);
  } catch (e) {
    await rx.close();
    await dgram?.close();
    await udpRpc?.close();
    throw e;
  }
  await new Promise<void>((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await rx.close();
  await dgram?.close();
  await udpRpc?.close();
  await registered?.close();
  await actions?.close();
  return closeCapture(capture, io);
}
