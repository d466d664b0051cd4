/** Shared pieces of the SMB2 interop tests (not a test file itself). */
import { Buffer } from 'node:buffer';
import { startTamperProxy as startGenericTamperProxy, type TamperProxy as GenericTamperProxy } from '../smb1/tamper-proxy.js';

/**
 * The 72-byte DCE/RPC bind for wkssvc 1.0 over NDR 2.0 (protocol-notes §7.1): v5.0, ptype 11,
 * flags 3, drep 10 00 00 00, frag 72, auth 0, call 1, max xmit/recv 4280, assoc 0, one context.
 */
export const WKSSVC_BIND = Buffer.from(
  '05000b03100000004800000001000000b810b81000000000010000000000010098d0ff6b12a11036983346c3f87e345a01000000045d888aeb1cc9119fe808002b10486002000000',
  'hex',
);

export interface TamperProxy extends Omit<GenericTamperProxy, 'tampered'> {
  /**
   * Flip a signature byte of the n-th server-to-client SMB2 message that has SMB2_FLAGS_SIGNED (0 = first),
   * counting only messages of `command` when given.
   */
  tamperSignedResponse(n: number, command?: number): void;
  /** Flip a ciphertext byte of the n-th server-to-client TRANSFORM message (0 = first). */
  tamperEncryptedResponse(n: number): void;
}

/**
 * The shared tamper proxy (test/smb/smb1/tamper-proxy.ts) in front of Samba, set up to corrupt the signature
 * of one signed SMB2 response or the ciphertext of one TRANSFORM message (counted per connection).
 */
export async function startTamperProxy(targetHost: string, targetPort = 445): Promise<TamperProxy> {
  let tamperIndex = -1;
  let tamperCommand: number | undefined;
  let tamperEncIndex = -1;
  const seen: Array<{ signed: number; enc: number }> = [];
  const proxy = await startGenericTamperProxy({ host: targetHost, port: targetPort }, (msg, connection) => {
    const c = (seen[connection] ??= { signed: 0, enc: 0 });
    let changed = false;
    if (msg.length >= 64 && msg[0] === 0xfe && msg.readUInt32LE(16) & 0x8 && (tamperCommand === undefined || msg.readUInt16LE(12) === tamperCommand)) {
      if (c.signed === tamperIndex) {
        msg[48 + 5] = msg[48 + 5]! ^ 0x40;
        changed = true;
      }
      c.signed++;
    }
    if (msg.length > 52 && msg[0] === 0xfd) {
      if (c.enc === tamperEncIndex) {
        msg[52] = msg[52]! ^ 0x01;
        changed = true;
      }
      c.enc++;
    }
    return changed;
  });
  return {
    host: proxy.host,
    port: proxy.port,
    tamperSignedResponse(n, command) {
      tamperIndex = n;
      tamperCommand = command;
    },
    tamperEncryptedResponse(n) {
      tamperEncIndex = n;
    },
    clientBytes: () => proxy.clientBytes(),
    serverBytes: () => proxy.serverBytes(),
    close: () => proxy.close(),
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
