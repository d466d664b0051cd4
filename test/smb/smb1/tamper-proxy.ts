/**
 * A loopback TCP proxy between a client and a Direct TCP (445) SMB server that can corrupt chosen
 * server replies: used to prove that signed (and encrypted) replies are verified. Shared by the SMB1
 * and SMB2 interop tests.
 */
import net from 'node:net';
import { FrameSplitter } from '../../helpers/proxy.js';

export interface TamperProxy {
  host: string;
  port: number;
  /** Replies tampered so far. */
  tampered: number;
  /** Raw bytes the client sent, concatenated per connection. */
  clientBytes(): Buffer[];
  /** Raw bytes the server sent (after any tampering), concatenated per connection. */
  serverBytes(): Buffer[];
  close(): Promise<void>;
}

/**
 * `tamper(msg, connection)` returns true after modifying an SMB message (no 4-byte frame header) in
 * place; `connection` counts accepted client connections from 0.
 */
export async function startTamperProxy(target: { host: string; port: number }, tamper: (msg: Buffer, connection: number) => boolean): Promise<TamperProxy> {
  const sockets = new Set<net.Socket>();
  const state = { tampered: 0 };
  const sent: Buffer[][] = [];
  const received: Buffer[][] = [];
  const server = net.createServer((client) => {
    const connection = sent.length;
    const mine: Buffer[] = [];
    const theirs: Buffer[] = [];
    sent.push(mine);
    received.push(theirs);
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => {
      mine.push(d);
      upstream.write(d);
    });
    const frames = new FrameSplitter();
    upstream.on('data', (d: Buffer) => {
      for (const frame of frames.push(d)) {
        if (tamper(frame.subarray(4), connection)) state.tampered++;
        theirs.push(frame);
        client.write(frame);
      }
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    get tampered() {
      return state.tampered;
    },
    clientBytes: () => sent.map((c) => Buffer.concat(c)),
    serverBytes: () => received.map((c) => Buffer.concat(c)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
