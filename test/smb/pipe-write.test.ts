/**
 * One pipe behaviour for both families: a pipe write larger than the server's maximum goes as
 * several WRITE requests (SMB1 WRITE_ANDX, [MS-CIFS] §2.2.4.43; SMB2 WRITE, [MS-SMB2] §3.2.4.7)
 * and the RPC server reassembles the byte stream by frag_length ([MS-RPCE] §2.1.1.2).
 * One pipe write of all but the last fragment of a ~140 kB request exceeds both the 65535 bytes
 * Samba takes in one pipe write (PIPE_WRITE_MAX) and the SMB2 minimum MaxWriteSize (65536). Before the
 * split, SMB2 sent it whole (Samba: STATUS_PORT_MESSAGE_TOO_LONG) and SMB1 overflowed the 16-bit
 * Remaining field (RangeError).
 */
import { describe, expect, it } from 'vitest';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { connectSmb } from '../../src/smb/connect.js';
import { Smb2Client } from '../../src/smb/smb2/client.js';
import { PIPE_WRITE_MAX, type NamedPipe, type SmbClient } from '../../src/smb/types.js';
import { RpcClient, RpcFaultError, type RpcTransport } from '../../src/rpc/client.js';
import { encodeMessageBufferSend, WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import type { WaitOptions } from '../../src/util/abort.js';

/**
 * Holds back the RPC client's request fragments and hands them to the pipe as one write just
 * before the transact of the last fragment: one large pipe write carrying many PDUs.
 */
class CoalescingTransport implements RpcTransport {
  private held: Buffer[] = [];
  /** Sizes of the pipe writes made. */
  readonly writes: number[] = [];
  coalesce = false;
  constructor(readonly pipe: NamedPipe) {}
  async transact(request: Buffer, maxResponse: number, opts?: WaitOptions): Promise<{ data: Buffer; more: boolean }> {
    if (this.held.length > 0) {
      const all = Buffer.concat(this.held.splice(0));
      this.writes.push(all.length);
      await this.pipe.write(all, opts);
    }
    return this.pipe.transact(request, maxResponse, opts);
  }
  async write(data: Buffer, opts?: WaitOptions): Promise<void> {
    if (this.coalesce) {
      this.held.push(Buffer.from(data));
      return;
    }
    this.writes.push(data.length);
    await this.pipe.write(data, opts);
  }
  read(maxBytes: number, opts?: WaitOptions): Promise<{ data: Buffer; more: boolean }> {
    return this.pipe.read(maxBytes, opts);
  }
  close(opts?: WaitOptions): Promise<void> {
    return this.pipe.close(opts);
  }
}

describe.runIf(interopEnabled())('a pipe write above the largest WRITE is split, over SMB1 and SMB2 (Samba)', () => {
  const samba = useSamba({ global: { 'raw NTLMv2 auth': 'yes', 'server signing': 'auto' } });

  const connect = (dialect: 'smb1' | 'auto'): Promise<SmbClient> =>
    connectSmb({ host: samba.host, dialect, credentials: { user: samba.user.name, password: samba.user.password, domain: samba.workgroup }, timeoutMs: 10_000 });

  for (const [name, dialect] of [['SMB1', 'smb1'], ['SMB2/3', 'auto']] as const) {
    it(`${name}: ~137 kB of request fragments in one pipe write; Samba reassembles the 140 kB request and faults`, async () => {
      const smb = await connect(dialect);
      try {
        const t = new CoalescingTransport(await smb.openPipe('wkssvc'));
        const rpc = new RpcClient(t);
        await rpc.bind(WKSSVC);
        t.coalesce = true;
        const stub = encodeMessageBufferSend('BOB', 'y'.repeat(70_000), { serverName: samba.host });
        const sentBefore = smb instanceof Smb2Client ? smb.requestsSent : 0;
        const err = await rpc.call(12, stub).catch((e: unknown) => e);
        // The same answer as the many-writes path in test/rpc/fragmentation-interop.test.ts: Samba saw the whole request.
        expect(err).toBeInstanceOf(RpcFaultError);
        expect(err).toMatchObject({ layer: 'rpc-fault', name: 'nca_s_op_rng_error' });
        const big = t.writes.at(-1)!;
        expect(big).toBeGreaterThan(2 * 65536);
        if (smb instanceof Smb2Client) {
          expect(smb.maxWrite).toBeGreaterThan(big); // Samba offers 8 MiB: the pipe limit is what splits
          // ceil(big / 65535) WRITEs, then one IOCTL (FSCTL_PIPE_TRANSCEIVE) for the last fragment.
          expect(smb.requestsSent - sentBefore).toBe(Math.ceil(big / PIPE_WRITE_MAX) + 1);
        }
        await rpc.close();
      } finally {
        await smb.close();
      }
    }, 60_000);
  }
});
