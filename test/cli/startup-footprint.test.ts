/**
 * What the CLI's common paths load (issue 12, start-up time; the time itself is measured by
 * bench/cli-startup.mjs, never here): preparing an ASCII message in the default code page must not
 * load iconv-lite, and a message that needs a code page table must; `--help`, `--version` and usage
 * errors load no protocol code; a direct send loads NBSS and the SMB1 message client but no SMB2,
 * NTLM, DCE/RPC, receiver or pcap code; and the bundle `npm run build` makes reads one file for
 * `--help` and one more for a direct send. What a process loaded is recorded by a module loader hook
 * (node:module register) that logs every file URL it loads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildCli, type BuiltCli } from '../helpers/cli-process.js';
import { interopEnabled, useSamba } from '../harness/samba.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Protocol code: what `--help` must never load (smb/dialects.ts is the dialect-name list the help text shows). */
const PROTOCOL = /^(transport|smb|auth|crypto|rpc|pcap)\/|^status\/ntstatus-table\.js$|^messenger\/(send|receiver|remote|resolve|status-map|text)\.js$/;
/** What a direct send with --host must not load: SMB2/3, NTLM, DCE/RPC, the receivers, pcap, name resolution. */
const NOT_DIRECT = /^(smb\/smb2|auth|crypto|rpc|pcap)\/|^smb\/(connect|index)\.js$|^smb\/smb1\/client\.js$|^messenger\/(receiver|remote|mailslot-receiver|udp-rpc|udp-receiver|resolve)\.js$|^transport\/nameservice\.js$/;

/**
 * Writes a loader hook into `dir` and returns the node arguments that install it: each loaded file
 * URL is appended to the file named by NETSEND_LOAD_LOG.
 */
function loadRecorder(dir: string): string[] {
  fs.writeFileSync(
    path.join(dir, 'load-hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\n" +
      'export async function load(url, context, next) {\n' +
      "  if (url.startsWith('file:')) appendFileSync(process.env.NETSEND_LOAD_LOG, url + '\\n');\n" +
      '  return next(url, context);\n' +
      '}\n',
  );
  fs.writeFileSync(path.join(dir, 'load-register.mjs'), "import { register } from 'node:module';\nregister('./load-hooks.mjs', import.meta.url);\n");
  return ['--import', pathToFileURL(path.join(dir, 'load-register.mjs')).href];
}

/** Runs the bin with the recorder; the dist files it loaded, relative to dist/ (e.g. 'cli/main.js'). */
function distLoads(cli: BuiltCli, args: string[], env: NodeJS.ProcessEnv = {}, bin: string = cli.bin): { files: string[]; status: number | null; output: string } {
  const log = path.join(cli.dir, `loads-${process.hrtime.bigint()}.txt`);
  const r = spawnSync(process.execPath, [...loadRecorder(cli.dir), bin, ...args], { cwd: cli.dir, encoding: 'utf8', input: '', env: { ...process.env, ...env, NETSEND_LOAD_LOG: log }, timeout: 60_000 });
  const dist = pathToFileURL(path.join(cli.dir, 'dist')).href + '/';
  const files = fs.existsSync(log) ? [...new Set(fs.readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith(dist)).map((u) => u.slice(dist.length)))].sort() : [];
  return { files, status: r.status, output: r.stdout + r.stderr };
}

describe('start-up footprint of the send path', () => {
  let cli: BuiltCli;
  beforeAll(() => {
    cli = buildCli();
  }, 120_000);
  afterAll(() => cli?.remove());

  /** Runs prepareMessage from the built dist in a fresh node; true when iconv-lite was loaded. */
  function loadsIconv(text: string, codepage?: string): boolean {
    const send = pathToFileURL(path.join(cli.dir, 'dist/messenger/send.js')).href;
    const script = `
      import { createRequire } from 'node:module';
      const { prepareMessage } = await import(${JSON.stringify(send)});
      prepareMessage({ host: '127.0.0.1', to: 'BOB', from: 'ALICE', text: ${JSON.stringify(text)}${codepage ? `, codepage: ${JSON.stringify(codepage)}` : ''} });
      const cache = createRequire(import.meta.url).cache;
      console.log(Object.keys(cache).some((k) => k.includes('iconv-lite')));`;
    return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: cli.dir, encoding: 'utf8' }).trim() === 'true';
  }

  it('an ASCII message in the default code page does not load iconv-lite', () => {
    expect(loadsIconv('hello there\nsecond line')).toBe(false);
  });

  it('non-ASCII text, or another code page, loads it', () => {
    expect(loadsIconv('Grüße')).toBe(true);
    expect(loadsIconv('hello', 'cp437')).toBe(true);
  });
});

