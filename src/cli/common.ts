/**
 * What every `netsend` subcommand shares: the I/O it writes to, option rows and their parsing, usage
 * errors, and the one printer of send outcomes (so exit codes and --json are the same for every path).
 */
import { netApiStatusName } from '../messenger/net-api-status.js';
import { MAX_RETRIES, type Delivery, type RetryOptions } from '../messenger/outcome.js';
import { toSafeJson } from '../util/sanitize.js';
import { errorLine, hintFor, protocolNumber, whatHappened } from './error-line.js';

export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Message text source when none is given on the command line. */
  stdin: AsyncIterable<Buffer | string>;
  /** Stops `listen` (default: SIGINT/SIGTERM) and interrupts a send to many targets (default: SIGINT). */
  signal?: AbortSignal;
  /** Raw terminal stream for the progress line (set only when stderr is a TTY; counts only, never network text). */
  progress?: { write(s: string): unknown };
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
  /** [command line, what it does] pairs for --help and the man page. */
  examples?: ReadonlyArray<readonly [string, string]>;
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
 * How a target's send ended, in the words of the summary line: the peer took it (`delivered`),
 * answered with an error status (`refused`: an NTSTATUS, DOS, NBSS, RPC or Win32 refusal), could not
 * be reached or found (`unreachable`: socket errors, timeouts, failed name queries), may have
 * taken it (`unconfirmed`), was never tried because the run was interrupted (`interrupted`), or
 * anything else (`failed`, e.g. a peer that is not an SMB server).
 */
export type OutcomeCategory = 'delivered' | 'refused' | 'unreachable' | 'unconfirmed' | 'failed' | 'interrupted';
export const OUTCOME_CATEGORIES: readonly OutcomeCategory[] = ['delivered', 'refused', 'unreachable', 'unconfirmed', 'failed', 'interrupted'];

const REFUSING_LAYERS = new Set(['ntstatus', 'dos', 'nbss', 'rpc-fault', 'rpc-bind', 'rpc-bind-nak', 'win32', 'ntlm']);
const UNREACHABLE_LAYERS = new Set(['socket', 'timeout', 'netbios']);

export function outcomeCategory(o: CliOutcome): OutcomeCategory {
  const delivery: Delivery = o.delivery ?? (o.ok ? 'confirmed' : 'failed');
  if (delivery === 'confirmed') return 'delivered';
  if (delivery === 'unconfirmed') return 'unconfirmed';
  const layer = o.status?.layer ?? '';
  if (layer === 'abort') return 'interrupted';
  if (REFUSING_LAYERS.has(layer)) return 'refused';
  if (UNREACHABLE_LAYERS.has(layer)) return 'unreachable';
  return 'failed';
}

/**
 * Prints outcomes as they come (`report`) and the summary and exit code at the end (`finish`):
 * --json one object per target on stdout (fields: docs/cli-output.md); otherwise a success line on
 * stdout, or the error line of error-line.ts on stderr. Several targets end with
 * "12/20 delivered, 5 refused, 3 unreachable" on stderr. Exit code: 1 if any failed, else
 * EXIT_UNCONFIRMED if any is unconfirmed, else 0.
 */
export class OutcomeReporter {
  readonly counts: Record<OutcomeCategory, number> = { delivered: 0, refused: 0, unreachable: 0, unconfirmed: 0, failed: 0, interrupted: 0 };
  private reported = 0;

  constructor(
    private readonly json: boolean,
    private readonly io: CliIO,
  ) {}

  get done(): number {
    return this.reported;
  }

  report(o: CliOutcome): void {
    const { io } = this;
    const delivery: Delivery = o.delivery ?? (o.ok ? 'confirmed' : 'failed');
    const category = outcomeCategory(o);
    this.counts[category]++;
    this.reported++;
    if (this.json) {
      const hint = o.status ? hintFor(o.status) : undefined;
      io.stdout.write(
        toSafeJson({
          target: o.target,
          ok: o.ok,
          delivery,
          category,
          message: o.status ? whatHappened(o.status) : null,
          ...(hint ? { hint } : {}),
          status: o.status ? { layer: o.status.layer, code: o.status.code, number: protocolNumber(o.status.layer, o.status.code) ?? null, name: o.status.name } : null,
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
      const unconfirmed = delivery === 'unconfirmed';
      io.stderr.write(
        errorLine(o.target, o.status, {
          netApiStatus: o.netApiStatus,
          netApiStatusName: netApiStatusName(o.netApiStatus),
          ...(unconfirmed ? { prefix: 'delivery unconfirmed', suffix: 'the final request was sent and its answer lost: the message may have arrived' } : {}),
        }).replace(/( → |$)/, `${attemptsNote(o.detail ?? {})}$1`) + '\n',
      );
    }
  }

  /** The summary line "D/N delivered, ..." (only categories that occurred). */
  summary(total = this.reported): string {
    const parts = [`${this.counts.delivered}/${total} delivered`];
    for (const c of OUTCOME_CATEGORIES) if (c !== 'delivered' && this.counts[c] > 0) parts.push(`${this.counts[c]} ${c}`);
    if (total > this.reported) parts.push(`${total - this.reported} not started`);
    return parts.join(', ');
  }

  /** Prints the summary when there were several targets; returns the exit code. */
  finish(total = this.reported): number {
    if (total > 1) this.io.stderr.write(this.summary(total) + '\n');
    const c = this.counts;
    return c.refused + c.unreachable + c.failed + c.interrupted > 0 ? 1 : c.unconfirmed > 0 ? EXIT_UNCONFIRMED : 0;
  }
}

/** Prints a finished list of outcomes (see OutcomeReporter); returns the exit code. */
export function reportOutcomes(outcomes: CliOutcome[], json: boolean, io: CliIO): number {
  const r = new OutcomeReporter(json, io);
  for (const o of outcomes) r.report(o);
  return r.finish();
}

function attemptsNote(d: Record<string, string | number | boolean>): string {
  return typeof d.attempts === 'number' && d.attempts > 1 ? ` (after ${d.attempts} attempts)` : '';
}
