/**
 * The SMB1 client against a scripted server on loopback: replies Samba would never send (hostile
 * offsets, stray MIDs, silence, split transactions). Samba serves everything that is well formed; see
 * interop-*.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import net from 'node:net';
import { acceptDirectTcp, openDirectTcp, type FramedMessageStream } from '../../../src/transport/nbss.js';
import { connectSmb1, Smb1Client } from '../../../src/smb/smb1/client.js';
import { parseSmb1 } from '../../../src/smb/smb1/andx.js';
import { encodeSmb1Message, emptyHeader, Smb1Command, SMB1Flags, SMB1Flags2, type Smb1Header } from '../../../src/smb/smb1/header.js';
import { encodeNegotiateResponseBody, Capabilities } from '../../../src/smb/smb1/negotiate.js';
import { encodeTransactionResponsePart } from '../../../src/smb/smb1/transaction.js';
import { encodeReadAndxResponse } from '../../../src/smb/smb1/read-andx.js';
import { signSmb1Message, verifySmb1Signature, computeSmb1Signature } from '../../../src/smb/smb1/signing.js';
import { NetsendError } from '../../../src/status/error.js';
import { decodeSessionSetupRequest, encodeSessionSetupResponse } from '../../../src/smb/smb1/session-setup.js';
import { OID_NTLMSSP, decodeNegTokenInit, encodeNegTokenResp } from '../../../src/auth/spnego.js';
import { FakeNtlmServer } from '../../auth/fake-ntlm-server.js';

type Handler = (req: Buffer, send: (m: Buffer) => void) => void;

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A Direct TCP server on 127.0.0.1 calling `handler` for each request. */
async function scripted(handler: Handler): Promise<FramedMessageStream> {
  const server = net.createServer((sock) => {
    const s = acceptDirectTcp(sock);
    const loop = async (): Promise<void> => {
      for (;;) {
        const req = await s.receive({ timeoutMs: 5000 });
        handler(req, (m) => void s.send(m).catch(() => undefined));
      }
    };
    loop().catch(() => s.close());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return openDirectTcp({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, timeoutMs: 2000 });
}

function reply(req: Buffer, words: Buffer, bytes: Buffer, patch: Partial<Smb1Header> = {}): Buffer {
  const q = parseSmb1(req).header;
  const h: Smb1Header = { ...q, flags: q.flags | SMB1Flags.REPLY, flags2: q.flags2 | SMB1Flags2.NT_STATUS, ...patch };
  return encodeSmb1Message(h, words, bytes);
}

function transPart(data: Buffer, total: number, displacement: number): { words: Buffer; bytes: Buffer } {
  return encodeTransactionResponsePart({ totalParameterCount: 0, totalDataCount: total, parameterDisplacement: 0, dataDisplacement: displacement, setup: [], parameters: Buffer.alloc(0), data });
}

describe('SMB1 client against hostile or odd servers', () => {
  it('times out on a silent server with TimeoutError', async () => {
    const stream = await scripted(() => undefined);
    const err = await connectSmb1({ stream, host: 'x', credentials: { user: 'u', password: 'p' }, timeoutMs: 200 }).catch((e: unknown) => e);
    expect((err as NetsendError).layer).toBe('timeout');
    expect(stream.closed).toBe(true);
  });

  it('stops on abort with AbortError', async () => {
    const stream = await scripted(() => undefined);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await connectSmb1({ stream, host: 'x', credentials: { user: 'u', password: 'p' }, timeoutMs: 5000, signal: ac.signal }).catch((e: unknown) => e);
    expect((err as NetsendError).layer).toBe('abort');
  });

  it('refuses DialectIndex 0xFFFF and an SMB2 answer to an SMB1-only NEGOTIATE', async () => {
    const s1 = await scripted((req, send) => send(reply(req, Buffer.from([0xff, 0xff]), Buffer.alloc(0))));
    await expect(connectSmb1({ stream: s1, host: 'x', credentials: { user: 'u' }, timeoutMs: 1000 })).rejects.toMatchObject({ name: 'NO_COMMON_DIALECT' });
    const s2 = await scripted((_req, send) => send(Buffer.concat([Buffer.from([0xfe, 0x53, 0x4d, 0x42]), Buffer.alloc(100)])));
    await expect(connectSmb1({ stream: s2, host: 'x', credentials: { user: 'u' }, timeoutMs: 1000 })).rejects.toMatchObject({ name: 'UNEXPECTED_SMB2' });
  });

  it('refuses a NEGOTIATE reply cut short', async () => {
    const { words } = encodeNegotiateResponseBody({
      kind: 'extended', dialectIndex: 0, securityMode: 3, maxMpxCount: 50, maxNumberVcs: 1, maxBufferSize: 16644, maxRawSize: 65536, vcSessionKey: 0,
      capabilities: Capabilities.EXTENDED_SECURITY, systemTime: 0n, serverTimeZone: 0, serverGuid: Buffer.alloc(16), securityBlob: Buffer.alloc(0),
    }, true);
    const s = await scripted((req, send) => send(reply(req, words, Buffer.alloc(4)))); // no room for the ServerGUID
    await expect(connectSmb1({ stream: s, host: 'x', credentials: { user: 'u' }, timeoutMs: 1000 })).rejects.toBeInstanceOf(NetsendError);
  });

  it('reassembles a TransactNmPipe reply split over three TRANSACTION responses, skipping a stray MID', async () => {
    const payload = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    const s = await scripted((req, send) => {
      const mid = parseSmb1(req).header.mid;
      const part = (from: number, to: number): Buffer => {
        const p = transPart(payload.subarray(from, to), payload.length, from);
        return reply(req, p.words, p.bytes);
      };
      send(reply(req, transPart(Buffer.from('stray'), 5, 0).words, transPart(Buffer.from('stray'), 5, 0).bytes, { mid: (mid + 7) & 0xffff }));
      send(part(0, 10));
      send(part(10, 20));
      send(part(20, payload.length));
    });
    const c = new Smb1Client(s);
    const r = await c.transactPipe(0x4000, Buffer.from('req'), 4280, { timeoutMs: 2000 });
    expect(r.data).toEqual(payload);
    expect(r.more).toBe(false);
    expect(c.roundTrips).toBe(1);
    c.abort();
  });

  it('refuses a TRANSACTION response whose DataOffset points outside the message', async () => {
    const s = await scripted((req, send) => {
      const p = transPart(Buffer.from('abcd'), 4, 0);
      const w = Buffer.from(p.words);
      w.writeUInt16LE(0xfff0, 14);
      send(reply(req, w, p.bytes));
    });
    const c = new Smb1Client(s);
    await expect(c.transactPipe(1, Buffer.from('x'), 4280, { timeoutMs: 2000 })).rejects.toMatchObject({ name: 'MALFORMED' });
    c.abort();
  });

  it('refuses a reply larger than MaxDataCount asked for', async () => {
    const s = await scripted((req, send) => {
      const p = transPart(Buffer.alloc(100), 100, 0);
      send(reply(req, p.words, p.bytes));
    });
    const c = new Smb1Client(s);
    await expect(c.transactPipe(1, Buffer.from('x'), 50, { timeoutMs: 2000 })).rejects.toMatchObject({ name: 'MALFORMED' });
    c.abort();
  });

  it('gives up after a flood of unrelated replies instead of spinning', async () => {
    const s = await scripted((req, send) => {
      const mid = parseSmb1(req).header.mid;
      for (let i = 0; i < 40; i++) send(reply(req, Buffer.alloc(0), Buffer.alloc(0), { mid: (mid + 1) & 0xffff }));
    });
    const c = new Smb1Client(s);
    await expect(c.transactPipe(1, Buffer.from('x'), 4280, { timeoutMs: 2000 })).rejects.toThrow(/unrelated/);
    c.abort();
  });

  it('READ_ANDX with STATUS_BUFFER_OVERFLOW (NT form) or ERRDOS/ERRmoredata (DOS form) means more', async () => {
    let status = 0x80000005;
    let nt = true;
    const s = await scripted((req, send) => {
      const p = encodeReadAndxResponse({ available: 0, data: Buffer.from('part') });
      const q = parseSmb1(req).header;
      send(encodeSmb1Message({ ...q, flags: q.flags | SMB1Flags.REPLY, flags2: nt ? q.flags2 | SMB1Flags2.NT_STATUS : q.flags2 & ~SMB1Flags2.NT_STATUS, status }, p.words, p.bytes));
    });
    const c = new Smb1Client(s);
    expect(await c.readPipe(1, 4280, { timeoutMs: 2000 })).toEqual({ data: Buffer.from('part'), more: true });
    status = 0x00ea0001; // class ERRDOS, code 234
    nt = false;
    expect(await c.readPipe(1, 4280, { timeoutMs: 2000 })).toEqual({ data: Buffer.from('part'), more: true });
    status = 0;
    expect(await c.readPipe(1, 4280, { timeoutMs: 2000 })).toEqual({ data: Buffer.from('part'), more: false });
    status = 0xc000014b; // STATUS_PIPE_BROKEN
    nt = true;
    await expect(c.readPipe(1, 4280, { timeoutMs: 2000 })).rejects.toMatchObject({ name: 'STATUS_PIPE_BROKEN', layer: 'ntstatus' });
    c.abort();
  });

  it('a READ_ANDX reply claiming more bytes than the message holds is refused', async () => {
    const s = await scripted((req, send) => {
      const w = Buffer.alloc(24);
      w[0] = 0xff;
      w.writeUInt16LE(4000, 10); // DataLength
      w.writeUInt16LE(60, 12); // DataOffset
      send(reply(req, w, Buffer.alloc(10)));
    });
    const c = new Smb1Client(s);
    await expect(c.readPipe(1, 4280, { timeoutMs: 2000 })).rejects.toMatchObject({ name: 'MALFORMED' });
    c.abort();
  });

  it('refuses a SESSION_SETUP SUCCESS that arrives before the client sent its AUTHENTICATE', async () => {
    const ntlm = new FakeNtlmServer({ user: 'u', domain: 'D', password: 'p' });
    let treeConnects = 0;
    const s = await scripted((req, send) => {
      const q = parseSmb1(req);
      if (q.header.command === Smb1Command.NEGOTIATE) {
        const { words, bytes } = encodeNegotiateResponseBody({
          kind: 'extended', dialectIndex: 0, securityMode: 3, maxMpxCount: 50, maxNumberVcs: 1, maxBufferSize: 16644, maxRawSize: 65536, vcSessionKey: 0,
          capabilities: Capabilities.EXTENDED_SECURITY | Capabilities.UNICODE | Capabilities.STATUS32, systemTime: 0n, serverTimeZone: 0, serverGuid: Buffer.alloc(16), securityBlob: Buffer.alloc(0),
        }, true);
        send(reply(req, words, bytes));
      } else if (q.header.command === Smb1Command.SESSION_SETUP_ANDX) {
        // Answer the NEGOTIATE leg with SUCCESS (not MORE_PROCESSING_REQUIRED) and a CHALLENGE.
        const ss = decodeSessionSetupRequest(q.blocks[0]!, true);
        if (ss.kind !== 'extended') throw new Error('expected an extended SESSION_SETUP');
        const init = decodeNegTokenInit(ss.securityBlob);
        const blob = encodeNegTokenResp({ negState: 1, supportedMech: OID_NTLMSSP, responseToken: ntlm.challenge(init.mechToken!) });
        const r = encodeSessionSetupResponse({ action: 0, securityBlob: blob, nativeOs: '', nativeLanMan: '', primaryDomain: '', extended: true }, true);
        send(reply(req, r.words, r.bytes, { uid: 100 }));
      } else {
        treeConnects++;
        send(reply(req, Buffer.alloc(0), Buffer.alloc(0), { status: 0xc0000022 }));
      }
    });
    // This server offers no signing (SecurityMode 3): allowUnsigned lets the logon reach the NTLM check.
    const err = await connectSmb1({ stream: s, host: 'x', credentials: { user: 'u', domain: 'D', password: 'p' }, allowUnsigned: true, timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ layer: 'ntlm', name: 'NTLM_UNEXPECTED_TOKEN' });
    expect(treeConnects).toBe(0);
  });
});

describe('SMB1 client fuzz', () => {
  it('mutated TRANSACTION / READ_ANDX replies: the call resolves or rejects with NetsendError, never hangs', async () => {
    let mutate: (m: Buffer) => Buffer = (m) => m;
    const s = await scripted((req, send) => {
      const h = parseSmb1(req).header;
      const p = h.command === Smb1Command.TRANSACTION ? transPart(Buffer.from('0123456789'), 10, 0) : { words: Buffer.alloc(24), bytes: Buffer.alloc(5) };
      const m = reply(req, p.words, p.bytes);
      const out = Buffer.from(mutate(m));
      if (out.length >= 32) out.writeUInt16LE(h.mid, 30); // keep the MID so the client looks at it
      send(out);
    });
    const c = new Smb1Client(s);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(120), fc.boolean(), async (flips, cut, viaRead) => {
        mutate = (m) => {
          const b = Buffer.from(m);
          for (const [pos, val] of flips) if (pos % b.length >= 32) b[pos % b.length] = val; // header mutations are covered by codec fuzz
          return b.subarray(0, Math.max(32, b.length - cut));
        };
        try {
          if (viaRead) await c.readPipe(1, 4280, { timeoutMs: 300 });
          else await c.transactPipe(1, Buffer.from('x'), 4280, { timeoutMs: 300 });
        } catch (e) {
          expect(e).toBeInstanceOf(NetsendError);
        }
      }),
      { numRuns: 60 },
    );
    c.abort();
  }, 60_000);
});