describe('what a command loads (tsc dist, one file per module)', () => {
  let cli: BuiltCli;
  beforeAll(() => {
    cli = buildCli();
  }, 120_000);
  afterAll(() => cli?.remove());

  it('sendnetmsg: a usage error loads no protocol code, a send no SMB2, NTLM or RPC', () => {
    const usage = distLoads(cli, ['only-two', 'args'], {}, cli.binOf('sendnetmsg.js'));
    expect(usage.output).toContain('Usage: sendnetmsg');
    expect(usage.files).toContain('cli/sendnetmsg.js');
    expect(usage.files.filter((f) => PROTOCOL.test(f))).toEqual([]);
    // A lookup that finds no one (an empty LMHOSTS file, a name query to a port nobody answers).
    const lmhosts = path.join(cli.dir, 'lmhosts');
    fs.writeFileSync(lmhosts, '# nobody\n');
    const send = distLoads(cli, ['ALICE', 'NOBODY', 'hello'], { NETSEND_LMHOSTS: lmhosts, NETSEND_NO_DNS: '1', NETSEND_WINS: '127.0.0.1', NETSEND_TIMEOUT: '500' }, cli.binOf('sendnetmsg.js'));
    expect(send.output).toContain('Error: NERR_NameNotFound');
    expect(send.files).toEqual(expect.arrayContaining(['messenger/api.js', 'messenger/send.js', 'transport/nameservice.js']));
    expect(send.files.filter((f) => /^(smb\/smb2|auth|crypto|rpc|pcap)\/|^messenger\/(remote|udp-rpc|receiver)\.js$/.test(f))).toEqual([]);
  });

  it('--help, --version, help COMMAND and usage errors load no protocol code', () => {
    for (const args of [['--help'], ['--version'], ['help', 'send'], ['listen', '--help'], ['--no-such-option'], ['--host', '127.0.0.1', '--line-endings', 'bogus', 'BOB', 'x']]) {
      const r = distLoads(cli, args);
      // The recorder saw the CLI itself (the test cannot pass on an empty log).
      expect(r.files, args.join(' ')).toContain('cli/main.js');
      expect(r.files.filter((f) => PROTOCOL.test(f) && f !== 'smb/dialects.js'), args.join(' ')).toEqual([]);
    }
  });
});

describe('process.stdin is built only when the message is read from it', () => {
  let cli: BuiltCli;
  beforeAll(() => {
    cli = buildCli();
    // A preload that reports, at exit, whether anything read the process.stdin getter (which builds the stream).
    fs.writeFileSync(
      path.join(cli.dir, 'stdin-spy.mjs'),
      "const d = Object.getOwnPropertyDescriptor(process, 'stdin');\n" +
        "let built = false;\n" +
        "Object.defineProperty(process, 'stdin', { configurable: true, enumerable: d.enumerable, get() { built = true; return d.get.call(process); } });\n" +
        "process.on('exit', () => process.stderr.write(`stdin built: ${built}\\n`));\n",
    );
  }, 120_000);
  afterAll(() => cli?.remove());

  function stdinBuilt(args: string[], input: string): { built: boolean; output: string } {
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(cli.dir, 'stdin-spy.mjs')).href, cli.bin, ...args], { cwd: cli.dir, encoding: 'utf8', input, timeout: 60_000 });
    const output = r.stdout + r.stderr;
    const m = /stdin built: (true|false)/.exec(output);
    expect(m, output).not.toBeNull();
    return { built: m![1] === 'true', output };
  }

  it('not for --help, nor for a send with its text on the command line', () => {
    expect(stdinBuilt(['--help'], 'ignored').built).toBe(false);
    // A usage error after the text is read (bad --line-endings): the whole argument path, no traffic.
    const send = stdinBuilt(['--host', '127.0.0.1', '--line-endings', 'bogus', 'BOB', 'hello'], 'ignored');
    expect(send.output).toContain('--line-endings must be one of');
    expect(send.built).toBe(false);
  });

  it('but for a send whose text comes from stdin (the spy sees the read)', () => {
    const r = stdinBuilt(['--host', '127.0.0.1', '--line-endings', 'bogus', 'BOB'], 'from stdin\n');
    expect(r.output).toContain('--line-endings must be one of');
    expect(r.built).toBe(true);
  });
});

