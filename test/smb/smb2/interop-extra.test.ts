import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { interopEnabled, useSamba } from '../../harness/samba.js';
import { connectSmb2, Smb2Client, type Smb2ConnectOptions } from '../../../src/smb/smb2/index.js';
import { openDirectTcp, openNbssSession } from '../../../src/transport/nbss.js';
import { NetsendError } from '../../../src/status/error.js';
import { WKSSVC_BIND } from './interop-helpers.js';

/** SMB1 NEGOTIATE ([MS-CIFS] §2.2.4.52.1) offering the given dialect strings, as a multi-protocol client sends it. */
function smb1Negotiate(dialects: string[]): Buffer {
  const hdr = Buffer.alloc(32);
  Buffer.from([0xff, 0x53, 0x4d, 0x42, 0x72]).copy(hdr);
  hdr[9] = 0x18;
  hdr.writeUInt16LE(0xc801, 10); // unicode, NT status, extended security, long names
  hdr.writeUInt16LE(0xfeff, 26); // PID
  const bytes = Buffer.concat(dialects.map((d) => Buffer.concat([Buffer.from([2]), Buffer.from(d + '\0', 'latin1')])));
  const tail = Buffer.alloc(3);
  tail.writeUInt16LE(bytes.length, 1);
  return Buffer.concat([hdr, tail, bytes]);
}

