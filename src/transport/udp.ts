import * as dgram from 'node:dgram';
import { DEFAULT_TIMEOUT_MS, raceWait, type WaitOptions } from '../util/abort.js';
import { socketError } from './tcp.js';

export interface UdpSendOptions extends WaitOptions {
  localAddress?: string;
  localPort?: number;
  /** Allow a broadcast destination (SO_BROADCAST). */
  broadcast?: boolean;
}

/** Sends one UDP datagram from a fresh socket and waits only for the send to complete. */
export async function sendUdpOnce(what: string, packet: Buffer, address: string, port: number, opts: UdpSendOptions): Promise<void> {
  const sock = dgram.createSocket('udp4');
  try {
    await raceWait(
      what,
      { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: opts.signal },
      () =>
        new Promise<void>((resolve, reject) => {
          sock.once('error', (e) => reject(socketError(e, what)));
          sock.bind({ port: opts.localPort ?? 0, address: opts.localAddress }, () => {
            try {
              if (opts.broadcast) sock.setBroadcast(true);
            } catch (e) {
              reject(socketError(e, what));
              return;
            }
            sock.send(packet, port, address, (err) => (err ? reject(socketError(err, what)) : resolve()));
          });
        }),
    );
  } finally {
    sock.close();
  }
}
