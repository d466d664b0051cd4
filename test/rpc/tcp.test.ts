/**
 * ncacn_ip_tcp against scripted hostile peers (what no real Samba sends): a frag_length above the
 * receive limit, a peer that goes silent, a peer that hangs up mid-PDU, an abort. Every failure is a
 * NetsendError and nothing waits forever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { connectTcpRpc } from '../../src/rpc/tcp.js';
import { RpcClient } from '../../src/rpc/client.js';
import { encodePdu } from '../../src/rpc/pdu.js';
import { WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import { openRpc } from '../../src/rpc/factory.js';

let servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  servers = [];
});

/** A TCP peer that answers the first chunk it reads with `reply(request)` (or nothing). */
async function peer(reply: (req: Buffer, sock: net.Socket) => void): Promise<number> {
  const srv = net.createServer((sock) => {
    sock.once('data', (d) => reply(d, sock));
    sock.on('error', () => undefined);
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as net.AddressInfo).port;
}

const bindAck = (callId: number): Buffer =>
  encodePdu({ type: 'bind_ack', callId, maxXmitFrag: 5840, maxRecvFrag: 5840, assocGroupId: 1, secAddr: '49152', results: [{ result: 0, reason: 0, transferSyntax: { uuid: '8a885d04-1ceb-11c9-9fe8-08002b104860', major: 2, minor: 0 } }] });

describe('ncacn_ip_tcp transport against hostile peers', () => {
  it('a frag_length above the receive limit is MALFORMED before the body is read', async () => {
    const port = await peer((_req, sock) => {
      const h = bindAck(1);
      h.writeUInt16LE(60000, 8);
      sock.write(h.subarray(0, 16));
    });
    const t = await connectTcpRpc({ host: '127.0.0.1', port, timeoutMs: 2000 });
    await expect(new RpcClient(t).bind(WKSSVC, { timeoutMs: 2000, maxRecvFrag: 5840, maxXmitFrag: 5840 })).rejects.toMatchObject({ name: 'MALFORMED' });
  });

  it('a silent peer times out; an aborted bind is ABORTED', async () => {
    const port = await peer(() => undefined);
    const t = await connectTcpRpc({ host: '127.0.0.1', port, timeoutMs: 2000 });
    await expect(new RpcClient(t).bind(WKSSVC, { timeoutMs: 200 })).rejects.toMatchObject({ layer: 'timeout' });
    await t.close();
    const t2 = await connectTcpRpc({ host: '127.0.0.1', port, timeoutMs: 2000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await expect(new RpcClient(t2).bind(WKSSVC, { timeoutMs: 5000, signal: ac.signal })).rejects.toMatchObject({ layer: 'abort' });
    await t2.close();
  });

  it('a peer hanging up mid-PDU is a socket error', async () => {
    const port = await peer((_req, sock) => {
      sock.end(bindAck(1).subarray(0, 30));
    });
    const t = await connectTcpRpc({ host: '127.0.0.1', port, timeoutMs: 2000 });
    await expect(new RpcClient(t).bind(WKSSVC, { timeoutMs: 2000 })).rejects.toMatchObject({ layer: 'socket' });
  });

  it('a bind_ack without the challenge on an authenticated bind is RPC_VERIFIER_MISSING', async () => {
    const port = await peer((req, sock) => sock.write(bindAck(req.readUInt32LE(12))));
    await expect(
      openRpc(`ncacn_ip_tcp:127.0.0.1[${port},seal]`, WKSSVC, { credentials: { user: 'u', password: 'p' }, timeoutMs: 2000 }),
    ).rejects.toMatchObject({ name: 'RPC_VERIFIER_MISSING' });
  });

  it('refuses bad ports and protocol sequences before any traffic', async () => {
    await expect(openRpc('ncacn_ip_tcp:127.0.0.1[99999]', WKSSVC)).rejects.toMatchObject({ name: 'RPC_S_INVALID_ENDPOINT_FORMAT' });
    await expect(openRpc('ncacn_ip_tcp:127.0.0.1[abc]', WKSSVC)).rejects.toMatchObject({ name: 'RPC_S_INVALID_ENDPOINT_FORMAT' });
    await expect(openRpc('ncalrpc:[x]', WKSSVC)).rejects.toMatchObject({ layer: 'usage' });
    await expect(openRpc('ncacn_http:127.0.0.1[593]', WKSSVC)).rejects.toMatchObject({ name: 'RPC_S_PROTSEQ_NOT_SUPPORTED' });
    await expect(openRpc('ncacn_ip_tcp:127.0.0.1[1]', WKSSVC, { authLevel: 'privacy' })).rejects.toMatchObject({ name: 'RPC_S_UNSUPPORTED_AUTHN_LEVEL' });
  });
});
