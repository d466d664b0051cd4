/**
 * Writes classic pcap (Ethernet link type) of our own traffic: `CaptureFile` hands out one
 * `TcpRecorder` per connection (a TrafficTap) that synthesizes the handshake, data segments with
 * real sequence numbers and checksums, and the FIN exchange, so Wireshark follows the stream.
 * Format: classic libpcap (magic 0xa1b2c3d4, version 2.4), https://www.tcpdump.org/manpages/pcap-savefile.5.html
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { NetsendError } from '../status/error.js';
import type { TrafficTap } from '../util/tap.js';

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

/** An IP address and port written into synthesized packet headers. */
export interface Endpoint {
  address: string;
  port: number;
}

/** How a capture file is opened and buffered. */
export interface CaptureFileOptions {
  /**
   * Replace an existing path. Without it an existing path (file, symlink, anything) is refused.
   * Even with it a symbolic link is never followed, and a replaced regular file is truncated and
   * set to mode 0600.
   */
  overwrite?: boolean;
  /** Frames held in memory before they are appended to the file (default 64 KiB). */
  bufferBytes?: number;
  /** Also append held frames this often, so a long `listen` leaves a readable file (ms; default 1000, 0 = off). */
  flushIntervalMs?: number;
  /** Called once, at the first failed write; the capture stops there (later frames are dropped). */
  onError?: (error: NetsendError) => void;
}

const DEFAULT_BUFFER_BYTES = 64 * 1024;

function errnoOf(e: unknown): { code: string; errno: number; message: string } {
  const err = e as NodeJS.ErrnoException;
  return { code: err?.code ?? 'EIO', errno: Math.abs(err?.errno ?? 0), message: err?.message ?? String(e) };
}

/**
 * Opens `path` for a capture: created 0600 with O_EXCL (an existing path, dangling symlinks included,
 * is refused) or, with `overwrite`, opened with O_NOFOLLOW (a symlink as last component is refused)
 * and truncated when it is a regular file. Captures hold whole NTLM exchanges ([MS-NLMP] §3.3.2
 * NTLMv2 responses can be attacked offline), hence owner-only and never through a planted link.
 */
