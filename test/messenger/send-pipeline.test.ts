/**
 * Pipelined message blocks (issue 12 goal 3) against our own receiver, which hands out message
 * group ids from 1 and refuses a 0xD7/0xD6 that does not name the open group ([MS-MSRP]
 * §2.2.3.2.2), and against scripted servers that misbehave: replies under a wrong Mid, extra
 * replies, silence, a server that accepts blocks under any group id. Samba as the peer:
 * pipeline-interop.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as net from 'node:net';
import { sendMessage, type SendPipelining, type SendResult } from '../../src/messenger/send.js';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../src/messenger/receiver.js';
import { netMessageBufferSend } from '../../src/messenger/api.js';
import { acceptDirectTcp } from '../../src/transport/nbss.js';
import { decodeMessageRequest, encodeMessageResponse } from '../../src/smb/smb1/message-commands.js';
import { MAX_PIPELINED_REQUESTS } from '../../src/smb/index.js';
import { startPipelineProxy, type PipelineProxy } from '../helpers/pipeline-proxy.js';

const MODES = ['off', 'after-start', 'full'] as const;

/** A text of `n` bytes that names itself, so a lost, doubled or reordered block shows. */
function textOf(tag: string, n: number): string {
  let s = `[${tag}]`;
  for (let i = 0; s.length < n; i++) s += ` ${i}`;
  return s.slice(0, n);
}

/** Round trips after the connection (Direct TCP: no session request) for `blocks` 0xD7s. */
function expectedRoundTrips(mode: (typeof MODES)[number], blocks: number): number {
  if (mode === 'off') return blocks + 2;
  // 0xD5 alone, then the text requests through a window of MAX_PIPELINED_REQUESTS: each reply
  // frees a place for the next request, so a round trip per window-full.
  // 'full' against group ids from 1 takes as many: the id-0 batch, then the blocks again under the right id.
  return 1 + Math.ceil((blocks + 1) / MAX_PIPELINED_REQUESTS);
}