describe('SMB1 signing primitive ([MS-CIFS] §3.1.4.1)', () => {
  const msg = encodeSmb1Message({ ...emptyHeader(Smb1Command.ECHO), flags2: SMB1Flags2.SMB_SECURITY_SIGNATURE, mid: 9 }, Buffer.from([1, 0]), Buffer.from('hi'));
  const key = Buffer.alloc(16, 0x11);

  it('signs with the sequence number in the signature field and verifies', () => {
    const m = Buffer.from(msg);
    signSmb1Message(key, m, 4);
    expect(verifySmb1Signature(key, m, 4)).toBe(true);
    expect(verifySmb1Signature(key, m, 5)).toBe(false);
    expect(verifySmb1Signature(Buffer.alloc(16, 0x12), m, 4)).toBe(false);
    const t = Buffer.from(m);
    t[t.length - 1] = t[t.length - 1]! ^ 1;
    expect(verifySmb1Signature(key, t, 4)).toBe(false);
  });

  it('is MD5(key || message with seq, 0 in the field)[0..8], independent of what the field held', async () => {
    const { createHash } = await import('node:crypto');
    const m = Buffer.from(msg);
    m.fill(0xaa, 14, 22);
    const expected = Buffer.from(msg);
    expected.fill(0, 14, 22);
    expected.writeUInt32LE(7, 14);
    expect(computeSmb1Signature(key, m, 7)).toEqual(createHash('md5').update(key).update(expected).digest().subarray(0, 8));
  });
});
