import { afterEach, describe, expect, it } from 'vitest';
import { onlyNetsendErrors } from '../helpers/oracle.js';
import fc from 'fast-check';
import net from 'node:net';
import { AbortError, MalformedError, NetsendError, TimeoutError } from '../../src/status/error.js';
import { ByteStream, connectTcp } from '../../src/transport/tcp.js';
import {
  acceptDirectTcp,
  acceptNbss,
  connectSmbTransport,
  decodeDirectTcpHeader,
  decodeNbssHeader,
  decodeNbssPacket,
  decodeRetarget,
  decodeSessionRequest,
  encodeDirectTcpFrame,
  encodeNbssPacket,
  encodeRetarget,
  encodeSessionRequest,
  FramedMessageStream,
  NBSS_TYPE,
  NbssSession,
  openDirectTcp,
  openNbssSession,
  type SessionDecision,
} from '../../src/transport/nbss.js';
import { netbiosName, type NetbiosName } from '../../src/transport/names.js';
import { loadCaptureStreams } from '../helpers/fixtures.js';
import { splitNbssFrames } from '../../src/pcap/reader.js';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { CaptureFile, TcpRecorder } from '../../src/pcap/writer.js';
import { tsharkAvailable, tsharkDecode } from '../helpers/tshark.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

async function rejection(p: Promise<unknown>): Promise<NetsendError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NetsendError);
    return e as NetsendError;
  }
  throw new Error('expected a rejection');
}

