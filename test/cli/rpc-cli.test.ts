/** `--binding` / `--auth-level` for `info` and `--server` sends, and `netsend endpoints`, against Samba + samba-dcerpcd. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { main, helpText } from '../../src/cli/main.js';
import { interopEnabled, startSamba, type SambaInstance } from '../harness/samba.js';
import { DCERPCD_GLOBAL, startDcerpcd, type Dcerpcd } from '../harness/dcerpcd.js';
import { cliIO as io } from '../helpers/cli-io.js';

describe('RPC CLI options: usage errors before any traffic', () => {
  it('--help lists --binding, --auth-level and the endpoints command', () => {
    const h = helpText();
    for (const flag of ['--binding STRING', '--auth-level LEVEL', 'netsend endpoints']) expect(h).toContain(flag);
  });
  it.each([
    [['info', '--server', '127.0.0.1', '--anonymous', '--auth-level', 'paranoid'], /--auth-level must be one of/],
    [['info', '--server', '127.0.0.1', '--anonymous', '--auth-level', 'privacy'], /needs credentials/],
    [['info', '--server', '127.0.0.1', '--anonymous', '--binding', 'ncacn_ip_tcp:127.0.0.1[1,sign,seal]'], /both/],
    [['endpoints'], /endpoints needs --server/],
  ])('%j is a usage error (exit 2)', async (argv, msg) => {
    const t = io();
    expect(await main(argv, t.io)).toBe(2);
    expect(t.err.join('')).toMatch(msg);
  });
});

describe.runIf(interopEnabled())('RPC CLI against Samba and samba-dcerpcd', () => {
  let samba: SambaInstance;
  let dcerpcd: Dcerpcd;
  let user: string;
  beforeAll(async () => {
    samba = await startSamba({ global: { ...DCERPCD_GLOBAL } });
    dcerpcd = await startDcerpcd(samba);
    user = `${samba.user.name}%${samba.user.password}`;
  }, 40_000);
  afterAll(async () => {
    await dcerpcd?.stop();
    await samba?.stop();
  });

  it('info over ncacn_ip_tcp (endpoint mapper), at privacy by default and integrity on request', async () => {
    for (const [extra, level] of [[[], 'privacy'], [['--auth-level', 'integrity'], 'integrity']] as const) {
      const t = io();
      expect(await main(['info', '--server', samba.host, '-U', user, '-W', samba.workgroup, '--binding', `ncacn_ip_tcp:${samba.host}`, ...extra, '--json'], t.io)).toBe(0);
      const [r] = t.json();
      expect(r).toMatchObject({ ok: true, authLevel: level, info: { computerName: samba.netbiosName, lanGroup: samba.workgroup } });
      expect(String(r!.binding)).toMatch(new RegExp(`^ncacn_ip_tcp:${samba.host.replace(/\./g, '\\.')}\\[\\d+`));
    }
  }, 30_000);

  it('info over \\pipe\\wkssvc with RPC privacy on top of SMB, text output', async () => {
    const t = io();
    expect(await main(['info', '--server', samba.host, '-U', user, '-W', samba.workgroup, '--auth-level', 'privacy'], t.io)).toBe(0);
    expect(t.out.join('')).toContain('ncacn_np:');
    expect(t.out.join('')).toContain('auth level privacy');
    expect(t.out.join('')).toContain(`computer name: ${samba.netbiosName}`);
  }, 30_000);

  it('--server send over ncacn_ip_tcp [seal]: Samba faults opnum 12, NET_API_STATUS 1745', async () => {
    const t = io();
    expect(await main(['--server', samba.host, '-U', user, '-W', samba.workgroup, '--binding', 'ncacn_ip_tcp:[seal]', '--json', 'BOB', 'hello'], t.io)).toBe(1);
    const [r] = t.json();
    expect(r).toMatchObject({ ok: false, netApiStatus: 1745, status: { name: 'nca_s_op_rng_error' } });
  }, 30_000);

  it('endpoints lists the interfaces rpcclient epmlookup shows', async () => {
    const t = io();
    expect(await main(['endpoints', '--server', samba.host, '--json'], t.io)).toBe(0);
    const ours = new Set(t.json().map((e) => `${String(e.interface).split(' ')[0]} ${String(e.annotation)}`));
    const out = execFileSync('rpcclient', ['-U', `${samba.workgroup}\\${user}`, `ncacn_ip_tcp:${samba.host}`, '-c', 'epmlookup'], { encoding: 'utf8' });
    const theirs = new Set<string>();
    for (const line of out.split('\n')) {
      const m = /abstract_syntax=([0-9a-f-]+)\/0x[0-9a-f]+\]: ?(.*)$/.exec(line.trim());
      if (m) theirs.add(`${m[1]} ${m[2]}`);
    }
    expect(theirs.size).toBeGreaterThan(10);
    expect(ours).toEqual(theirs);
    const text = io();
    expect(await main(['endpoints', '--server', samba.host], text.io)).toBe(0);
    expect(text.out.join('')).toMatch(/6bffd098-a112-3610-9833-46c3f87e345a v1\.0 {2}ncacn_ip_tcp:\S+\[\d+\] {2}wkssvc/);
  }, 30_000);
});
