// A private smbd for benchmarks (run as root): its own 127.79.x.y address and directories, stopped by pid.
// The test suite's equivalent is test/harness/samba.ts; benchmarks run from ../dist without a TS loader.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const benchUser = { name: 'nsbench', password: 'Bench-Passw0rd' };

/**
 * Starts smbd with `global` overriding the defaults; resolves to { host, dir, user, stop() }.
 * `hookSleep` (seconds) makes the message command slow, so Samba answers 0xD6 late (bench/load.mjs).
 */
export async function startBenchSamba(global = {}, { messageCommand = false, hookSleep = 0 } = {}) {
  const host = `127.79.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-bench-'));
  fs.chmodSync(dir, 0o755);
  for (const d of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'binddns', 'msgs']) fs.mkdirSync(path.join(dir, d));
  fs.chmodSync(path.join(dir, 'msgs'), 0o777);
  const conf = path.join(dir, 'smb.conf');
  // %s in `message command` is the text file, so the hook gets its own script (no date +%s there).
  const hook = path.join(dir, 'hook.sh');
  fs.writeFileSync(hook, `#!/bin/sh\n${hookSleep > 0 ? `sleep ${Number(hookSleep)}\n` : ''}mv "$1" "$2/$(date +%s%N)-$$.msg"\n`);
  fs.chmodSync(hook, 0o755);
  const g = {
    'netbios name': 'BENCHSRV', workgroup: 'BENCH', interfaces: `${host}/8`, 'bind interfaces only': 'yes', 'smb ports': '445 139',
    'server min protocol': 'NT1', 'server max protocol': 'SMB3', 'server role': 'standalone server',
    'load printers': 'no', 'disable spoolss': 'yes', 'printcap name': '/dev/null',
    'log file': path.join(dir, 'log.%m'), 'passdb backend': `tdbsam:${path.join(dir, 'private', 'passdb.tdb')}`,
    'private dir': path.join(dir, 'private'), 'lock directory': path.join(dir, 'lock'), 'state directory': path.join(dir, 'state'),
    'cache directory': path.join(dir, 'cache'), 'pid directory': path.join(dir, 'pid'), 'ncalrpc dir': path.join(dir, 'ncalrpc'),
    'binddns dir': path.join(dir, 'binddns'),
    ...(messageCommand ? { 'map to guest': 'Bad User', 'guest account': 'nobody', 'message command': `/bin/sh ${hook} %s ${path.join(dir, 'msgs')}` } : {}),
    ...global,
  };
  fs.writeFileSync(conf, '[global]\n' + Object.entries(g).map(([k, v]) => `  ${k} = ${v}\n`).join(''));
  try {
    execFileSync('id', ['-u', benchUser.name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', benchUser.name]);
  }
  execFileSync('smbpasswd', ['-c', conf, '-s', '-a', benchUser.name], { input: `${benchUser.password}\n${benchUser.password}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
  const smbd = spawn('smbd', ['-F', '--debug-stdout', '-d', '0', '-s', conf], { stdio: 'ignore' });
  await waitPort(host, 445);
  if (global['smb ports'] === undefined) await waitPort(host, 139);
  return {
    host,
    dir,
    /** Messages delivered through `message command` so far. */
    delivered: () => fs.readdirSync(path.join(dir, 'msgs')).filter((f) => f.endsWith('.msg')).length,
    conf,
    user: benchUser,
    async stop() {
      try {
        const pid = Number(fs.readFileSync(path.join(dir, 'pid', 'samba-dcerpcd.pid'), 'utf8').trim());
        if (pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(conf)) process.kill(pid, 'SIGTERM');
      } catch {
        /* not running */
      }
      smbd.kill('SIGTERM');
      await new Promise((r) => smbd.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitPort(host, port) {
  for (let i = 0; ; i++) {
    const ok = await new Promise((r) => {
      const s = net.connect({ host, port }, () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    if (i > 200) throw new Error(`smbd did not listen on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
