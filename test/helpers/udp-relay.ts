/**
 * A lossy UDP relay for connectionless RPC tests: the client talks to `front`, the relay talks to the
 * server from `back`. `drop(dir, n)`, `dup` and `delayMs` (a random delay reorders) decide per datagram (n counts from 0 per direction), with a fixed
 * rule or seeded randomness, so runs are reproducible.
 */
import * as dgram from 'node:dgram';

export type Dir = 'up' | 'down';

export interface UdpRelay {
  port: number;
  counts: { up: number; down: number; dropped: number };
  close(): Promise<void>;
}

export async function startUdpRelay(server: { address: string; port: number }, drop: (dir: Dir, n: number) => boolean, host = '127.0.0.1', dup: (dir: Dir, n: number) => boolean = () => false, delayMs: (dir: Dir, n: number) => number = () => 0): Promise<UdpRelay> {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  await new Promise<void>((r) => front.bind(0, host, () => r()));
  await new Promise<void>((r) => back.bind(0, host, () => r()));
  let client: { address: string; port: number } | undefined;
  const counts = { up: 0, down: 0, dropped: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const later = (f: () => void, ms: number): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };
  front.on('message', (m, ri) => {
    client = { address: ri.address, port: ri.port };
    const n = counts.up++;
    if (drop('up', n)) return void counts.dropped++;
    const go = (): void => {
      back.send(m, server.port, server.address);
      if (dup('up', n)) back.send(m, server.port, server.address);
    };
    const d = delayMs('up', n);
    if (d > 0) later(go, d);
    else go();
  });
  back.on('message', (m) => {
    if (!client) return;
    const n = counts.down++;
    if (drop('down', n)) return void counts.dropped++;
    const to = client;
    const go = (): void => {
      front.send(m, to.port, to.address);
      if (dup('down', n)) front.send(m, to.port, to.address);
    };
    const d = delayMs('down', n);
    if (d > 0) later(go, d);
    else go();
  });
  return {
    port: front.address().port,
    counts,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((r) => front.close(() => r()));
      await new Promise<void>((r) => back.close(() => r()));
    },
  };
}

/** Deterministic PRNG (mulberry32) for seeded loss. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
