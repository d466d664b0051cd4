import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { COMMANDS, MESSAGE_PROMPT, OPTIONS, main, packageVersion, promptsForMessage } from '../../src/cli/main.js';
import { netsendManPage, roffText, sendnetmsgManPage } from '../../src/cli/man.js';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../src/messenger/receiver.js';
import { buildCli, type BuiltCli } from '../helpers/cli-process.js';
import { cliIO as io } from '../helpers/cli-io.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('CLI conventions', () => {
  it('--version / -V print the package version', async () => {
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) {
      const t = io();
      expect(await main([flag], t.io)).toBe(0);
      expect(t.out.join('')).toBe(`netsend ${version}\n`);
    }
    expect(packageVersion()).toBe(version);
  });

  it('--help shows examples; `netsend help [COMMAND]` shows all or one; an unknown topic is a usage error', async () => {
    const all = io();
    expect(await main(['--help'], all.io)).toBe(0);
    expect(all.out.join('')).toMatch(/Examples:\n {4}netsend BOB "Lunch is ready"/);
    const h = io();
    expect(await main(['help'], h.io)).toBe(0);
    expect(h.out.join('')).toBe(all.out.join(''));
    const one = io();
    expect(await main(['help', 'listen'], one.io)).toBe(0);
    expect(one.out.join('')).toMatch(/^Usage: netsend listen/);
    expect(one.out.join('')).toContain('--exec');
    expect(one.out.join('')).not.toContain('--server');
    const bad = io();
    expect(await main(['help', 'frobnicate'], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain(`no command 'frobnicate'; commands: ${Object.keys(COMMANDS).join(', ')}`);
  });

  const modeErrors: Array<[string[], RegExp]> = [
    [['-U', 'admin', '--host', '127.0.0.1', 'BOB', 'x'], /-U\/--user does nothing without --server/],
    [['--hashes', '00', 'BOB', 'x'], /--hashes does nothing without --server/],
    [['--anonymous', 'BOB', 'x'], /--anonymous does nothing without --server/],
    [['--smb1', 'BOB', 'x'], /--smb1 does nothing without --server/],
    [['--server', '127.0.0.1', '--host', '127.0.0.1', '--anonymous', 'BOB', 'x'], /--host does nothing with --server/],
    [['--server', '127.0.0.1', '--codepage', 'cp437', '--anonymous', 'BOB', 'x'], /--codepage does nothing with --server/],
    [['--server', '127.0.0.1', '--single-block', '--anonymous', 'BOB', 'x'], /--single-block does nothing with --server/],
  ];
  for (const [argv, msg] of modeErrors) {
    it(`an option the mode ignores is a usage error: ${argv.slice(0, 2).join(' ')}`, async () => {
      const t = io();
      expect(await main(argv, t.io)).toBe(2);
      expect(t.err.join('')).toMatch(msg);
    });
  }

  it('the message prompt is decided by stdin being a terminal, nothing else', () => {
    expect(promptsForMessage({ isTTY: true })).toBe(true);
    expect(promptsForMessage({ isTTY: false })).toBe(false);
    expect(promptsForMessage(Readable.from([]))).toBe(false);
    expect(promptsForMessage(process.stdin.isTTY ? {} : process.stdin)).toBe(false);
    expect(MESSAGE_PROMPT).toBe('Type your message, ending it with a Control-D\n');
  });
});

describe('man pages', () => {
  it('man/netsend.1 and man/sendnetmsg.1 are what scripts/man.js generates from the option table (run `npm run man`)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'man/netsend.1'), 'utf8')).toBe(netsendManPage(OPTIONS, COMMANDS, packageVersion()));
    expect(fs.readFileSync(path.join(ROOT, 'man/sendnetmsg.1'), 'utf8')).toBe(sendnetmsgManPage(packageVersion()));
  });

  it('package.json lists both pages under "man", so npm installs them (man netsend)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { man?: string[] };
    expect(pkg.man).toEqual(['./man/netsend.1', './man/sendnetmsg.1']);
  });

  it('every option of every command is in the OPTIONS section', () => {
    const page = fs.readFileSync(path.join(ROOT, 'man/netsend.1'), 'utf8');
    const section = page.slice(page.indexOf('.SH OPTIONS'), page.indexOf('.SH EXAMPLES'));
    for (const o of OPTIONS) expect(section).toContain(`\\fB\\-\\-${roffText(o.name)}\\fR`);
  });

  it('roff escapes: backslash, leading dot, dashes, non-ASCII', () => {
    expect(roffText('a\\b')).toBe('a\\eb');
    expect(roffText('.TH x')).toBe('\\&.TH x');
    expect(roffText('--x ≤ 5')).toBe('\\-\\-x \\[u2264] 5');
  });

  const hasMan = (() => {
    try {
      execFileSync('man', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.runIf(hasMan)('`man -l` renders both pages without warnings', () => {
    for (const page of ['netsend.1', 'sendnetmsg.1']) {
      const r = execFileSync('man', ['-l', path.join(ROOT, 'man', page)], { env: { ...process.env, MANPAGER: 'cat', MANWIDTH: '100', MAN_KEEP_FORMATTING: '' }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
      expect(r).toMatch(/^(NETSEND|SENDNETMSG)\(1\)/);
      expect(r).toContain('EXIT STATUS');
      const warnings = execFileSync('groff', ['-man', '-Tutf8', '-ww', '-z', path.join(ROOT, 'man', page)], { stdio: ['ignore', 'pipe', 'pipe'] });
      expect(warnings.toString()).toBe('');
    }
    const r = execFileSync('man', ['-l', path.join(ROOT, 'man/netsend.1')], { env: { ...process.env, MANPAGER: 'cat', MANWIDTH: '200' } }).toString();
    expect(r).toContain('--concurrency N');
    expect(r).toContain('netsend --targets office.txt');
  });
});

const rootOk = typeof process.getuid === 'function' && process.getuid() === 0;
describe.runIf(rootOk)('the prompt on a real terminal (script(1) gives the CLI a pty)', () => {
  let cli: BuiltCli;
  let rx: Receiver;
  const got: ReceivedMessage[] = [];
  beforeAll(async () => {
    cli = buildCli();
    rx = await startReceiver({ host: '127.0.0.1', port: 0, onMessage: (m) => got.push(m) });
  }, 120_000);
  afterAll(async () => {
    cli?.remove();
    await rx?.close();
  });

  const run = (cmd: string, input: string | null) =>
    new Promise<string>((resolve, reject) => {
      const c = execFile('script', ['-qec', cmd, '/dev/null'], { timeout: 30_000 }, (e, out) => (e ? reject(e) : resolve(out)));
      if (input !== null) c.stdin!.end(input);
    });

  it('asks "Type your message, ending it with a Control-D" when stdin is a terminal, and sends what was typed', async () => {
    const out = await run(`'${process.execPath}' '${cli.bin}' --host 127.0.0.1 --port ${rx.port} bob`, 'typed at the terminal\n\x04');
    expect(out).toContain('Type your message, ending it with a Control-D');
    expect(got.at(-1)).toMatchObject({ to: 'BOB', text: 'typed at the terminal' });
  });

  it('says nothing when the message comes from a pipe (stdout still a terminal)', async () => {
    const out = await run(`echo piped | '${process.execPath}' '${cli.bin}' --host 127.0.0.1 --port ${rx.port} bob`, null);
    expect(out).not.toContain('Type your message');
    expect(got.at(-1)).toMatchObject({ text: 'piped' });
  });
});
