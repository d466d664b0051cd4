/**
 * The CLI over the RPC runtime: the `--binding STRING` / `--auth-level LEVEL` options of `--server`
 * sends and `info` (any transport and RPC auth level the factory opens), and `netsend endpoints
 * --server HOST`, which lists what the endpoint mapper on TCP 135 knows (like rpcdump / rpcclient
 * epmlookup).
 */
import { NetsendError } from '../status/error.js';
import { errorLine, protocolNumber, whatHappened } from './error-line.js';
import { sanitizeForTerminal as shown, toSafeJson } from '../util/sanitize.js';
import type { AuthLevelName, BindingOptions } from '../messenger/session-options.js';
import { intOption, listOption, stringOption, UsageError, type CommandContext, type ParsedValues } from './common.js';

const LEVELS: readonly AuthLevelName[] = ['none', 'connect', 'integrity', 'privacy'];

/** --binding / --auth-level as the messenger's binding options (empty when neither is given). */
export function bindingOptionsFrom(values: ParsedValues): BindingOptions {
  const binding = stringOption(values, 'binding');
  const level = stringOption(values, 'auth-level');
  if (level !== undefined && !(LEVELS as readonly string[]).includes(level)) throw new UsageError(`--auth-level must be one of ${LEVELS.join(', ')}`);
  return { ...(binding !== undefined ? { binding } : {}), ...(level !== undefined ? { authLevel: level as AuthLevelName } : {}) };
}

/** `netsend endpoints --server HOST`: every endpoint-mapper entry (ept_lookup, paged), one per line. */
export async function runEndpoints({ values, positionals, io }: CommandContext): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const servers = listOption(values, 'server');
  if (servers.length === 0) throw new UsageError('endpoints needs --server HOST');
  const timeoutMs = intOption(values, 'timeout', 1, 3_600_000) ?? 10_000;
  const port = intOption(values, 'epm-port', 1, 65535) ?? 135;
  const json = values.json === true;
  const { listEndpoints } = await import('../messenger/rpc-binding.js');
  let failed = 0;
  for (const server of servers) {
    try {
      const entries = await listEndpoints({ server: server.replace(/^\\\\/, ''), port, timeoutMs, ...(io.signal ? { signal: io.signal } : {}) });
      for (const e of entries) {
        // Annotations and towers are the server's words: escaped for the terminal and in JSON.
        if (json) io.stdout.write(toSafeJson({ server, annotation: e.annotation, interface: e.interface, object: e.object, binding: e.binding }) + '\n');
        else io.stdout.write(`${e.interface ?? '?'}  ${shown(e.binding)}  ${shown(e.annotation)}\n`);
      }
      if (!json) io.stderr.write(`${shown(server)}: ${entries.length} endpoints\n`);
    } catch (e) {
      failed++;
      if (!(e instanceof NetsendError) || e.layer === 'usage') throw e;
      if (json) io.stdout.write(toSafeJson({ server, ok: false, message: whatHappened(e), status: { layer: e.layer, code: e.code, number: protocolNumber(e.layer, e.code) ?? null, name: e.name } }) + '\n');
      else io.stderr.write(errorLine(shown(server), e) + '\n');
    }
  }
  return failed === 0 ? 0 : 1;
}
