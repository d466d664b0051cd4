/**
 * msgsvc name management ([MS-MSRP] §3.1.4) against Samba, which has no \PIPE\msgsvc server
 * (protocol-notes §1.2, §5): every call fails at the pipe open, and the user is told that the
 * Messenger service is not running, with the SMB status named. SMB 2/3 and SMB1 (DOS or NT
 * statuses) are both tried. The stub byte layouts are in test/rpc/interfaces.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { addMessageName, deleteMessageName, enumMessageNames, getMessageNameInfo } from '../../src/messenger/msgsvc.js';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { cliIO as io } from '../helpers/cli-io.js';

describe.runIf(interopEnabled())('msgsvc against Samba (no \\PIPE\\msgsvc)', () => {
  const samba = useSamba();

  it('every call says the Messenger service is not running, naming STATUS_OBJECT_NAME_NOT_FOUND (SMB 2/3)', async () => {
    const o = { server: samba.host, credentials: { user: samba.user.name, password: samba.user.password }, timeoutMs: 10_000 };
    for (const call of [() => enumMessageNames(o, 0), () => enumMessageNames(o, 1), () => addMessageName(o, 'BOB'), () => getMessageNameInfo(o, 'BOB', 1), () => deleteMessageName(o, 'BOB')]) {
      const e = await call().then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toMatchObject({ layer: 'ntstatus', name: 'STATUS_OBJECT_NAME_NOT_FOUND', code: 0xc0000034 });
      expect((e as Error).message).toContain(`the Messenger service is not running on ${samba.host}`);
    }
  });

  it('over SMB1 too', async () => {
    const o = { server: samba.host, credentials: { user: samba.user.name, password: samba.user.password }, dialect: 'smb1' as const, timeoutMs: 10_000 };
    const e = await enumMessageNames(o).then(() => null, (x: unknown) => x as Error & { layer: string; name: string });
    expect(e?.message).toContain(`the Messenger service is not running on ${samba.host}`);
    // Our SMB1 client negotiates NT status codes, so Samba answers in NT form here as well (measured, Samba 4.17).
    expect(e).toMatchObject({ layer: 'ntstatus', name: 'STATUS_OBJECT_NAME_NOT_FOUND' });
  });

  it('`netsend names --server HOST` prints the failure and exits 1; --json names the status', async () => {
    const t = io();
    expect(await main(['names', '--server', samba.host, '-U', `${samba.user.name}%${samba.user.password}`], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(new RegExp(`^${samba.host.replace(/\./g, '\\.')}: STATUS_OBJECT_NAME_NOT_FOUND \\(0xC0000034\\): the Messenger service is not running on ${samba.host.replace(/\./g, '\\.')}`));
    const j = io();
    expect(await main(['names', '--server', samba.host, '-U', `${samba.user.name}%${samba.user.password}`, '--json', 'add', 'bob'], j.io)).toBe(1);
    expect(JSON.parse(j.out[0]!)).toMatchObject({ server: samba.host, ok: false, op: 'add', status: { layer: 'ntstatus', number: '0xC0000034', name: 'STATUS_OBJECT_NAME_NOT_FOUND' } });
    const u = io();
    expect(await main(['names', '--server', samba.host, 'add'], u.io)).toBe(2);
  });
});
