import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import fc from 'fast-check';
import { sendMessage } from '../../src/messenger/send.js';
import { startReceiver, type Receiver } from '../../src/messenger/receiver.js';
import { decodeMessageResponse, encodeMessageRequest, type MessageRequest } from '../../src/smb/smb1/message-commands.js';
import { splitNbssFrames } from '../../src/pcap/reader.js';

/** A TCP peer that accepts and then says nothing (a hung message server). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  const port = await new Promise<number>((res) => srv.listen(0, '127.0.0.1', () => res((srv.address() as net.AddressInfo).port)));
  return {
    port,
    close: () =>
      new Promise<void>((res) => {
        for (const s of sockets) s.destroy();
        srv.close(() => res());
      }),
  };
}

describe('sendMessage failure paths', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    silent = await silentServer();
  });
  afterAll(async () => {
    await silent?.close();
  });

  it('a peer that never answers ends in TIMEOUT -> NERR_NetworkError', async () => {
    const r = await sendMessage({ host: '127.0.0.1', port: silent.port, to: 'BOB', from: 'A', text: 'x', timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, delivery: 'failed', netApiStatus: 2136, status: { layer: 'timeout', name: 'TIMEOUT' }, blocks: 0 });
  });

  it('an abort ends in ABORTED -> ERROR_OPERATION_ABORTED', async () => {
    const ac = new AbortController();
    const p = sendMessage({ host: '127.0.0.1', port: silent.port, to: 'BOB', from: 'A', text: 'x', signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await p).toMatchObject({ ok: false, netApiStatus: 995, status: { layer: 'abort' } });
    const pre = new AbortController();
    pre.abort();
    expect((await sendMessage({ host: '127.0.0.1', port: silent.port, to: 'BOB', from: 'A', text: 'x', signal: pre.signal })).netApiStatus).toBe(995);
  });

  it('a peer answering with garbage gives a protocol error -> NERR_NetworkError', async () => {
    const srv = net.createServer((s) => {
      s.on('error', () => {});
      s.once('data', () => s.write(Buffer.from([0, 0, 0, 4, 1, 2, 3, 4])));
    });
    const port = await new Promise<number>((res) => srv.listen(0, '127.0.0.1', () => res((srv.address() as net.AddressInfo).port)));
    try {
      const r = await sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'A', text: 'x', timeoutMs: 2000 });
      expect(r).toMatchObject({ ok: false, netApiStatus: 2136, status: { layer: 'protocol', name: 'MALFORMED' } });
    } finally {
      srv.close();
    }
  });
});

describe('sendMessage retries (no peer needed)', () => {
  async function closedPort(): Promise<number> {
    const srv = net.createServer();
    const port = await new Promise<number>((res) => srv.listen(0, '127.0.0.1', () => res((srv.address() as net.AddressInfo).port)));
    await new Promise<void>((res) => srv.close(() => res()));
    return port;
  }

  it('refuses bad retry options before any traffic (usage)', async () => {
    for (const bad of [{ retries: -1 }, { retries: 1.5 }, { retries: 101 }, { retryDelayMs: -1 }]) {
      await expect(sendMessage({ host: '127.0.0.1', port: 9, to: 'BOB', from: 'A', text: 'x', ...bad })).rejects.toMatchObject({ layer: 'usage' });
    }
  });

  it('a refused connection is failed and tried 1 + retries times', async () => {
    const port = await closedPort();
    expect(await sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'A', text: 'x' })).toMatchObject({ delivery: 'failed', attempts: 1 });
    expect(await sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'A', text: 'x', retries: 2, retryDelayMs: 0 })).toMatchObject({ delivery: 'failed', attempts: 3, status: { name: 'ECONNREFUSED' } });
  });

  it('an aborted send is not retried', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await sendMessage({ host: '127.0.0.1', port: 9, to: 'BOB', from: 'A', text: 'x', retries: 3, signal: ac.signal })).toMatchObject({ delivery: 'failed', attempts: 1, status: { layer: 'abort' } });
  });
});

describe('receiver under random command sequences (property)', () => {
  let rx: Receiver;
  let delivered = 0;
  beforeAll(async () => {
    rx = await startReceiver({ port: 0, onMessage: () => delivered++, maxMessageBytes: 300, maxBlocks: 4 });
  });
  afterAll(async () => {
    await rx?.close();
  });

  const name = fc.constantFrom('A', 'BOB', 'CAROL');
  const req: fc.Arbitrary<MessageRequest> = fc.oneof(
    fc.record({ command: fc.constant(0xd0 as const), from: name.map(Buffer.from), to: name.map(Buffer.from), data: fc.uint8Array({ maxLength: 128 }).map(Buffer.from) }),
    fc.record({ command: fc.constant(0xd5 as const), from: name.map(Buffer.from), to: name.map(Buffer.from) }),
    fc.record({ command: fc.constant(0xd7 as const), groupId: fc.integer({ min: 0, max: 3 }), data: fc.uint8Array({ maxLength: 128 }).map(Buffer.from) }),
    fc.record({ command: fc.constant(0xd6 as const), groupId: fc.integer({ min: 0, max: 3 }) }),
  );

  it('answers every request of any sequence with a well-formed reply to the same command', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(req, { minLength: 1, maxLength: 12 }), async (reqs) => {
        const frames = reqs.map((r) => {
          const m = encodeMessageRequest(r);
          const h = Buffer.alloc(4);
          h.writeUInt32BE(m.length);
          return Buffer.concat([h, m]);
        });
        // Keep the connection open until every reply is in (or the receiver closes it).
        const data = await new Promise<Buffer>((resolve, reject) => {
          const s = net.connect({ host: rx.host, port: rx.port }, () => s.write(Buffer.concat(frames)));
          let got = Buffer.alloc(0);
          const complete = (): boolean => {
            try {
              return splitNbssFrames(got).length >= reqs.length;
            } catch {
              return false; // a frame is still partial
            }
          };
          s.on('data', (d) => {
            got = Buffer.concat([got, d]);
            if (complete()) s.destroy();
          });
          s.on('close', () => resolve(got));
          s.on('error', reject);
        });
        const replies = splitNbssFrames(data).map((f) => decodeMessageResponse(f.body));
        expect(replies.map((r) => r.command)).toEqual(reqs.map((r) => r.command));
      }),
      { numRuns: 40 },
    );
    expect((await sendMessage({ host: rx.host, port: rx.port, to: 'bob', from: 'A', text: 'still fine' })).ok).toBe(true);
  });
});

describe('our own traffic, recorded and read back', () => {
  it('a capture of sendMessage holds exactly the requests and replies of the exchange', async () => {
    const { CaptureFile } = await import('../../src/pcap/writer.js');
    const { readCapture, tcpStreams } = await import('../../src/pcap/reader.js');
    const { decodeMessageRequest } = await import('../../src/smb/smb1/message-commands.js');
    const rx = await startReceiver({ port: 0, onMessage: () => {} });
    const cap = new CaptureFile(null);
    try {
      const text = 'z'.repeat(200);
      const r = await sendMessage({ host: rx.host, port: rx.port, to: 'bob', from: 'REC', text, tap: cap.tap('client') });
      expect(r.ok).toBe(true);
    } finally {
      await rx.close();
    }
    const [stream] = tcpStreams(readCapture(cap.toBuffer()).packets);
    const requests = splitNbssFrames(stream!.clientData).map((f) => decodeMessageRequest(f.body).request);
    expect(requests.map((q) => q.command)).toEqual([0xd5, 0xd7, 0xd7, 0xd6]);
    expect(requests[0]).toEqual({ command: 0xd5, from: Buffer.from('REC'), to: Buffer.from('BOB') });
    const replies = splitNbssFrames(stream!.serverData).map((f) => decodeMessageResponse(f.body));
    expect(replies.map((x) => x.command)).toEqual([0xd5, 0xd7, 0xd7, 0xd6]);
    expect(replies[0]!.groupId).not.toBeNull();
    const d7 = requests.filter((q) => q.command === 0xd7) as Array<{ groupId: number; data: Buffer }>;
    expect(d7.map((q) => q.groupId)).toEqual([replies[0]!.groupId, replies[0]!.groupId]);
    expect(Buffer.concat(d7.map((q) => q.data)).toString()).toBe('z'.repeat(200));
  });
});
