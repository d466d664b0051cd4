/**
 * A CliIO for running the CLI's main() in-process: stdout and stderr captured as the strings written,
 * stdin from a string, bytes or any async iterable (empty by default).
 */
import { Readable } from 'node:stream';
import type { CliIO } from '../../src/cli/common.js';

export interface CapturedCli {
  out: string[];
  err: string[];
  io: CliIO;
  /** Everything written, stdout then stderr. */
  text(): string;
  /** stdout as JSON lines (--json). */
  json(): Record<string, unknown>[];
}

export function cliIO(stdin: string | Buffer | AsyncIterable<Buffer | string> = ''): CapturedCli {
  const out: string[] = [];
  const err: string[] = [];
  const source = typeof stdin === 'string' || Buffer.isBuffer(stdin) ? Readable.from(stdin.length ? [Buffer.from(stdin)] : []) : stdin;
  return {
    out,
    err,
    io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, stdin: source },
    text: () => out.join('') + err.join(''),
    json: () =>
      out
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
