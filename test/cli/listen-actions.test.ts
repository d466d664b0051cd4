import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { main } from '../../src/cli/main.js';
import { findInPath, listenActions, messageEnvironment, notificationMarkup, splitCommand } from '../../src/cli/listen-actions.js';
import { sendMessage, type SendMessageOptions } from '../../src/messenger/send.js';
import { cliIO as io } from '../helpers/cli-io.js';

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    if (cond()) return;
    await sleep(20);
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** `netsend listen --port 0 ...args`; `during(send)` sends messages to it; returns what it printed. */
async function listen(args: string[], during: (send: (s: Omit<SendMessageOptions, 'host' | 'port'>) => Promise<void>) => Promise<void>) {
  const t = io();
  const ac = new AbortController();
  const done = main(['listen', '--port', '0', ...args], { ...t.io, signal: ac.signal });
  let port = 0;
  await waitFor(() => {
    const m = /listening on 127\.0\.0\.1:(\d+)/.exec(t.err.join(''));
    if (m) port = Number(m[1]);
    return port > 0;
  }, 'the listener');
  try {
    await during(async (s) => {
      expect((await sendMessage({ ...s, host: '127.0.0.1', port })).ok).toBe(true);
    });
  } finally {
    ac.abort();
  }
  const code = await done;
  return { code, out: t.out.join(''), err: t.err.join('') };
}

describe('listen --exec: argv without a shell', () => {
  it('splits CMD into words; quotes group; nothing is expanded', () => {
    expect(splitCommand('logger -t netsend')).toEqual(['logger', '-t', 'netsend']);
    expect(splitCommand(`a 'b c' "d \\"e\\"" f\\ g`)).toEqual(['a', 'b c', 'd "e"', 'f g']);
    expect(splitCommand('echo $HOME `id` $(id) ; | * ~')).toEqual(['echo', '$HOME', '`id`', '$(id)', ';', '|', '*', '~']);
    expect(splitCommand("x ''")).toEqual(['x', '']);
    expect(() => splitCommand("a 'b")).toThrow(/unterminated/);
    expect(() => splitCommand('   ')).toThrow(/needs a command/);
  });

  it('message fields go to the environment, escaped for a terminal; notification bodies escape markup', () => {
    const env = messageEnvironment({ from: 'EVE\u001b[31m', to: 'BOB', text: 'line 1\nline 2\u0000', receivedAt: new Date(0), remoteAddress: '127.0.0.1', transport: 'direct', kind: 'multi', raw: Buffer.alloc(0) });
    expect(env).toEqual({ NETSEND_FROM: 'EVE\\u001b[31m', NETSEND_TO: 'BOB', NETSEND_TEXT: 'line 1\nline 2\\u0000', NETSEND_RECEIVED_AT: '1970-01-01T00:00:00.000Z', NETSEND_REMOTE_ADDRESS: '127.0.0.1', NETSEND_TRANSPORT: 'direct' });
    expect(notificationMarkup('<b>x</b> & <a href="u">')).toBe('&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href="u"&gt;');
  });

  it('usage errors: a missing command, --exec-* without --exec, --notify without notify-send', async () => {
    for (const [argv, msg] of [
      [['--exec', 'no-such-command-netsend'], /'no-such-command-netsend' is not an executable in PATH/],
      [['--exec-timeout', '5'], /need --exec/],
      [['--exec', "sh 'x"], /unterminated/],
    ] as const) {
      const t = io();
      expect(await main(['listen', '--port', '0', ...argv], t.io)).toBe(2);
      expect(t.err.join('')).toMatch(msg);
    }
    await expect(listenActions({ notify: true }, io().io, { PATH: '/nonexistent' })).rejects.toThrow(/--notify needs the notify-send program .* not in PATH/);
    expect(findInPath('sh', '/nonexistent:/bin:/usr/bin')).toMatch(/\/sh$/);
  });
});

