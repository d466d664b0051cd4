/**
 * Writes classic pcap (Ethernet link type) of our own traffic: `CaptureFile` hands out one
 * `TcpRecorder` per connection (a TrafficTap) that synthesizes the handshake, data segments with
 * real sequence numbers and checksums, and the FIN exchange, so Wireshark follows the stream.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { TrafficTap } from '../transport/tcp.js';

const MSS = 1460;
const LINKTYPE_ETHERNET = 1;

function ipBytes(addr: string): Buffer {
  if (net.isIPv4(addr)) return Buffer.from(addr.split('.').map(Number));
  if (net.isIPv6(addr)) {
    const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
    const h = head ? head.split(':').filter(Boolean) : [];
    const t = tail ? tail.split(':').filter(Boolean) : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    const b = Buffer.alloc(16);
    groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
    return b;
  }
  throw new Error(`not an IP address: ${addr}`);
}

function checksum(...parts: Buffer[]): number {
  let sum = 0;
  for (const buf of parts) {
    for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
    if (buf.length % 2) sum += buf[buf.length - 1]! << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface Endpoint {
  address: string;
  port: number;
}

/** A pcap file being written; frames are buffered and flushed on close(). */
export class CaptureFile {
  private frames: Buffer[] = [];
  private ipId = 1;
  private closed = false;
  readonly path: string | null;

  /** With a path, close() writes the file there; toBuffer() works either way. */
  constructor(path: string | null = null) {
    this.path = path;
  }

  private header(): Buffer {
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16);
    h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    return h;
  }

  /** Appends one IP packet (protocol 6 or 17) carrying `l4` (with checksum field zeroed) wrapped in Ethernet. */
  private addIp(src: string, dst: string, proto: number, l4: Buffer, checksumOffset: number): void {
    const v6 = net.isIPv6(src);
    const s = ipBytes(src);
    const d = ipBytes(dst);
    const pseudo = Buffer.alloc(v6 ? 40 : 12);
    if (v6) {
      s.copy(pseudo, 0);
      d.copy(pseudo, 16);
      pseudo.writeUInt32BE(l4.length, 32);
      pseudo[39] = proto;
    } else {
      s.copy(pseudo, 0);
      d.copy(pseudo, 4);
      pseudo[9] = proto;
      pseudo.writeUInt16BE(l4.length, 10);
    }
    let cs = checksum(pseudo, l4);
    if (proto === 17 && cs === 0) cs = 0xffff;
    l4.writeUInt16BE(cs, checksumOffset);
    let ip: Buffer;
    if (v6) {
      ip = Buffer.alloc(40);
      ip.writeUInt32BE(0x60000000, 0);
      ip.writeUInt16BE(l4.length, 4);
      ip[6] = proto;
      ip[7] = 64;
      s.copy(ip, 8);
      d.copy(ip, 24);
    } else {
      ip = Buffer.alloc(20);
      ip[0] = 0x45;
      ip.writeUInt16BE(20 + l4.length, 2);
      ip.writeUInt16BE(this.ipId++ & 0xffff, 4);
      ip.writeUInt16BE(0x4000, 6);
      ip[8] = 64;
      ip[9] = proto;
      s.copy(ip, 12);
      d.copy(ip, 16);
      ip.writeUInt16BE(checksum(ip), 10);
    }
    const eth = Buffer.alloc(14);
    eth.writeUInt16BE(v6 ? 0x86dd : 0x0800, 12);
    const frame = Buffer.concat([eth, ip, l4]);
    const now = Date.now();
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(now / 1000), 0);
    rec.writeUInt32LE((now % 1000) * 1000 + (this.frames.length % 1000), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    this.frames.push(rec, frame);
  }

  /** @internal used by TcpRecorder */
  addTcp(src: Endpoint, dst: Endpoint, seq: number, ack: number, flags: number, payload: Buffer): void {
    const tcp = Buffer.alloc(20 + payload.length);
    tcp.writeUInt16BE(src.port, 0);
    tcp.writeUInt16BE(dst.port, 2);
    tcp.writeUInt32BE(seq >>> 0, 4);
    tcp.writeUInt32BE(ack >>> 0, 8);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    tcp.writeUInt16BE(65535, 14);
    payload.copy(tcp, 20);
    this.addIp(src.address, dst.address, 6, tcp, 16);
  }

  /** Records one UDP datagram. */
  addUdp(src: Endpoint, dst: Endpoint, payload: Buffer): void {
    const udp = Buffer.alloc(8 + payload.length);
    udp.writeUInt16BE(src.port, 0);
    udp.writeUInt16BE(dst.port, 2);
    udp.writeUInt16BE(udp.length, 4);
    payload.copy(udp, 8);
    this.addIp(src.address, dst.address, 17, udp, 6);
  }

  /**
   * A TrafficTap for one connection; it learns the real addresses from `opened()`. Pass `role:
   * 'server'` for connections we accepted (the peer is then the TCP client).
   */
  tap(role: 'client' | 'server' = 'client'): TrafficTap {
    let rec: TcpRecorder | null = null;
    return {
      opened: (local, remote) => {
        rec = role === 'client' ? new TcpRecorder(this, local, remote) : new TcpRecorder(this, remote, local);
      },
      outbound: (b) => (role === 'client' ? rec?.outbound(b) : rec?.inbound(b)),
      inbound: (b) => (role === 'client' ? rec?.inbound(b) : rec?.outbound(b)),
      closed: () => rec?.closed(),
    };
  }

  /** A tap for one TCP connection between `client` and `server` with known endpoints. */
  tcp(client: Endpoint, server: Endpoint): TcpRecorder {
    return new TcpRecorder(this, client, server);
  }

  toBuffer(): Buffer {
    return Buffer.concat([this.header(), ...this.frames]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.path) fs.writeFileSync(this.path, this.toBuffer());
  }
}

