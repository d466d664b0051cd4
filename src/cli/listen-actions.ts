/**
 * What `netsend listen` does with a message besides printing it (issue 13 item 7):
 *
 * - `--exec CMD`: runs CMD once per message. CMD is split into argv here (whitespace, '...' and
 *   "..." quoting, backslash escapes; no expansion of any kind) and started without a shell. The
 *   message never reaches argv: its fields are in environment variables (NETSEND_FROM, NETSEND_TO,
 *   NETSEND_TEXT, NETSEND_RECEIVED_AT, NETSEND_REMOTE_ADDRESS, NETSEND_TRANSPORT) and the text is
 *   also on the command's stdin. A hostile sender therefore cannot add arguments or shell syntax.
 *   At most `--exec-concurrency` commands run at once, more wait in a bounded queue (then they are
 *   dropped and counted), and each run is killed after `--exec-timeout` ms.
 * - `--notify`: a desktop notification per message through `notify-send` (found in PATH when the
 *   listener starts; a clear error when it is not there). Its summary and body are separate argv
 *   elements after `--`, with markup characters escaped (notification servers interpret a subset of
 *   HTML in the body) and terminal controls shown as escapes.
 */
import type { spawn as Spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReceivedMessage } from '../messenger/receiver.js';
import { sanitizeForTerminal } from '../util/sanitize.js';
import { intOption, stringOption, UsageError, type CliIO, type OptionSpec, type ParsedValues } from './common.js';

export const EXEC_DEFAULTS = { concurrency: 4, timeoutMs: 10_000, queue: 256 } as const;
/** Grace between SIGTERM and SIGKILL for a command past its timeout. */
const KILL_GRACE_MS = 2_000;
/** Longest text handed to a command or a notification (a popup is at most a few KB). */
const MAX_FIELD = 64 * 1024;

export const LISTEN_ACTION_OPTIONS: OptionSpec[] = [
  { name: 'exec', type: 'string', arg: 'CMD', help: 'run CMD per message, without a shell (CMD is split into words; quotes group); fields in $NETSEND_FROM, $NETSEND_TO, $NETSEND_TEXT, $NETSEND_RECEIVED_AT, $NETSEND_REMOTE_ADDRESS, $NETSEND_TRANSPORT, text also on stdin', commands: ['listen'] },
  { name: 'exec-concurrency', type: 'string', arg: 'N', help: `--exec commands running at once (default ${EXEC_DEFAULTS.concurrency}); up to ${EXEC_DEFAULTS.queue} more wait, further ones are dropped and counted`, commands: ['listen'] },
  { name: 'exec-timeout', type: 'string', arg: 'MS', help: `kill an --exec command running longer than MS (default ${EXEC_DEFAULTS.timeoutMs})`, commands: ['listen'] },
  { name: 'notify', type: 'boolean', help: 'show each message as a desktop notification (notify-send)', commands: ['listen'] },
];

/**
 * Splits a command line into argv without a shell: whitespace separates words, '...' is literal,
 * "..." allows \" and \\, a backslash outside quotes escapes the next character. Nothing else is
 * special ($, `, *, ;, | are plain characters).
 */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (cmd[i + 1] === '"' || cmd[i + 1] === '\\')) word += cmd[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= cmd.length) throw new UsageError('--exec: a backslash at the end');
      word += cmd[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`--exec: unterminated ${quote} quote`);
  if (inWord) out.push(word);
  if (out.length === 0) throw new UsageError('--exec needs a command');
  return out;
}

/** Absolute path of an executable in PATH, or undefined. */
export function findInPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Environment variables for one message: one-line fields escaped, the text keeps its line breaks. */
export function messageEnvironment(m: ReceivedMessage): Record<string, string> {
  const line = (s: string): string => sanitizeForTerminal(s.slice(0, MAX_FIELD));
  return {
    NETSEND_FROM: line(m.from),
    NETSEND_TO: line(m.to),
    NETSEND_TEXT: sanitizeForTerminal(m.text.slice(0, MAX_FIELD), { lineBreaks: true }),
    NETSEND_RECEIVED_AT: m.receivedAt.toISOString(),
    NETSEND_REMOTE_ADDRESS: line(m.remoteAddress),
    NETSEND_TRANSPORT: m.transport,
  };
}

/** Escapes the markup notification servers interpret in a body (Desktop Notifications spec, "Markup"). */
export function notificationMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Job {
  argv: string[];
  env: Record<string, string>;
  stdin: string;
  label: string;
}

