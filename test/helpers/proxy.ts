/**
 * A TCP proxy in front of a real peer (Samba on its Direct TCP port 445) that misbehaves on cue,
 * to produce the failures a test cannot get from the peer itself: a refused connection, a reply
 * that never comes, a connection that breaks after a request. It parses only the 4-byte Direct TCP
 * frame headers ([MS-SMB2] §2.1) so it can act on whole SMB messages; it forwards bytes unchanged.
 */
import net from 'node:net';

export type ConnectionAction = 'pass' | 'reset';

/** What happens to the server's frames once a client frame matched `trigger`. */
export type ReplyAction = 'hold' | 'reset';

export interface ProxyOptions {
  upstream: { host: string; port: number };
  /** Per connection (0-based order of arrival): 'reset' closes it at once (RST). Default 'pass'. */
  onConnection?: (index: number) => ConnectionAction;
  /**
   * Called with each whole client frame (header stripped). When it returns true the frame is
   * forwarded and every later server frame of that connection is held back (never forwarded)
   * or, with `replyAction: 'reset'`, the client connection is reset when the next one comes.
   */
  trigger?: (frame: Buffer) => boolean;
  replyAction?: ReplyAction;
  /** Where to listen (default 127.0.0.1 on an ephemeral port). */
  listen?: { host: string; port: number };
}

export interface Proxy {
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Client frames that matched `trigger`. */
  readonly triggered: number;
  close(): Promise<void>;
}

/**
 * Splits a byte stream into whole frames: Direct TCP and NBSS alike (a type byte, then the length in
 * the low 24 bits; every frame the tests see is far below that). Each frame is a copy, header included.
 */
export class FrameSplitter {
  private buf: Buffer = Buffer.alloc(0);
  push(data: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    const out: Buffer[] = [];
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0) & 0xffffff;
      if (this.buf.length < 4 + len) break;
      out.push(Buffer.from(this.buf.subarray(0, 4 + len)));
      this.buf = this.buf.subarray(4 + len);
    }
    return out;
  }
}

export async function startProxy(opts: ProxyOptions): Promise<Proxy> {
  let connections = 0;
  let triggered = 0;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((client) => {
    const index = connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if ((opts.onConnection?.(index) ?? 'pass') === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const server = net.connect(opts.upstream);
    sockets.add(server);
    server.on('close', () => {
      sockets.delete(server);
      client.destroy();
    });
    server.on('error', () => client.destroy());
    client.on('close', () => server.destroy());
    let fired = false;
    const fromClient = new FrameSplitter();
    client.on('data', (d: Buffer) => {
      for (const f of fromClient.push(d)) {
        if (!fired && opts.trigger?.(f.subarray(4))) {
          fired = true;
          triggered++;
        }
        server.write(f);
      }
    });
    const fromServer = new FrameSplitter();
    server.on('data', (d: Buffer) => {
      for (const f of fromServer.push(d)) {
        if (!fired) client.write(f);
        else if (opts.replyAction === 'reset') client.resetAndDestroy();
        // 'hold': the reply stays here until the client gives up and closes.
      }
    });
  });
  const host = opts.listen?.host ?? '127.0.0.1';
  const port = await new Promise<number>((res, rej) => {
    srv.once('error', rej);
    srv.listen(opts.listen?.port ?? 0, host, () => res((srv.address() as net.AddressInfo).port));
  });
  return {
    host,
    port,
    get connections() {
      return connections;
    },
    get triggered() {
      return triggered;
    },
    close: () =>
      new Promise<void>((res) => {
        for (const s of sockets) s.destroy();
        srv.close(() => res());
      }),
  };
}

/** The SMB1 command byte of a frame body, or -1 when it is not an SMB1 message ([MS-CIFS] §2.2.3.1). */
export function smb1Command(body: Buffer): number {
  return body.length >= 5 && body.readUInt32BE(0) === 0xff534d42 ? body[4]! : -1;
}

/**
 * True when a frame carries a DCE/RPC request PDU for `opnum` (C706 ch. 12: version 5.0, ptype 0,
 * little-endian data representation 0x10; opnum at offset 22), wherever the SMB command puts it.
 */
export function carriesRpcRequest(body: Buffer, opnum: number): boolean {
  for (let i = body.indexOf(Buffer.from([5, 0, 0])); i >= 0 && i + 24 <= body.length; i = body.indexOf(Buffer.from([5, 0, 0]), i + 1)) {
    if (body[i + 4] === 0x10 && body.readUInt16LE(i + 22) === opnum) return true;
  }
  return false;
}

/** What a frame hook may do with the frames of one proxied connection. */
export interface FrameContext {
  /** Connection number (0-based order of arrival). */
  readonly index: number;
  /** Writes a whole frame (4-byte header included) to the client. */
  toClient(frame: Buffer): void;
  /** Writes a whole frame to the server. */
  toServer(frame: Buffer): void;
}

export interface FrameProxyOptions {
  upstream: { host: string; port: number };
  /** Each whole client frame (header included); default: on to the server. */
  clientFrame?: (frame: Buffer, ctx: FrameContext) => void;
  /** Each whole server frame (header included); default: on to the client. The hook may hold, drop, repeat, reorder or rewrite. */
  serverFrame?: (frame: Buffer, ctx: FrameContext) => void;
}

/**
 * A proxy that hands every whole Direct TCP frame ([MS-SMB2] §2.1), either way, to a hook: for tests
 * of what a server cannot be made to do by itself (answer out of order, answer twice, never answer,
 * grant fewer credits).
 */
export async function startFrameProxy(opts: FrameProxyOptions): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const srv = net.createServer((client) => {
    const server = net.connect(opts.upstream);
    sockets.add(client).add(server);
    const ctx: FrameContext = {
      index: connections++,
      toClient: (f) => void (client.destroyed || client.write(f)),
      toServer: (f) => void (server.destroyed || server.write(f)),
    };
    for (const [a, b] of [[client, server], [server, client]] as const) {
      a.on('error', () => undefined);
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
    const fromClient = new FrameSplitter();
    client.on('data', (d: Buffer) => {
      for (const f of fromClient.push(d)) (opts.clientFrame ?? ((x, c) => c.toServer(x)))(Buffer.from(f), ctx);
    });
    const fromServer = new FrameSplitter();
    server.on('data', (d: Buffer) => {
      for (const f of fromServer.push(d)) (opts.serverFrame ?? ((x, c) => c.toClient(x)))(Buffer.from(f), ctx);
    });
  });
  const port = await new Promise<number>((res, rej) => {
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => res((srv.address() as net.AddressInfo).port));
  });
  return {
    host: '127.0.0.1',
    port,
    close: () =>
      new Promise<void>((res) => {
        for (const s of sockets) s.destroy();
        srv.close(() => res());
      }),
  };
}