describe.runIf(interopEnabled())('SMB2 client vs Samba: dialect range, SMB1 hand-over, pending, counts', () => {
  const samba = useSamba();
  const base = (): Smb2ConnectOptions => ({
    host: samba.host,
    credentials: { user: samba.user.name, password: samba.user.password, domain: samba.workgroup },
    timeoutMs: 10_000,
  });

  for (const [max, name] of [
    [0x0202, '2.0.2'],
    [0x0210, '2.1'],
    [0x0300, '3.0'],
    [0x0302, '3.0.2'],
    [0x0311, '3.1.1'],
  ] as const) {
    it(`negotiates ${name} when that is the top of the range, and binds wkssvc`, async () => {
      const c = await connectSmb2({ ...base(), dialects: { min: 0x0202, max }, requireSigning: true });
      try {
        expect(c.info.dialect).toBe(name);
        expect(c.info.signing).toBe(true);
        const p = await c.openPipe('wkssvc');
        expect((await p.transact(WKSSVC_BIND, 4280)).data[2]).toBe(12);
        await p.close();
      } finally {
        await c.close();
      }
    });
  }

  it('session keys stay out of util.inspect and Object.keys of the client', async () => {
    const c = await connectSmb2({ ...base(), dialects: { max: 0x0311 }, requireEncryption: true });
    try {
      const s = c.connection.session!;
      const keys = [s.signingKey!, s.encryptionKey!, s.decryptionKey!];
      for (const k of keys) expect(k.length).toBeGreaterThanOrEqual(16);
      expect(Object.keys(s)).not.toContain('signingKey');
      const shown = inspect(c, { depth: 4 });
      expect(shown).not.toMatch(/signingKey|encryptionKey|decryptionKey/);
      for (const k of keys) expect(shown).not.toContain(inspect(k));
    } finally {
      await c.close();
    }
  });

  it('requireEncryption on 3.0.2 and 3.1.1 against a server that only offers it', async () => {
    for (const max of [0x0302, 0x0311] as const) {
      const c = await connectSmb2({ ...base(), dialects: { max }, requireEncryption: true });
      try {
        expect(c.info.encryption).toBe(true);
        const p = await c.openPipe('wkssvc');
        expect((await p.transact(WKSSVC_BIND, 4280)).data[2]).toBe(12);
      } finally {
        await c.close();
      }
    }
  });

  it('requireEncryption with a 2.1-only range is a usage error', async () => {
    const err = await connectSmb2({ ...base(), dialects: { max: 0x0210 }, requireEncryption: true }).catch((e: unknown) => e);
    expect((err as NetsendError).layer).toBe('usage');
  });

  it('takes over after an SMB1 multi-protocol NEGOTIATE answered with dialect 0x02FF', async () => {
    const stream = await openDirectTcp({ host: samba.host, port: 445, timeoutMs: 5000 });
    await stream.send(smb1Negotiate(['NT LM 0.12', 'SMB 2.002', 'SMB 2.???']));
    const reply = await stream.receive({ timeoutMs: 5000 });
    expect(reply.subarray(0, 4).toString('hex')).toBe('fe534d42');
    expect(reply.readUInt16LE(64 + 4)).toBe(0x02ff);
    const c = await connectSmb2({ ...base(), stream, smb1NegotiateReply: reply });
    try {
      expect(c.info.dialect).toBe('3.1.1');
      const p = await c.openPipe('wkssvc');
      expect((await p.transact(WKSSVC_BIND, 4280)).data[2]).toBe(12);
    } finally {
      await c.close();
    }
  });

  it('takes over after an SMB1 NEGOTIATE answered with dialect 0x0202 (no second NEGOTIATE)', async () => {
    const stream = await openDirectTcp({ host: samba.host, port: 445, timeoutMs: 5000 });
    await stream.send(smb1Negotiate(['NT LM 0.12', 'SMB 2.002']));
    const reply = await stream.receive({ timeoutMs: 5000 });
    expect(reply.readUInt16LE(64 + 4)).toBe(0x0202);
    const c = (await connectSmb2({ ...base(), stream, smb1NegotiateReply: reply })) as Smb2Client;
    try {
      expect(c.info.dialect).toBe('2.0.2');
      // session setup (2 legs) + tree connect: no NEGOTIATE was sent by us
      expect(c.requestsSent).toBe(3);
      const p = await c.openPipe('wkssvc');
      expect((await p.transact(WKSSVC_BIND, 4280)).data[2]).toBe(12);
    } finally {
      await c.close();
    }
  });

  it('waits through STATUS_PENDING on an empty pipe read and then times out', async () => {
    const c = (await connectSmb2(base())) as Smb2Client;
    try {
      const p = await c.openPipe('wkssvc');
      const err = await p.read(4280, { timeoutMs: 1500 }).catch((e: unknown) => e);
      expect((err as NetsendError).layer).toBe('timeout');
      expect(c.connection.interimResponses).toBeGreaterThanOrEqual(1);
    } finally {
      await c.close();
    }
  });

  it('aborts a pending read through an AbortSignal', async () => {
    const c = (await connectSmb2(base())) as Smb2Client;
    try {
      const p = await c.openPipe('wkssvc');
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const err = await p.read(4280, { timeoutMs: 10_000, signal: ac.signal }).catch((e: unknown) => e);
      expect((err as NetsendError).layer).toBe('abort');
    } finally {
      await c.close();
    }
  });

  it('counts requests for connect + session + tree + create + transact + close, and tracks credits', async () => {
    for (const [max, expected] of [
      [0x0210, 7],
      [0x0300, 8], // + FSCTL_VALIDATE_NEGOTIATE_INFO
      [0x0311, 7],
    ] as const) {
      const c = (await connectSmb2({ ...base(), dialects: { max } })) as Smb2Client;
      const p = await c.openPipe('wkssvc');
      await p.transact(WKSSVC_BIND, 4280);
      await p.close();
      expect(c.requestsSent).toBe(expected);
      expect(c.connection.credits).toBeGreaterThan(1);
      await c.close();
      expect(c.requestsSent).toBe(expected + 2); // TREE_DISCONNECT + LOGOFF
      expect(c.connection.stream.closed).toBe(true);
    }
  });

  it('anonymous (null) and guest sessions reach IPC$ unsigned; requiring signing refuses them', async () => {
    const anon = (await connectSmb2({ ...base(), credentials: { user: '', anonymous: true } })) as Smb2Client;
    try {
      expect(anon.info.isAnonymous).toBe(true);
      expect(anon.info.signing).toBe(false);
      const p = await anon.openPipe('wkssvc');
      expect((await p.transact(WKSSVC_BIND, 4280)).data[2]).toBe(12);
    } finally {
      await anon.close();
    }
    // A credentialed logon that ends as guest needs allowGuest (refused by default: test/smb/session-policy.test.ts).
    const guest = await connectSmb2({ ...base(), credentials: { user: 'nosuchuser', password: 'x' }, allowGuest: true });
    try {
      expect(guest.info.isGuest).toBe(true);
    } finally {
      await guest.close();
    }
    const err = await connectSmb2({ ...base(), credentials: { user: 'nosuchuser', password: 'x' }, allowGuest: true, requireSigning: true }).catch((e: unknown) => e);
    expect((err as NetsendError).name).toBe('SMB2_NO_SESSION_KEY');
  });

  it('runs over an NBSS session on port 139 handed in as the stream', async () => {
    const stream = await openNbssSession({ host: samba.host, port: 139, calledName: `${samba.netbiosName}<20>`, timeoutMs: 5000 });
    const c = await connectSmb2({ ...base(), stream });
    try {
      const p = await c.openPipe('wkssvc');
      expect((await p.transact(WKSSVC_BIND, 4280)).data[2]).toBe(12);
    } finally {
      await c.close();
    }
    expect(stream.closed).toBe(true);
  });

  it('STATUS_BUFFER_OVERFLOW on a short transact: more = true, the rest comes with READ', async () => {
    const c = await connectSmb2(base());
    try {
      const p = await c.openPipe('wkssvc');
      const first = await p.transact(WKSSVC_BIND, 24);
      expect(first.more).toBe(true);
      expect(first.data.length).toBe(24);
      const fragLength = first.data.readUInt16LE(8);
      const parts = [first.data];
      let got = first.data.length;
      // Samba answers these READs with STATUS_SUCCESS even while more of the message remains, so the
      // reader goes by frag_length (as the RPC layer does).
      for (let i = 0; i < 10 && got < fragLength; i++) {
        const r = await p.read(16);
        expect(r.data.length).toBeLessThanOrEqual(16);
        parts.push(r.data);
        got += r.data.length;
      }
      const pdu = Buffer.concat(parts);
      expect(pdu.length).toBe(fragLength);
      expect(pdu[2]).toBe(12);
    } finally {
      await c.close();
    }
  });

  it('the traffic tap sees every byte: Direct TCP frames of FE "SMB" messages', async () => {
    const out: Buffer[] = [];
    const inb: Buffer[] = [];
    const c = await connectSmb2({ ...base(), tap: { outbound: (b) => out.push(Buffer.from(b)), inbound: (b) => inb.push(Buffer.from(b)) } });
    await c.close();
    const o = Buffer.concat(out);
    expect(o[0]).toBe(0);
    expect(o.subarray(4, 8).toString('hex')).toBe('fe534d42');
    expect(Buffer.concat(inb).subarray(4, 8).toString('hex')).toBe('fe534d42');
  });

  it('echo works and a closed client refuses openPipe', async () => {
    const c = (await connectSmb2(base())) as Smb2Client;
    await c.echo();
    await c.close();
    await c.close(); // idempotent
    await expect(c.openPipe('wkssvc')).rejects.toMatchObject({ layer: 'usage' });
  });

  it('a connection refused by the peer is a socket error', async () => {
    const err = await connectSmb2({ ...base(), port: 1 }).catch((e: unknown) => e);
    expect((err as NetsendError).layer).toBe('socket');
  });
});
