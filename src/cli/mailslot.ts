/**
 * `netsend '*' TEXT`, `netsend --domain WG TEXT` and `netsend --mailslot --host H NAME TEXT`
 * (\MAILSLOT\MESSNGR datagrams, src/messenger/mailslot.ts), and the UDP 138 side of
 * `netsend listen`. Option rows live here so main.ts only spreads them and calls in.
 */
import { NetsendError } from '../status/error.js';
// The protocol modules load when a command runs (issue 12: `--help` and a direct send load none of them).
import type { MailslotSendResult } from '../messenger/mailslot.js';
import { BROADCAST_MAX_CHARS, DEFAULT_WORKGROUP } from '../messenger/mailslot-defaults.js';
import type { MailslotReceiver } from '../messenger/mailslot-receiver.js';
import type { MessengerNames } from '../messenger/message-names.js';
import type { ReceivedMessage } from '../messenger/receiver.js';
import { netApiStatusName } from '../messenger/net-api-status.js';
import type { LineEndings } from '../messenger/text.js';
import { listenLimits } from './listen-limits.js';
import { intOption, listOption, stringOption, UsageError, type CliIO, type CommandContext, type OptionSpec, type ParsedValues } from './common.js';
import { errorLine } from './error-line.js';

export const MAILSLOT_OPTIONS: OptionSpec[] = [
  { name: 'domain', type: 'string', arg: 'WG', help: `broadcast to workgroup/domain WG (WG<00>, \\MAILSLOT\\MESSNGR); every argument is text (at most ${BROADCAST_MAX_CHARS} characters)`, commands: ['send'] },
  { name: 'broadcast-address', type: 'string', multiple: true, arg: 'ADDR', help: { send: "where '*' and --domain broadcasts go (repeatable; default: every IPv4 interface's subnet broadcast address)", listen: "subnet broadcast address on which --name claims its names (default: the first IPv4 interface's)" }, commands: ['send', 'listen'] },
  { name: 'mailslot', type: 'boolean', help: 'send NAME one \\MAILSLOT\\MESSNGR datagram (NAME<03>) to each --host instead of an SMB session; nothing confirms it', commands: ['send'] },
  { name: 'dgram-port', type: 'string', arg: 'N', help: 'UDP port for mailslot datagrams (default 138; skipped with a note when it cannot be bound; 0 = ephemeral)', commands: ['listen'] },
  { name: 'no-register', type: 'boolean', help: 'with --name on a non-loopback --host: do not claim NAME<03> on the subnet nor answer name queries for it', commands: ['listen'] },
  { name: 'workgroup', type: 'string', multiple: true, arg: 'WG', help: `accept broadcasts to WG<00> (repeatable; default ${DEFAULT_WORKGROUP})`, commands: ['listen'] },
];

/** True when the command line asks for a mailslot send: NAME '*', --domain or --mailslot. */
export function mailslotSendApplies(values: ParsedValues, positionals: readonly string[]): boolean {
  return values.domain !== undefined || values.mailslot === true || (positionals[0] === '*' && values.server === undefined);
}

type ReadRecipientAndText = (ctx: CommandContext) => Promise<{ name: string; text: string }>;

