/**
 * What every `netsend` subcommand shares: the I/O it writes to, option rows and their parsing, usage
 * errors, and the one printer of send outcomes (so exit codes and --json are the same for every path).
 */
import { netApiStatusName } from '../messenger/status-map.js';
import { MAX_RETRIES, type Delivery, type RetryOptions } from '../messenger/outcome.js';

export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Message text source when none is given on the command line. */
  stdin: AsyncIterable<Buffer | string>;
  /** Stops `listen` (default: SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

export type OptionValue = string | boolean | string[] | undefined;
export type ParsedValues = Record<string, OptionValue>;

export interface OptionSpec {
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** Placeholder shown in help, e.g. ADDR. */
  arg?: string;
  /** One text, or one per subcommand. */
  help: string | Readonly<Record<string, string>>;
  /** Subcommands that accept it ('*' = all). */
  commands: readonly string[] | '*';
}

export interface CommandContext {
  values: ParsedValues;
  positionals: string[];
  io: CliIO;
}

export interface CommandSpec {
  summary: string;
  usage: string;
  run(ctx: CommandContext): Promise<number>;
}

export class UsageError extends Error {}

export function intOption(values: ParsedValues, name: string, min: number, max: number): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UsageError(`--${name} needs a whole number, got '${String(v)}'`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${name} must be ${min}..${max}`);
  return n;
}

export function stringOption(values: ParsedValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Exit status when no target failed but at least one delivery is unconfirmed. */
export const EXIT_UNCONFIRMED = 3;

/** --retries / --retry-unconfirmed as library options. */
export function retryOptionsFrom(values: ParsedValues): RetryOptions {
  const retries = intOption(values, 'retries', 0, MAX_RETRIES);
  if (values['retry-unconfirmed'] === true && !retries) throw new UsageError('--retry-unconfirmed needs --retries N');
  return { ...(retries !== undefined ? { retries } : {}), ...(values['retry-unconfirmed'] === true ? { retryUnconfirmed: true } : {}) };
}

export function listOption(values: ParsedValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** One line of `send` output: a target and how delivery to it ended. */
export interface CliOutcome {
  target: string;
  ok: boolean;
  netApiStatus: number;
  status: { layer: string; code: number; name: string; message: string } | null;
  /** Default: 'confirmed' when ok, else 'failed'. */
  delivery?: Delivery;
  /** Extra JSON fields and the success line's detail (transport, round trips ...). */
  detail?: Record<string, string | number | boolean>;
}

/** What a send delegate receives: the parsed command line plus recipient and message text. */
export interface SendContext extends CommandContext {
  name: string;
  text: string;
}

/**
 * Prints outcomes: --json one object per target on stdout (with `delivery`); otherwise a success
 * line on stdout, or "TARGET: STATUS_NAME (NET_API_STATUS): message [NERR name]" on stderr
 * ("TARGET: delivery unconfirmed: ..." when the answer to the final request was lost). Several
 * targets end with a count per outcome on stderr. Returns the exit code: 1 if any failed, else
 * EXIT_UNCONFIRMED if any is unconfirmed, else 0.
 */
export function reportOutcomes(outcomes: CliOutcome[], json: boolean, io: CliIO): number {
  const counts: Record<Delivery, number> = { confirmed: 0, failed: 0, unconfirmed: 0 };
  for (const o of outcomes) {
    const delivery: Delivery = o.delivery ?? (o.ok ? 'confirmed' : 'failed');
    counts[delivery]++;
    if (json) {
      io.stdout.write(
        JSON.stringify({
          target: o.target,
          ok: o.ok,
          delivery,
          status: o.status ? { layer: o.status.layer, code: o.status.code, name: o.status.name } : null,
          netApiStatus: o.netApiStatus,
          netApiStatusName: netApiStatusName(o.netApiStatus),
          ...o.detail,
        }) + '\n',
      );
    } else if (o.ok) {
      const d = o.detail ?? {};
      const extra = d.transport !== undefined ? ` (${d.transport}, ${d.blocks} block${d.blocks === 1 ? '' : 's'}, ${d.roundTrips} round trips)` : '';
      io.stdout.write(`${o.target}: message sent${extra}, delivery confirmed${attemptsNote(d)}\n`);
    } else if (o.status) {
      const mapped = netApiStatusName(o.netApiStatus);
      const head = delivery === 'unconfirmed' ? 'delivery unconfirmed: ' : '';
      const tail = delivery === 'unconfirmed' ? '; the final request was sent and its answer lost: the message may have arrived' : '';
      io.stderr.write(`${o.target}: ${head}${o.status.name} (${o.netApiStatus}): ${o.status.message}${mapped === o.status.name ? '' : ` [${mapped}]`}${tail}${attemptsNote(o.detail ?? {})}\n`);
    }
  }
  if (outcomes.length > 1) io.stderr.write(`${outcomes.length} targets: ${counts.confirmed} confirmed, ${counts.failed} failed, ${counts.unconfirmed} unconfirmed\n`);
  return counts.failed > 0 ? 1 : counts.unconfirmed > 0 ? EXIT_UNCONFIRMED : 0;
}

function attemptsNote(d: Record<string, string | number | boolean>): string {
  return typeof d.attempts === 'number' && d.attempts > 1 ? ` (after ${d.attempts} attempts)` : '';
}
