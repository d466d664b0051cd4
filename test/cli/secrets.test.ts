/**
 * Issue 11 item 6 against the real executable and real Samba: secrets given on the command line
 * vanish from /proc/PID/cmdline and `ps` once parsed; -A FILE and --password-fd N log on (or fail
 * with STATUS_LOGON_FAILURE); --pcap files are 0600, never replace an existing path without
 * --pcap-overwrite and never write through a symlink; a full disk is a named error, not a crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ntHash } from '../../src/auth/ntlm-crypto.js';
import { sendMessage } from '../../src/messenger/send.js';
import { readCapture, tcpStreams } from '../../src/pcap/reader.js';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { buildCli, runCli, type BuiltCli } from '../helpers/cli-process.js';
import { tsharkAvailable, tsharkDecode } from '../helpers/tshark.js';

/**
 * A TCP relay to Samba's port 445 that holds each client until release(): the CLI has parsed its
 * arguments and is waiting on the network, so the test can look at the live process.
 */
async function delayingRelay(upstream: string): Promise<{ port: number; connected: Promise<void>; release(): void; close(): Promise<void> }> {
  let released = false;
  const held: net.Socket[] = [];
  const sockets = new Set<net.Socket>();
  let onConnect!: () => void;
  const connected = new Promise<void>((r) => (onConnect = r));
  const relay = (client: net.Socket): void => {
    const up = net.connect({ host: upstream, port: 445 });
    sockets.add(up);
    client.pipe(up).pipe(client);
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
    client.resume();
  };
  const server = net.createServer((c) => {
    sockets.add(c);
    c.on('error', () => undefined);
    onConnect();
    if (released) relay(c);
    else {
      c.pause();
      held.push(c);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    connected,
    release: () => {
      released = true;
      for (const c of held.splice(0)) relay(c);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** One build of the executable for the whole file (a few seconds of tsc). */
let built: BuiltCli | undefined;
function cliOnce(): BuiltCli {
  built ??= buildCli();
  return built;
}
afterAll(() => built?.remove());

function cmdline(pid: number): string {
  return fs.readFileSync(`/proc/${pid}/cmdline`).toString('utf8');
}

function psArgs(pid: number): string {
  return execFileSync('ps', ['-o', 'args=', '-p', String(pid)]).toString();
}

describe.runIf(interopEnabled() && process.platform === 'linux')('netsend executable: secrets against Samba', () => {
  const samba = useSamba({}, { timeoutMs: 180_000 });
  let cli: BuiltCli;
  let dir: string;
  beforeAll(async () => {
    cli = cliOnce();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-secrets-'));
  }, 180_000);
  afterAll(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `info` through a delaying relay; returns the process's visible arguments while it waits, then its result. */
  async function infoSeenFromOutside(args: string[]) {
    const relay = await delayingRelay(samba.host);
    try {
      const run = runCli(cli, ['info', '--server', '127.0.0.1', '--port', String(relay.port), '--timeout', '30000', ...args]);
      await relay.connected;
      const seen = { cmdline: cmdline(run.child.pid!), ps: psArgs(run.child.pid!), comm: fs.readFileSync(`/proc/${run.child.pid}/comm`, 'utf8').trim() };
      relay.release();
      return { seen, result: await run.done };
    } finally {
      await relay.close();
    }
  }

  it('-U USER%PASS: the password is gone from /proc/PID/cmdline and ps while the process runs, and still logs on', async () => {
    const { seen, result } = await infoSeenFromOutside(['-U', `${samba.user.name}%${samba.user.password}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`computer name: ${samba.netbiosName}`);
    for (const shown of [seen.cmdline, seen.ps]) {
      expect(shown).not.toContain(samba.user.password);
      expect(shown).toContain(`-U ${samba.user.name}%***`);
      expect(shown).toContain('info --server 127.0.0.1');
    }
    expect(seen.comm).toBe('node');
  });

  it('--hashes=NT and -UUSER forms: the hash is gone from the visible arguments, and logs on', async () => {
    const hash = ntHash(samba.user.password).toString('hex');
    const { seen, result } = await infoSeenFromOutside([`-U${samba.user.name}`, `--hashes=${hash}`]);
    expect(result.code, result.stderr).toBe(0);
    for (const shown of [seen.cmdline, seen.ps]) {
      expect(shown.toLowerCase()).not.toContain(hash);
      expect(shown).toContain('--hashes=***');
    }
  });

  function authFile(name: string, text: string, mode: number): string {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text, { mode });
    fs.chmodSync(f, mode);
    return f;
  }

  it('-A FILE (smbclient format) logs on; a wrong password in it is STATUS_LOGON_FAILURE (exit 1)', async () => {
    const good = authFile('good.auth', `# netsend test\nusername = ${samba.user.name}\npassword = ${samba.user.password}\ndomain = ${samba.workgroup}\n`, 0o600);
    const ok = await runCli(cli, ['info', '--server', samba.host, '-A', good]).done;
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`computer name: ${samba.netbiosName}`);
    expect(ok.stderr).not.toContain('warning');
    const bad = authFile('bad.auth', `username = ${samba.user.name}\npassword = not-${samba.user.password}\n`, 0o600);
    const no = await runCli(cli, ['info', '--server', samba.host, '--authentication-file', bad]).done;
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('STATUS_LOGON_FAILURE');
    expect(no.stderr).not.toContain(samba.user.password);
  });

  it('-A FILE readable by group or others still works but warns', async () => {
    const f = authFile('open.auth', `username = ${samba.user.name}\npassword = ${samba.user.password}\n`, 0o644);
    const r = await runCli(cli, ['info', '--server', samba.host, '-A', f]).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: authentication file .* readable by group and others \(mode 0644\)/);
  });

  it('--password-fd N reads the first line from an inherited pipe or file; a wrong one is STATUS_LOGON_FAILURE', async () => {
    const viaPipe = runCli(cli, ['info', '--server', samba.host, '-U', samba.user.name, '--password-fd', '3'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const pipe = viaPipe.child.stdio[3] as net.Socket;
    pipe.end(`${samba.user.password}\nsecond line ignored\n`);
    const ok = await viaPipe.done;
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`computer name: ${samba.netbiosName}`);

    const viaStdin = runCli(cli, ['info', '--server', samba.host, '-U', samba.user.name, '--password-fd', '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
    viaStdin.child.stdin!.end(`${samba.user.password}\n`);
    const stdinOk = await viaStdin.done;
    expect(stdinOk.code, stdinOk.stderr).toBe(0);

    const f = authFile('pw.txt', `${samba.user.password}\n`, 0o600);
    const fd = fs.openSync(f, 'r');
    try {
      const viaFile = await runCli(cli, ['info', '--server', samba.host, '-U', samba.user.name, '--password-fd', '3'], { stdio: ['ignore', 'pipe', 'pipe', fd] }).done;
      expect(viaFile.code, viaFile.stderr).toBe(0);
    } finally {
      fs.closeSync(fd);
    }

    const wrong = runCli(cli, ['info', '--server', samba.host, '-U', samba.user.name, '--password-fd', '3'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    (wrong.child.stdio[3] as net.Socket).end(`wrong-${samba.user.password}\n`);
    const no = await wrong.done;
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('STATUS_LOGON_FAILURE');
  });

  it('--password-fd with a password in -U, or a closed descriptor, is a usage error (exit 2)', async () => {
    const both = await runCli(cli, ['info', '--server', samba.host, '-U', `${samba.user.name}%x`, '--password-fd', '0'], { stdio: ['pipe', 'pipe', 'pipe'] }).done;
    expect(both.code).toBe(2);
    const closed = await runCli(cli, ['info', '--server', samba.host, '-U', samba.user.name, '--password-fd', '987']).done;
    expect(closed.code).toBe(2);
    expect(closed.stderr).toContain('--password-fd 987: not an open file descriptor');
  });

  const user = () => ['-U', `${samba.user.name}%${samba.user.password}`];

  it('--pcap creates the file mode 0600 even under umask 000, and the capture decodes', async () => {
    const f = path.join(dir, 'info.pcap');
    const r = await runCli(cli, ['info', '--server', samba.host, ...user(), '--pcap', f], { shellPrefix: 'umask 000;' }).done;
    expect(r.code, r.stderr).toBe(0);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    const [s] = tcpStreams(readCapture(fs.readFileSync(f)).packets);
    expect(s!.server.port).toBe(445);
    if (tsharkAvailable()) {
      const t = await tsharkDecode(f);
      expect(t.expertErrors).toEqual([]);
      expect(t.text).toContain('NTLMSSP_AUTH');
    }
  });

  it('--pcap refuses an existing file (exit 2, file untouched) unless --pcap-overwrite, which truncates it to mode 0600', async () => {
    const f = path.join(dir, 'existing.pcap');
    fs.writeFileSync(f, 'keep me', { mode: 0o644 });
    fs.chmodSync(f, 0o644);
    const r = await runCli(cli, ['info', '--server', samba.host, ...user(), '--pcap', f]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exists');
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(f, 'utf8')).toBe('keep me');
    const o = await runCli(cli, ['info', '--server', samba.host, ...user(), '--pcap', f, '--pcap-overwrite']).done;
    expect(o.code, o.stderr).toBe(0);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(readCapture(fs.readFileSync(f)).packets.length).toBeGreaterThan(10);
  });

  it('--pcap never writes through a symlink, dangling or not, with or without --pcap-overwrite (exit 2)', async () => {
    const target = path.join(dir, 'victim');
    fs.writeFileSync(target, 'precious');
    const link = path.join(dir, 'link.pcap');
    fs.symlinkSync(target, link);
    const dangling = path.join(dir, 'dangling.pcap');
    const nowhere = path.join(dir, 'would-be-created');
    fs.symlinkSync(nowhere, dangling);
    for (const [p, extra] of [[link, []], [link, ['--pcap-overwrite']], [dangling, []], [dangling, ['--pcap-overwrite']]] as const) {
      const r = await runCli(cli, ['info', '--server', samba.host, ...user(), '--pcap', p, ...extra]).done;
      expect(r.code, `${p} ${extra.join(' ')}`).toBe(2);
      expect(r.stderr).toContain('symbolic link');
    }
    expect(fs.readFileSync(target, 'utf8')).toBe('precious');
    expect(fs.existsSync(nowhere)).toBe(false);
  });

  it('--help says how the capture file is protected', async () => {
    const r = await runCli(cli, ['info', '--help']).done;
    expect(r.stdout).toMatch(/--pcap FILE .*0600.*symlink.*NTLM/);
    expect(r.stdout).toContain('--pcap-overwrite');
    expect(r.stdout).toContain('-A, --authentication-file FILE');
    expect(r.stdout).toContain('--password-fd N');
  });

  it('a full disk under --pcap is a named error (ENOSPC, exit 1) after the operation completes, not a crash', async () => {
    const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-full-'));
    const left = path.join(dir, 'left-on-full-disk.pcap');
    try {
      // A private mount namespace with a 4 KiB tmpfs: two info exchanges do not fit (one alone, about
      // 3.9 KB since 'auto' sends no SMB1 NEGOTIATE to an SMB2 server, now may).
      const r = await runCli(cli, ['info', '--server', samba.host, '--server', samba.host, ...user(), '--pcap', path.join(mnt, 'full.pcap')], {
        via: ['unshare', '-m'],
        shellPrefix: `mount -t tmpfs -o size=4k netsend-full '${mnt}' &&`,
        // The tmpfs vanishes with the namespace: keep what the CLI left there.
        shellSuffix: `cp '${path.join(mnt, 'full.pcap')}' '${left}'`,
        stdio: ['ignore', 'pipe', 'pipe'],
      }).done;
      expect(r.stdout).toContain(`computer name: ${samba.netbiosName}`);
      expect(r.stderr).toMatch(/--pcap: ENOSPC: capture file .*full\.pcap: ENOSPC: no space left on device.*capture stopped after \d+ bytes/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(1);
      // What did fit is still a well-formed pcap: the torn last chunk was cut off again.
      const stopped = Number(/capture stopped after (\d+) bytes/.exec(r.stderr)![1]);
      expect(fs.statSync(left).size).toBe(stopped);
      expect(readCapture(fs.readFileSync(left)).skipped).toBe(0);
    } finally {
      fs.rmSync(mnt, { recursive: true, force: true });
    }
  });
});

describe.runIf(process.platform === 'linux')('netsend listen --pcap (the real executable)', () => {
  let cli: BuiltCli;
  let dir: string;
  beforeAll(() => {
    cli = cliOnce();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-listen-pcap-'));
  }, 180_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the capture while it runs (a complete pcap holding the message before the listener stops), mode 0600', async () => {
    const f = path.join(dir, 'live.pcap');
    const run = runCli(cli, ['listen', '--host', '127.0.0.1', '--port', '0', '--pcap', f], { shellPrefix: 'umask 000;' });
    let err = '';
    const port = await new Promise<number>((resolve, reject) => {
      run.child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on [^\s]+:(\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      void run.done.then(() => reject(new Error(`listener ended: ${err}`)));
    });
    try {
      const r = await sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'ALICE', text: 'captured while running', timeoutMs: 10_000 });
      expect(r.ok).toBe(true);
      // The listener flushes on its own (at most a second later); poll the file, with a deadline.
      let found = false;
      for (let i = 0; i < 100 && !found; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const streams = tcpStreams(readCapture(fs.readFileSync(f)).packets);
        found = streams.some((s) => s.clientData.includes(Buffer.from('captured while running', 'latin1')));
      }
      expect(found).toBe(true);
      expect(run.child.exitCode).toBeNull();
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    } finally {
      run.child.kill('SIGTERM');
    }
    const end = await run.done;
    expect(end.code, end.stderr).toBe(0);
    const [s] = tcpStreams(readCapture(fs.readFileSync(f)).packets);
    expect(s!.gaps).toBe(false);
  });

  it('refuses an existing --pcap path before it listens (exit 2)', async () => {
    const f = path.join(dir, 'taken.pcap');
    fs.writeFileSync(f, 'x');
    const r = await runCli(cli, ['listen', '--host', '127.0.0.1', '--port', '0', '--pcap', f], { timeoutMs: 20_000 }).done;
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('listening on');
    expect(fs.readFileSync(f, 'utf8')).toBe('x');
  });
});
