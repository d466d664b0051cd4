/** Shared pieces of the SMB2 interop tests (not a test file itself). */
import net from 'node:net';
import { Buffer } from 'node:buffer';

/**
 * The 72-byte DCE/RPC bind for wkssvc 1.0 over NDR 2.0 (protocol-notes §7.1): v5.0, ptype 11,
 * flags 3, drep 10 00 00 00, frag 72, auth 0, call 1, max xmit/recv 4280, assoc 0, one context.
 */
export const WKSSVC_BIND = Buffer.from(
  '05000b03100000004800000001000000b810b81000000000010000000000010098d0ff6b12a11036983346c3f87e345a01000000045d888aeb1cc9119fe808002b10486002000000',
  'hex',
);

export interface TamperProxy {
  host: string;
  port: number;
  /**
   * Flip a signature byte of the n-th server-to-client SMB2 message that has SMB2_FLAGS_SIGNED (0 = first),
   * counting only messages of `command` when given.
   */
  tamperSignedResponse(n: number, command?: number): void;
  /** Flip a ciphertext byte of the n-th server-to-client TRANSFORM message (0 = first). */
  tamperEncryptedResponse(n: number): void;
  /** Raw bytes the client sent, concatenated per connection. */
  clientBytes(): Buffer[];
  /** Raw bytes the server sent (after any tampering), concatenated per connection. */
  serverBytes(): Buffer[];
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of Samba that parses Direct TCP frames from the server and can
 * corrupt the signature of one signed SMB2 response.
 */
export async function startTamperProxy(targetHost: string, targetPort = 445): Promise<TamperProxy> {
  let tamperIndex = -1;
  let tamperCommand: number | undefined;
  let tamperEncIndex = -1;
  const sockets = new Set<net.Socket>();
  const sent: Buffer[][] = [];
  const received: Buffer[][] = [];
  const server = net.createServer((client) => {
    sockets.add(client);
    const mine: Buffer[] = [];
    sent.push(mine);
    const theirs: Buffer[] = [];
    received.push(theirs);
    const upstream = net.connect({ host: targetHost, port: targetPort });
    sockets.add(upstream);
    let pending = Buffer.alloc(0);
    let signedSeen = 0;
    let encSeen = 0;
    client.on('data', (d) => {
      mine.push(d);
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 4) {
        const len = pending.readUInt32BE(0) & 0xffffff;
        if (pending.length < 4 + len) break;
        const frame = Buffer.from(pending.subarray(0, 4 + len));
        pending = pending.subarray(4 + len);
        const msg = frame.subarray(4);
        if (msg.length >= 64 && msg[0] === 0xfe && msg.readUInt32LE(16) & 0x8 && (tamperCommand === undefined || msg.readUInt16LE(12) === tamperCommand)) {
          if (signedSeen === tamperIndex) msg[48 + 5] = msg[48 + 5]! ^ 0x40;
          signedSeen++;
        }
        if (msg.length > 52 && msg[0] === 0xfd) {
          if (encSeen === tamperEncIndex) msg[52] = msg[52]! ^ 0x01;
          encSeen++;
        }
        theirs.push(frame);
        client.write(frame);
      }
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    tamperSignedResponse(n, command) {
      tamperIndex = n;
      tamperCommand = command;
    },
    tamperEncryptedResponse(n) {
      tamperEncIndex = n;
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

/** Splits a Direct TCP byte stream into message bodies. */
export function directTcpMessages(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  while (off + 4 <= stream.length) {
    const len = stream.readUInt32BE(off) & 0xffffff;
    if (off + 4 + len > stream.length) break;
    out.push(stream.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  return out;
}
