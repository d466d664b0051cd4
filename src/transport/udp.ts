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

/**
 * Sends several datagrams in order from one fresh socket. `build` gets the socket's local address
 * and port (connected to the destination first, so the kernel has chosen the outgoing interface):
 * protocols that carry their own source address, like the NetBIOS datagram service's SOURCE_IP
 * (RFC 1002 §4.4.1), encode it from there. Returns what was sent from.
 */
export async function sendUdpPackets(
  what: string,
  address: string,
  port: number,
  opts: UdpSendOptions,
  build: (local: { address: string; port: number }) => Buffer[],
): Promise<{ address: string; port: number; packets: number; bytes: number }> {
  const sock = dgram.createSocket('udp4');
  try {
    return await raceWait(
      what,
      { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: opts.signal },
      () =>
        new Promise<{ address: string; port: number; packets: number; bytes: number }>((resolve, reject) => {
          sock.once('error', (e) => reject(socketError(e, what)));
          sock.bind({ port: opts.localPort ?? 0, address: opts.localAddress }, () => {
            try {
              if (opts.broadcast) sock.setBroadcast(true);
            } catch (e) {
              reject(socketError(e, what));
              return;
            }
            sock.connect(port, address, () => {
              let packets: Buffer[];
              let local: { address: string; port: number };
              try {
                const a = sock.address();
                local = { address: opts.localAddress && opts.localAddress !== '0.0.0.0' ? opts.localAddress : a.address, port: a.port };
                packets = build(local);
              } catch (e) {
                reject(e);
                return;
              }
              let bytes = 0;
              const next = (i: number): void => {
                if (i === packets.length) return resolve({ ...local, packets: packets.length, bytes });
                sock.send(packets[i]!, (err) => {
                  if (err) return reject(socketError(err, what));
                  bytes += packets[i]!.length;
                  next(i + 1);
                });
              };
              next(0);
            });
          });
        }),
    );
  } finally {
    try {
      sock.close();
    } catch {
      /* already closed */
    }
  }
}
