/**
 * RPC-level authentication ([MS-RPCE] §3.3.1.5.2) over ncacn_np against real Samba: NTLMSSP (auth_type
 * 10) and SPNEGO-wrapped NTLMSSP (auth_type 9) at connect, packet integrity and packet privacy, on
 * SMB1, SMB 2.1 and SMB 3.1.1 pipes.
 */
import { describe, expect, it } from 'vitest';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { connectSmb } from '../../src/smb/connect.js';
import type { SmbClient, SmbDialectName } from '../../src/smb/index.js';
import { RpcClient, RpcFaultError, type RpcTransport } from '../../src/rpc/client.js';
import { createNtlmSecurityContext } from '../../src/auth/security-context.js';
import { AUTH_TYPE, RpcVerifierError, type AuthLevelName } from '../../src/rpc/security.js';
import { decodeWkstaGetInfo, encodeMessageBufferSend, encodeWkstaGetInfo, NetrWkstaGetInfo, WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import { decodeHeader } from '../../src/rpc/pdu.js';
import { connectSmb2 } from '../../src/smb/smb2/index.js';
import { connectSmb1 } from '../../src/smb/smb1/client.js';
import { connectSmbTransport } from '../../src/transport/nbss.js';

type Level = Exclude<AuthLevelName, 'none'>;

describe.runIf(interopEnabled())('RPC auth over ncacn_np against Samba', () => {
  // Samba refuses every call at auth level connect unless told otherwise (rpcclient
  // ncacn_np:HOST[connect] gets the same ERROR_ACCESS_DENIED fault): smb.conf(5) "allow dcerpc auth level connect".
  const samba = useSamba({ global: { 'allow dcerpc auth level connect': 'yes' } });

  const smbCreds = () => ({ user: samba.user.name, password: samba.user.password });
  const connect = (smbMin: SmbDialectName, smbMax: SmbDialectName): Promise<SmbClient> =>
    connectSmb({ host: samba.host, credentials: smbCreds(), smbMin, smbMax, timeoutMs: 10_000 });
  const auth = (level: Level, spnego: boolean, password = samba.user.password) => ({
    level,
    context: createNtlmSecurityContext({ user: samba.user.name, password, domain: samba.workgroup }, { spnego, sign: level !== 'connect', seal: level === 'privacy' }),
  });

  const dialects: [string, SmbDialectName, SmbDialectName][] = [
    ['SMB1', 'NT1', 'NT1'],
    ['SMB 2.1', '2.1', '2.1'],
    ['SMB 3.1.1', '3.1.1', '3.1.1'],
  ];
  for (const [dname, min, max] of dialects) {
    for (const spnego of [false, true]) {
      for (const level of ['connect', 'integrity', 'privacy'] as const) {
        it(`${dname}: ${spnego ? 'SPNEGO' : 'NTLMSSP'} at ${level}: GetInfo 100/101, opnum 12 faults by name, fragmented request`, async () => {
          const smb = await connect(min, max);
          try {
            const a = auth(level, spnego);
            const rpc = new RpcClient(await smb.openPipe('wkssvc'), { auth: a });
            const b = await rpc.bind(WKSSVC);
            expect(rpc.security?.authType).toBe(spnego ? AUTH_TYPE.spnego : AUTH_TYPE.ntlmssp);
            expect(a.context.complete).toBe(true);
            // Asked for (PFC_SUPPORT_HEADER_SIGN) at integrity and privacy only; Samba agrees by echoing it.
            expect(b.headerSigning).toBe(level !== 'connect');
            const i100 = decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(samba.host, 100)), 100);
            expect(i100).toMatchObject({ status: 0, info: { level: 100, platformId: 500, computerName: samba.netbiosName, lanGroup: samba.workgroup } });
            const o101 = await rpc.invoke(NetrWkstaGetInfo, { ServerName: samba.host, Level: 101 });
            expect(o101.status).toBe(0);
            expect(o101.WkstaInfo).toMatchObject({ tag: 101 });
            await expect(rpc.call(12, encodeMessageBufferSend('BOB', 'hi', { serverName: samba.host }))).rejects.toMatchObject({ name: 'nca_s_op_rng_error' });
            // ~12 kB stub: several protected request fragments; Samba reassembles and verifies each.
            const big = await rpc.call(12, encodeMessageBufferSend('BOB', 'x'.repeat(6000), { serverName: samba.host })).catch((e: unknown) => e);
            expect(big).toBeInstanceOf(RpcFaultError);
            expect(big).toMatchObject({ name: 'nca_s_op_rng_error' });
            // Sequence numbers stay in step after faults.
            expect(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(null, 100)), 100).status).toBe(0);
            await rpc.close();
          } finally {
            await smb.close();
          }
        }, 30_000);
      }
    }
  }

  it('SPNEGO: a wrong password fails the bind (alter_context leg) by name', async () => {
    const smb = await connect('2.1', '3.1.1');
    try {
      const rpc = new RpcClient(await smb.openPipe('wkssvc'), { auth: auth('privacy', true, 'wrong-password') });
      await expect(rpc.bind(WKSSVC)).rejects.toMatchObject({ layer: 'rpc-fault', name: 'RPC_S_SEC_PKG_ERROR' });
    } finally {
      await smb.close();
    }
  }, 30_000);

  it('NTLMSSP: AUTH3 has no answer, so a wrong password fails the first call by name', async () => {
    const smb = await connect('2.1', '3.1.1');
    try {
      const rpc = new RpcClient(await smb.openPipe('wkssvc'), { auth: auth('privacy', false, 'wrong-password') });
      await rpc.bind(WKSSVC);
      const e = await rpc.call(0, encodeWkstaGetInfo(null, 100)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RpcFaultError);
      expect(e).toMatchObject({ name: 'nca_s_proto_error' });
      expect((e as Error).message).toContain('AUTH3');
    } finally {
      await smb.close();
    }
  }, 30_000);

  it('the same SecurityContext drives SMB session setup (SMB 3.1.1 and SMB1) and RPC auth on the pipe it opened', async () => {
    const used: string[] = [];
    const smbContext = (c: { user: string; password?: string }) => {
      used.push('smb');
      return createNtlmSecurityContext({ ...c, domain: samba.workgroup }, { spnego: true });
    };
    const smb2 = await connectSmb2({ host: samba.host, credentials: smbCreds(), authenticator: smbContext, timeoutMs: 10_000 });
    const stream = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000 });
    const smb1 = await connectSmb1({ stream, host: samba.host, credentials: smbCreds(), createAuthenticator: (c) => smbContext(c), timeoutMs: 5000 });
    try {
      expect(used).toEqual(['smb', 'smb']);
      for (const smb of [smb2, smb1]) {
        const rpc = new RpcClient(await smb.openPipe('wkssvc'), { auth: auth('privacy', true) });
        await rpc.bind(WKSSVC);
        expect(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(null, 100)), 100).status).toBe(0);
      }
    } finally {
      await smb2.close();
      await smb1.close();
    }
  }, 30_000);

  for (const level of ['integrity', 'privacy'] as const) {
    it(`one flipped byte in a ${level} response stub is a named verifier error`, async () => {
      const smb = await connect('3.1.1', '3.1.1');
      try {
        const pipe = await smb.openPipe('wkssvc');
        let armed = false;
        let flipped = 0;
        // Corrupts what the real pipe returned, as a proxy on the wire would (SMB signing would
        // otherwise catch an on-the-wire change first).
        const flip = (d: Buffer): Buffer => {
          if (!armed || d.length < 40 || decodeHeader(d.subarray(0, 16)).type !== 'response') return d;
          armed = false;
          flipped++;
          const c = Buffer.from(d);
          c[30] = c[30]! ^ 0x01;
          return c;
        };
        const tampering: RpcTransport = {
          transact: async (req, max, o) => {
            const r = await pipe.transact(req, max, o);
            return { data: flip(r.data), more: r.more };
          },
          write: (d, o) => pipe.write(d, o),
          read: async (max, o) => {
            const r = await pipe.read(max, o);
            return { data: flip(r.data), more: r.more };
          },
          close: (o) => pipe.close(o),
        };
        const rpc = new RpcClient(tampering, { auth: auth(level, false) });
        await rpc.bind(WKSSVC);
        expect(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(null, 100)), 100).status).toBe(0);
        armed = true;
        const e = await rpc.call(0, encodeWkstaGetInfo(null, 100)).catch((x: unknown) => x);
        expect(flipped).toBe(1);
        expect(e).toBeInstanceOf(RpcVerifierError);
        expect(e).toMatchObject({ name: 'SEC_E_MESSAGE_ALTERED' });
        expect((e as Error).message).toContain(`NTLMSSP at ${level}`);
      } finally {
        await smb.close();
      }
    }, 30_000);
  }
});
