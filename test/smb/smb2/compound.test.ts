/**
 * Related compounds against Samba ([MS-SMB2] §3.2.4.1.4): CREATE(\pipe\wkssvc) + FSCTL_PIPE_TRANSCEIVE
 * carrying the RPC bind in one round trip, at 2.1, 3.0 and 3.1.1, signed and encrypted; and the
 * deferred pipe the messenger uses. Counts requests on the wire through the connection's counter.
 */
import { describe, expect, it } from 'vitest';
import { interopEnabled, useSamba } from '../../harness/samba.js';
import { connectSmb2, type Smb2Client, type Smb2ConnectOptions } from '../../../src/smb/smb2/index.js';
import { encodeCloseRequest, encodeCreateRequest } from '../../../src/smb/smb2/messages.js';
import { Dialect, Smb2Command } from '../../../src/smb/smb2/constants.js';
import { NetsendError } from '../../../src/status/error.js';
import { RpcClient } from '../../../src/rpc/client.js';
import { WKSSVC } from '../../../src/rpc/interfaces/wkssvc.js';
import { WKSSVC_BIND, directTcpMessages } from './interop-helpers.js';
import { startTamperProxy } from '../smb1/tamper-proxy.js';

/** Offsets of the messages in an SMB2 chain, by NextCommand. */
function chainOffsets(msg: Buffer): number[] {
  const offs = [0];
  for (let off = 0, next = msg.readUInt32LE(20); next !== 0; next = msg.readUInt32LE(off + 20)) offs.push((off += next));
  return offs;
}

const variants: Array<{ title: string; options: Partial<Smb2ConnectOptions>; encrypted?: boolean; signed?: boolean }> = [
  { title: 'SMB 2.1 signed', options: { dialects: { max: Dialect.SMB2_1 }, requireSigning: true }, signed: true },
  { title: 'SMB 3.0 signed', options: { dialects: { max: Dialect.SMB3_0 }, requireSigning: true }, signed: true },
  { title: 'SMB 3.1.1 signed', options: { requireSigning: true }, signed: true },
  { title: 'SMB 3.0 encrypted', options: { dialects: { max: Dialect.SMB3_0 }, requireEncryption: true }, encrypted: true },
  { title: 'SMB 3.1.1 encrypted', options: { requireEncryption: true }, encrypted: true },
];