/** A loopback TCP server whose connection handler the test scripts. */
async function tinyServer(onConn: (s: net.Socket) => void): Promise<{ port: number; sockets: net.Socket[]; close(): Promise<void> }> {
  const sockets: net.Socket[] = [];
  const srv = net.createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    onConn(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

const readers = new WeakMap<net.Socket, ByteStream>();
/** Reads exactly n bytes a server-side socket received (through the foundation's ByteStream). */
function readN(s: net.Socket, n: number): Promise<Buffer> {
  let r = readers.get(s);
  if (!r) {
    r = new ByteStream(s);
    readers.set(s, r);
  }
  return r.read(n, { timeoutMs: 10_000 });
}

const REQUEST_LEN = 4 + 68;
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

describe('NBSS codec', () => {
  const capture = loadCaptureStreams('smbclient-M-port139.pcap')[0]!;
  const clientFrames = splitNbssFrames(capture.clientData);
  const serverFrames = splitNbssFrames(capture.serverData);

  it('decodes the session request smbclient -M sent (capture) and re-encodes it byte for byte', () => {
    const first = clientFrames[0]!;
    expect(first.type).toBe(NBSS_TYPE.SESSION_REQUEST);
    const req = decodeSessionRequest(first.body);
    expect(req.called).toEqual({ name: 'LABSRV', suffix: 0x03 });
    expect(req.calling).toEqual({ name: 'SENDERPC', suffix: 0x00 });
    const wire = encodeNbssPacket(NBSS_TYPE.SESSION_REQUEST, encodeSessionRequest(req.called, req.calling));
    expect(wire).toEqual(capture.clientData.subarray(0, wire.length));
    expect(wire.subarray(0, 4).toString('hex')).toBe('81000044');
  });

  it("decodes Samba's positive response from the capture", () => {
    expect(serverFrames[0]).toMatchObject({ type: NBSS_TYPE.POSITIVE_SESSION_RESPONSE });
    expect(capture.serverData.subarray(0, 4).toString('hex')).toBe('82000000');
    expect(decodeNbssPacket(capture.serverData.subarray(0, 4))).toEqual({ type: 0x82, body: Buffer.alloc(0) });
  });

  it('encodes negative, retarget and keepalive packets (RFC 1002 §4.3.4-4.3.7)', () => {
    expect(encodeNbssPacket(NBSS_TYPE.NEGATIVE_SESSION_RESPONSE, Buffer.from([0x82])).toString('hex')).toBe('8300000182');
    expect(encodeNbssPacket(NBSS_TYPE.RETARGET_SESSION_RESPONSE, encodeRetarget('10.1.2.3', 139)).toString('hex')).toBe('840000060a010203008b');
    expect(encodeNbssPacket(NBSS_TYPE.SESSION_KEEP_ALIVE).toString('hex')).toBe('85000000');
    expect(decodeRetarget(Buffer.from('0a010203008b', 'hex'))).toEqual({ address: '10.1.2.3', port: 139 });
  });

  it('uses flags bit 0 as length bit 16, up to 0x1FFFF', () => {
    const big = encodeNbssPacket(0, Buffer.alloc(0x1ffff));
    expect(big.subarray(0, 4).toString('hex')).toBe('0001ffff');
    expect(decodeNbssHeader(big.subarray(0, 4))).toEqual({ type: 0, length: 0x1ffff });
    expect(() => encodeNbssPacket(0, Buffer.alloc(0x20000))).toThrow(NetsendError);
    expect(() => decodeNbssHeader(Buffer.from('00020000', 'hex'))).toThrow(MalformedError);
    expect(decodeNbssHeader(Buffer.from('00020000', 'hex'), true)).toEqual({ type: 0, length: 0x20000 });
    expect(() => decodeNbssHeader(Buffer.from('86000000', 'hex'))).toThrow(/unknown packet type/);
  });

  it('Direct TCP header is a zero byte and 24-bit length ([MS-SMB2] §2.1)', () => {
    expect(encodeDirectTcpFrame(Buffer.alloc(0x123456 - 0x100000)).subarray(0, 4).toString('hex')).toBe('00023456');
    expect(decodeDirectTcpHeader(Buffer.from('00ffffff', 'hex'))).toBe(0xffffff);
    expect(() => decodeDirectTcpHeader(Buffer.from('01000000', 'hex'))).toThrow(MalformedError);
  });

  const nameArb: fc.Arbitrary<NetbiosName> = fc
    .tuple(fc.stringMatching(/^[A-Z0-9_-]{1,15}$/), fc.integer({ min: 0, max: 255 }))
    .map(([n, s]) => netbiosName(n, s));

  it('round-trips packets, session requests and retargets (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(NBSS_TYPE)), fc.uint8Array({ maxLength: 600 }), (type, body) => {
        const p = decodeNbssPacket(encodeNbssPacket(type, Buffer.from(body)));
        expect(p.type).toBe(type);
        expect(p.body).toEqual(Buffer.from(body));
      }),
    );
    fc.assert(
      fc.property(nameArb, nameArb, (a, b) => {
        expect(decodeSessionRequest(encodeSessionRequest(a, b))).toEqual({ called: a, calling: b });
      }),
    );
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (ip, port) => {
        expect(decodeRetarget(encodeRetarget(ip, port))).toEqual({ address: ip, port });
      }),
    );
  });

  it('random or truncated input only throws NetsendError (fuzz)', () => {
    const only = onlyNetsendErrors;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (a) => {
        const b = Buffer.from(a);
        only(() => decodeNbssPacket(b));
        only(() => decodeNbssHeader(b));
        only(() => decodeSessionRequest(b));
        only(() => decodeRetarget(b));
        only(() => decodeDirectTcpHeader(b));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(nameArb, nameArb, fc.nat(), (a, b, cut) => {
        const body = encodeSessionRequest(a, b);
        expect(() => decodeSessionRequest(body.subarray(0, cut % body.length))).toThrow(NetsendError);
        const pkt = encodeNbssPacket(0x81, body);
        expect(() => decodeNbssPacket(pkt.subarray(0, cut % pkt.length))).toThrow(NetsendError);
      }),
    );
  });
});

