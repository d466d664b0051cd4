/**
 * The NEGOTIATE size floors against a scripted loopback server (no Samba needed): an SMB2 server that
 * offers MaxTransactSize/MaxReadSize/MaxWriteSize under 65536 ([MS-SMB2] §3.2.5.2) or an SMB1 server
 * that offers MaxBufferSize under 1024 ([MS-CIFS] §2.2.4.52.2) is refused right after NEGOTIATE.
 * The same against real Samba through a rewriting proxy: session-policy.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import net from 'node:net';
import { acceptDirectTcp, openDirectTcp } from '../../src/transport/nbss.js';
import { Smb2Connection, SMB2_MIN_IO_SIZE } from '../../src/smb/smb2/connection.js';
import { Smb2Flags } from '../../src/smb/smb2/constants.js';
import { decodeHeader, encodeHeader } from '../../src/smb/smb2/header.js';
import { encodeNegotiateResponse } from '../../src/smb/smb2/messages.js';
import { connectSmb1, SMB1_MIN_MAX_BUFFER_SIZE } from '../../src/smb/smb1/client.js';
import { parseSmb1 } from '../../src/smb/smb1/andx.js';
import { encodeSmb1Message, SMB1Flags, SMB1Flags2, type Smb1Header } from '../../src/smb/smb1/header.js';
import { encodeNegotiateResponseBody, Capabilities } from '../../src/smb/smb1/negotiate.js';
import { helpText } from '../../src/cli/main.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A Direct TCP server that answers each request with `answer(req)` and counts the requests. */
async function scripted(answer: (req: Buffer) => Buffer): Promise<{ port: number; requests: () => number }> {
  let n = 0;
  const server = net.createServer((sock) => {
    const s = acceptDirectTcp(sock);
    const loop = async (): Promise<void> => {
      for (;;) {
        const req = await s.receive({ timeoutMs: 5000 });
        n++;
        await s.send(answer(req));
      }
    };
    loop().catch(() => s.close());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, requests: () => n };
}

function smb2Negotiate(req: Buffer, sizes: { t: number; r: number; w: number }): Buffer {
  const q = decodeHeader(req);
  const body = encodeNegotiateResponse({
    securityMode: 1, dialect: 0x0210, serverGuid: Buffer.alloc(16, 1), capabilities: 0, maxTransactSize: sizes.t, maxReadSize: sizes.r,
    maxWriteSize: sizes.w, systemTime: 0n, serverStartTime: 0n, securityBuffer: Buffer.alloc(0), contexts: [],
  });
  return Buffer.concat([encodeHeader({ ...q, flags: Smb2Flags.SERVER_TO_REDIR, credits: 10, status: 0, signature: Buffer.alloc(16) }), body]);
}

async function negotiateWith(sizes: { t: number; r: number; w: number }): Promise<{ error: unknown; requests: number }> {
  const srv = await scripted((req) => smb2Negotiate(req, sizes));
  const stream = await openDirectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 2000 });
  const conn = new Smb2Connection(stream, { dialects: { max: 0x0210 }, timeoutMs: 2000 });
  try {
    const error = await conn.negotiate().then(() => null, (e: unknown) => e);
    return { error, requests: srv.requests() };
  } finally {
    conn.close();
  }
}

describe('NEGOTIATE size floors (scripted servers)', () => {
  it('SMB2: MaxReadSize 0 is STATUS_INVALID_NETWORK_RESPONSE after the one NEGOTIATE', async () => {
    const { error, requests } = await negotiateWith({ t: 65536, r: 0, w: 65536 });
    expect(error).toMatchObject({ layer: 'protocol', name: 'STATUS_INVALID_NETWORK_RESPONSE', code: 0xc00000c3 });
    expect((error as Error).message).toMatch(/MaxReadSize 0/);
    expect(requests).toBe(1);
  });

  it('SMB2: any of the three sizes below 65536 is refused; all at or above it pass', async () => {
    expect(SMB2_MIN_IO_SIZE).toBe(65536);
    const size = fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 65536, max: 0xffffffff }));
    await fc.assert(
      fc.asyncProperty(size, size, size, async (t, r, w) => {
        const { error } = await negotiateWith({ t, r, w });
        const small = Math.min(t, r, w) < 65536;
        if (small) expect(error).toMatchObject({ name: 'STATUS_INVALID_NETWORK_RESPONSE' });
        else expect(error).toBeNull();
      }),
      { numRuns: 25 },
    );
  });

  it(`SMB1: MaxBufferSize below ${SMB1_MIN_MAX_BUFFER_SIZE} is refused after the NEGOTIATE; ${SMB1_MIN_MAX_BUFFER_SIZE} itself is accepted`, async () => {
    for (const [maxBufferSize, refused] of [[0, true], [1023, true], [1024, false]] as const) {
      const srv = await scripted((req) => {
        const q = parseSmb1(req).header;
        const h: Smb1Header = { ...q, flags: q.flags | SMB1Flags.REPLY, flags2: q.flags2 | SMB1Flags2.NT_STATUS };
        if (q.command !== 0x72) return encodeSmb1Message({ ...h, status: 0xc0000022 }, Buffer.alloc(0), Buffer.alloc(0));
        const { words, bytes } = encodeNegotiateResponseBody({
          kind: 'extended', dialectIndex: 0, securityMode: 3, maxMpxCount: 50, maxNumberVcs: 1, maxBufferSize, maxRawSize: 65536, vcSessionKey: 0,
          capabilities: Capabilities.EXTENDED_SECURITY | Capabilities.UNICODE | Capabilities.STATUS32, systemTime: 0n, serverTimeZone: 0, serverGuid: Buffer.alloc(16), securityBlob: Buffer.alloc(0),
        }, true);
        return encodeSmb1Message(h, words, bytes);
      });
      const stream = await openDirectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 2000 });
      const err = await connectSmb1({ stream, host: 'x', credentials: { user: 'u', password: 'p' }, timeoutMs: 2000 }).catch((e: unknown) => e);
      if (refused) {
        expect(err).toMatchObject({ layer: 'protocol', name: 'STATUS_INVALID_NETWORK_RESPONSE' });
        expect(srv.requests()).toBe(1);
      } else {
        expect((err as { name?: string }).name).not.toBe('STATUS_INVALID_NETWORK_RESPONSE'); // got past NEGOTIATE
        expect(srv.requests()).toBeGreaterThan(1);
      }
    }
  });
});

describe('CLI options for the permissive behaviour', () => {
  it('--help lists --allow-guest and --allow-unsigned', () => {
    const h = helpText();
    expect(h).toContain('--allow-guest');
    expect(h).toContain('--allow-unsigned');
  });
});