describe.runIf(interopEnabled())('SMB2 related compounds vs Samba', () => {
  const samba = useSamba();
  const base = (): Smb2ConnectOptions => ({
    host: samba.host,
    credentials: { user: samba.user.name, password: samba.user.password, domain: samba.workgroup },
    timeoutMs: 10_000,
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
      const pipe = client.openPipeDeferred('wkssvc', { onOpen: () => opened++ });
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

  it('a chain needing more credits than granted is refused whole: no MessageId spent, the connection goes on', async () => {
    const client = await connectSmb2(base());
    try {
      const c = client.connection;
      const before = client.requestsSent;
      const credits = c.credits;
      // The first part alone fits, the second does not once the first has taken its credit.
      const small = { command: Smb2Command.ECHO, body: Buffer.alloc(4) };
      const big = { command: Smb2Command.IOCTL, body: Buffer.alloc(56), expectedResponse: 64 * 1024 * credits };
      expect(c.compoundCost([small, big])).toBeGreaterThan(credits);
      await expect(c.requestCompound([small, big])).rejects.toMatchObject({ name: 'SMB2_NO_CREDITS' });
      expect(client.requestsSent).toBe(before);
      expect(c.credits).toBe(credits);
      await client.echo();
      const { first } = await client.openPipeAndTransact('wkssvc', WKSSVC_BIND, 4280);
      expect(first.data[2]).toBe(12);
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

  describe('deferred IPC$ TREE_CONNECT: TREE_CONNECT + CREATE + IOCTL in one round trip', () => {
    const deferred: Array<{ title: string; options: Partial<Smb2ConnectOptions>; defers: boolean }> = [
      { title: 'SMB 2.1', options: { dialects: { max: Dialect.SMB2_1 } }, defers: true },
      { title: 'SMB 2.1 signed', options: { dialects: { max: Dialect.SMB2_1 }, requireSigning: true }, defers: true },
      { title: 'SMB 3.0 signed (VALIDATE_NEGOTIATE_INFO needs the tree: not deferred)', options: { dialects: { max: Dialect.SMB3_0 }, requireSigning: true }, defers: false },
      { title: 'SMB 3.1.1 unsigned (TREE_CONNECT signed anyway)', options: {}, defers: true },
      { title: 'SMB 3.1.1 signed', options: { requireSigning: true }, defers: true },
      { title: 'SMB 3.1.1 encrypted', options: { requireEncryption: true }, defers: true },
    ];
    for (const d of deferred) {
      it(d.title, async () => {
        const client = await connectSmb2({ ...base(), ...d.options, deferTreeConnect: true });
        try {
          expect(client.treeId === 0).toBe(d.defers);
          const before = client.requestsSent;
          let tree = 0;
          let written = 0;
          const { pipe, first } = await client.openPipeAndTransact('wkssvc', WKSSVC_BIND, 4280, { onTree: () => tree++, onWritten: () => written++ });
          expect(client.requestsSent - before).toBe(d.defers ? 3 : 2);
          expect([tree, written]).toEqual([1, 1]);
          expect(client.treeId).not.toBe(0);
          expect(first.data[2]).toBe(12); // bind_ack
          await pipe.close();
          await client.close();
        } finally {
          client.abort();
        }
      });
    }

    it('a deferred TREE_CONNECT that fails throws its own status; plain openPipe connects the tree first', async () => {
      const client = await connectSmb2({ ...base(), deferTreeConnect: true });
      try {
        client.deferTreeConnect(`\\\\${samba.host}\\NO-SUCH-SHARE`);
        const err = await client.openPipeAndTransact('wkssvc', WKSSVC_BIND, 4280).catch((e: unknown) => e);
        expect((err as NetsendError).name).toBe('STATUS_BAD_NETWORK_NAME');
        client.deferTreeConnect(`\\\\${samba.host}\\IPC$`);
        const before = client.requestsSent;
        const p = await client.openPipe('wkssvc');
        expect(client.requestsSent - before).toBe(2);
        await p.close();
      } finally {
        client.abort();
      }
    });
  });

  describe('compounded responses through a tampering proxy (signed 3.1.1)', () => {
    // Observed: Samba answers CREATE + CLOSE as one chain; CREATE + IOCTL(transceive) as the CREATE
    // response, then an interim STATUS_PENDING and the final IOCTL response (still one round trip).
    type Mode = 'none' | 'chain-second-signature' | 'create-bad-next' | 'ioctl-signature';
    let mode: Mode = 'none';
    const tamper = (msg: Buffer): boolean => {
      if (mode === 'none' || msg.length < 64 || msg[0] !== 0xfe) return false;
      const command = msg.readUInt16LE(12);
      if (mode === 'chain-second-signature' && msg.readUInt32LE(20) !== 0) {
        const second = chainOffsets(msg)[1]!;
        msg[second + 48 + 3] = msg[second + 48 + 3]! ^ 0x10;
        return true;
      }
      if (mode === 'create-bad-next' && command === Smb2Command.CREATE) {
        msg.writeUInt32LE(68, 20);
        return true;
      }
      if (mode === 'ioctl-signature' && command === Smb2Command.IOCTL && msg.readUInt32LE(8) === 0 && msg.readUInt32LE(16) & 0x8) {
        msg[48 + 3] = msg[48 + 3]! ^ 0x10;
        return true;
      }
      return false;
    };
    const closeAll = encodeCloseRequest({ flags: 0, fileId: Buffer.alloc(16, 0xff) });
    const createWkssvc = (): Buffer =>
      encodeCreateRequest({ requestedOplockLevel: 0, impersonationLevel: 2, desiredAccess: 0x0012019f, fileAttributes: 0, shareAccess: 3, createDisposition: 1, createOptions: 0, name: 'wkssvc' });

    async function withProxy(body: (client: Smb2Client, proxy: Awaited<ReturnType<typeof startTamperProxy>>) => Promise<void>): Promise<void> {
      const proxy = await startTamperProxy({ host: samba.host, port: 445 }, tamper);
      mode = 'none';
      const client = await connectSmb2({ ...base(), host: proxy.host, port: proxy.port, serverName: samba.host, requireSigning: true });
      try {
        await body(client, proxy);
      } finally {
        mode = 'none';
        client.abort();
        await proxy.close();
      }
    }

    it('CREATE + CLOSE comes back as one signed chain; each part is verified and returned', async () => {
      await withProxy(async (client, proxy) => {
        const [c, x] = await client.connection.requestCompound(
          [
            { command: Smb2Command.CREATE, body: createWkssvc() },
            { command: Smb2Command.CLOSE, body: closeAll },
          ],
          { treeId: client.treeId },
        );
        expect([c!.header.status, x!.header.status]).toEqual([0, 0]);
        const frames = directTcpMessages(proxy.serverBytes()[0]!);
        expect(chainOffsets(frames[frames.length - 1]!).length).toBe(2);
        // The request went out as one related chain, 8-byte aligned, each part signed.
        const out = directTcpMessages(proxy.clientBytes()[0]!);
        const last = out[out.length - 1]!;
        const offs = chainOffsets(last);
        expect(offs.length).toBe(2);
        expect(offs[1]! % 8).toBe(0);
        expect(last.readUInt32LE(16) & 0x4).toBe(0);
        expect(last.readUInt32LE(offs[1]! + 16) & 0x4).toBe(0x4); // RELATED_OPERATIONS
        expect(last.readUInt32LE(16) & 0x8).toBe(0x8); // SIGNED
        expect(last.readUInt32LE(offs[1]! + 16) & 0x8).toBe(0x8);
      });
    });

    it('a bad signature on the second part of a chain is STATUS_INVALID_SIGNATURE', async () => {
      await withProxy(async (client, proxy) => {
        mode = 'chain-second-signature';
        const err = await client.connection
          .requestCompound(
            [
              { command: Smb2Command.CREATE, body: createWkssvc() },
              { command: Smb2Command.CLOSE, body: closeAll },
            ],
            { treeId: client.treeId },
          )
          .catch((e: unknown) => e);
        expect(proxy.tampered).toBe(1);
        expect(err).toBeInstanceOf(NetsendError);
        expect((err as NetsendError).name).toBe('STATUS_INVALID_SIGNATURE');
      });
    });

    for (const m of ['create-bad-next', 'ioctl-signature'] as const) {
      it(`${m}: openPipeAndTransact fails with a typed error`, async () => {
        await withProxy(async (client, proxy) => {
          mode = m;
          const err = await client.openPipeAndTransact('wkssvc', WKSSVC_BIND, 4280).catch((e: unknown) => e);
          expect(proxy.tampered).toBe(1);
          expect(err).toBeInstanceOf(NetsendError);
          expect((err as NetsendError).name).toBe(m === 'ioctl-signature' ? 'STATUS_INVALID_SIGNATURE' : 'MALFORMED');
        });
      });
    }
  });
});
