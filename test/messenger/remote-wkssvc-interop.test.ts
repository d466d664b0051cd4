/**
 * The remote NetMessageBufferSend path end to end against real Samba: SMB1 and SMB 2/3 (signed,
 * encrypted), NTLMv2, DCE/RPC bind and calls on \pipe\wkssvc.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { interopEnabled, useSamba, startSamba, type SambaInstance, type SambaOptions } from '../harness/samba.js';
import { sendViaWorkstation, workstationInfo, type RemoteConnectOptions } from '../../src/messenger/remote.js';
import { netMessageBufferSendRemote } from '../../src/messenger/api.js';
import { netMessageBufferSend } from '../../src/messenger/api.js';
import { connectSmb } from '../../src/smb/connect.js';
import { RpcClient } from '../../src/rpc/client.js';
import { MSGSVCSEND } from '../../src/rpc/interfaces/msgsvcsend.js';
import { WKSSVC_PIPE } from '../../src/rpc/interfaces/wkssvc.js';
import { NetsendError } from '../../src/status/error.js';
import { CaptureFile } from '../../src/pcap/writer.js';
import { tsharkDecode } from '../helpers/tshark.js';

interface Case {
  title: string;
  samba: SambaOptions;
  client: Partial<RemoteConnectOptions>;
  dialect: string;
  signing?: boolean;
  encryption?: boolean;
}

const CASES: Case[] = [
  { title: 'SMB1 (NT1-only server)', samba: { global: { 'server max protocol': 'NT1' } }, client: {}, dialect: 'NT LM 0.12' },
  { title: 'SMB1 with mandatory signing', samba: { global: { 'server max protocol': 'NT1', 'server signing': 'mandatory' } }, client: {}, dialect: 'NT LM 0.12', signing: true },
  { title: 'SMB 2.1', samba: { global: { 'server max protocol': 'SMB2_10' } }, client: {}, dialect: '2.1' },
  { title: 'SMB 3.0', samba: { global: { 'server max protocol': 'SMB3_00' } }, client: {}, dialect: '3.0' },
  { title: 'SMB 3.1.1', samba: {}, client: {}, dialect: '3.1.1' },
  { title: 'SMB 3.1.1 with mandatory signing', samba: { global: { 'server signing': 'mandatory' } }, client: {}, dialect: '3.1.1', signing: true },
  { title: 'SMB 3.1.1 with required encryption', samba: { global: { 'smb encrypt': 'required' } }, client: {}, dialect: '3.1.1', encryption: true },
];

for (const c of CASES) {
  describe.runIf(interopEnabled())(`remote wkssvc over ${c.title}`, () => {
    let samba: SambaInstance;
    let base: RemoteConnectOptions;
    beforeAll(async () => {
      samba = await startSamba(c.samba);
      base = { server: samba.host, credentials: { user: samba.user.name, password: samba.user.password }, timeoutMs: 15_000, ...c.client };
    });
    afterAll(async () => {
      await samba?.stop();
    });

    it('NetrWkstaGetInfo level 100 and 101 return Samba names and version', async () => {
      const r100 = await workstationInfo(base, 100);
      expect(r100.session!.dialect).toBe(c.dialect);
      if (c.signing) expect(r100.session!.signing).toBe(true);
      if (c.encryption) expect(r100.session!.encryption).toBe(true);
      expect(r100.result.status).toBe(0);
      expect(r100.result.info).toMatchObject({ level: 100, platformId: 500, computerName: samba.netbiosName, lanGroup: samba.workgroup });
      expect(r100.result.info!.verMajor).toBeGreaterThanOrEqual(5);
      const r101 = await workstationInfo(base, 101);
      expect(r101.result.status).toBe(0);
      expect(r101.result.info).toMatchObject({ level: 101, computerName: samba.netbiosName, lanGroup: samba.workgroup });
    });

    it('NetrWkstaGetInfo level 102 is ERROR_ACCESS_DENIED for a non-admin user', async () => {
      const r = await workstationInfo(base, 102);
      expect(r.result.status).toBe(5);
      expect(r.result.info).toBeUndefined();
    });

    it('NetrMessageBufferSend comes back as the fault nca_s_op_rng_error', async () => {
      const r = await sendViaWorkstation({ ...base, to: 'BOB', from: 'ALICE', text: 'hello from netsend' });
      expect(r.ok).toBe(false);
      expect(r.status).toMatchObject({ layer: 'rpc-fault', code: 0x1c010002, name: 'nca_s_op_rng_error' });
      expect(r.netApiStatus).toBe(1745); // RPC_S_PROCNUM_OUT_OF_RANGE
      expect(r.session?.dialect).toBe(c.dialect);
    });

    it('a wrong password is STATUS_LOGON_FAILURE (ERROR_LOGON_FAILURE)', async () => {
      const r = await sendViaWorkstation({ ...base, credentials: { user: samba.user.name, password: 'wrong-password' }, to: 'BOB', text: 'x' });
      expect(r.status).toMatchObject({ layer: 'ntstatus', code: 0xc000006d, name: 'STATUS_LOGON_FAILURE' });
      expect(r.netApiStatus).toBe(1326);
    });

    it('an interface Samba lacks is a provider rejection with its reason', async () => {
      const smb = await connectSmb({ host: samba.host, credentials: base.credentials!, dialect: 'auto', timeoutMs: 15_000 });
      try {
        const rpc = new RpcClient(await smb.openPipe(WKSSVC_PIPE));
        const err = await rpc.bind(MSGSVCSEND).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(NetsendError);
        expect(err).toMatchObject({ layer: 'rpc-bind', code: 1, name: 'abstract_syntax_not_supported' });
      } finally {
        await smb.close();
      }
    });

    it('opening \\pipe\\msgsvc is STATUS_OBJECT_NAME_NOT_FOUND', async () => {
      const smb = await connectSmb({ host: samba.host, credentials: base.credentials!, dialect: 'auto', timeoutMs: 15_000 });
      try {
        const err = await smb.openPipe('msgsvc').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(NetsendError);
        const e = err as NetsendError;
        // SMB1 without NT status would say ERRDOS/ERRbadpipe; both our clients negotiate NT status.
        expect([e.layer, e.name]).toEqual(['ntstatus', 'STATUS_OBJECT_NAME_NOT_FOUND']);
      } finally {
        await smb.close();
      }
    });
  });
}

describe.runIf(interopEnabled())('remote NetMessageBufferSend API and capture', () => {
  const samba = useSamba({ global: { 'server max protocol': 'SMB2_10' } });

  it('netMessageBufferSend(server, ...) returns the Win32 code of the fault', async () => {
    const status = await netMessageBufferSend(samba.host, 'BOB', 'ALICE', 'hi', {
      remoteSend: netMessageBufferSendRemote,
      remote: { credentials: { user: samba.user.name, password: samba.user.password } },
    });
    expect(status).toBe(1745);
  });

  it('a closed port is ERROR_BAD_NETPATH', async () => {
    const r = await sendViaWorkstation({ server: samba.host, port: 1, to: 'BOB', text: 'x', timeoutMs: 5_000 });
    expect(r.status?.layer).toBe('socket');
    expect(r.netApiStatus).toBe(53);
  });

  it('tshark -V decodes our wkssvc request with the fields rpcclient shows, nothing malformed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-wkssvc-pcap-'));
    const file = path.join(dir, 'wkssvc.pcap');
    const cap = new CaptureFile(file);
    const r = await sendViaWorkstation({
      server: samba.host,
      credentials: { user: samba.user.name, password: samba.user.password },
      to: 'BOB',
      from: 'ALICE',
      text: 'captured text',
      tap: cap.tap(),
      // One by one: Wireshark ties the bind to the call by FileId, which the compound's bind leaves as
      // 0xFF..FF, so it could not name the call (the compounded path: test/smb/smb2/compound.test.ts).
      compound: false,
    });
    cap.close();
    expect(r.status?.name).toBe('nca_s_op_rng_error');
    const t = await tsharkDecode(file, { display: 'dcerpc' });
    expect(t.expertErrors).toEqual([]);
    expect(t.text).toContain('NetrMessageBufferSend');
    expect(t.text).toMatch(/Message Name: BOB/i);
    expect(t.text).toMatch(/Message Sender Name: ALICE/i);
    expect(t.text).toMatch(/Message Size: 28/i);
    expect(t.text).toMatch(/Status: nca_op_rng_error|0x1c010002/i);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
