/**
 * The CLI over the RPC runtime: `--binding STRING` / `--auth-level LEVEL` for `--server` sends and
 * `info` (any transport and RPC auth level the factory opens), and `netsend endpoints --server HOST`,
 * which lists what the endpoint mapper on TCP 135 knows (like rpcdump / rpcclient epmlookup).
 */
import { CaptureFile } from '../pcap/writer.js';
import type { AuthLevelName } from '../rpc/security.js';
import { NetsendError } from '../status/error.js';
import { win32 } from '../status/index.js';
import { intOption, listOption, reportOutcomes, stringOption, UsageError, type CliOutcome, type CommandContext, type ParsedValues, type SendContext } from './main.js';
import { connectOptionsFrom } from './remote.js';

const LEVELS: readonly AuthLevelName[] = ['none', 'connect', 'integrity', 'privacy'];

/** True when --binding or --auth-level asks for the RPC factory path. */
export function usesRpcBinding(values: ParsedValues): boolean {
  return values.binding !== undefined || values['auth-level'] !== undefined;
}

function bindingOptions(values: ParsedValues): { binding?: string; authLevel?: AuthLevelName; authType?: 'ntlmssp' | 'spnego' } {
  const binding = stringOption(values, 'binding');
  const level = stringOption(values, 'auth-level');
  if (level !== undefined && !(LEVELS as readonly string[]).includes(level)) throw new UsageError(`--auth-level must be one of ${LEVELS.join(', ')}`);
  return { ...(binding !== undefined ? { binding } : {}), ...(level !== undefined ? { authLevel: level as AuthLevelName } : {}) };
}

/** `netsend --server HOST --binding ... NAME text`. */
export async function runSendViaBinding(ctx: SendContext): Promise<number> {
  const { values, io, name, text } = ctx;
  const base = { ...(await connectOptionsFrom(values, io)), ...bindingOptions(values) };
  const { sendViaBinding } = await import('../messenger/rpc-binding.js');
  const from = stringOption(values, 'from');
  const pcapPath = stringOption(values, 'pcap');
  const capture = pcapPath ? new CaptureFile(pcapPath) : null;
  try {
    const outcomes = await Promise.all(
      listOption(values, 'server').map(async (server): Promise<CliOutcome> => {
        const r = await sendViaBinding({ ...base, server: server.replace(/^\\\\/, ''), to: name, from: from ?? null, text, ...(capture ? { tap: capture.tap() } : {}) });
        return { target: `${name.toUpperCase()} via ${server}`, ok: r.ok, netApiStatus: r.netApiStatus, status: r.status, detail: { path: 'wkssvc', ...(r.path ? { binding: r.path.binding, authLevel: r.path.authLevel } : {}), ...(r.session ? { dialect: r.session.dialect } : {}) } };
      }),
    );
    return reportOutcomes(outcomes, values.json === true, io);
  } finally {
    capture?.close();
  }
}

/** `netsend info --server HOST --binding ... | --auth-level ...`. */
export async function runInfoViaBinding({ values, io }: CommandContext, level: 100 | 101 | 102): Promise<number> {
  const base = { ...(await connectOptionsFrom(values, io)), ...bindingOptions(values) };
  const { workstationInfoViaBinding } = await import('../messenger/rpc-binding.js');
  const json = values.json === true;
  const pcapPath = stringOption(values, 'pcap');
  const capture = pcapPath ? new CaptureFile(pcapPath) : null;
  let failed = 0;
  try {
    for (const server of listOption(values, 'server')) {
      try {
        const { path, result } = await workstationInfoViaBinding({ ...base, server: server.replace(/^\\\\/, ''), ...(capture ? { tap: capture.tap() } : {}) }, level);
        const status = win32(result.status);
        if (result.status !== 0) failed++;
        if (json) {
          io.stdout.write(JSON.stringify({ server, ok: result.status === 0, status: { layer: 'win32', code: result.status, name: status.name }, binding: path.binding, authLevel: path.authLevel, ...(path.session ? { dialect: path.session.dialect } : {}), info: result.info ?? null }) + '\n');
          continue;
        }
        const lines = [`server:        ${server} (${path.binding}, auth level ${path.authLevel}${path.session ? `, SMB ${path.session.dialect}` : ''})`];
        if (result.status !== 0 || !result.info) {
          io.stdout.write(lines.join('\n') + '\n');
          io.stderr.write(`${server}: NetrWkstaGetInfo level ${level}: ${status.name} (${result.status}): ${status.message}\n`);
          continue;
        }
        const i = result.info;
        lines.push(`platform:      ${i.platformId}`, `computer name: ${i.computerName ?? ''}`, `domain:        ${i.lanGroup ?? ''}`, `version:       ${i.verMajor}.${i.verMinor}`);
        io.stdout.write(lines.join('\n') + '\n');
      } catch (e) {
        failed++;
        if (!(e instanceof NetsendError) || e.layer === 'usage') throw e;
        if (json) io.stdout.write(JSON.stringify({ server, ok: false, status: { layer: e.layer, code: e.code, name: e.name } }) + '\n');
        else io.stderr.write(`${server}: ${e.name}: ${e.message}\n`);
      }
    }
  } finally {
    capture?.close();
  }
  return failed === 0 ? 0 : 1;
}

/** `netsend endpoints --server HOST`: every endpoint-mapper entry (ept_lookup, paged), one per line. */
export async function runEndpoints({ values, positionals, io }: CommandContext): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const servers = listOption(values, 'server');
  if (servers.length === 0) throw new UsageError('endpoints needs --server HOST');
  const timeoutMs = intOption(values, 'timeout', 1, 3_600_000) ?? 10_000;
  const port = intOption(values, 'epm-port', 1, 65535) ?? 135;
  const json = values.json === true;
  const { RpcClient } = await import('../rpc/client.js');
  const { connectTcpRpc, TCP_MAX_FRAG } = await import('../rpc/tcp.js');
  const { EPM, eptLookup, towerBinding } = await import('../rpc/interfaces/epm.js');
  const { formatSyntax } = await import('../rpc/uuid.js');
  let failed = 0;
  for (const server of servers) {
    const host = server.replace(/^\\\\/, '');
    try {
      const transport = await connectTcpRpc({ host, port, timeoutMs });
      let entries;
      try {
        const epm = new RpcClient(transport);
        await epm.bind(EPM, { timeoutMs, maxXmitFrag: TCP_MAX_FRAG, maxRecvFrag: TCP_MAX_FRAG });
        entries = await eptLookup(epm, { timeoutMs });
      } finally {
        await transport.close();
      }
      for (const e of entries) {
        const binding = e.tower ? towerBinding(e.tower) : `unparsed tower ${e.rawTower?.toString('hex') ?? ''}`;
        if (json) io.stdout.write(JSON.stringify({ server, annotation: e.annotation, interface: e.tower ? formatSyntax(e.tower.interface) : null, object: e.object, binding }) + '\n');
        else io.stdout.write(`${e.tower ? formatSyntax(e.tower.interface) : '?'}  ${binding}  ${e.annotation}\n`);
      }
      if (!json) io.stderr.write(`${server}: ${entries.length} endpoints\n`);
    } catch (e) {
      failed++;
      if (!(e instanceof NetsendError) || e.layer === 'usage') throw e;
      if (json) io.stdout.write(JSON.stringify({ server, ok: false, status: { layer: e.layer, code: e.code, name: e.name } }) + '\n');
      else io.stderr.write(`${server}: ${e.name}: ${e.message}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}
