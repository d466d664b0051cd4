/** RpcClient over the SMB helpers' real named pipes against a private Samba (see test/harness/samba.ts). */
import { describe, expect, it } from 'vitest';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { connectSmb2 } from '../../src/smb/smb2/index.js';
import { connectSmb1 } from '../../src/smb/smb1/client.js';
import { connectSmbTransport } from '../../src/transport/nbss.js';
import type { SmbClient } from '../../src/smb/types.js';
import { RpcClient, RpcFaultError } from '../../src/rpc/client.js';
import { decodeWkstaGetInfo, encodeMessageBufferSend, encodeWkstaGetInfo, NetrWkstaGetInfo, WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import { MSGSVCSEND } from '../../src/rpc/interfaces/msgsvcsend.js';

describe.runIf(interopEnabled())('DCE/RPC over real pipes against Samba', () => {
  const samba = useSamba({ global: { 'raw NTLMv2 auth': 'yes' } });

  const dialects: [string, () => Promise<SmbClient>][] = [
    ['SMB2/3', () => connectSmb2({ host: samba.host, credentials: { user: samba.user.name, password: samba.user.password, domain: samba.workgroup }, timeoutMs: 10_000 })],
    [
      'SMB1',
      async () => {
        const stream = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000 });
        return connectSmb1({ stream, host: samba.host, credentials: { user: samba.user.name, password: samba.user.password }, timeoutMs: 5000 });
      },
    ],
  ];

  for (const [name, connect] of dialects) {
    it(`${name}: bind, NetrWkstaGetInfo 100/101, opnum 12 fault, fragmented request, provider rejection`, async () => {
      const smb = await connect();
      try {
        const rpc = new RpcClient(await smb.openPipe('wkssvc'));
        const b = await rpc.bind(WKSSVC);
        expect(b.maxXmitFrag).toBe(4280);
        expect(b.secAddr.toLowerCase()).toContain('wkssvc');

        const i100 = decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(samba.host, 100)), 100);
        expect(i100).toMatchObject({ status: 0, info: { level: 100, platformId: 500, computerName: samba.netbiosName, lanGroup: samba.workgroup } });
        const o101 = await rpc.invoke(NetrWkstaGetInfo, { ServerName: samba.host, Level: 101 });
        expect(o101.status).toBe(0);
        expect(o101.WkstaInfo).toMatchObject({ tag: 101 });

        const small = await rpc.call(12, encodeMessageBufferSend('BOB', 'hi', { serverName: samba.host })).catch((e: unknown) => e);
        expect(small).toBeInstanceOf(RpcFaultError);
        expect(small).toMatchObject({ layer: 'rpc-fault', name: 'nca_s_op_rng_error', code: 0x1c010002 });

        // ~12 kB stub: three request fragments, reassembled by Samba before it faults the opnum.
        const big = await rpc.call(12, encodeMessageBufferSend('BOB', 'x'.repeat(6000), { serverName: samba.host })).catch((e: unknown) => e);
        expect(big).toMatchObject({ name: 'nca_s_op_rng_error' });

        // The binding still works after faults.
        expect(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(null, 100)), 100).status).toBe(0);

        await expect(rpc.bind(MSGSVCSEND)).rejects.toMatchObject({ layer: 'rpc-bind', name: 'abstract_syntax_not_supported' });
        // A second bind PDU on a bound pipe draws a real bind_nak.
        await expect(new RpcClient(rpc.transport).bind(WKSSVC)).rejects.toMatchObject({ layer: 'rpc-bind-nak' });
        await rpc.close();
      } finally {
        await smb.close();
      }
    }, 30_000);
  }
});