describe('NBSS client against scripted local servers', () => {
  it('maps a negative response 83 00 00 01 82 to NBSS_CALLED_NAME_NOT_PRESENT', async () => {
    let request: Buffer | null = null;
    const srv = await tinyServer(async (s) => {
      request = await readN(s, REQUEST_LEN);
      s.end(Buffer.from('8300000182', 'hex'));
    });
    servers.push(srv);
    const e = await rejection(openNbssSession({ host: '127.0.0.1', port: srv.port, calledName: 'BOB<03>', callingName: 'ME', timeoutMs: 5000 }));
    expect(e.layer).toBe('nbss');
    expect(e.code).toBe(0x82);
    expect(e.name).toBe('NBSS_CALLED_NAME_NOT_PRESENT');
    expect(e.message).toContain('BOB<03>');
    expect(decodeSessionRequest(request!.subarray(4)).called).toEqual({ name: 'BOB', suffix: 3 });
    expect(request!.subarray(4, 4 + 34).toString('latin1')).toBe(' ECEPEC' + 'CA'.repeat(12) + 'AD\0');
  });

  it('follows one retarget, refuses a second, and refuses when followRetarget is 0', async () => {
    const target = await tinyServer(async (s) => {
      await readN(s, REQUEST_LEN);
      s.write(Buffer.from('82000000', 'hex'));
      const msg = await readN(s, 4 + 5);
      s.write(msg); // echo
    });
    servers.push(target);
    const redirector = await tinyServer(async (s) => {
      await readN(s, REQUEST_LEN);
      s.end(encodeNbssPacket(NBSS_TYPE.RETARGET_SESSION_RESPONSE, encodeRetarget('127.0.0.1', target.port)));
    });
    servers.push(redirector);
    const session = await openNbssSession({ host: '127.0.0.1', port: redirector.port, calledName: 'HOST<20>', timeoutMs: 5000 });
    expect(session).toBeInstanceOf(NbssSession);
    await session.send(Buffer.from('hello'));
    expect((await session.receive({ timeoutMs: 5000 })).toString()).toBe('hello');
    session.close();

    const e = await rejection(openNbssSession({ host: '127.0.0.1', port: redirector.port, followRetarget: 0, timeoutMs: 5000 }));
    expect(e).toMatchObject({ layer: 'nbss', name: 'NBSS_RETARGET' });

    // A chain of two retargets exceeds the default of one.
    const second = await tinyServer(async (s) => {
      await readN(s, REQUEST_LEN);
      s.end(encodeNbssPacket(NBSS_TYPE.RETARGET_SESSION_RESPONSE, encodeRetarget('127.0.0.1', redirector.port)));
    });
    servers.push(second);
    const e2 = await rejection(openNbssSession({ host: '127.0.0.1', port: second.port, timeoutMs: 5000 }));
    expect(e2.name).toBe('NBSS_RETARGET');
  });

  it('times out and aborts while the server never answers', async () => {
    const srv = await tinyServer(() => undefined);
    servers.push(srv);
    const t = await rejection(openNbssSession({ host: '127.0.0.1', port: srv.port, timeoutMs: 200 }));
    expect(t).toBeInstanceOf(TimeoutError);
    const ac = new AbortController();
    const p = openNbssSession({ host: '127.0.0.1', port: srv.port, timeoutMs: 60_000, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user')), 50);
    expect(await rejection(p)).toBeInstanceOf(AbortError);
  });

  it('reports a closed port as a socket ECONNREFUSED error', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const e = await rejection(openNbssSession({ host: '127.0.0.1', port, timeoutMs: 5000 }));
    expect(e.layer).toBe('socket');
    expect(e.name).toBe('ECONNREFUSED');
    const d = await rejection(connectSmbTransport({ host: '127.0.0.1', port, timeoutMs: 5000 }));
    expect(d.name).toBe('ECONNREFUSED');
  });

  it('rejects malformed or oversized responses and closes', async () => {
    const bad = await tinyServer(async (s) => {
      await readN(s, REQUEST_LEN);
      s.write(Buffer.from('00000005hello', 'hex').subarray(0, 4)); // a session message before the response
    });
    servers.push(bad);
    expect(await rejection(openNbssSession({ host: '127.0.0.1', port: bad.port, timeoutMs: 5000 }))).toBeInstanceOf(MalformedError);
    const huge = await tinyServer(async (s) => {
      await readN(s, REQUEST_LEN);
      s.write(Buffer.from('8301ffff', 'hex'));
    });
    servers.push(huge);
    expect(await rejection(openNbssSession({ host: '127.0.0.1', port: huge.port, timeoutMs: 5000 }))).toBeInstanceOf(MalformedError);
  });

  it('skips keepalives, rejects a frame over the cap and closes', async () => {
    const srv = await tinyServer(async (s) => {
      await readN(s, REQUEST_LEN);
      s.write(Buffer.from('82000000' + '85000000' + '00000002abcd' + '85000000' + '000007d0', 'hex'));
    });
    servers.push(srv);
    const session = await openNbssSession({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000, maxFrame: 1000 });
    expect((await session.receive({ timeoutMs: 5000 })).toString('hex')).toBe('abcd');
    const e = await rejection(session.receive({ timeoutMs: 5000 }));
    expect(e).toBeInstanceOf(MalformedError);
    expect(e.message).toContain('2000 bytes exceeds the limit of 1000');
    expect(session.closed).toBe(true);
  });

  it('Direct TCP: frames both ways, keepalives skipped, configurable cap', async () => {
    const srv = await tinyServer(async (s) => {
      const hdr = await readN(s, 4);
      const body = await readN(s, hdr.readUInt32BE(0));
      s.write(Buffer.from('85000000', 'hex'));
      s.write(encodeDirectTcpFrame(body));
      s.write(Buffer.from('85000000' + '81000000', 'hex'));
    });
    servers.push(srv);
    const d = await openDirectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000 });
    // 1 MiB + 64 KiB by default: a frame header announcing more is refused before its body.
    expect(d.maxFrame).toBe(1024 * 1024 + 64 * 1024);
    const payload = Buffer.alloc(200_000, 7);
    await d.send(payload);
    expect(await d.receive({ timeoutMs: 5000 })).toEqual(payload);
    expect(await rejection(d.receive({ timeoutMs: 5000 }))).toBeInstanceOf(MalformedError);
    expect(d.closed).toBe(true);

    const over = await tinyServer((s) => s.write(Buffer.from('00ffffff', 'hex')));
    servers.push(over);
    const d2 = await connectSmbTransport({ host: '127.0.0.1', port: over.port, timeoutMs: 5000, maxFrame: 1 << 20 });
    expect(d2).toBeInstanceOf(FramedMessageStream);
    expect((await rejection(d2.receive({ timeoutMs: 5000 }))).message).toContain('exceeds the limit');
  });

  it('a receive that times out mid-frame resumes the same frame next time', async () => {
    let sock: net.Socket | null = null;
    const srv = await tinyServer((s) => {
      sock = s;
      s.write(Buffer.from('0000000a0102', 'hex'));
    });
    servers.push(srv);
    const d = await openDirectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000 });
    expect(await rejection(d.receive({ timeoutMs: 100 }))).toBeInstanceOf(TimeoutError);
    sock!.write(Buffer.from('030405060708090a', 'hex'));
    expect((await d.receive({ timeoutMs: 5000 })).toString('hex')).toBe('0102030405060708090a');
    d.close();
  });

  it('sendNow: a message the kernel takes at once gives null and arrives framed; an aborted signal rejects', async () => {
    const srv = await tinyServer(() => undefined);
    servers.push(srv);
    const d = await openDirectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000 });
    expect(d.sendNow(Buffer.from('0102', 'hex'), { timeoutMs: 5000 })).toBeNull();
    while (srv.sockets.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect((await readN(srv.sockets[0]!, 6)).toString('hex')).toBe('000000020102');
    const ac = new AbortController();
    ac.abort();
    expect(await rejection(d.sendNow(Buffer.from('03', 'hex'), { signal: ac.signal })!)).toBeInstanceOf(AbortError);
    d.close();
  });

  it('push mode (listen): messages split across writes, several in one write, keepalives skipped, buffered ones first; stop; then receive again', async () => {
    let sock: net.Socket | null = null;
    const srv = await tinyServer((s) => {
      sock = s;
      // Already buffered before anyone listens: one message.
      s.write(encodeDirectTcpFrame(Buffer.from('aa', 'hex')));
    });
    servers.push(srv);
    const d = await openDirectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000 });
    for (let i = 0; i < 100 && d.stream.buffered < 5; i++) await new Promise((r) => setTimeout(r, 10));
    const got: string[] = [];
    const errors: NetsendError[] = [];
    let wake: () => void = () => undefined;
    const stop = d.listen(
      (m) => {
        got.push(m.toString('hex'));
        wake();
      },
      (e) => errors.push(e),
    );
    // receive() is refused while listening.
    expect((await rejection(d.receive({ timeoutMs: 100 }))).name).toBe('EBUSY');
    const until = (n: number): Promise<void> => new Promise<void>((r) => (wake = () => got.length >= n && r())).then(() => undefined);
    const two = until(3);
    const frames = Buffer.concat([encodeDirectTcpFrame(Buffer.from('0102', 'hex')), Buffer.from('85000000', 'hex'), encodeDirectTcpFrame(Buffer.alloc(0))]);
    sock!.write(frames.subarray(0, 3));
    await new Promise((r) => setTimeout(r, 20));
    sock!.write(frames.subarray(3));
    await two;
    expect(got).toEqual(['aa', '0102', '']);
    stop();
    // Stopped: the next message waits for receive().
    sock!.write(encodeDirectTcpFrame(Buffer.from('bb', 'hex')));
    expect((await d.receive({ timeoutMs: 5000 })).toString('hex')).toBe('bb');
    expect(got).toHaveLength(3);
    expect(errors).toEqual([]);
    d.close();
  });

  it('push mode: a frame over the cap is onError MALFORMED and closes; a peer that closes mid-frame is onError ECONNRESET, once', async () => {
    for (const [bytes, name] of [
      [Buffer.from('00ffffff', 'hex'), 'MALFORMED'],
      [Buffer.from('0000000a0102', 'hex'), 'ECONNRESET'],
    ] as const) {
      const srv = await tinyServer((s) => {
        s.write(bytes);
        setTimeout(() => s.destroy(), 50);
      });
      servers.push(srv);
      const d = await openDirectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000, maxFrame: 1 << 20 });
      const errors = await new Promise<NetsendError[]>((resolve) => {
        const seen: NetsendError[] = [];
        d.listen(
          () => seen.push(new NetsendError('usage', 0, 'UNEXPECTED', 'a message')),
          (e) => {
            seen.push(e);
            setTimeout(() => resolve(seen), 100);
          },
        );
      });
      expect(errors.map((e) => e.name)).toEqual([name]);
      expect(d.closed).toBe(true);
    }
  });

  it('wraps an injected ByteStream', async () => {
    const srv = await tinyServer(async (s) => {
      await readN(s, REQUEST_LEN);
      s.write(Buffer.from('82000000', 'hex'));
    });
    servers.push(srv);
    const stream = await connectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000 });
    const session = await openNbssSession({ host: 'ignored', stream, calledName: 'X<03>', timeoutMs: 5000 });
    expect(session.stream).toBe(stream);
    session.close();
  });
});

