/**
 * A loopback proxy in front of an SMB1 message server (Samba on 139 or 445, or our receiver) that
 * watches how a client spaces its requests, for the pipelining tests of issue 12:
 * - it records, for every server reply it hands on, how many SMB requests the client had sent by
 *   then (`requestsSeen`), so a test reads off how many requests were written before a reply;
 * - `releaseAt(i)` holds the i-th server reply (0-based, per connection) until the client has sent
 *   that many SMB requests: a client that waits for replies between requests then never gets them
 *   (its deadline ends the send), so a passing send proves the requests were pipelined, without
 *   relying on timing;
 * - `oneAtATime` makes the server look like one that takes one request at a time: a request that
 *   arrives while another is outstanding is not forwarded but answered by the proxy with
 *   ERRSRV/ERRerror (DOS form; the message commands do not negotiate NT status), in its turn: replies
 *   go back in request order, as a server that runs one connection's requests in order sends them
 *   (the message commands all carry Mid 0, [MS-MSRP] §2.2.3, so order is what ties them).
 * Frames are cut at the 4-byte NBSS / Direct TCP header (the length in the low 17 / 24 bits; every
 * frame here is small). NBSS session packets (not SMB) pass through without being counted.
 */
import * as net from 'node:net';
import { decodeSmb1Header, SMB1Flags } from '../../src/smb/smb1/header.js';
import { dosStatusField, encodeMessageResponse } from '../../src/smb/smb1/message-commands.js';
import { ByteReader } from '../../src/util/bytes.js';
import { FrameSplitter } from './proxy.js';

export interface PipelineProxyOptions {
  upstream: { host: string; port: number };
  /** Client SMB requests that must have been seen before server reply `i` is forwarded (default 0). */
  releaseAt?: (replyIndex: number) => number;
  /** Answer requests that arrive while one is outstanding with an error instead of forwarding them. */
  oneAtATime?: boolean;
  /** Where to listen (default 127.0.0.1, an ephemeral port); port 139 makes a client speak NBSS. */
  listen?: { host: string; port: number };
}

export interface ConnectionLog {
  /** For each server reply handed to the client: SMB requests the client had sent by then. */
  requestsSeen: number[];
  /** SMB requests received from the client. */
  requests: number;
  /** Requests the proxy answered itself (oneAtATime). */
  refusedByProxy: number;
  /** Most requests the client had outstanding (sent, not yet answered) at once. */
  maxOutstanding: number;
}

export interface PipelineProxy {
  host: string;
  port: number;
  /** One log per accepted connection, in order of arrival. */
  connections: ConnectionLog[];
  close(): Promise<void>;
}

function isSmb(frame: Buffer): boolean {
  return frame.length >= 4 + 32 && frame[0] === 0 && frame.readUInt32BE(4) === 0xff534d42;
}


/** `smb` framed with a 4-byte header (type byte 0 and the length: an NBSS session message and a Direct TCP frame alike). */
function frameLike(smb: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(smb.length, 0);
  return Buffer.concat([h, smb]);
}

export async function startPipelineProxy(opts: PipelineProxyOptions): Promise<PipelineProxy> {
  const sockets = new Set<net.Socket>();
  const connections: ConnectionLog[] = [];
  const server = net.createServer((client) => {
    const log: ConnectionLog = { requestsSeen: [], requests: 0, refusedByProxy: 0, maxOutstanding: 0 };
    connections.push(log);
    const upstream = net.connect(opts.upstream);
    sockets.add(client).add(upstream);
    let outstanding = 0; // forwarded to the server, not yet answered by it
    let clientOutstanding = 0; // sent by the client, not yet answered to it
    let replies = 0;
    // One slot per client SMB request, in order; a slot is filled by the server's reply or the proxy's refusal.
    const slots: { reply: Buffer | null }[] = [];
    const forwarded: { reply: Buffer | null }[] = [];
    const release = (): void => {
      while (slots.length > 0 && slots[0]!.reply !== null && log.requests >= (opts.releaseAt?.(replies) ?? 0)) {
        const f = slots.shift()!.reply!;
        replies++;
        clientOutstanding--;
        log.requestsSeen.push(log.requests);
        client.write(f);
      }
    };
    const fromClient = new FrameSplitter();
    client.on('data', (d: Buffer) => {
      for (const f of fromClient.push(d)) {
        if (!isSmb(f)) {
          upstream.write(f);
          continue;
        }
        log.requests++;
        clientOutstanding++;
        log.maxOutstanding = Math.max(log.maxOutstanding, clientOutstanding);
        const slot = { reply: null as Buffer | null };
        slots.push(slot);
        if (opts.oneAtATime && outstanding > 0) {
          log.refusedByProxy++;
          const header = decodeSmb1Header(new ByteReader(f.subarray(4), 'proxy'));
          slot.reply = frameLike(encodeMessageResponse(header, { status: dosStatusField(0x02, 0x0001) }));
          continue;
        }
        outstanding++;
        forwarded.push(slot);
        upstream.write(f);
      }
      release();
    });
    const fromServer = new FrameSplitter();
    upstream.on('data', (d: Buffer) => {
      for (const f of fromServer.push(d)) {
        if (!isSmb(f)) {
          client.write(f);
          continue;
        }
        if ((f[4 + 9]! & SMB1Flags.REPLY) === 0) continue; // not an answer: nothing a message server sends
        outstanding--;
        const slot = forwarded.shift();
        if (slot) slot.reply = f;
        else slots.push({ reply: f }); // an answer to nothing: handed on, for the client to judge
      }
      release();
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  const host = opts.listen?.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen?.port ?? 0, host, resolve);
  });
  return {
    host,
    port: (server.address() as net.AddressInfo).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
