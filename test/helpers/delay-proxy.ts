/**
 * A loopback TCP proxy in front of an SMB server that holds back every server reply for `delayMs`:
 * a slow server without any change to the server. Frames are cut at their 4-byte Direct TCP / NBSS
 * header (both keep the length in the low 24 bits for everything Samba sends), so each delay is
 * per SMB message, and the proxy counts the replies it passed on. Client bytes go through at once.
 */
import net from 'node:net';
import { FrameSplitter } from './proxy.js';

export interface DelayProxy {
  host: string;
  port: number;
  /** Server messages handed to a client so far, per accepted connection (index = connection number). */
  forwarded: number[];
  /** Server messages handed to clients so far, all connections together. */
  readonly totalForwarded: number;
  close(): Promise<void>;
}

export async function startDelayProxy(target: { host: string; port: number }, delayMs: number): Promise<DelayProxy> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const forwarded: number[] = [];
  const server = net.createServer((client) => {
    const connection = forwarded.length;
    forwarded.push(0);
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => upstream.write(d));
    const frames = new FrameSplitter();
    upstream.on('data', (d: Buffer) => {
      for (const frame of frames.push(d)) {
        const t = setTimeout(() => {
          timers.delete(t);
          if (client.destroyed) return;
          forwarded[connection]!++;
          client.write(frame);
        }, delayMs);
        timers.add(t);
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
    forwarded,
    get totalForwarded() {
      return forwarded.reduce((a, b) => a + b, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
