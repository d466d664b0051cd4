// Behaviour against a hostile or unusual server, which Samba cannot be made to play: a scripted
// MessageStream answers each request with whatever the test says.
import { describe, expect, it } from 'vitest';
import { NetsendError, MalformedError } from '../../../src/status/error.js';
import { ScriptedStream } from '../../helpers/scripted-stream.js';
import net from 'node:net';
import { connectSmb2 } from '../../../src/smb/smb2/index.js';
import {
  Smb2Command,
  Smb2Connection,
  decodeHeader,
  encodeHeader,
  encodeEmpty4,
  encodeNegotiateResponse,
  encodePreauthCaps,
  encodeIdList,
  NegotiateContextType,
  type NegotiateResponse,
  type Smb2Header,
} from '../../../src/smb/smb2/index.js';

type Responder = (req: Buffer) => Buffer[];


function response(req: Buffer, over: Partial<Smb2Header>, body: Buffer): Buffer {
  const q = decodeHeader(req);
  const h: Smb2Header = { ...q, flags: 1, credits: 10, status: 0, signature: Buffer.alloc(16), ...over };
  return Buffer.concat([encodeHeader(h), body]);
}

function negotiateBody(over: Partial<NegotiateResponse> = {}): Buffer {
  return encodeNegotiateResponse({
    securityMode: 1,
    dialect: 0x0210,
    serverGuid: Buffer.alloc(16, 1),
    capabilities: 0,
    maxTransactSize: 65536,
    maxReadSize: 65536,
    maxWriteSize: 65536,
    systemTime: 0n,
    serverStartTime: 0n,
    securityBuffer: Buffer.alloc(0),
    contexts: [],
    ...over,
  });
}

async function negotiated(responder: Responder, dialect = 0x0210): Promise<{ conn: Smb2Connection; stream: ScriptedStream }> {
  let first = true;
  const stream = new ScriptedStream((req) => {
    if (first) {
      first = false;
      return [response(req, {}, negotiateBody({ dialect }))];
    }
    return responder(req);
  });
  const conn = new Smb2Connection(stream, { timeoutMs: 2000, dialects: { max: 0x0210 } });
  await conn.negotiate();
  return { conn, stream };
}

