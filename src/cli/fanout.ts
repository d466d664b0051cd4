/**
 * Sending to many targets (issue 12 goal 5, issue 13 item 5): at most `--concurrency` sends in
 * flight, each result printed as its target finishes, a progress line on a terminal's stderr, a
 * summary at the end, and Ctrl-C (SIGINT) turned into "abort what is in flight, print what came
 * back, exit 130" so the caller's `finally` still closes the --pcap file.
 *
 * Memory stays bounded by the concurrency: outcomes are printed and dropped, never collected.
 */
import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { OutcomeReporter, intOption, listOption, stringOption, UsageError, type CliIO, type CliOutcome, type OptionSpec, type ParsedValues } from './common.js';

export const DEFAULT_CONCURRENCY = 32;
export const MAX_CONCURRENCY = 10_000;
/** Exit status after SIGINT (128 + signal 2), as shells report it. */
export const EXIT_INTERRUPTED = 130;
const MAX_TARGETS_FILE = 64 << 20;

/** Option rows (merged into OPTIONS by main.ts). */
export const FANOUT_OPTIONS: OptionSpec[] = [
  { name: 'concurrency', type: 'string', arg: 'N', help: `targets in flight at once (default ${DEFAULT_CONCURRENCY}); results print as each finishes`, commands: ['send'] },
  { name: 'targets', type: 'string', arg: 'FILE', help: 'more targets, one ADDR[:PORT] per line (# comments; - reads stdin, then the message must be on the command line)', commands: ['send'] },
  { name: 'hosts-file', type: 'string', arg: 'FILE', help: 'the same as --targets (its first name)', commands: ['send'] },
];

export interface Target {
  host: string;
  port: number;
  /** The port was given with the address (shown in the target label). */
  explicitPort: boolean;
}

/** `ADDR`, `ADDR:PORT`, `[IPv6]`, `[IPv6]:PORT` or a bare IPv6 address. */
export function parseTarget(s: string, defaultPort: number): Target {
  const t = s.trim();
  let host = t;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2];
  } else if (t.includes(':') && net.isIPv6(t)) {
    // (Every IPv6 address has a ':'; the test first spares a plain name or IPv4 address Node's IPv6
    // pattern, whose first use costs a CLI send ~5 ms: bench/cli-startup.mjs.)
    host = t;
  } else {
    const cut = t.lastIndexOf(':');
    if (cut >= 0) {
      host = t.slice(0, cut);
      portText = t.slice(cut + 1);
      if (!/^\d+$/.test(portText)) throw new UsageError(`target '${s}': port must be a number`);
    }
  }
  if (host.length === 0 || /\s/.test(host)) throw new UsageError(`target '${s}' has no address`);
  if (portText === undefined) return { host, port: defaultPort, explicitPort: false };
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new UsageError(`target '${s}': port must be 1..65535`);
  return { host, port, explicitPort: true };
}

/** Target lines of a hosts file: one per line, `#` starts a comment, blank lines skipped. */
export function parseTargetLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (line.length > 0) out.push(line);
  }
  return out;
}

async function readCapped(src: AsyncIterable<Buffer | string>): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of src) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    n += b.length;
    if (n > MAX_TARGETS_FILE) throw new UsageError(`--targets is over ${MAX_TARGETS_FILE} bytes`);
    parts.push(b);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The targets file: --targets, or --hosts-file (the same option's first name); not both. */
export function targetsFileOption(values: ParsedValues): string | undefined {
  const file = stringOption(values, 'targets');
  const old = stringOption(values, 'hosts-file');
  if (file !== undefined && old !== undefined) throw new UsageError('--targets and --hosts-file are the same option: give one');
  return file ?? old;
}

/** `--host` values then `--targets` lines, as given (parse them with parseTarget). */
export async function targetArguments(values: ParsedValues, io: CliIO): Promise<string[]> {
  const hosts = listOption(values, 'host');
  const file = targetsFileOption(values);
  if (file === undefined) return hosts;
  let text: string;
  if (file === '-') text = await readCapped(io.stdin);
  else {
    try {
      if (fs.statSync(file).size > MAX_TARGETS_FILE) throw new UsageError(`--targets is over ${MAX_TARGETS_FILE} bytes`);
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--targets ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  const lines = parseTargetLines(text);
  if (lines.length === 0) throw new UsageError(`--targets ${file} names no target`);
  return [...hosts, ...lines];
}

export function concurrencyOption(values: ParsedValues): number {
  return intOption(values, 'concurrency', 1, MAX_CONCURRENCY) ?? DEFAULT_CONCURRENCY;
}

/** The progress line: counts only, never a network string (it bypasses the sanitiser). */
function progressText(r: OutcomeReporter, total: number): string {
  const c = r.counts;
  const parts = [`${c.delivered} delivered`];
  for (const k of ['refused', 'unreachable', 'unconfirmed', 'failed'] as const) if (c[k] > 0) parts.push(`${c[k]} ${k}`);
  return `[${r.done}/${total}] ${parts.join(', ')}`;
}

export interface FanOutOptions {
  concurrency: number;
  json: boolean;
  io: CliIO;
}

/**
 * Runs `send` for every target, at most `concurrency` at once, printing each outcome as it comes.
 * `send` must turn failures into outcomes (it may throw only usage errors). Returns the exit code:
 * EXIT_INTERRUPTED after SIGINT (or `io.signal`), else OutcomeReporter.finish's.
 */
export async function fanOut<T>(targets: readonly T[], send: (target: T, signal: AbortSignal) => Promise<CliOutcome>, o: FanOutOptions): Promise<number> {
  const { io } = o;
  const total = targets.length;
  const reporter = new OutcomeReporter(o.json, io);
  const stop = new AbortController();
  // Every send in flight listens on the one signal.
  setMaxListeners(o.concurrency + 16, stop.signal);
  let interrupted = false;
  const interrupt = (): void => {
    if (interrupted) {
      // A second Ctrl-C: the user does not want to wait for the aborts to unwind.
      process.exit(EXIT_INTERRUPTED);
    }
    interrupted = true;
    stop.abort(new Error('interrupted'));
  };
  const external = io.signal;
  if (external) {
    if (external.aborted) interrupt();
    else external.addEventListener('abort', interrupt, { once: true });
  } else process.on('SIGINT', interrupt);

  const progress = total > 1 ? io.progress : undefined;
  let shown = false;
  const draw = (): void => {
    if (!progress) return;
    progress.write(`\r\x1b[K${progressText(reporter, total)}`);
    shown = true;
  };
  const erase = (): void => {
    if (progress && shown) progress.write('\r\x1b[K');
    shown = false;
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted && next < total) {
      const target = targets[next++]!;
      const outcome = await send(target, stop.signal);
      erase();
      reporter.report(outcome);
      draw();
    }
  };
  draw();
  try {
    await Promise.all(Array.from({ length: Math.min(o.concurrency, total) }, worker));
  } finally {
    if (external) external.removeEventListener('abort', interrupt);
    else process.off('SIGINT', interrupt);
    erase();
  }
  const code = reporter.finish(total);
  return interrupted ? EXIT_INTERRUPTED : code;
}