/** Runs jobs at most `concurrency` at once, each killed after `timeoutMs`; reports failures on stderr. */
class CommandRunner {
  private running = 0;
  private readonly queue: Job[] = [];
  private idle: Array<() => void> = [];
  dropped = 0;

  constructor(
    private readonly spawn: typeof Spawn,
    private readonly io: CliIO,
    private readonly concurrency: number,
    private readonly timeoutMs: number,
  ) {}

  submit(job: Job): void {
    if (this.running < this.concurrency) this.start(job);
    else if (this.queue.length < EXEC_DEFAULTS.queue) this.queue.push(job);
    else {
      this.dropped++;
      this.io.stderr.write(`netsend: ${job.label}: ${this.queue.length} commands already waiting; this message's command was not run (${this.dropped} dropped so far)\n`);
    }
  }

  private start(job: Job): void {
    this.running++;
    const [file, ...args] = job.argv;
    let timer: NodeJS.Timeout | undefined;
    let killer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      clearTimeout(killer);
      this.running--;
      const next = this.queue.shift();
      if (next) this.start(next);
      else if (this.running === 0) for (const f of this.idle.splice(0)) f();
    };
    // shell: false (the default) and an argv array: nothing in the message is ever parsed as syntax.
    const child = this.spawn(file!, args, { stdio: ['pipe', 'inherit', 'inherit'], env: { ...process.env, ...job.env }, shell: false });
    child.stdin!.on('error', () => undefined); // a command that does not read stdin
    child.stdin!.end(job.stdin);
    timer = setTimeout(() => {
      this.io.stderr.write(`netsend: ${job.label}: still running after ${this.timeoutMs} ms; stopped\n`);
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    }, this.timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      this.io.stderr.write(`netsend: ${job.label}: ${e.code ?? 'ERROR'}: ${e.message}\n`);
    });
    child.on('close', (code, signal) => {
      if (code !== 0 && code !== null) this.io.stderr.write(`netsend: ${job.label}: exited with status ${code}\n`);
      else if (signal && code === null) this.io.stderr.write(`netsend: ${job.label}: ended by ${signal}\n`);
      finish();
    });
  }

  /** Drops what waits and resolves when the running commands have ended (each is bounded by its timeout). */
  async close(): Promise<void> {
    this.queue.length = 0;
    if (this.running === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }
}

export interface ListenActions {
  onMessage(m: ReceivedMessage): void;
  close(): Promise<void>;
}

/**
 * The actions the options ask for, or null. Usage errors and a missing notify-send fail before
 * listening. child_process is loaded only here, so a send never parses it.
 */
export async function listenActions(values: ParsedValues, io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<ListenActions | null> {
  const exec = stringOption(values, 'exec');
  const notify = values.notify === true;
  const concurrency = intOption(values, 'exec-concurrency', 1, 1024);
  const timeoutMs = intOption(values, 'exec-timeout', 1, 86_400_000);
  if (exec === undefined && (concurrency !== undefined || timeoutMs !== undefined)) throw new UsageError('--exec-concurrency and --exec-timeout need --exec CMD');
  if (exec === undefined && !notify) return null;
  const argv = exec !== undefined ? splitCommand(exec) : undefined;
  if (argv && !argv[0]!.includes('/')) {
    // Resolved once, now: a missing command is an error before listening, not one per message.
    const found = findInPath(argv[0]!, env.PATH ?? '');
    if (!found) throw new UsageError(`--exec: '${argv[0]}' is not an executable in PATH`);
    argv[0] = found;
  }
  let notifySend: string | undefined;
  if (notify) {
    notifySend = findInPath('notify-send', env.PATH ?? '');
    if (!notifySend) throw new UsageError('--notify needs the notify-send program (Debian/Ubuntu: libnotify-bin), and it is not in PATH');
  }
  const { spawn } = await import('node:child_process');
  const runner = new CommandRunner(spawn, io, concurrency ?? EXEC_DEFAULTS.concurrency, timeoutMs ?? EXEC_DEFAULTS.timeoutMs);
  return {
    onMessage(m) {
      const vars = messageEnvironment(m);
      if (argv) runner.submit({ argv, env: vars, stdin: vars.NETSEND_TEXT! + '\n', label: `--exec ${argv[0]}` });
      if (notifySend) {
        const summary = `Message from ${vars.NETSEND_FROM} to ${vars.NETSEND_TO}`;
        runner.submit({ argv: [notifySend, '--app-name=netsend', '--', summary, notificationMarkup(vars.NETSEND_TEXT!)], env: vars, stdin: '', label: '--notify' });
      }
    },
    close: () => runner.close(),
  };
}
