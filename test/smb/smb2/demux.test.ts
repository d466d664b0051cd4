// Several requests in flight on one Smb2Connection, against a scripted MessageStream without push
// mode (so the connection's receive loop reads it; FramedMessageStream's push mode is covered by
// concurrency-interop.test.ts against Samba): answers out of order, one credit at a time, a
// duplicate answer, a late answer.
import { describe, expect, it } from 'vitest';
import { ScriptedStream } from '../../helpers/scripted-stream.js';
import { Smb2Command, Smb2Connection, decodeHeader, encodeEmpty4, encodeHeader, encodeNegotiateResponse, type Smb2Header } from '../../../src/smb/smb2/index.js';


function answer(req: Buffer, credits = 1, over: Partial<Smb2Header> = {}): Buffer {
  const q = decodeHeader(req);
  const body =
    q.command === Smb2Command.NEGOTIATE
      ? encodeNegotiateResponse({ securityMode: 1, dialect: 0x0210, serverGuid: Buffer.alloc(16, 1), capabilities: 0, maxTransactSize: 65536, maxReadSize: 65536, maxWriteSize: 65536, systemTime: 0n, serverStartTime: 0n, securityBuffer: Buffer.alloc(0), contexts: [] })
      : encodeEmpty4();
  return Buffer.concat([encodeHeader({ ...q, flags: 1, credits, status: 0, signature: Buffer.alloc(16), ...over }), body]);
}

async function connection(onRequest: (req: Buffer, s: ScriptedStream) => void, negotiateCredits = 10): Promise<{ conn: Smb2Connection; stream: ScriptedStream }> {
  let first = true;
  const stream = new ScriptedStream((req, s) => {
    if (first) {
      first = false;
      s.push(answer(req, negotiateCredits));
    } else onRequest(req, s);
  });
  const conn = new Smb2Connection(stream, { timeoutMs: 2000, dialects: { max: 0x0210 } });
  await conn.negotiate();
  return { conn, stream };
}

const echo = (conn: Smb2Connection, opts = {}): Promise<bigint> => conn.request(Smb2Command.ECHO, encodeEmpty4(), opts).then((r) => r.header.messageId);

describe('Smb2Connection: several requests in flight (receive loop)', () => {
  it('answers in reverse order reach their own requests', async () => {
    const held: Buffer[] = [];
    const { conn } = await connection((req, s) => {
      held.push(answer(req));
      if (held.length === 3) for (const a of held.splice(0).reverse()) s.push(a);
    });
    // Only three requests in flight together ever get answers.
    expect(await Promise.all([echo(conn), echo(conn), echo(conn)])).toEqual([1n, 2n, 3n]);
  });

  it('one credit at a time: requests wait for the grant, one in flight at a time, none fails', async () => {
    let inFlight = 0;
    let most = 0;
    const { conn } = await connection((req, s) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        s.push(answer(req, 1));
      }, 5);
    }, 1);
    expect(conn.credits).toBe(1);
    expect(await Promise.all([echo(conn), echo(conn), echo(conn), echo(conn)])).toEqual([1n, 2n, 3n, 4n]);
    expect(most).toBe(1);
  });

  it('a duplicate answer is SMB2_BAD_MESSAGE_ID for the requests in flight and every later one', async () => {
    let n = 0;
    const { conn } = await connection((req, s) => {
      if (++n === 1) {
        s.push(answer(req));
        s.push(answer(req));
      }
    });
    const [a, b] = await Promise.allSettled([echo(conn), echo(conn)]);
    expect(a).toEqual({ status: 'fulfilled', value: 1n });
    expect(b).toMatchObject({ status: 'rejected', reason: { name: 'SMB2_BAD_MESSAGE_ID' } });
    await expect(echo(conn)).rejects.toMatchObject({ name: 'SMB2_BAD_MESSAGE_ID' });
  });

  it('a late answer to a request that timed out is dropped; the connection goes on', async () => {
    const late: Buffer[] = [];
    const { conn } = await connection((req, s) => {
      if (decodeHeader(req).messageId === 1n) late.push(answer(req));
      else {
        // The late answer comes first, then this one's.
        for (const a of late.splice(0)) s.push(a);
        s.push(answer(req));
      }
    });
    await expect(echo(conn, { timeoutMs: 50 })).rejects.toMatchObject({ layer: 'timeout' });
    expect(await echo(conn)).toBe(2n);
    expect(await echo(conn)).toBe(3n);
  });

  it('a request aborted or out of time while it was being written gives up its MessageId (nothing left in flight)', async () => {
    const ac = new AbortController();
    const { conn } = await connection(() => ac.abort());
    await expect(echo(conn, { signal: ac.signal })).rejects.toMatchObject({ layer: 'abort' });
    expect(conn.requestsInFlight).toBe(0);
  });

  it('an abort fails that request only', async () => {
    const held: Buffer[] = [];
    const { conn } = await connection((req, s) => {
      held.push(answer(req));
      if (held.length === 2) setTimeout(() => held.splice(0).forEach((a) => s.push(a)), 20);
    });
    const ac = new AbortController();
    const a = echo(conn, { signal: ac.signal });
    const b = echo(conn);
    ac.abort();
    await expect(a).rejects.toMatchObject({ layer: 'abort' });
    expect(await b).toBe(2n);
    expect(conn.requestsInFlight).toBe(0);
  });
});