describe.runIf(interopEnabled())('what a send loads, against Samba', () => {
  const samba = useSamba();
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = buildCli();
  }, 120_000);
  afterAll(async () => {
    cli?.remove();
  });

  it('a direct send loads NBSS and the SMB1 message client, no SMB2, NTLM, RPC, receiver, pcap or name resolution', async () => {
    const r = distLoads(cli, ['--host', samba.host, '--from', 'FOOT', 'bob', 'footprint']);
    expect(r.status, r.output).toBe(0);
    expect((await samba.waitForMessages(1)).at(-1)).toMatchObject({ from: 'FOOT', text: 'footprint' });
    expect(r.files).toEqual(expect.arrayContaining(['messenger/send.js', 'transport/nbss.js', 'smb/smb1/message-client.js']));
    expect(r.files.filter((f) => NOT_DIRECT.test(f))).toEqual([]);
  });

  it('a remote send loads the SMB2 and RPC stack (the recorder tells the paths apart)', () => {
    const r = distLoads(cli, ['--server', samba.host, '-U', samba.user.name, 'BOB', 'remote'], { NETSEND_PASSWORD: samba.user.password });
    expect(r.files).toEqual(expect.arrayContaining(['messenger/remote.js', 'smb/smb2/client.js', 'rpc/client.js']));
  });
});

describe('the bundle: files read per command', () => {
  let cli: BuiltCli;
  beforeAll(() => {
    cli = buildCli();
    fs.mkdirSync(path.join(cli.dir, 'scripts'));
    fs.copyFileSync(path.join(ROOT, 'scripts/bundle-cli.mjs'), path.join(cli.dir, 'scripts/bundle-cli.mjs'));
    execFileSync(process.execPath, [path.join(cli.dir, 'scripts/bundle-cli.mjs')], { cwd: cli.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }, 120_000);
  afterAll(() => cli?.remove());

  it('--help and --version read the entry file only', () => {
    for (const args of [['--help'], ['--version'], ['--no-such-option']]) {
      const r = distLoads(cli, args);
      expect(r.files, args.join(' ')).toEqual(['cli.bundle.js']);
    }
    expect(distLoads(cli, ['--help'], {}).output).toContain('Usage: netsend [send]');
    const usage = distLoads(cli, [], {}, cli.binOf('sendnetmsg.js'));
    expect(usage.output).toContain('Usage: sendnetmsg');
    expect(usage.files).toEqual(['sendnetmsg.bundle.js']);
  });

  it('every bundle file is ASCII with no comments (Node decodes and V8 scans each start less text)', () => {
    const files = fs.readdirSync(path.join(cli.dir, 'dist')).filter((f) => /^(cli|sendnetmsg)(\.bundle|-chunk-.*)\.js$/.test(f));
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(cli.dir, 'dist', f));
      expect(bytes.findIndex((b) => b > 0x7f), f).toBe(-1);
      // The doc comments of src/ (/** ... */) are what made the bundle non-ASCII and ~15% larger.
      expect(bytes.includes('/**'), f).toBe(false);
    }
    // Non-ASCII text in string literals survives as escapes (the help's '\u2264', '\u00a7').
    expect(distLoads(cli, ['--help']).output).toContain('(\u2264128 bytes)');
  });

  it('the bundle takes Node builtins from getBuiltinModule, not through ESM facades (which run every lazy getter)', () => {
    const files = fs.readdirSync(path.join(cli.dir, 'dist')).filter((f) => /^(cli|sendnetmsg)(\.bundle|-chunk-.*)\.js$/.test(f));
    const builtinImports = files.flatMap((f) => [...fs.readFileSync(path.join(cli.dir, 'dist', f), 'utf8').matchAll(/^import [^;]*"(node:[\w/]+)";$/gm)].map((m) => m[1]));
    // Only the fallback's createRequire (Node before 20.16) is still imported.
    expect(new Set(builtinImports)).toEqual(new Set(['node:module']));
    // What the facades loaded: node:fs its streams (for --help), node:crypto Web Crypto (for a remote send).
    const loaded = (args: string[], env: NodeJS.ProcessEnv = {}): string => {
      const probe = "process.on('exit', () => process.stderr.write('\\nLOADED ' + process.moduleLoadList.join(',') + '\\n'));";
      const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(probe)}`, cli.bin, ...args], { cwd: cli.dir, encoding: 'utf8', input: '', env: { ...process.env, ...env }, timeout: 60_000 });
      return /LOADED (.*)/.exec(r.stderr)?.[1] ?? '';
    };
    const help = loaded(['--help']);
    expect(help).toContain('NativeModule net');
    expect(help).not.toContain('NativeModule internal/fs/streams');
    expect(help).not.toContain('NativeModule internal/mime');
  });

  it('a direct send reads one chunk more (refused here: nothing listens on the port)', () => {
    const r = distLoads(cli, ['--host', '127.0.0.1', '--port', String(closedPort()), '--timeout', '2000', 'BOB', 'x']);
    expect(r.status, r.output).toBe(1);
    expect(r.files.length, r.files.join(' ')).toBe(2);
    expect(r.files).toContain('cli.bundle.js');
  });
});

/** A loopback TCP port with no listener (bound, then closed: the kernel refuses a connect to it). */
function closedPort(): number {
  const out = execFileSync(process.execPath, ['-e', "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"], { encoding: 'utf8' });
  return Number(out.trim());
}