describe('listen --exec and --notify with a real listener', () => {
  let dir: string;
  let recorder: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'listen-exec-'));
    // Records its argv, NETSEND_* variables and stdin; with a gate directory, waits until "open"
    // exists there, counting the commands running at once through marker files.
    recorder = path.join(dir, 'record.mjs');
    fs.writeFileSync(
      recorder,
      `import fs from 'node:fs';
import path from 'node:path';
const [outDir, gate] = process.argv.slice(2);
const stdin = fs.readFileSync(0, 'utf8');
let running = 0;
if (gate) {
  fs.writeFileSync(path.join(gate, 'running-' + process.pid), '');
  running = fs.readdirSync(gate).filter((f) => f.startsWith('running-')).length;
  while (!fs.existsSync(path.join(gate, 'open'))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  fs.rmSync(path.join(gate, 'running-' + process.pid));
}
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('NETSEND_')));
fs.writeFileSync(path.join(outDir, process.pid + '.json'), JSON.stringify({ argv: process.argv.slice(2), env, stdin, running }));
`,
    );
    fs.writeFileSync(path.join(dir, 'notify-send'), `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(path.join(dir, 'notify-out'))} + '/' + process.pid + '.json', JSON.stringify(process.argv.slice(2)));\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"commonjs"}');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const records = (d: string) => fs.readdirSync(d).map((f) => JSON.parse(fs.readFileSync(path.join(d, f), 'utf8')));

  it('a hostile message reaches the command only through the environment and stdin, never argv or a shell', async () => {
    const outDir = fs.mkdtempSync(path.join(dir, 'out-'));
    const canary = path.join(dir, 'pwned');
    const text = `"; touch ${canary}; echo " $(touch ${canary}) \`touch ${canary}\``;
    const r = await listen(['--json', '--exec', `'${process.execPath}' '${recorder}' '${outDir}'`], async (send) => {
      await send({ to: 'BOB', from: 'EVE', text });
      await waitFor(() => fs.readdirSync(outDir).length === 1, 'the command');
    });
    expect(r.code).toBe(0);
    const [rec] = records(outDir);
    expect(rec.argv).toEqual([outDir]);
    expect(rec.env).toMatchObject({ NETSEND_FROM: 'EVE', NETSEND_TO: 'BOB', NETSEND_TEXT: text, NETSEND_TRANSPORT: 'direct', NETSEND_REMOTE_ADDRESS: '127.0.0.1' });
    expect(rec.stdin).toBe(text + '\n');
    expect(fs.existsSync(canary)).toBe(false);
    expect(JSON.parse(r.out)).toMatchObject({ from: 'EVE', text });
  });

  it('--exec-concurrency bounds the commands running at once; all run in the end', async () => {
    const outDir = fs.mkdtempSync(path.join(dir, 'out-'));
    const gate = fs.mkdtempSync(path.join(dir, 'gate-'));
    const r = await listen(['--exec', `'${process.execPath}' '${recorder}' '${outDir}' '${gate}'`, '--exec-concurrency', '2'], async (send) => {
      for (let i = 0; i < 5; i++) await send({ to: 'BOB', from: 'EVE', text: `m${i}` });
      await waitFor(() => fs.readdirSync(gate).filter((f) => f.startsWith('running-')).length === 2, 'two commands running');
      fs.writeFileSync(path.join(gate, 'open'), '');
      await waitFor(() => fs.readdirSync(outDir).length === 5, 'five commands');
    });
    expect(r.code).toBe(0);
    const recs = records(outDir);
    expect(recs.map((x) => x.env.NETSEND_TEXT).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    for (const x of recs) expect(x.running).toBeLessThanOrEqual(2);
  });

  it('--exec-timeout stops a command that runs too long, and says so', async () => {
    const r = await listen(['--exec', `'${process.execPath}' -e 'setTimeout(() => {}, 600000)'`, '--exec-timeout', '100'], async (send) => {
      await send({ to: 'BOB', from: 'EVE', text: 'slow' });
    });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/--exec \S+node: still running after 100 ms; stopped/);
  });

  it('--notify runs notify-send with the summary and the escaped body as separate arguments after --', async () => {
    const outDir = path.join(dir, 'notify-out');
    fs.mkdirSync(outDir, { recursive: true });
    const oldPath = process.env.PATH;
    process.env.PATH = `${dir}:${oldPath}`;
    try {
      const r = await listen(['--notify'], async (send) => {
        await send({ to: 'BOB', from: 'EVE', text: '<b>hi</b> & bye' });
        await waitFor(() => fs.readdirSync(outDir).length === 1, 'notify-send');
      });
      expect(r.code).toBe(0);
    } finally {
      process.env.PATH = oldPath;
    }
    expect(records(outDir)[0]).toEqual(['--app-name=netsend', '--', 'Message from EVE to BOB', '&lt;b&gt;hi&lt;/b&gt; &amp; bye']);
  });
});
