/**
 * `netsend --msg --server HOST ...` and `netsend sessions --server HOST`: against the scripted MS-TSTS
 * responder (impacket SMB server) and against Samba, which has neither pipe and must end in the
 * actionable "remote session API disabled" error after trying LSM_API_service, then
 * Ctx_WinStation_API_service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, helpText } from '../../src/cli/main.js';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { responderEnabled, startTstsResponder, type TstsResponder } from '../harness/tsts-responder.js';
import { cliIO as io } from '../helpers/cli-io.js';

describe('msg CLI: usage errors before any traffic', () => {
  it('--help lists --msg, --session, --wait and the sessions command', () => {
    const h = helpText();
    for (const flag of ['--msg', '--session ID|USER|*', '--title T', '--wait N', 'netsend sessions']) expect(h).toContain(flag);
  });
  it.each([
    [['--msg', '--server', '127.0.0.1', '-U', 'u%p'], /needs the message text/],
    [['--msg', '--server', '127.0.0.1', '--anonymous', 'hi'], /need -U USER/],
    [['--msg', '--server', '127.0.0.1', '-U', 'u%p', '--smb1', 'hi'], /SMB 2 or 3/],
    [['--msg', '--server', '127.0.0.1', '-U', 'u%p', '--wait', '0', 'hi'], /--wait/],
    [['--msg', '--server', '127.0.0.1', '-U', 'u%p', '--interface', 'x', 'hi'], /--interface must be/],
    [['--msg', '--server', '127.0.0.1', '-U', 'u%p', '--binding', 'ncacn_np:h[\\pipe\\x]', 'hi'], /--binding does not apply/],
    [['sessions', '-U', 'u%p'], /needs --server/],
  ])('%j is a usage error (exit 2)', async (argv, msg) => {
    const t = io();
    expect(await main(argv, t.io)).toBe(2);
    expect(t.err.join('')).toMatch(msg);
  });
});

describe.runIf(responderEnabled())('msg CLI against the scripted responder', () => {
  let r: TstsResponder;
  beforeAll(async () => {
    r = await startTstsResponder({
      user: 'tsalice',
      password: 'Tsts-Passw0rd',
      sessions: [
        { id: 0, state: 4, name: 'Services' },
        { id: 1, state: 0, name: 'Console', user: 'tsalice' },
        // A hostile station name: control characters must not reach the terminal.
        { id: 2, state: 0, name: 'Evil\u001b[2J', user: 'mallory\u0007' },
        { id: 65536, state: 6, name: 'RDP-Tcp' },
      ],
    });
  });
  afterAll(async () => {
    await r?.stop();
  });
  const common = () => ['--server', r.host, '--port', String(r.port), '-U', 'tsalice%Tsts-Passw0rd', '--auth-level', 'none', '--smb-min', '2.0.2'];

  it('--msg to *: one confirmed line per Active session, exit 0, names sanitised', async () => {
    const t = io();
    expect(await main(['--msg', ...common(), '--title', 'Hi', 'coffee', 'time'], t.io)).toBe(0);
    const out = t.out.join('');
    expect(out).toMatch(/session 1 \(Console\) on 127\.79\.[\d.]+: message sent, delivery confirmed/);
    expect(out).toMatch(/session 2 \(Evil.*\) on .*: message sent, delivery confirmed/);
    expect(out + t.err.join('')).not.toContain('\u001b');
    expect(r.calls('RpcShowMessageBox').map((c) => [c.session, c.title, c.message])).toEqual([
      [1, 'Hi', 'coffee time'],
      [2, 'Hi', 'coffee time'],
    ]);
  });

  it('--msg --session 1 --wait 5 --json: the answer IDOK', async () => {
    const t = io();
    expect(await main(['--msg', ...common(), '--session', '1', '--wait', '5', '--json', 'x'], t.io)).toBe(0);
    expect(t.json()).toEqual([expect.objectContaining({ ok: true, delivery: 'confirmed', path: 'lsm', sessionId: 1, response: 'IDOK' })]);
  });

  it('sessions: the qwinsta table, hostile names escaped', async () => {
    const t = io();
    expect(await main(['sessions', ...common()], t.io)).toBe(0);
    const out = t.out.join('');
    expect(out).toMatch(/SESSIONNAME\s+USERNAME\s+ID\s+STATE/);
    expect(out).toMatch(/Console\s+WORKGROUP\\tsalice\s+1\s+Active/);
    expect(out).toMatch(/RDP-Tcp\s+65536\s+Listen/);
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u0007');
  });
});

describe.runIf(interopEnabled())('msg CLI against Samba (no MS-TSTS pipes)', () => {
  const samba = useSamba();

  it.each([
    [['--msg', 'hello']],
    [['sessions']],
  ])('%j ends in "remote session API disabled" with STATUS_OBJECT_NAME_NOT_FOUND named for both pipes', async (head) => {
    const t = io();
    const argv = head[0] === 'sessions' ? ['sessions', '--server', samba.host, '-U', `${samba.user.name}%${samba.user.password}`] : ['--msg', '--server', samba.host, '-U', `${samba.user.name}%${samba.user.password}`, 'hello'];
    expect(await main(argv, t.io)).toBe(1);
    const err = t.err.join('');
    expect(err).toContain(`remote session API disabled on ${samba.host} (AllowRemoteRPC=0, or Terminal Services off)`);
    expect(err).toMatch(/\\PIPE\\LSM_API_service: STATUS_OBJECT_NAME_NOT_FOUND 0xc0000034; \\PIPE\\Ctx_WinStation_API_service: STATUS_OBJECT_NAME_NOT_FOUND 0xc0000034/);
    expect(err).toContain('STATUS_OBJECT_NAME_NOT_FOUND');
  });
});
