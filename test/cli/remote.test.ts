/** `netsend --server` and `netsend info` against real Samba. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, helpText } from '../../src/cli/main.js';
import { interopEnabled, startSamba, type SambaInstance } from '../harness/samba.js';
import { cliIO as io } from '../helpers/cli-io.js';

describe('netsend remote options: usage errors before any traffic', () => {
  it('lists the remote options and the info command in --help', () => {
    const h = helpText();
    for (const flag of ['--server HOST', '-U, --user', '--hashes', '--anonymous', '--smb1', '--smb-min', '--sign', '--encrypt', 'netsend info']) expect(h).toContain(flag);
  });

  it.each([
    [['--server', '127.0.0.1', '--smb1', '--encrypt', '--anonymous', 'BOB', 'x'], /--encrypt needs SMB3/],
    [['--server', '127.0.0.1', '--smb-max', '9.9', '--anonymous', 'BOB', 'x'], /--smb-max must be one of/],
    [['--server', '127.0.0.1', '--anonymous', '-U', 'bob%x', 'BOB', 'x'], /--anonymous excludes/],
    [['--server', '127.0.0.1', '-U', 'bob%x', '--hashes', '0123456789abcdef0123456789abcdef', 'BOB', 'x'], /either a password or --hashes/],
    [['--server', '127.0.0.1', '--hashes', 'zz', '-U', 'bob', 'BOB', 'x'], /./],
    [['info'], /info needs --server/],
    [['info', '--server', '127.0.0.1', '--anonymous', '--level', '7'], /--level must be/],
  ])('%j is a usage error (exit 2)', async (argv, msg) => {
    const t = io();
    expect(await main(argv, t.io)).toBe(2);
    expect(t.err.join('')).toMatch(msg);
  });

  it('asks for a password only on a terminal: without one it is a usage error', async () => {
    const saved = process.env.NETSEND_PASSWORD;
    delete process.env.NETSEND_PASSWORD;
    try {
      const t = io();
      expect(await main(['--server', '127.0.0.1', '-U', 'bob', 'BOB', 'x'], t.io)).toBe(2);
      expect(t.err.join('')).toMatch(/no password for bob/);
    } finally {
      if (saved !== undefined) process.env.NETSEND_PASSWORD = saved;
    }
  });
});

describe.runIf(interopEnabled())('netsend --server and info against Samba', () => {
  let samba: SambaInstance;
  let user: string;
  beforeAll(async () => {
    samba = await startSamba();
    user = `${samba.user.name}%${samba.user.password}`;
  });
  afterAll(async () => {
    await samba?.stop();
  });

  it('info prints the workstation identity and the session it used', async () => {
    const t = io();
    expect(await main(['info', '--server', samba.host, '-U', user], t.io)).toBe(0);
    const out = t.out.join('');
    expect(out).toContain(`computer name: ${samba.netbiosName}`);
    expect(out).toContain(`domain:        ${samba.workgroup}`);
    expect(out).toMatch(/SMB 3\.1\.1/);
    expect(t.text()).not.toContain(samba.user.password);
  });

  it('info --smb1 --json --level 101', async () => {
    const t = io();
    expect(await main(['info', '--server', samba.host, '-U', user, '--smb1', '--json', '--level', '101'], t.io)).toBe(0);
    const o = JSON.parse(t.out.join(''));
    expect(o).toMatchObject({ ok: true, session: { dialect: 'NT LM 0.12' }, info: { level: 101, computerName: samba.netbiosName } });
  });

  it('info --level 102 is ERROR_ACCESS_DENIED for a non-admin (exit 1)', async () => {
    const t = io();
    expect(await main(['info', '--server', samba.host, '-U', user, '--level', '102'], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(/ERROR_ACCESS_DENIED \(5\)/);
  });

  it('send --server reports the fault by name and its NET_API_STATUS (exit 1)', async () => {
    const t = io();
    expect(await main(['--server', samba.host, '-U', user, '--from', 'ALICE', 'BOB', 'hello', 'there'], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(/^BOB via 127\.77\.\d+\.\d+: nca_s_op_rng_error \(0x1C010002\): .* → NET_API_STATUS 1745 RPC_S_PROCNUM_OUT_OF_RANGE$/m);
    expect(t.err.join('').match(/nca_s_op_rng_error|0x1C010002/gi)).toHaveLength(2); // name and number, once each
  });

  it('send --server --json --sign with the password from $NETSEND_PASSWORD', async () => {
    process.env.NETSEND_PASSWORD = samba.user.password;
    try {
      const t = io();
      expect(await main(['--server', samba.host, '-U', samba.user.name, '--sign', '--json', 'BOB', 'x'], t.io)).toBe(1);
      const o = JSON.parse(t.out.join(''));
      expect(o).toMatchObject({ ok: false, status: { layer: 'rpc-fault', code: 0x1c010002, name: 'nca_s_op_rng_error' }, netApiStatus: 1745, path: 'wkssvc', dialect: '3.1.1', signing: true });
    } finally {
      delete process.env.NETSEND_PASSWORD;
    }
  });

  it('a wrong password is STATUS_LOGON_FAILURE and is never echoed', async () => {
    const t = io();
    expect(await main(['info', '--server', samba.host, '-U', `${samba.user.name}%Secret-Wrong-1`], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(/STATUS_LOGON_FAILURE/);
    expect(t.text()).not.toContain('Secret-Wrong-1');
  });

  it('--hashes authenticates with the NT hash (pass-the-hash)', async () => {
    const { ntHash } = await import('../../src/auth/index.js');
    const t = io();
    expect(await main(['info', '--server', samba.host, '-U', samba.user.name, '--hashes', ntHash(samba.user.password).toString('hex')], t.io)).toBe(0);
    expect(t.out.join('')).toContain(samba.netbiosName);
  });
});