function openCaptureFd(path: string, overwrite: boolean): number {
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  try {
    const fd = fs.openSync(path, O_WRONLY | O_CREAT | O_NOFOLLOW | (overwrite ? 0 : O_EXCL), 0o600);
    try {
      if (fs.fstatSync(fd).isFile()) {
        fs.ftruncateSync(fd, 0);
        fs.fchmodSync(fd, 0o600);
      }
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    return fd;
  } catch (e) {
    const { code, errno, message } = errnoOf(e);
    let link = code === 'ELOOP' || code === 'EMLINK';
    if (code === 'EEXIST') {
      try {
        link = fs.lstatSync(path).isSymbolicLink();
      } catch {
        /* gone meanwhile: report EEXIST as it was */
      }
    }
    if (link) throw new NetsendError('usage', errno, code, `capture file ${path} is a symbolic link: refused (never followed)`);
    if (code === 'EEXIST') throw new NetsendError('usage', errno, code, `capture file ${path} exists: refused (not replaced without overwrite)`);
    throw new NetsendError('usage', errno, code, `capture file ${path}: ${message}`);
  }
}

/**
 * A pcap file being written. With a path, frames stream to disk: each one is appended with
 * synchronous writes once `bufferBytes` are held (and on flush(), close() and every
 * `flushIntervalMs`), so memory stays below `bufferBytes` plus one frame whatever the traffic.
 * Synchronous appends rather than an async queue because taps are called synchronously from the
 * socket read path: a blocking write to the page cache holds up reading, which is the backpressure,
 * where an async queue would have to grow without bound or drop frames. The file is a valid pcap
 * after the constructor, after each flush() and after close(). A failed write (e.g. ENOSPC) stops
 * the capture, is reported once through `onError`, kept in `error`, and thrown by flush()/close();
 * taps never throw into the connection.
 *
 * Without a path the capture stays in memory for toBuffer() (tests, small captures).
 */
export class CaptureFile {
  private frames: Buffer[] = [];
  private held = 0;
  private frameCount = 0;
  private written = 0;
  private ipId = 1;
  private closed = false;
  private fd: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly bufferBytes: number;
  private onError: ((error: NetsendError) => void) | undefined;
  /** The first write failure; the capture stopped there. */
  error: NetsendError | null = null;
  readonly path: string | null;

  /** With a path, frames are written there as they come (see the class comment); toBuffer() needs no path. */
  constructor(path: string | null = null, options: CaptureFileOptions = {}) {
    this.path = path;
    this.bufferBytes = options.bufferBytes ?? DEFAULT_BUFFER_BYTES;
    if (path === null) return;
    this.fd = openCaptureFd(path, options.overwrite === true);
    this.hold(this.header());
    this.writeHeld();
    if (this.error) {
      // Thrown to the creator, who has nothing to tell onError about yet.
      fs.closeSync(this.fd);
      this.fd = null;
      throw this.error;
    }
    this.onError = options.onError;
    const every = options.flushIntervalMs ?? 1000;
    if (every > 0) this.timer = setInterval(() => this.writeHeld(), every).unref();
  }

  /** Bytes of frames in memory not yet written (with a path: at most bufferBytes plus one frame). */
  get bufferedBytes(): number {
    return this.held;
  }

  /** Bytes appended to the file so far (header included). */
  get writtenBytes(): number {
    return this.written;
  }

  private hold(b: Buffer): void {
    this.frames.push(b);
    this.held += b.length;
  }

  /** Appends what is held; never throws (a failure is kept in `error` and reported once). */
  private writeHeld(): void {
    if (this.fd === null || this.held === 0) return;
    const data = this.frames.length === 1 ? this.frames[0]! : Buffer.concat(this.frames, this.held);
    this.frames = [];
    this.held = 0;
    if (this.error) return;
    try {
      for (let off = 0; off < data.length; ) off += fs.writeSync(this.fd, data, off, data.length - off);
      this.written += data.length;
    } catch (e) {
      const { code, errno, message } = errnoOf(e);
      // Cut a partly written chunk off again, so the file stays a valid pcap up to the last whole frame.
      try {
        if (fs.fstatSync(this.fd).isFile()) fs.ftruncateSync(this.fd, this.written);
      } catch {
        /* the error below is what matters */
      }
      this.error = new NetsendError('file', errno, code, `capture file ${this.path}: ${message}; capture stopped after ${this.written} bytes`);
      this.onError?.(this.error);
    }
  }

  /** The pcap global header (link type Ethernet, snaplen 256 KiB). */
  private header(): Buffer {
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16);
    h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    return h;
  }

  /** Writes held frames now; the file is then a complete pcap. Throws the capture's write error, if any. */
  flush(): void {
    this.writeHeld();
    if (this.error) throw this.error;
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
    // Distinct microseconds within a millisecond keep the frames in order for readers that sort.
    rec.writeUInt32LE((now % 1000) * 1000 + (this.frameCount++ % 1000), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    if (this.closed || this.error) return;
    this.hold(rec);
    this.hold(frame);
    if (this.fd !== null && this.held >= this.bufferBytes) this.writeHeld();
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

  /** The whole capture of an in-memory CaptureFile (one made without a path). */
  toBuffer(): Buffer {
    if (this.path !== null) throw new NetsendError('usage', 0, 'ERROR_INVALID_FUNCTION', 'toBuffer() is for in-memory captures; read the file');
    return Buffer.concat([this.header(), ...this.frames]);
  }

  /** Writes what is held and closes the file; later frames are ignored. Throws the capture's write error, if any. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.fd !== null) {
      this.writeHeld();
      const fd = this.fd;
      this.fd = null;
      try {
        fs.closeSync(fd);
      } catch (e) {
        if (!this.error) {
          const { code, errno, message } = errnoOf(e);
          this.error = new NetsendError('file', errno, code, `capture file ${this.path}: ${message}`);
          this.onError?.(this.error);
        }
      }
    }
    if (this.error) throw this.error;
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

  /** Records bytes sent to the peer as client-to-server TCP segments. */
  outbound(bytes: Buffer): void {
    if (!this.finished) this.segments(true, bytes);
  }

  /** Records bytes received from the peer as server-to-client TCP segments. */
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