describe('pipelined sends to our receiver (group ids from 1)', () => {
  let rx: Receiver;
  const got: ReceivedMessage[] = [];
  beforeAll(async () => {
    rx = await startReceiver({ port: 0, transport: 'direct', names: ['BOB'], onMessage: (m) => got.push(m) });
  });
  afterAll(async () => rx?.close());

  /** Sends and checks the text arrived exactly once, intact (the receiver delivers before it answers 0xD6). */
  async function sendOnce(text: string, pipeline: SendPipelining, maxBytes = 4096, port = rx.port): Promise<SendResult> {
    const before = got.length;
    const r = await sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'ALICE', text, pipeline, maxBytes, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: true, delivery: 'confirmed', netApiStatus: 0, status: null });
    expect(got.slice(before).map((m) => m.text)).toEqual([text]);
    return r;
  }

  for (const mode of MODES) {
    for (const bytes of [1, 128, 129, 652, 2000, 4096]) {
      it(`${mode}: ${bytes} bytes arrive once, intact, in the expected round trips`, async () => {
        const text = textOf(`${mode} ${bytes}`, bytes);
        const blocks = Math.ceil(bytes / 128);
        const r = await sendOnce(text, mode);
        expect(r).toMatchObject({ blocks, pipeline: mode, roundTrips: expectedRoundTrips(mode, blocks) });
        // 'full' guessed group 0; the receiver refused those blocks and they went again under its id.
        expect(r.pipelineRecovery).toBe(mode === 'full' ? 'group-resend' : null);
      });
    }
  }

  it('netMessageBufferSend passes the pipeline option on (library option)', async () => {
    const results: SendResult[] = [];
    const n = got.length;
    const status = await netMessageBufferSend(null, 'BOB', 'ALICE', textOf('api full', 300), { host: '127.0.0.1', port: rx.port, pipeline: 'full', onResult: (r) => results.push(r) });
    expect(status).toBe(0);
    expect(results[0]).toMatchObject({ pipeline: 'full', pipelineRecovery: 'group-resend' });
    expect(got.slice(n).map((m) => m.text)).toEqual([textOf('api full', 300)]);
  });

  it("'auto' is 'after-start'", async () => {
    const r = await sendOnce(textOf('auto', 300), 'auto');
    expect(r).toMatchObject({ pipeline: 'after-start', roundTrips: 2, blocks: 3, pipelineRecovery: null });
  });

  it('a refusal stops the sequence with the same error in every mode (the message is too long for the receiver)', async () => {
    const small = await startReceiver({ port: 0, transport: 'direct', maxMessageBytes: 200, onMessage: (m) => got.push(m) });
    try {
      const results = [];
      for (const pipeline of MODES) {
        results.push(await sendMessage({ host: '127.0.0.1', port: small.port, to: 'BOB', from: 'A', text: textOf(`long ${pipeline}`, 500), pipeline, timeoutMs: 5000 }));
      }
      for (const r of results) {
        // ERRSRV/ERRnoroom from the second 0xD7 (the receiver closes the group): failed, nothing shown.
        expect(r).toMatchObject({ ok: false, delivery: 'failed', status: { layer: 'dos', code: (2 << 16) | 83 } });
      }
      expect(got.some((m) => m.text.startsWith('[long'))).toBe(false);
      // Pipelined, the refused 0xD7 came while others were outstanding and the 0xD6 was refused: the
      // lock-step fallback ran (safe: nothing was shown) and met the same refusal.
      expect(results.map((r) => r.pipelineRecovery)).toEqual([null, 'lock-step', 'lock-step']);
      // A retry after such an attempt goes lock-step from the start.
      const retried = await sendMessage({ host: '127.0.0.1', port: small.port, to: 'BOB', from: 'A', text: textOf('long retried', 500), pipeline: 'after-start', retries: 1, retryDelayMs: 0, timeoutMs: 5000 });
      expect(retried).toMatchObject({ ok: false, delivery: 'failed', attempts: 2, pipeline: 'off', pipelineRecovery: null });
    } finally {
      await small.close();
    }
  });

  describe('through a proxy that watches the requests', () => {
    let proxy: PipelineProxy;
    afterEach(async () => proxy?.close());

    it("'full': every request written before the first reply, then the blocks again under the receiver's group id", async () => {
      const blocks = 3;
      const n = blocks + 2;
      // Replies are held until the client has sent all n requests: a client that reads between requests never completes.
      proxy = await startPipelineProxy({ upstream: { host: '127.0.0.1', port: rx.port }, releaseAt: () => n });
      const r = await sendOnce(textOf('full proxy', 300), 'full', 4096, proxy.port);
      expect(r).toMatchObject({ roundTrips: 2, pipelineRecovery: 'group-resend' });
      const log = proxy.connections[0]!;
      // n requests before the first reply; then the three 0xD7 and the 0xD6 again (n - 1 more).
      expect(log.requestsSeen).toEqual([...Array<number>(n).fill(n), ...Array<number>(n - 1).fill(2 * n - 1)]);
    });

    it("'after-start' against a server that takes one request at a time falls back to lock-step: the text arrives once", async () => {
      proxy = await startPipelineProxy({ upstream: { host: '127.0.0.1', port: rx.port }, oneAtATime: true });
      const r = await sendOnce(textOf('one at a time', 400), 'after-start', 4096, proxy.port);
      expect(r).toMatchObject({ pipelineRecovery: 'lock-step', blocks: 4 });
      expect(proxy.connections[0]!.refusedByProxy).toBeGreaterThan(0);
    });

    it("'full' against a server that takes one request at a time: group re-send, then lock-step; the text arrives once", async () => {
      proxy = await startPipelineProxy({ upstream: { host: '127.0.0.1', port: rx.port }, oneAtATime: true });
      const r = await sendOnce(textOf('full one at a time', 400), 'full', 4096, proxy.port);
      expect(r).toMatchObject({ pipelineRecovery: 'lock-step', blocks: 4 });
    });

    it('a text longer than the window keeps at most MAX_PIPELINED_REQUESTS outstanding', async () => {
      proxy = await startPipelineProxy({ upstream: { host: '127.0.0.1', port: rx.port } });
      const text = textOf('window', 4000);
      const r = await sendOnce(text, 'after-start', 4096, proxy.port);
      expect(r).toMatchObject({ blocks: 32, roundTrips: 1 + 3 });
      expect(proxy.connections[0]!.maxOutstanding).toBe(MAX_PIPELINED_REQUESTS);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Scripted servers
// ---------------------------------------------------------------------------------------------

/** What a scripted server answers to one decoded request: reply frames (possibly none, or several). */
type Script = (req: Buffer, state: { n: number }) => Buffer[];

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A Direct TCP server on 127.0.0.1 running `script` per request; returns its port. */
async function scripted(script: Script): Promise<number> {
  const server = net.createServer((sock) => {
    const s = acceptDirectTcp(sock);
    const state = { n: 0 };
    const loop = async (): Promise<void> => {
      for (;;) {
        const req = await s.receive({ timeoutMs: 5000 });
        for (const out of script(req, state)) await s.send(out);
        state.n++;
      }
    };
    loop().catch(() => s.close());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** Accepts everything; the 0xD5 reply names `groupId` (null: WordCount 0, as Samba). Records completed texts. */
function acceptAll(groupId: number | null, delivered: string[]): Script {
  let blocks: Buffer[] = [];
  return (req) => {
    const { header, request } = decodeMessageRequest(req);
    if (request.command === 0xd5) blocks = [];
    if (request.command === 0xd7) blocks.push(request.data);
    if (request.command === 0xd6) delivered.push(Buffer.concat(blocks).toString('latin1'));
    return [encodeMessageResponse(header, request.command === 0xd5 && groupId !== null ? { groupId } : {})];
  };
}

function send(port: number, pipeline: SendPipelining, text = 'x'.repeat(300), timeoutMs = 3000): Promise<SendResult> {
  return sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'A', text, pipeline, timeoutMs });
}

describe('pipelined sends to scripted servers', () => {
  it("'full' to a Samba-like server (0xD5 reply without a group id): one round trip", async () => {
    const delivered: string[] = [];
    const r = await send(await scripted(acceptAll(null, delivered)), 'full');
    expect(r).toMatchObject({ ok: true, roundTrips: 1, blocks: 3, pipelineRecovery: null });
    expect(delivered).toEqual(['x'.repeat(300)]);
  });

  it("'full' to a server that names group 7 but takes blocks under group 0: unconfirmed, GROUP_ID_MISMATCH, not sent again", async () => {
    const delivered: string[] = [];
    const r = await sendMessage({ host: '127.0.0.1', port: await scripted(acceptAll(7, delivered)), to: 'BOB', from: 'A', text: 'y'.repeat(300), pipeline: 'full', retries: 3, retryDelayMs: 0, timeoutMs: 3000 });
    expect(r).toMatchObject({ ok: false, delivery: 'unconfirmed', netApiStatus: 2136, attempts: 1, status: { layer: 'protocol', name: 'GROUP_ID_MISMATCH' } });
    expect(delivered).toEqual(['y'.repeat(300)]);
  });

  it("'after-start' to the same server uses group 7 and is confirmed", async () => {
    const delivered: string[] = [];
    const r = await send(await scripted(acceptAll(7, delivered)), 'after-start');
    expect(r).toMatchObject({ ok: true, roundTrips: 2 });
    expect(delivered).toHaveLength(1);
  });

  it('a refused block followed by an accepted 0xD6 (the server showed what it had): unconfirmed, no fallback, not retried', async () => {
    const delivered: string[] = [];
    const inner = acceptAll(null, delivered);
    // Refuses the second request (the first 0xD7) with ERRSRV/ERRerror, takes the rest; 0xD6 completes what it holds.
    const port = await scripted((req, st) => (st.n === 1 ? [encodeMessageResponse(decodeMessageRequest(req).header, { status: (1 << 16) | 2 })] : inner(req, st)));
    const r = await sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'A', text: 'w'.repeat(300), pipeline: 'after-start', retries: 2, retryDelayMs: 0, timeoutMs: 3000 });
    expect(r).toMatchObject({ ok: false, delivery: 'unconfirmed', attempts: 1, netApiStatus: 2136, pipelineRecovery: null, status: { layer: 'dos', name: 'ERRSRV/ERRerror' } });
    expect(delivered).toEqual(['w'.repeat(172)]);
  });

  for (const mode of ['after-start', 'full'] as const) {
    it(`${mode}: a reply under a Mid no request has is a MalformedError; the 0xD6 was written, so unconfirmed`, async () => {
      const inner = acceptAll(null, []);
      const port = await scripted((req, st) => inner(req, st).map((b) => (st.n === 1 ? Buffer.from(b).fill(0x77, 30, 32) : b)));
      const r = await send(port, mode);
      expect(r).toMatchObject({ ok: false, delivery: 'unconfirmed', netApiStatus: 2136, status: { layer: 'protocol', name: 'MALFORMED' } });
      expect(r.status!.message).toMatch(/Mid 30583 answers no outstanding request/);
    });

    it(`${mode}: an extra reply (the 0xD5 answered twice) is a MalformedError, not taken for another request`, async () => {
      const inner = acceptAll(null, []);
      const port = await scripted((req, st) => {
        const out = inner(req, st);
        return st.n === 0 ? [...out, ...out] : out;
      });
      const r = await send(port, mode);
      expect(r).toMatchObject({ ok: false, status: { layer: 'protocol', name: 'MALFORMED' } });
    });

    it(`${mode}: a reply whose command is not the oldest unanswered request's is a MalformedError`, async () => {
      const inner = acceptAll(null, []);
      const port = await scripted((req, st) => inner(req, st).map((b) => (st.n === 1 ? Buffer.from(b).fill(0xd6, 4, 5) : b)));
      const r = await send(port, mode);
      expect(r).toMatchObject({ ok: false, status: { layer: 'protocol', name: 'MALFORMED' } });
      expect(r.status!.message).toMatch(/answers command 0xD6, the request was 0xD7/);
    });

    it(`${mode}: a server that stops answering after the 0xD5 runs into the one deadline, naming the step`, async () => {
      const inner = acceptAll(null, []);
      const r = await send(await scripted((req, st) => (st.n === 0 ? inner(req, st) : [])), mode, 'z'.repeat(300), 700);
      expect(r).toMatchObject({ ok: false, delivery: 'unconfirmed', status: { layer: 'timeout' } });
      expect(r.status!.message).toMatch(/^SMB 0xD[57]: no answer within the 700 ms deadline$/);
    });
  }

  it('any reply stream, however mangled, ends in a typed result within the deadline (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<SendPipelining>('after-start', 'full'),
        fc.integer({ min: 1, max: 652 }),
        fc.array(fc.tuple(fc.nat(8), fc.nat(40), fc.nat(255)), { maxLength: 4 }),
        fc.nat(3),
        async (pipeline, bytes, mutations, extra) => {
          const inner = acceptAll(bytes % 2 === 0 ? null : 1 + (bytes % 5), []);
          const port = await scripted((req, st) => {
            let out = inner(req, st);
            for (const [at, offset, value] of mutations) {
              if (at === st.n) out = out.map((b) => (offset < b.length ? Buffer.from(b).fill(value, offset, offset + 1) : b));
            }
            if (extra === st.n) out = [...out, ...out];
            return out;
          });
          const r = await send(port, pipeline, 'q'.repeat(bytes), 1500);
          expect(['confirmed', 'failed', 'unconfirmed']).toContain(r.delivery);
          expect(r.ok).toBe(r.delivery === 'confirmed');
          if (!r.ok) expect(r.status).toMatchObject({ layer: expect.any(String), name: expect.any(String) });
          for (const s of servers.splice(0)) await new Promise((res) => s.close(res));
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('every mode delivers any text exactly once to any of the servers (property)', () => {
  let rx: Receiver;
  const got: ReceivedMessage[] = [];
  beforeAll(async () => {
    rx = await startReceiver({ port: 0, transport: 'direct', onMessage: (m) => got.push(m) });
  });
  afterAll(async () => rx?.close());

  it('receiver (ids from 1) and a Samba-like server (no id), every mode, 1..4096 bytes', async () => {
    const samba: string[] = [];
    const sambaPort = await scripted(acceptAll(null, samba));
    let tag = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...MODES), fc.integer({ min: 1, max: 4096 }), fc.boolean(), async (pipeline, bytes, toReceiver) => {
        const text = textOf(`p${tag++}`, bytes);
        const arrived = (): string[] => (toReceiver ? got.map((m) => m.text) : samba);
        const before = arrived().length;
        const r = await sendMessage({ host: '127.0.0.1', port: toReceiver ? rx.port : sambaPort, to: 'BOB', from: 'A', text, pipeline, maxBytes: 4096, timeoutMs: 5000 });
        expect(r.ok).toBe(true);
        // Both servers record a message before they answer its 0xD6: a second copy would be here already.
        expect(arrived().slice(before)).toEqual([text]);
      }),
      { numRuns: 60 },
    );
  });
});
