/**
 * `netsend names --server HOST [add NAME | del NAME | get NAME]`: the message aliases of a remote
 * Messenger through msgsvc on \PIPE\msgsvc ([MS-MSRP] §3.1.4; Windows' `net name`). The
 * SMB/RPC stack loads only when this runs.
 */
import { NetsendError, toNetsendError } from '../status/error.js';
import { sanitizeForTerminal as shown, toSafeJson } from '../util/sanitize.js';
import { netApiStatusName } from '../messenger/net-api-status.js';
import { connectOptionsFrom } from './remote.js';
import { intOption, listOption, UsageError, type CommandContext, type OptionSpec } from './common.js';
import { errorLine, protocolNumber, whatHappened } from './error-line.js';

export const NAMES_OPTIONS: OptionSpec[] = [
  { name: 'json', type: 'boolean', help: 'one JSON object per server', commands: ['names'] },
  { name: 'timeout', type: 'string', arg: 'MS', help: 'per-server deadline in milliseconds (default 10000)', commands: ['names'] },
  { name: 'port', type: 'string', arg: 'N', help: 'SMB port (445 default, or 139)', commands: ['names'] },
  { name: 'level', type: 'string', arg: 'N', help: 'NetrMessageNameEnum / GetInfo level: 0 (default) or 1', commands: ['names'] },
];

export async function runNames({ values, positionals, io }: CommandContext): Promise<number> {
  const servers = listOption(values, 'server');
  if (servers.length === 0) throw new UsageError('names needs --server HOST');
  const [verb = 'list', name, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  if (!['list', 'add', 'del', 'get'].includes(verb)) throw new UsageError(`names takes list, add NAME, del NAME or get NAME, not '${verb}'`);
  if (verb !== 'list' && !name) throw new UsageError(`names ${verb} needs a NAME`);
  if (verb === 'list' && name) throw new UsageError(`unexpected argument '${name}'`);
  const level = intOption(values, 'level', 0, 1) ?? 0;
  const base = await connectOptionsFrom(values, io);
  const m = await import('../messenger/msgsvc.js');
  const json = values.json === true;
  let failed = 0;
  for (const raw of servers) {
    const server = raw.replace(/^\\\\/, '');
    const o = { ...base, server };
    try {
      if (verb === 'add') await m.addMessageName(o, name!);
      else if (verb === 'del') await m.deleteMessageName(o, name!);
      const names = verb === 'list' ? (await m.enumMessageNames(o, level as 0 | 1)).names : verb === 'get' ? [await m.getMessageNameInfo(o, name!, level as 0 | 1)] : [];
      if (json) io.stdout.write(toSafeJson({ server, ok: true, op: verb, ...(verb === 'list' || verb === 'get' ? { names } : { name }) }) + '\n');
      else if (verb === 'add' || verb === 'del') io.stdout.write(`${shown(server)}: ${verb === 'add' ? 'added' : 'deleted'} message name ${shown(name!)}\n`);
      else for (const n of names) io.stdout.write(`${shown(server)}: ${shown(n.name)}${n.forwardFlag !== undefined ? ` (forward flag ${n.forwardFlag}${n.forward ? `, forward ${shown(n.forward)}` : ''})` : ''}\n`);
    } catch (e) {
      if (e instanceof NetsendError && e.layer === 'usage') throw e;
      failed++;
      const err = toNetsendError(e);
      const net = err.layer === 'win32' ? err.code : 0;
      if (json) io.stdout.write(toSafeJson({ server, ok: false, op: verb, status: { layer: err.layer, code: err.code, number: protocolNumber(err.layer, err.code) ?? null, name: err.name }, message: whatHappened(err), ...(net ? { netApiStatusName: netApiStatusName(net) } : {}) }) + '\n');
      else io.stderr.write(errorLine(shown(server), err) + '\n');
    }
  }
  return failed > 0 ? 1 : 0;
}
