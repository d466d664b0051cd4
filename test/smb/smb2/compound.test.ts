/**
 * Related compounds against Samba ([MS-SMB2] §3.2.4.1.4): CREATE(\pipe\wkssvc) + FSCTL_PIPE_TRANSCEIVE
 * carrying the RPC bind in one round trip, at 2.1, 3.0 and 3.1.1, signed and encrypted; and the
 * deferred pipe the messenger uses. Counts requests on the wire through the connection's counter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopEnabled, startSamba, type SambaInstance } from '../../harness/samba.js';
import { connectSmb2, type Smb2ConnectOptions } from '../../../src/smb/smb2/index.js';
import { Dialect, Smb2Command } from '../../../src/smb/smb2/constants.js';
import { NetsendError } from '../../../src/status/error.js';
import { RpcClient } from '../../../src/rpc/client.js';
import { WKSSVC } from '../../../src/rpc/interfaces/wkssvc.js';
import { WKSSVC_BIND } from './interop-helpers.js';

const variants: Array<{ title: string; options: Partial<Smb2ConnectOptions>; encrypted?: boolean; signed?: boolean }> = [
  { title: 'SMB 2.1 signed', options: { dialects: { max: Dialect.SMB2_1 }, requireSigning: true }, signed: true },
  { title: 'SMB 3.0 signed', options: { dialects: { max: Dialect.SMB3_0 }, requireSigning: true }, signed: true },
  { title: 'SMB 3.1.1 signed', options: { requireSigning: true }, signed: true },
  { title: 'SMB 3.0 encrypted', options: { dialects: { max: Dialect.SMB3_0 }, requireEncryption: true }, encrypted: true },
  { title: 'SMB 3.1.1 encrypted', options: { requireEncryption: true }, encrypted: true },
];

describe.runIf(interopEnabled())('SMB2 related compounds vs Samba', () => {
  let samba: SambaInstance;
  const base = (): Smb2ConnectOptions => ({
    host: samba.host,
    credentials: { user: samba.user.name, password: samba.user.password, domain: samba.workgroup },
    timeoutMs: 10_000,
  });
  beforeAll(async () => {
    samba = await startSamba({});
  });
  afterAll(async () => {
    await samba?.stop();
  });

  for (const v of variants) {
    it(`${v.title}: CREATE + IOCTL(transceive bind) in one round trip gets a bind_ack, and the pipe works after`, async () => {
      const client = await connectSmb2({ ...base(), ...v.options });
      try {
        if (v.encrypted) expect(client.info.encryption).toBe(true);
        if (v.signed) expect(client.info.signing).toBe(true);
        const before = client.requestsSent;
        let written = 0;
        const { pipe, first } = await client.openPipeAndTransact('wkssvc', WKSSVC_BIND, 4280, { onWritten: () => written++ });
        expect(written).toBe(1);
        expect(client.requestsSent - before).toBe(2);
        expect(first.data[2]).toBe(12); // bind_ack
        expect(first.more).toBe(false);
        // The open is real: the same FileId takes a second bind (an alter on the pipe answers too).
        const again = await pipe.transact(WKSSVC_BIND, 4280);
        expect(again.data[2]).toBeGreaterThan(0);
        await pipe.close();
      } finally {
        client.abort();
      }
    });
  }

  it('a compound whose CREATE fails throws the CREATE status (the cascaded IOCTL failure is not what surfaces)', async () => {
    const client = await connectSmb2(base());
    try {
      const err = await client.openPipeAndTransact('no-such-pipe', WKSSVC_BIND, 4280).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetsendError);
      expect((err as NetsendError).name).toBe('STATUS_OBJECT_NAME_NOT_FOUND');
      // The connection survives: a plain open still works.
      const p = await client.openPipe('wkssvc');
      await p.close();
    } finally {
      client.abort();
    }
  });

  it('a deferred pipe binds an RpcClient with CREATE and bind in one round trip', async () => {
    const client = await connectSmb2({ ...base(), requireSigning: true });
    try {
      let opened = 0;
      const before = client.requestsSent;
      const pipe = client.openPipeDeferred('wkssvc', () => opened++);
      expect(client.requestsSent).toBe(before);
      const rpc = new RpcClient(pipe);
      await rpc.bind(WKSSVC);
      expect(opened).toBe(1);
      expect(client.requestsSent - before).toBe(2);
      const c = client.connection;
      // One chain on the wire for two requests: the connection's counter counts requests, the stream writes.
      expect(c.requestsSent).toBeGreaterThan(0);
    } finally {
      client.abort();
    }
  });

  it('compounds refuse NEGOTIATE/SESSION_SETUP and empty chains (usage errors, nothing sent)', async () => {
    const client = await connectSmb2(base());
    try {
      const before = client.requestsSent;
      await expect(client.connection.requestCompound([])).rejects.toMatchObject({ name: 'ERROR_INVALID_PARAMETER' });
      await expect(client.connection.requestCompound([{ command: Smb2Command.NEGOTIATE, body: Buffer.alloc(36) }])).rejects.toMatchObject({ name: 'ERROR_INVALID_PARAMETER' });
      expect(client.requestsSent).toBe(before);
    } finally {
      client.abort();
    }
  });
});