describe('NBSS server side (acceptNbss / acceptDirectTcp)', () => {
  async function acceptingServer(decide: (called: NetbiosName, calling: NetbiosName) => SessionDecision) {
    const results: Promise<NbssSession>[] = [];
    const srv = await tinyServer((s) => {
      const p = acceptNbss(s, { onSessionRequest: decide, timeoutMs: 5000 });
      p.catch(() => undefined);
      results.push(p);
    });
    servers.push(srv);
    return { srv, results };
  }

  it('accepts a session and carries messages both ways', async () => {
    const { srv, results } = await acceptingServer(() => 'accept');
    const client = await openNbssSession({ host: '127.0.0.1', port: srv.port, calledName: 'RECV<03>', callingName: 'SEND', timeoutMs: 5000 });
    const server = await results[0]!;
    expect(server.called).toEqual({ name: 'RECV', suffix: 3 });
    expect(server.calling).toEqual({ name: 'SEND', suffix: 0 });
    await client.sendKeepalive();
    await client.send(Buffer.from('ping'));
    expect((await server.receive({ timeoutMs: 5000 })).toString()).toBe('ping');
    await server.send(Buffer.alloc(0x1ffff, 1));
    expect((await client.receive({ timeoutMs: 5000 })).length).toBe(0x1ffff);
    client.close();
    server.close();
  });

  it('sendMany: any list of messages, written as one buffer, arrives as the same messages in order (NBSS and Direct TCP)', async () => {
    const accepted: Promise<FramedMessageStream>[] = [];
    const nbss = await acceptingServer(() => 'accept');
    const direct = await tinyServer((s) => accepted.push(Promise.resolve(acceptDirectTcp(s))));
    servers.push(direct);
    const nbssClient = await openNbssSession({ host: '127.0.0.1', port: nbss.srv.port, calledName: 'RECV<03>', timeoutMs: 5000 });
    const directClient = await openDirectTcp({ host: '127.0.0.1', port: direct.port, timeoutMs: 5000 });
    const pairs: Array<[FramedMessageStream, Promise<FramedMessageStream>]> = [
      [nbssClient, nbss.results[0]!],
      [directClient, accepted[0]!],
    ];
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), async (messages) => {
          for (const [client, server] of pairs) {
            await client.sendMany(messages.map((m) => Buffer.from(m)), { timeoutMs: 5000 });
            const peer = await server;
            for (const m of messages) expect(await peer.receive({ timeoutMs: 5000 })).toEqual(Buffer.from(m));
          }
        }),
        { numRuns: 50 },
      );
    } finally {
      nbssClient.close();
      directClient.close();
    }
  });

  it('refuses with the chosen error byte and retargets', async () => {
    const { srv, results } = await acceptingServer((called) => (called.suffix === 3 ? { refuse: 0x82 } : { retarget: { address: '127.0.0.1', port: 9 } }));
    const e = await rejection(openNbssSession({ host: '127.0.0.1', port: srv.port, calledName: 'NOBODY<03>', timeoutMs: 5000 }));
    expect(e).toMatchObject({ layer: 'nbss', code: 0x82, name: 'NBSS_CALLED_NAME_NOT_PRESENT' });
    const se = await rejection(results[0]!);
    expect(se).toMatchObject({ layer: 'nbss', code: 0x82 });
    const r = await rejection(openNbssSession({ host: '127.0.0.1', port: srv.port, calledName: 'X<20>', followRetarget: 0, timeoutMs: 5000 }));
    expect(r.name).toBe('NBSS_RETARGET');
  });

  it('answers an undecodable session request with 83 00 00 01 82, as Samba does', async () => {
    const { srv, results } = await acceptingServer(() => 'accept');
    const raw = await connectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000 });
    await raw.write(encodeNbssPacket(NBSS_TYPE.SESSION_REQUEST, Buffer.from('abcd')));
    expect((await raw.read(5, { timeoutMs: 5000 })).toString('hex')).toBe('8300000182');
    expect(await rejection(results[0]!)).toBeInstanceOf(MalformedError);
    raw.close();
  });

  it('rejects a peer that skips the session request, and one that never sends it', async () => {
    const { srv, results } = await acceptingServer(() => 'accept');
    const raw = await connectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000 });
    await raw.write(Buffer.from('00000004ffSMB', 'hex').subarray(0, 4));
    await raw.write(Buffer.from('ff534d42', 'hex'));
    expect(await rejection(results[0]!)).toBeInstanceOf(MalformedError);
    raw.close();

    const idle = await tinyServer((s) => {
      const p = acceptNbss(s, { onSessionRequest: () => 'accept', timeoutMs: 150 });
      p.catch(() => undefined);
      results.push(p);
    });
    servers.push(idle);
    const raw2 = await connectTcp({ host: '127.0.0.1', port: idle.port, timeoutMs: 5000 });
    expect(await rejection(results[1]!)).toBeInstanceOf(TimeoutError);
    raw2.close();
  });

  it('acceptDirectTcp applies its cap and idle timeout', async () => {
    const got: FramedMessageStream[] = [];
    const srv = await tinyServer((s) => got.push(acceptDirectTcp(new ByteStream(s), { maxFrame: 10, idleTimeoutMs: 100 })));
    servers.push(srv);
    const c = await openDirectTcp({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000 });
    while (got.length === 0) await new Promise((r) => setTimeout(r, 10));
    const server = got[0]!;
    expect(await rejection(server.receive())).toBeInstanceOf(TimeoutError);
    await c.send(Buffer.from('0123456789'));
    expect((await server.receive()).toString()).toBe('0123456789');
    await c.send(Buffer.from('0123456789A'));
    expect(await rejection(server.receive())).toBeInstanceOf(MalformedError);
    c.close();
  });
});