describe('Smb2Connection against a scripted server', () => {
  it('rejects a dialect that was not offered', async () => {
    const stream = new ScriptedStream((req) => [response(req, {}, negotiateBody({ dialect: 0x0300 }))]);
    const conn = new Smb2Connection(stream, { dialects: { max: 0x0210 } });
    await expect(conn.negotiate()).rejects.toMatchObject({ name: 'SMB2_BAD_DIALECT' });
  });

  it('rejects 3.1.1 without a PREAUTH_INTEGRITY context, and one with a hash other than SHA-512', async () => {
    const enc = { type: NegotiateContextType.ENCRYPTION_CAPABILITIES, data: encodeIdList([2]) };
    for (const contexts of [[enc], [{ type: 1, data: encodePreauthCaps({ hashAlgorithms: [2], salt: Buffer.alloc(4) }) }, enc]]) {
      const stream = new ScriptedStream((req) => [response(req, {}, negotiateBody({ dialect: 0x0311, contexts }))]);
      await expect(new Smb2Connection(stream).negotiate()).rejects.toMatchObject({ name: 'SMB2_BAD_NEGOTIATE_CONTEXT' });
    }
  });

  it('rejects a cipher it did not offer', async () => {
    const contexts = [
      { type: 1, data: encodePreauthCaps({ hashAlgorithms: [1], salt: Buffer.alloc(32) }) },
      { type: NegotiateContextType.ENCRYPTION_CAPABILITIES, data: encodeIdList([4]) },
    ];
    const stream = new ScriptedStream((req) => [response(req, {}, negotiateBody({ dialect: 0x0311, contexts }))]);
    await expect(new Smb2Connection(stream, { ciphers: [1, 2] }).negotiate()).rejects.toMatchObject({ name: 'SMB2_BAD_NEGOTIATE_CONTEXT' });
  });

  it('skips an unsolicited oplock break and a STATUS_PENDING interim, then takes the final response', async () => {
    const { conn } = await negotiated((req) => [
      response(req, { messageId: 0xffffffffffffffffn, command: Smb2Command.OPLOCK_BREAK }, Buffer.alloc(24)),
      response(req, { flags: 3, asyncId: 77n, status: 0x103 }, Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0])),
      response(req, { flags: 3, asyncId: 77n }, encodeEmpty4()),
    ]);
    const r = await conn.request(Smb2Command.ECHO, encodeEmpty4());
    expect(r.header.status).toBe(0);
    expect(conn.interimResponses).toBe(1);
  });

  it('rejects a final response whose AsyncId differs from the interim one', async () => {
    const { conn } = await negotiated((req) => [
      response(req, { flags: 3, asyncId: 77n, status: 0x103 }, Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0])),
      response(req, { flags: 3, asyncId: 78n }, encodeEmpty4()),
    ]);
    await expect(conn.request(Smb2Command.ECHO, encodeEmpty4())).rejects.toMatchObject({ name: 'SMB2_BAD_ASYNC_ID' });
  });

  it('rejects a response for a MessageId it never used', async () => {
    const { conn } = await negotiated((req) => [response(req, { messageId: decodeHeader(req).messageId + 5n }, encodeEmpty4())]);
    await expect(conn.request(Smb2Command.ECHO, encodeEmpty4())).rejects.toMatchObject({ name: 'SMB2_BAD_MESSAGE_ID' });
  });

  it('rejects a response without SERVER_TO_REDIR, a compounded one, and one for another command', async () => {
    for (const over of [{ flags: 0 }, { nextCommand: 72 }, { command: Smb2Command.CLOSE }]) {
      const { conn } = await negotiated((req) => [response(req, over, encodeEmpty4())]);
      await expect(conn.request(Smb2Command.ECHO, encodeEmpty4())).rejects.toBeInstanceOf(MalformedError);
    }
  });

  it('times out when the server never answers, within the given timeout', async () => {
    const { conn } = await negotiated(() => []);
    await expect(conn.request(Smb2Command.ECHO, encodeEmpty4(), { timeoutMs: 100 })).rejects.toMatchObject({ layer: 'timeout' });
  });

  it('fails with SMB2_NO_CREDITS once the server stops granting credits', async () => {
    const { conn } = await negotiated((req) => [response(req, { credits: 0 }, encodeEmpty4())]);
    let err: unknown;
    for (let i = 0; i < 20 && !err; i++) err = await conn.request(Smb2Command.ECHO, encodeEmpty4()).then(() => undefined, (e: unknown) => e);
    expect((err as NetsendError).name).toBe('SMB2_NO_CREDITS');
  });

  it('uses consecutive MessageIds and asks for credits', async () => {
    const { conn, stream } = await negotiated((req) => [response(req, {}, encodeEmpty4())]);
    await conn.request(Smb2Command.ECHO, encodeEmpty4());
    await conn.request(Smb2Command.ECHO, encodeEmpty4());
    const ids = stream.sent.map((m) => decodeHeader(m).messageId);
    expect(ids).toEqual([0n, 1n, 2n]);
    expect(stream.sent.every((m) => decodeHeader(m).credits >= 1)).toBe(true);
    expect(decodeHeader(stream.sent[1]!).creditCharge).toBe(1);
  });

  it('SMB1 hand-over: 0x02FF makes the next NEGOTIATE use MessageId 1; other dialects are refused', async () => {
    const reply = (dialect: number): Buffer =>
      Buffer.concat([encodeHeader({ creditCharge: 0, status: 0, command: 0, credits: 1, flags: 1, nextCommand: 0, messageId: 0n, treeId: 0, sessionId: 0n, signature: Buffer.alloc(16) }), negotiateBody({ dialect })]);
    const stream = new ScriptedStream((req) => [response(req, {}, negotiateBody({ dialect: 0x0210 }))]);
    const conn = new Smb2Connection(stream, { dialects: { max: 0x0210 } });
    expect(conn.adoptSmb1Reply(reply(0x02ff))).toBe(false);
    await conn.negotiate();
    expect(decodeHeader(stream.sent[0]!).messageId).toBe(1n);
    expect(conn.dialect).toBe(0x0210);
    const other = new Smb2Connection(new ScriptedStream(() => []));
    expect(() => other.adoptSmb1Reply(reply(0x0210))).toThrow(NetsendError);
    expect(() => other.adoptSmb1Reply(Buffer.from('ff534d42', 'hex'))).toThrow(MalformedError);
  });

  it('an error status becomes an ntstatus NetsendError with the catalogue name', async () => {
    const { conn } = await negotiated((req) => [response(req, { status: 0xc0000034 }, Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0]))]);
    const r = await conn.request(Smb2Command.ECHO, encodeEmpty4());
    expect(() => Smb2Connection.check(r, 'echo')).toThrow(expect.objectContaining({ layer: 'ntstatus', name: 'STATUS_OBJECT_NAME_NOT_FOUND' }));
  });
});

describe('connectSmb2 against a silent TCP peer', () => {
  it('times out on NEGOTIATE and closes the socket; an AbortSignal does the same', async () => {
    const sockets: net.Socket[] = [];
    const closed: Promise<void>[] = [];
    const server = net.createServer((s) => {
      s.resume();
      sockets.push(s);
      closed.push(new Promise<void>((r) => s.once('close', () => r())));
    });
    await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const creds = { user: 'u', password: 'p' };
      const e1 = await connectSmb2({ host: '127.0.0.1', port, credentials: creds, timeoutMs: 200 }).catch((e: unknown) => e);
      expect((e1 as NetsendError).layer).toBe('timeout');
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const e2 = await connectSmb2({ host: '127.0.0.1', port, credentials: creds, timeoutMs: 10_000, signal: ac.signal }).catch((e: unknown) => e);
      expect((e2 as NetsendError).layer).toBe('abort');
      expect(sockets.length).toBe(2);
      // both sockets get closed by the client (the wait is bounded by the test timeout)
      await Promise.all(closed);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
