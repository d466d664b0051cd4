import { describe, expect, it } from 'vitest';
import { interopEnabled, useSamba } from '../../harness/samba.js';
import { connectSmb2, type Smb2Client, type Smb2ConnectOptions } from '../../../src/smb/smb2/index.js';
import { NetsendError } from '../../../src/status/error.js';
import { WKSSVC_BIND, directTcpMessages, startTamperProxy } from './interop-helpers.js';

interface Scenario {
  title: string;
  global: Record<string, string>;
  options?: Partial<Smb2ConnectOptions>;
  expectDialect: string;
  expectSigning?: boolean;
  expectEncryption?: boolean;
}

const scenarios: Scenario[] = [
  { title: 'server max protocol = SMB2_10', global: { 'server max protocol': 'SMB2_10' }, expectDialect: '2.1' },
  { title: 'server max protocol = SMB3_00', global: { 'server max protocol': 'SMB3_00' }, expectDialect: '3.0' },
  { title: 'default (3.1.1)', global: {}, expectDialect: '3.1.1' },
  { title: 'server signing = mandatory', global: { 'server signing': 'mandatory' }, expectDialect: '3.1.1', expectSigning: true },
  { title: 'smb encrypt = required', global: { 'smb encrypt': 'required' }, expectDialect: '3.1.1', expectEncryption: true },
];

for (const sc of scenarios) {
  describe.runIf(interopEnabled())(`SMB2 client vs Samba: ${sc.title}`, () => {
    const samba = useSamba({ global: sc.global });
    const base = (): Smb2ConnectOptions => ({
      host: samba.host,
      credentials: { user: samba.user.name, password: samba.user.password, domain: samba.workgroup },
      timeoutMs: 10_000,
      ...sc.options,
    });

    it('sets up a session, opens wkssvc and gets a bind_ack for the wkssvc bind', async () => {
      const client: Smb2Client = await connectSmb2(base());
      try {
        expect(client.info.dialect).toBe(sc.expectDialect);
        if (sc.expectSigning) expect(client.info.signing).toBe(true);
        if (sc.expectEncryption) expect(client.info.encryption).toBe(true);
        expect(client.info.isGuest).toBe(false);
        const pipe = await client.openPipe('wkssvc');
        const r = await pipe.transact(WKSSVC_BIND, 4280);
        expect(r.more).toBe(false);
        expect(r.data[0]).toBe(5);
        expect(r.data[2]).toBe(12); // bind_ack
        expect(r.data.readUInt16LE(8)).toBe(r.data.length); // frag_length
        await pipe.close();
      } finally {
        await client.close();
      }
    });

    it('does the bind with WRITE then READ', async () => {
      const client = await connectSmb2(base());
      try {
        const pipe = await client.openPipe('\\PIPE\\wkssvc');
        await pipe.write(WKSSVC_BIND);
        const r = await pipe.read(4280);
        expect(r.data[2]).toBe(12);
        await pipe.close();
      } finally {
        await client.close();
      }
    });

    it('rejects a wrong password with STATUS_LOGON_FAILURE', async () => {
      const err = await connectSmb2({ ...base(), credentials: { user: samba.user.name, password: 'not-the-password', domain: samba.workgroup } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetsendError);
      expect((err as NetsendError).layer).toBe('ntstatus');
      expect((err as NetsendError).name).toBe('STATUS_LOGON_FAILURE');
    });

    it('reports STATUS_OBJECT_NAME_NOT_FOUND for msgsvc', async () => {
      const client = await connectSmb2(base());
      try {
        const err = await client.openPipe('msgsvc').catch((e: unknown) => e);
        expect((err as NetsendError).layer).toBe('ntstatus');
        expect((err as NetsendError).name).toBe('STATUS_OBJECT_NAME_NOT_FOUND');
      } finally {
        await client.close();
      }
    });

    if (sc.expectEncryption) {
      it('puts only TRANSFORM (0xFD SMB) messages on the wire after session setup', async () => {
        const proxy = await startTamperProxy(samba.host);
        try {
          const client = await connectSmb2({ ...base(), host: proxy.host, port: proxy.port, serverName: samba.host });
          const pipe = await client.openPipe('wkssvc');
          const r = await pipe.transact(WKSSVC_BIND, 4280);
          expect(r.data[2]).toBe(12);
          await client.close();
          const msgs = directTcpMessages(proxy.clientBytes()[0]!);
          // NEGOTIATE + 2 SESSION_SETUP legs in clear, everything after (tree connect on) encrypted.
          expect(msgs.slice(0, 3).every((m) => m[0] === 0xfe)).toBe(true);
          expect(msgs.length).toBeGreaterThan(4);
          for (const m of msgs.slice(3)) expect(m.subarray(0, 4)).toEqual(Buffer.from([0xfd, 0x53, 0x4d, 0x42]));
        } finally {
          await proxy.close();
        }
      });
    }

    if (sc.expectEncryption) {
      it('rejects a tampered encrypted response', async () => {
        const proxy = await startTamperProxy(samba.host);
        try {
          proxy.tamperEncryptedResponse(1); // 0 tree connect, 1 create
          const client = await connectSmb2({ ...base(), host: proxy.host, port: proxy.port, serverName: samba.host });
          try {
            const err = await client.openPipe('wkssvc').catch((e: unknown) => e);
            expect((err as NetsendError).layer).toBe('protocol');
            expect((err as NetsendError).name).toBe('SMB2_DECRYPTION_FAILED');
          } finally {
            await client.close();
          }
        } finally {
          await proxy.close();
        }
      });
    }

    {
      it('rejects a server response whose signature was tampered with', async () => {
        const proxy = await startTamperProxy(samba.host);
        try {
          // 0 = the final SESSION_SETUP response (signed on 3.1.1)
          proxy.tamperSignedResponse(0);
          const err = await connectSmb2({ ...base(), host: proxy.host, port: proxy.port, serverName: samba.host, requireSigning: true }).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(NetsendError);
          expect((err as NetsendError).name).toBe('STATUS_INVALID_SIGNATURE');
        } finally {
          await proxy.close();
        }
      });

      if (!sc.expectEncryption) it('rejects a tampered signature on a signed response after the session is up', async () => {
        const proxy = await startTamperProxy(samba.host);
        try {
          proxy.tamperSignedResponse(0, 5); // the first signed CREATE response

          const client = await connectSmb2({ ...base(), host: proxy.host, port: proxy.port, serverName: samba.host, requireSigning: true });
          try {
            const err = await client.openPipe('wkssvc').catch((e: unknown) => e);
            expect((err as NetsendError).layer).toBe('protocol');
            expect((err as NetsendError).name).toBe('STATUS_INVALID_SIGNATURE');
          } finally {
            await client.close();
          }
        } finally {
          await proxy.close();
        }
      });
    }
  });
}