/** SMB1 NEGOTIATE offering only "NT LM 0.12" ([MS-CIFS] §2.2.4.52.1). */
function smb1Negotiate(): Buffer {
  const hdr = Buffer.alloc(32);
  hdr.write('\xffSMB', 0, 'latin1');
  hdr[4] = 0x72;
  hdr[9] = 0x18; // flags: case-insensitive, canonicalized paths
  hdr.writeUInt16LE(0xc001, 10); // flags2: unicode, NT status, long names
  hdr.writeUInt16LE(0xfeff, 26); // PID
  const dialect = Buffer.from('\x02NT LM 0.12\0', 'latin1');
  const params = Buffer.alloc(3);
  params[0] = 0; // WordCount
  params.writeUInt16LE(dialect.length, 1);
  return Buffer.concat([hdr, params, dialect]);
}

describe.runIf(interopEnabled())('NBSS and Direct TCP against a real Samba', () => {
  const samba = useSamba();

  it('opens an NBSS session to NAME<03> on 139 and exchanges an SMB1 NEGOTIATE (tshark checks the recording)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-nbss-'));
    const file = path.join(dir, 'nbss.pcap');
    const cap = new CaptureFile(file);
    const tap = new TcpRecorder(cap, { address: '10.0.0.1', port: 50139 }, { address: '10.0.0.2', port: 139 });
    try {
      const s = await openNbssSession({ host: samba.host, calledName: `${samba.netbiosName}<03>`, callingName: 'NSTEST', timeoutMs: 10_000, tap });
      await s.sendKeepalive();
      await s.send(smb1Negotiate());
      const resp = await s.receive({ timeoutMs: 10_000 });
      expect(resp.subarray(0, 4).toString('latin1')).toBe('\xffSMB');
      expect(resp[4]).toBe(0x72);
      expect(resp.readUInt32LE(5)).toBe(0); // STATUS_SUCCESS
      s.close();
      cap.close();
      if (tsharkAvailable()) {
        const res = await tsharkDecode(file);
        expect(res.expertErrors).toEqual([]);
        expect(res.text).toContain(`Called name: ${samba.netbiosName}<03> (Messenger service/Main name)`);
        expect(res.text).toContain('Calling name: NSTEST<00> (Workstation/Redirector)');
        expect(res.text).toContain('Message Type: Positive session response (0x82)');
        expect(res.text).toContain('Message Type: Session keep-alive (0x85)');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Samba accepts any called name (positive response), default *SMBSERVER<20> included', async () => {
    for (const calledName of ['NOSUCHNAME<20>', undefined]) {
      const s = await connectSmbTransport({ host: samba.host, port: 139, calledName, timeoutMs: 10_000 });
      expect(s).toBeInstanceOf(NbssSession);
      s.close();
    }
  });

  it('measured: Samba accepts names with a scope, answers a bad request with 0x82, drops a session without request', async () => {
    const scoped = await openNbssSession({ host: samba.host, calledName: netbiosName('ANY', 0x20, 'corp.example'), callingName: netbiosName('ME', 0, 'corp.example'), timeoutMs: 10_000 });
    scoped.close();
    const raw = await connectTcp({ host: samba.host, port: 139, timeoutMs: 10_000 });
    await raw.write(encodeNbssPacket(NBSS_TYPE.SESSION_REQUEST, Buffer.from('abcd')));
    expect((await raw.read(5, { timeoutMs: 10_000 })).toString('hex')).toBe('8300000182');
    raw.close();
    const early = await connectTcp({ host: samba.host, port: 139, timeoutMs: 10_000 });
    await early.write(Buffer.from('00000000', 'hex'));
    expect(await rejection(early.read(4, { timeoutMs: 10_000 }))).toMatchObject({ layer: 'socket', name: 'ECONNRESET' });
  });

  it('Direct TCP on 445 exchanges the same NEGOTIATE', async () => {
    const s = await connectSmbTransport({ host: samba.host, timeoutMs: 10_000 });
    expect(s.framing).toBe('direct');
    await s.send(smb1Negotiate());
    const resp = await s.receive({ timeoutMs: 10_000 });
    expect(resp.subarray(0, 5).toString('latin1')).toBe('\xffSMBr');
    s.close();
  });

  it('measured: Samba on 445 answers an NBSS session request with a positive response too', async () => {
    const raw = await connectTcp({ host: samba.host, port: 445, timeoutMs: 10_000 });
    await raw.write(encodeNbssPacket(NBSS_TYPE.SESSION_REQUEST, encodeSessionRequest(netbiosName('X', 0x20), netbiosName('Y', 0))));
    expect((await raw.read(4, { timeoutMs: 10_000 })).toString('hex')).toBe('82000000');
    raw.close();
    // ... which a Direct TCP reader must reject as a frame whose first byte is not zero.
    const d = await openDirectTcp({ host: samba.host, timeoutMs: 10_000 });
    await d.stream.write(encodeNbssPacket(NBSS_TYPE.SESSION_REQUEST, encodeSessionRequest(netbiosName('X', 0x20), netbiosName('Y', 0))));
    const e = await rejection(d.receive({ timeoutMs: 10_000 }));
    expect(e).toBeInstanceOf(MalformedError);
    expect(d.closed).toBe(true);
  });
});
