import { describe, expect, it } from 'vitest';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { connectSmb, planDialect, smb2ReplyDialect, type Smb2ConnectArgs } from '../../src/smb/index.js';
import { connectSmb2Default } from '../../src/smb/connect.js';
import { connectSmb1, Smb1Client } from '../../src/smb/smb1/client.js';
import { connectSmbTransport } from '../../src/transport/nbss.js';
import { NetsendError } from '../../src/status/error.js';
import { CaptureFile } from '../../src/pcap/index.js';
import { tsharkAvailable, tsharkDecode } from '../helpers/tshark.js';
import { startProxy } from '../helpers/proxy.js';
import { expectBindAck, WKSSVC_BIND } from './smb1/wkssvc-bind.js';

describe('dialect planning', () => {
  it('maps options to a family', () => {
    expect(planDialect({})).toBe('auto');
    expect(planDialect({ dialect: 'smb1' })).toBe('smb1');
    expect(planDialect({ smbMax: 'NT1' })).toBe('smb1');
    expect(planDialect({ dialect: 'smb2' })).toBe('smb2');
    expect(planDialect({ smbMin: '2.1' })).toBe('smb2');
    expect(planDialect({ requireEncryption: true })).toBe('smb2');
  });
  it('refuses contradictions', () => {
    expect(() => planDialect({ dialect: 'smb1', requireEncryption: true })).toThrow(NetsendError);
    expect(() => planDialect({ dialect: 'smb1', smbMin: '3.0' })).toThrow(NetsendError);
    expect(() => planDialect({ smbMin: '3.1.1', smbMax: '2.1' })).toThrow(NetsendError);
    expect(() => planDialect({ dialect: 'smb2', smbMax: 'NT1' })).toThrow(NetsendError);
    expect(() => planDialect({ smbMin: 'SMB9' as never })).toThrow(NetsendError);
  });
});

