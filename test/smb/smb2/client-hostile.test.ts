/**
 * connectSmb2 over real loopback TCP against servers that misbehave at the byte level: an endless
 * stream of unrelated frames, a frame that never ends, a connection closed mid-frame, a NEGOTIATE
 * response whose buffer offset points outside the message. Each must end in a NetsendError with the
 * client's socket closed (the server sees the close), never a hang or a crash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { connectSmb2 } from '../../../src/smb/smb2/client.js';
import { Smb2Command, Smb2Flags, UNSOLICITED_MESSAGE_ID } from '../../../src/smb/smb2/constants.js';
import { decodeHeader, encodeHeader, type Smb2Header } from '../../../src/smb/smb2/header.js';
import { encodeNegotiateResponse } from '../../../src/smb/smb2/messages.js';
import { NetsendError } from '../../../src/status/error.js';
import { SMB2_DEFAULTS } from '../../../src/smb/smb2/defaults.js';
import { DIRECT_TCP_MAX_LENGTH } from '../../../src/transport/nbss.js';

type OnConnect = (sock: net.Socket) => void;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A loopback server; resolves with its port and a promise per accepted socket that settles on close. */
async function hostile(onConnect: OnConnect): Promise<{ port: number; closed: Promise<void>[] }> {
  const sockets: net.Socket[] = [];
  const closed: Promise<void>[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    closed.push(new Promise<void>((r) => s.once('close', () => r())));
    onConnect(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as net.AddressInfo).port, closed };
}

function frame(msg: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(msg.length);
  return Buffer.concat([h, msg]);
}

/** Calls `onRequest` with each whole Direct TCP frame the client sends. */
function onFrames(sock: net.Socket, onRequest: (msg: Buffer) => void): void {
  let buf = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
      const n = buf.readUInt32BE(0);
      onRequest(buf.subarray(4, 4 + n));
      buf = buf.subarray(4 + n);
    }
  });
}

function respond(req: Buffer, over: Partial<Smb2Header>, body: Buffer): Buffer {
  const q = decodeHeader(req);
  return Buffer.concat([encodeHeader({ ...q, flags: Smb2Flags.SERVER_TO_REDIR, credits: 10, status: 0, signature: Buffer.alloc(16), ...over }), body]);
}

function negotiateBody(securityBuffer = Buffer.alloc(0)): Buffer {
  return encodeNegotiateResponse({
    securityMode: 1, dialect: 0x0210, serverGuid: Buffer.alloc(16, 1), capabilities: 0, maxTransactSize: 65536, maxReadSize: 65536,
    maxWriteSize: 65536, systemTime: 0n, serverStartTime: 0n, securityBuffer, contexts: [],
  });
}

const creds = { user: 'u', password: 'p' };

async function expectFailure(port: number, closed: Promise<void>[], match: Partial<NetsendError>, timeoutMs = 300): Promise<void> {
  const err = await connectSmb2({ host: '127.0.0.1', port, credentials: creds, timeoutMs }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NetsendError);
  expect(err).toMatchObject(match);
  expect(closed.length).toBe(1);
  await closed[0]; // the client closed its socket (bounded by the test timeout)
}

describe('connectSmb2 against hostile TCP servers', () => {
  it('an endless stream of unsolicited frames ends in TimeoutError, not a spin', async () => {
    const { port, closed } = await hostile((sock) => {
      onFrames(sock, (req) => {
        const junk = frame(respond(req, { command: Smb2Command.OPLOCK_BREAK, messageId: UNSOLICITED_MESSAGE_ID, credits: 0 }, Buffer.alloc(24)));
        const chunk = Buffer.concat(Array.from({ length: 256 }, () => junk));
        const pump = (): void => {
          while (!sock.destroyed && sock.write(chunk));
          if (!sock.destroyed) sock.once('drain', pump);
        };
        pump();
      });
    });
    await expectFailure(port, closed, { layer: 'timeout' });
  });

  it('a frame whose body never arrives ends in TimeoutError', async () => {
    const { port, closed } = await hostile((sock) => onFrames(sock, () => sock.write(Buffer.from([0, 0, 0x10, 0, 0xfe, 0x53, 0x4d, 0x42]))));
    await expectFailure(port, closed, { layer: 'timeout' });
  });

  it('a frame length over the limit is refused at the header, without waiting for the body', async () => {
    // 0x00FFFFFF is the largest Direct TCP length; no SMB2 reply the client asks for comes near it.
    const { port, closed } = await hostile((sock) => onFrames(sock, () => sock.write(Buffer.from([0, 0xff, 0xff, 0xff]))));
    await expectFailure(port, closed, { name: 'MALFORMED' }, 5000);
  });

  it('the frame limit lies below the 24-bit Direct TCP maximum, so it can fire at all', () => {
    expect(SMB2_DEFAULTS.maxMessageSize).toBeLessThan(DIRECT_TCP_MAX_LENGTH);
    expect(SMB2_DEFAULTS.maxMessageSize).toBeGreaterThan(SMB2_DEFAULTS.maxReadSize + 64 + 52 + 16);
  });

  it('a connection closed in the middle of a frame fails with a socket error', async () => {
    const { port, closed } = await hostile((sock) =>
      onFrames(sock, (req) => {
        const whole = frame(respond(req, {}, negotiateBody()));
        sock.end(whole.subarray(0, whole.length - 10));
      }),
    );
    await expectFailure(port, closed, { layer: 'socket' }, 5000);
  });

  it('a NEGOTIATE response whose SecurityBufferOffset points outside the message is MALFORMED', async () => {
    const { port, closed } = await hostile((sock) =>
      onFrames(sock, (req) => {
        const body = negotiateBody(Buffer.from('0123456789'));
        body.writeUInt16LE(0xfff0, 56); // SecurityBufferOffset
        sock.write(frame(respond(req, {}, body)));
      }),
    );
    await expectFailure(port, closed, { name: 'MALFORMED' }, 5000);
  });

  it('garbage instead of a frame header is MALFORMED', async () => {
    const { port, closed } = await hostile((sock) => onFrames(sock, () => sock.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))));
    await expectFailure(port, closed, { name: 'MALFORMED' }, 5000);
  });
});
