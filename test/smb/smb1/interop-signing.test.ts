import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { interopEnabled, useSamba } from '../../harness/samba.js';
import { connectSmbTransport } from '../../../src/transport/nbss.js';
import { connectSmb1 } from '../../../src/smb/smb1/client.js';
import { NetsendError } from '../../../src/status/error.js';
import { startTamperProxy } from './tamper-proxy.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaptureFile, TcpRecorder } from '../../../src/pcap/index.js';
import { tsharkAvailable, tsharkDecode } from '../../helpers/tshark.js';
import { expectBindAck, manyContextBind, WKSSVC_BIND } from './wkssvc-bind.js';

describe.runIf(interopEnabled())('SMB1 signing against Samba (server signing = mandatory)', () => {
  const samba = useSamba({ global: { 'server max protocol': 'NT1', 'server signing': 'mandatory', 'raw NTLMv2 auth': 'yes' } });
  const creds = (): { user: string; password: string } => ({ user: samba.user.name, password: samba.user.password });

  it('signs every request and verifies every reply when the server requires it', async () => {
    const stream = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000 });
    const c = await connectSmb1({ stream, host: samba.host, credentials: creds(), timeoutMs: 5000 });
    try {
      expect(c.info.signing).toBe(true);
      // The MAC key is never shown by util.inspect / console.log of the client.
      expect(inspect(c, { depth: 4 })).not.toMatch(/macKey/);
      for (let i = 0; i < 3; i++) {
        const p = await c.openPipe('wkssvc');
        expectBindAck((await p.transact(WKSSVC_BIND, 4280)).data);
        await p.close();
      }
      const pipe = await c.openPipe('wkssvc');
      await pipe.write(WKSSVC_BIND);
      expectBindAck((await pipe.read(4280)).data);
      // An error reply is signed too.
      await expect(c.openPipe('msgsvc')).rejects.toMatchObject({ name: 'STATUS_OBJECT_NAME_NOT_FOUND' });
      await pipe.close();
    } finally {
      await c.close();
    }
  });

  it('rejects a reply whose signature a proxy changed (one flipped byte)', async () => {
    // Flip the first signature byte of the NT_CREATE_ANDX reply.
    const proxy = await startTamperProxy({ host: samba.host, port: 445 }, (m) => {
      if (m.length < 32 || m[4] !== 0xa2 || !(m[9]! & 0x80)) return false;
      m[14] = m[14]! ^ 0x01;
      return true;
    });
    try {
      const stream = await connectSmbTransport({ host: proxy.host, port: proxy.port, timeoutMs: 5000 });
      const c = await connectSmb1({ stream, host: samba.host, credentials: creds(), timeoutMs: 5000 });
      expect(c.info.signing).toBe(true);
      const err = await c.openPipe('wkssvc').catch((e: unknown) => e);
      expect(proxy.tampered).toBe(1);
      expect(err).toBeInstanceOf(NetsendError);
      expect((err as NetsendError).name).toBe('STATUS_INVALID_SIGNATURE');
      // The connection is dropped: nothing more is trusted on it.
      await expect(c.openPipe('wkssvc')).rejects.toBeInstanceOf(NetsendError);
      await c.close();
    } finally {
      await proxy.close();
    }
  });

  it('rejects a tampered reply body too (signature intact, one data byte changed)', async () => {
    const proxy = await startTamperProxy({ host: samba.host, port: 445 }, (m) => {
      if (m.length < 40 || m[4] !== 0x25 || !(m[9]! & 0x80)) return false;
      m[m.length - 1] = m[m.length - 1]! ^ 0x80;
      return true;
    });
    try {
      const stream = await connectSmbTransport({ host: proxy.host, port: proxy.port, timeoutMs: 5000 });
      const c = await connectSmb1({ stream, host: samba.host, credentials: creds(), timeoutMs: 5000 });
      const pipe = await c.openPipe('wkssvc');
      await expect(pipe.transact(WKSSVC_BIND, 4280)).rejects.toMatchObject({ name: 'STATUS_INVALID_SIGNATURE' });
      expect(proxy.tampered).toBe(1);
      await c.close();
    } finally {
      await proxy.close();
    }
  });

  it('non-extended logon: Samba 4.17 does not activate signing even when mandatory (observed); requireSigning refuses such a session', async () => {
    const stream = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000 });
    // By default such a session is refused (SIGNING_UNAVAILABLE, naming the option); allowUnsigned accepts it.
    const refused = await connectSmb1({ stream, host: samba.host, extendedSecurity: false, credentials: creds(), timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ layer: 'protocol', name: 'SIGNING_UNAVAILABLE' });
    expect((refused as Error).message).toMatch(/--allow-unsigned/);
    const stream1 = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000 });
    const c = await connectSmb1({ stream: stream1, host: samba.host, extendedSecurity: false, allowUnsigned: true, credentials: creds(), timeoutMs: 5000 });
    try {
      expect(c.info.signing).toBe(false);
      const pipe = await c.openPipe('wkssvc');
      expectBindAck((await pipe.transact(WKSSVC_BIND, 4280)).data);
    } finally {
      await c.close();
    }
    const stream2 = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000 });
    const err = await connectSmb1({ stream: stream2, host: samba.host, extendedSecurity: false, requireSigning: true, credentials: creds(), timeoutMs: 5000 }).catch((e: unknown) => e);
    expect((err as NetsendError).name).toBe('SIGNING_UNAVAILABLE');
    expect(stream2.closed).toBe(true);
  });

  it('a signed reply split over several TRANSACTION responses verifies (every part with the same sequence number)', async () => {
    const stream = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000 });
    const c = await connectSmb1({ stream, host: samba.host, maxBufferSize: 1024, credentials: creds(), timeoutMs: 5000 });
    try {
      expect(c.info.signing).toBe(true);
      const pipe = await c.openPipe('wkssvc');
      const r = await pipe.transact(manyContextBind(80), 4280);
      expectBindAck(r.data);
      expect(c.transactionResponses).toBe(4);
      // The connection stays in step afterwards.
      const p2 = await c.openPipe('wkssvc');
      expectBindAck((await p2.transact(WKSSVC_BIND, 4280)).data);
    } finally {
      await c.close();
    }
  });

  it('tshark decodes a signed session and a non-extended session without Malformed', async () => {
    const pcap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-smb1-signed-')), 'signed.pcap');
    const file = new CaptureFile(pcap);
    for (const [i, extendedSecurity] of [true, false].entries()) {
      const tap = new TcpRecorder(file, { address: '10.0.0.1', port: 50200 + i }, { address: '10.0.0.2', port: 445 });
      const stream = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000, tap });
      // The non-extended logon is never signed by Samba 4.17: it needs allowUnsigned.
      const c = await connectSmb1({ stream, host: samba.host, extendedSecurity, allowUnsigned: !extendedSecurity, credentials: creds(), timeoutMs: 5000 });
      const pipe = await c.openPipe('wkssvc');
      expectBindAck((await pipe.transact(WKSSVC_BIND, 4280)).data);
      await pipe.close();
      await c.close();
    }
    file.close();
    if (!tsharkAvailable()) return;
    const r = await tsharkDecode(pcap);
    expect(r.expertErrors).toEqual([]);
    expect(r.text).toMatch(/Security Signatures: Security signatures are supported/);
    expect(r.text).toMatch(/Word Count \(WCT\): 13/); // the non-extended SESSION_SETUP request
    expect(r.text).toMatch(/Bind_ack/);
  });
});

