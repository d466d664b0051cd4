import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { interopEnabled, startSamba, type SambaInstance } from '../harness/samba.js';
import { buildCli, runCli, type BuiltCli } from '../helpers/cli-process.js';
import { SENDNETMSG_USAGE, sendnetmsgReport } from '../../src/cli/sendnetmsg.js';

describe('sendnetmsg report lines', () => {
  it('names the five statuses of the sample, numbers every other one, prints nothing for success', () => {
    expect(sendnetmsgReport(0)).toBe('');
    expect(sendnetmsgReport(2273)).toBe('Error: NERR_NameNotFound\n');
    expect(sendnetmsgReport(2136)).toBe('Error: NERR_NetworkError\n');
    expect(sendnetmsgReport(5)).toBe('Error: ERROR_ACCESS_DENIED\n');
    expect(sendnetmsgReport(87)).toBe('Error: ERROR_INVALID_PARAMETER\n');
    expect(sendnetmsgReport(50)).toBe('Error: ERROR_NOT_SUPPORTED\n');
    expect(sendnetmsgReport(71)).toBe('Unknown error returned.\nError code 71\n');
  });
});

// The built bin against real Samba, one outcome per case the lab can produce.
describe.runIf(interopEnabled())('sendnetmsg (built bin) against Samba', () => {
  let samba: SambaInstance;
  let refusing: SambaInstance;
  let cli: BuiltCli;
  const run = async (args: string[], env: Record<string, string>) => (await runCli(cli, args, { bin: cli.binOf('sendnetmsg.js'), env }).done);
  let lmhosts: string;
  let tmp: string;
  let closedHost: string;
  beforeAll(async () => {
    cli = buildCli();
    [samba, refusing] = await Promise.all([startSamba(), startSamba({ messageCommand: false })]);
    // An address on loopback where nothing listens on 139: a free one next to the peer's.
    closedHost = `127.78.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sendnetmsg-'));
    lmhosts = path.join(tmp, 'lmhosts');
    fs.writeFileSync(
      lmhosts,
      [
        '# LMHOSTS for the test: ADDRESS NAME[#SUFFIX]',
        `${samba.host} LABPC`,
        `${refusing.host} QUIETPC#03`,
        `${refusing.host} OTHERPC#20   # a file-server name only: not a Messenger name`,
        `${closedHost} DEADPC`,
        '',
      ].join('\n'),
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all([samba?.stop(), refusing?.stop()]);
    cli?.remove();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const env = () => ({ NETSEND_LMHOSTS: lmhosts, NETSEND_NO_DNS: '1', NETSEND_TIMEOUT: '3000', NETSEND_WINS: closedHost });

  it('delivered: prints nothing, exits 0, and Samba has the message from srcName', async () => {
    const before = samba.messages().length;
    const r = await run(['ALICE', 'labpc', 'Lunch is ready'], env());
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const m = (await samba.waitForMessages(before + 1))[before]!;
    expect(m).toMatchObject({ from: 'ALICE', text: 'Lunch is ready' });
  });

  it('unknown name: Error: NERR_NameNotFound, exit 1 (not in LMHOSTS, no name server answers)', async () => {
    const r = await run(['ALICE', 'OTHERPC', 'hello'], env());
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Error: NERR_NameNotFound\n' });
  });

  it('network error: Error: NERR_NetworkError, exit 1 (the address refuses the session)', async () => {
    const probe = await new Promise<boolean>((resolve) => {
      const s = net.connect(139, closedHost, () => (s.destroy(), resolve(true))).on('error', () => resolve(false));
    });
    expect(probe).toBe(false);
    const r = await run(['ALICE', 'DEADPC', 'hello'], env());
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Error: NERR_NetworkError\n' });
  });

  it('invalid parameter: Error: ERROR_INVALID_PARAMETER for empty text and for a 16-byte name, nothing sent', async () => {
    const before = samba.messages().length;
    for (const args of [['ALICE', 'LABPC', ''], ['ALICE', 'LABPC16CHARSLONG', 'hi'], ['ALICE', 'LABPC', 'x'.repeat(700)]]) {
      const r = await run(args, env());
      expect(r).toEqual({ code: 1, stdout: '', stderr: 'Error: ERROR_INVALID_PARAMETER\n' });
    }
    expect(samba.messages().length).toBe(before);
  });

  it('refused by the receiver: Unknown error returned. and the code (ERRDOS/ERRreqnotaccep = 71)', async () => {
    const r = await run(['ALICE', 'QUIETPC', 'hello'], env());
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Unknown error returned.\nError code 71\n' });
  });

  it('wrong argument count: the usage line, exit 1', async () => {
    for (const args of [[], ['A', 'B'], ['A', 'B', 'C', 'D']]) {
      const r = await run(args, env());
      expect(r).toEqual({ code: 1, stdout: '', stderr: SENDNETMSG_USAGE });
    }
  });
});