/** TrafficTap that turns one connection's bytes into TCP segments in a CaptureFile. */
export class TcpRecorder implements TrafficTap {
  private cseq = 0x1000_0000;
  private sseq = 0x2000_0000;
  private finished = false;

  constructor(
    private readonly file: CaptureFile,
    readonly client: Endpoint,
    readonly server: Endpoint,
  ) {
    file.addTcp(client, server, this.cseq, 0, 0x02, Buffer.alloc(0));
    file.addTcp(server, client, this.sseq, this.cseq + 1, 0x12, Buffer.alloc(0));
    this.cseq++;
    this.sseq++;
    file.addTcp(client, server, this.cseq, this.sseq, 0x10, Buffer.alloc(0));
  }

  private segments(fromClient: boolean, bytes: Buffer): void {
    for (let off = 0; off < bytes.length; off += MSS) {
      const chunk = bytes.subarray(off, off + MSS);
      if (fromClient) {
        this.file.addTcp(this.client, this.server, this.cseq, this.sseq, 0x18, chunk);
        this.cseq = (this.cseq + chunk.length) >>> 0;
      } else {
        this.file.addTcp(this.server, this.client, this.sseq, this.cseq, 0x18, chunk);
        this.sseq = (this.sseq + chunk.length) >>> 0;
      }
    }
  }

  outbound(bytes: Buffer): void {
    if (!this.finished) this.segments(true, bytes);
  }

  inbound(bytes: Buffer): void {
    if (!this.finished) this.segments(false, bytes);
  }

  closed(): void {
    if (this.finished) return;
    this.finished = true;
    this.file.addTcp(this.client, this.server, this.cseq, this.sseq, 0x11, Buffer.alloc(0));
    this.file.addTcp(this.server, this.client, this.sseq, this.cseq + 1, 0x11, Buffer.alloc(0));
    this.file.addTcp(this.client, this.server, this.cseq + 1, this.sseq + 1, 0x10, Buffer.alloc(0));
  }
}