describe('connectSmb against a hostile TCP server', () => {
  it('refuses a frame header announcing 16 MiB at once, without waiting for the body', async () => {
    const closed: Promise<void>[] = [];
    const server = net.createServer((s) => {
      s.on('error', () => undefined);
      closed.push(new Promise<void>((r) => s.once('close', () => r())));
      s.once('data', () => s.write(Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0x53, 0x4d, 0x42])));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const err = await connectSmb({ host: '127.0.0.1', port, credentials: { user: 'u', password: 'p' }, timeoutMs: 5000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetsendError);
      expect(err).toMatchObject({ name: 'MALFORMED' });
      await closed[0]; // the client closed its socket
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe.runIf(interopEnabled())('connectSmb against an NT1-only Samba', () => {
  const samba = useSamba({ global: { 'server max protocol': 'NT1' } });

  it('the multi-protocol NEGOTIATE lands on NT LM 0.12; tshark decodes the session without Malformed', async () => {
    const pcap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-smb1-')), 'smb1.pcap');
    const file = new CaptureFile(pcap);
    // One recorder per TCP connection: 'auto' first sends an SMB2 NEGOTIATE, which Samba closes, then reconnects.
    const tap = file.tap();
    const c = await connectSmb({ host: samba.host, credentials: { user: samba.user.name, password: samba.user.password }, tap, timeoutMs: 5000 });
    try {
      expect(c).toBeInstanceOf(Smb1Client);
      expect(c.info.dialect).toBe('NT LM 0.12');
      const pipe = await c.openPipe('wkssvc');
      expectBindAck((await pipe.transact(WKSSVC_BIND, 4280)).data);
      await pipe.close();
      const pipe2 = await c.openPipe('wkssvc');
      await pipe2.write(WKSSVC_BIND);
      expectBindAck((await pipe2.read(4280)).data);
      await pipe2.close();
    } finally {
      await c.close();
    }
    file.close();
    if (!tsharkAvailable()) return;
    const r = await tsharkDecode(pcap);
    expect(r.expertErrors).toEqual([]);
    expect(r.text).toMatch(/Negotiate Protocol Request/);
    expect(r.text).toMatch(/Requested Dialects[\s\S]*NT LM 0\.12[\s\S]*SMB 2\.\?\?\?/);
    expect(r.text).toMatch(/Transaction Name: \\PIPE\\/);
    expect(r.text).toMatch(/Function: TransactNmPipe/);
    expect(r.text).toMatch(/Bind_ack/);
    expect(r.text).toMatch(/Logoff AndX Response/);
    // The refused SMB2 NEGOTIATE went first, on a connection of its own.
    expect(r.text).toMatch(/SMB2 \(Server Message Block Protocol version 2\)[\s\S]*Negotiate Protocol Request[\s\S]*Requested Dialects[\s\S]*NT LM 0\.12/);
  });

  it('requireSigning against a server with SMB1 signing off (Samba default) fails with SIGNING_UNAVAILABLE', async () => {
    const err = await connectSmb({ host: samba.host, requireSigning: true, credentials: { user: samba.user.name, password: samba.user.password }, timeoutMs: 5000 }).catch((e: unknown) => e);
    expect((err as NetsendError).name).toBe('SIGNING_UNAVAILABLE');
  });

  it('dialect smb2 fails cleanly when the server speaks only SMB1', async () => {
    const err = await connectSmb({ host: samba.host, dialect: 'smb2', credentials: { user: samba.user.name, password: samba.user.password }, timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetsendError);
  });
});

describe.runIf(interopEnabled())('connectSmb against a default Samba (NT1..SMB3)', () => {
  const samba = useSamba();
  const creds = (): { user: string; password: string } => ({ user: samba.user.name, password: samba.user.password });

  it('auto starts with the SMB2 client\'s own NEGOTIATE: no SMB1 reply handed over', async () => {
    let seen: Smb2ConnectArgs | undefined;
    const err = await connectSmb({
      host: samba.host, credentials: creds(), timeoutMs: 5000,
      connectSmb2: async (a) => {
        seen = a;
        a.stream.close();
        throw new NetsendError('usage', 0, 'STOP', 'captured');
      },
    }).catch((e: unknown) => e);
    expect((err as NetsendError).name).toBe('STOP');
    expect(seen).toBeDefined();
    expect(seen!.smb1NegotiateReply).toBeUndefined();
  });

  it('after a refused SMB2 NEGOTIATE the multi-protocol NEGOTIATE gets an SMB2 wildcard reply, handed with the stream to the SMB2 client', async () => {
    // A proxy resets the first SMB2 NEGOTIATE's connection, as an attacker could: 'auto' falls back.
    let resets = 1;
    const proxy = await startProxy({ upstream: { host: samba.host, port: 445 }, trigger: (f) => f.readUInt32BE(0) === 0xfe534d42 && resets-- > 0, replyAction: 'reset' });
    try {
      const seen: Smb2ConnectArgs[] = [];
      const err = await connectSmb({
        host: proxy.host, port: proxy.port, credentials: creds(), timeoutMs: 5000,
        connectSmb2: async (a) => {
          seen.push(a);
          if (!a.smb1NegotiateReply) return connectSmb2Default(a);
          a.stream.close();
          throw new NetsendError('usage', 0, 'STOP', 'captured');
        },
      }).catch((e: unknown) => e);
      expect((err as NetsendError).name).toBe('STOP');
      expect(seen).toHaveLength(2);
      expect(seen[0]!.smb1NegotiateReply).toBeUndefined();
      expect(smb2ReplyDialect(seen[1]!.smb1NegotiateReply!)).toBe(0x02ff);
    } finally {
      await proxy.close();
    }
  });

  it('the multi-protocol NEGOTIATE lands on SMB 3.1.1 through the SMB2 client', async () => {
    const c = await connectSmb({ host: samba.host, credentials: creds(), timeoutMs: 10000 });
    try {
      expect(c.info.dialect).toBe('3.1.1');
      const pipe = await c.openPipe('wkssvc');
      expectBindAck((await pipe.transact(WKSSVC_BIND, 4280)).data);
      await pipe.close();
    } finally {
      await c.close();
    }
  });

  it('smbMax 2.1 limits the SMB2 dialect; dialect smb2 skips SMB1', async () => {
    const c = await connectSmb({ host: samba.host, credentials: creds(), smbMax: '2.1', timeoutMs: 10000 });
    try {
      expect(c.info.dialect).toBe('2.1');
    } finally {
      await c.close();
    }
    const c2 = await connectSmb({ host: samba.host, credentials: creds(), dialect: 'smb2', timeoutMs: 10000 });
    try {
      expect(c2.info.dialect).toBe('3.1.1');
    } finally {
      await c2.close();
    }
  });

  it('dialect smb1 forces SMB1 even though the server offers SMB3', async () => {
    const c = await connectSmb({ host: samba.host, port: 139, calledName: samba.netbiosName, dialect: 'smb1', credentials: creds(), timeoutMs: 5000 });
    try {
      expect(c.info.dialect).toBe('NT LM 0.12');
      const pipe = await c.openPipe('wkssvc');
      expectBindAck((await pipe.transact(WKSSVC_BIND, 4280)).data);
    } finally {
      await c.close();
    }
  });

  it('SMB1 without extended security: Samba refuses raw NTLMv2 by default with STATUS_INVALID_PARAMETER (observed)', async () => {
    const stream = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000 });
    const err = await connectSmb1({ stream, host: samba.host, extendedSecurity: false, credentials: creds(), timeoutMs: 5000 }).catch((e: unknown) => e);
    expect((err as NetsendError).name).toBe('STATUS_INVALID_PARAMETER');
  });
});