/** One line (or JSON object) per target; exit 0 when every datagram left, 1 when any target failed. */
function report(results: MailslotSendResult[], json: boolean, io: CliIO): number {
  let failed = 0;
  for (const r of results) {
    if (!r.ok) failed++;
    if (json) {
      io.stdout.write(
        JSON.stringify({
          target: r.target, ok: r.ok, delivery: r.delivery, transport: r.transport, datagrams: r.datagrams, bytes: r.bytes, truncated: r.truncated,
          status: r.status ? { layer: r.status.layer, code: r.status.code, name: r.status.name } : null,
          netApiStatus: r.netApiStatus, netApiStatusName: netApiStatusName(r.netApiStatus),
        }) + '\n',
      );
    } else if (r.ok) {
      io.stdout.write(`${r.target}: mailslot message sent (${r.datagrams} datagram${r.datagrams === 1 ? '' : 's'}, ${r.bytes} bytes; datagrams are not acknowledged)\n`);
      if (r.truncated) io.stderr.write(`${r.target}: NERR_TruncatedBroadcast (${r.netApiStatus}): text cut to ${BROADCAST_MAX_CHARS} characters\n`);
    } else if (r.status) {
      io.stderr.write(errorLine(r.target, r.status, { netApiStatus: r.netApiStatus, netApiStatusName: netApiStatusName(r.netApiStatus) }) + '\n');
    }
  }
  if (results.length > 1) io.stderr.write(`${results.length} targets: ${results.length - failed} sent, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

export async function runMailslotSend(ctx: CommandContext, readRecipientAndText: ReadRecipientAndText): Promise<number> {
  const { values, positionals, io } = ctx;
  const domain = stringOption(values, 'domain');
  const broadcast = domain !== undefined || (positionals[0] === '*' && values.mailslot !== true);
  // With --domain every argument is text (`net send /domain:WG text`).
  const { name, text } = await readRecipientAndText(domain !== undefined ? { ...ctx, positionals: ['*', ...positionals] } : ctx);
  const codepage = stringOption(values, 'codepage');
  const lineEndings = stringOption(values, 'line-endings') as LineEndings | undefined;
  const timeoutMs = intOption(values, 'timeout', 1, 3_600_000);
  const maxBytes = intOption(values, 'max-bytes', 1, 60_000);
  const port = intOption(values, 'port', 1, 65535);
  const common = {
    text,
    ...(stringOption(values, 'from') !== undefined ? { from: stringOption(values, 'from')! } : {}),
    ...(codepage !== undefined ? { codepage } : {}),
    ...(lineEndings !== undefined ? { lineEndings } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(port !== undefined ? { port } : {}),
  };
  const [{ sendBroadcast, sendMailslotMessage, mailslotUnmappable }, { unmappableWarning }] = await Promise.all([import('../messenger/mailslot.js'), import('../messenger/text.js')]);
  const unmappable = mailslotUnmappable(text, codepage);
  if (unmappable.length > 0) io.stderr.write(`netsend: warning: ${unmappableWarning(unmappable, codepage)}\n`);
  let results: MailslotSendResult[];
  if (broadcast) {
    if (values.mailslot === true && domain === undefined) throw new UsageError("'*' is a broadcast: drop --mailslot");
    if (listOption(values, 'host').length > 0) throw new UsageError("broadcasts go to --broadcast-address, not --host");
    const addrs = listOption(values, 'broadcast-address');
    results = await sendBroadcast({ ...common, workgroup: domain ?? DEFAULT_WORKGROUP, ...(addrs.length ? { broadcastAddresses: addrs } : {}) });
  } else {
    const hosts = listOption(values, 'host');
    if (hosts.length === 0) throw new UsageError('--mailslot needs --host ADDR (the recipient\'s address)');
    results = await sendMailslotMessage({ ...common, to: name, hosts, ...(maxBytes !== undefined ? { maxBytes } : {}) });
  }
  return report(results, values.json === true, io);
}

/**
 * Starts the UDP side of `netsend listen`. Without --dgram-port a port 138 that cannot be bound
 * (no privilege, nmbd holds it) is skipped with a note; an explicit --dgram-port must bind.
 */
export async function startListenMailslot(values: ParsedValues, host: string, onMessage: (m: ReceivedMessage) => void, io: CliIO): Promise<MailslotReceiver | null> {
  const given = intOption(values, 'dgram-port', 0, 65535);
  const workgroups = listOption(values, 'workgroup');
  const names = await listenAcceptNames(values, host);
  const codepage = stringOption(values, 'codepage');
  const { messageRate, messageBurst } = listenLimits(values);
  const { startMailslotReceiver } = await import('../messenger/mailslot-receiver.js');
  try {
    const rx = await startMailslotReceiver({
      ...(messageRate !== undefined ? { messageRate } : {}),
      ...(messageBurst !== undefined ? { messageBurst } : {}),
      host,
      port: given ?? 138,
      onMessage,
      ...(workgroups.length ? { workgroups } : {}),
      ...(names.length ? { names } : {}),
      ...(codepage !== undefined ? { codepage } : {}),
    });
    io.stderr.write(`mailslot datagrams (\\MAILSLOT\\MESSNGR) on udp ${rx.host}:${rx.port}\n`);
    return rx;
  } catch (e) {
    if (given !== undefined || !(e instanceof NetsendError) || e.layer === 'usage') throw e;
    io.stderr.write(`netsend: note: no mailslot datagrams: ${e.message} (use --dgram-port)\n`);
    return null;
  }
}

/** Whether `listen` claims its names on the subnet: --name given, a non-loopback host, no --no-register. */
function registers(values: ParsedValues, host: string): boolean {
  return listOption(values, 'name').length > 0 && values['no-register'] !== true && !isLoopback(host);
}

/**
 * The recipient names `listen` accepts: the --name list, plus the computer name when it claims
 * that too (so `netsend <ip>`, which asks node status for a <03> name, reaches it).
 */
export async function listenAcceptNames(values: ParsedValues, host: string): Promise<string[]> {
  const names = listOption(values, 'name');
  if (!registers(values, host)) return names;
  const { defaultFromName } = await import('../messenger/text.js');
  return [...names, defaultFromName()];
}

function isLoopback(host: string): boolean {
  return /^127\./.test(host) || host === '::1' || host === 'localhost';
}

/**
 * With --name on a listener that the subnet can reach (not loopback): claims each NAME<03> and the
 * computer's <03> by broadcast and answers name queries and node status for them on UDP 137
 * ([MS-MSRP] §3.1.1; RFC 1002 §5.1.1), so `netsend NAME` and `netsend <ip>` find this listener.
 * A name another node defends is reported and left out; the listener runs on.
 */
export async function startListenNames(values: ParsedValues, host: string, io: CliIO): Promise<MessengerNames | null> {
  if (!registers(values, host)) return null;
  const names = listOption(values, 'name');
  const broadcasts = listOption(values, 'broadcast-address');
  if (broadcasts.length > 1) throw new UsageError('listen takes one --broadcast-address');
  const { startMessengerNames } = await import('../messenger/message-names.js');
  const reg = await startMessengerNames({
    names,
    ...(host !== '0.0.0.0' ? { address: host } : {}),
    ...(broadcasts[0] !== undefined ? { broadcast: broadcasts[0] } : {}),
  });
  for (const c of reg.claims) {
    if (c.ok) io.stderr.write(`registered ${c.name}<03> for ${reg.address}\n`);
    else io.stderr.write(`netsend: note: ${c.name}<03> not registered: ${c.error!.name}: ${c.error!.message} [NERR_DuplicateName]\n`);
  }
  if (reg.responderError) io.stderr.write(`netsend: note: not answering name queries: ${reg.responderError.message}\n`);
  else if (reg.responderPort !== null) io.stderr.write(`answering name queries and node status on udp ${reg.responderPort}\n`);
  return reg;
}
