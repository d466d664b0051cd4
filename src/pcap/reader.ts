/**
 * Reads classic pcap and pcapng captures (used for fixtures): link layers Ethernet (with 802.1Q),
 * Linux SLL/SLL2, BSD loopback and raw IP; IPv4/IPv6; TCP and UDP. Every field is bounds-checked;
 * bad input throws MalformedError.
 */
import { ByteReader } from '../util/bytes.js';
import { MalformedError } from '../status/error.js';

/** Link-layer header types the reader understands (the pcap LINKTYPE_ registry values). */
export const LinkType = { NULL: 0, ETHERNET: 1, RAW: 101, LINUX_SLL: 113, RAW_IPV4: 228, RAW_IPV6: 229, LINUX_SLL2: 276 } as const;

/** The TCP header fields that stream reassembly needs. */
export interface TcpInfo {
  seq: number;
  ack: number;
  flags: number; // FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10
}

/** One TCP or UDP packet of a capture, with its addresses and payload. */
export interface CapturedPacket {
  /** Index in the file, from 0. */
  index: number;
  /** Microseconds since the epoch. */
  timestampUs: bigint;
  linkType: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  protocol: 'tcp' | 'udp';
  payload: Buffer;
  tcp?: TcpInfo;
}

/** The TCP/UDP packets of a capture file. */
export interface Capture {
  packets: CapturedPacket[];
  /** Frames that were not IPv4/IPv6 TCP/UDP, or were IP fragments. */
  skipped: number;
}

const MAX_RECORD = 256 * 1024;

/** Parses a classic pcap or pcapng capture into its TCP/UDP packets; every record length is bounds-checked. */
export function readCapture(buf: Buffer): Capture {
  if (buf.length < 4) throw new MalformedError('capture', 'shorter than a magic number');
  const magic = buf.readUInt32LE(0);
  if (magic === 0x0a0d0d0a) return readPcapng(buf);
  return readPcap(buf);
}

function readPcap(buf: Buffer): Capture {
  const r = new ByteReader(buf, 'pcap');
  const m = r.u32le();
  let le: boolean;
  let nanos = false;
  if (m === 0xa1b2c3d4) le = true;
  else if (m === 0xd4c3b2a1) le = false;
  else if (m === 0xa1b23c4d) (le = true), (nanos = true);
  else if (m === 0x4d3cb2a1) (le = false), (nanos = true);
  else throw new MalformedError('pcap', `unknown magic 0x${m.toString(16)}`);
  const u32 = (): number => (le ? r.u32le() : r.u32be());
  r.skip(4 + 4 + 4); // version, thiszone, sigfigs
  u32(); // snaplen
  const linkType = u32() & 0xffff;
  const out: Capture = { packets: [], skipped: 0 };
  let index = 0;
  while (r.remaining > 0) {
    const sec = u32();
    const frac = u32();
    const incl = u32();
    u32(); // orig_len
    if (incl > MAX_RECORD) throw new MalformedError('pcap', `record of ${incl} bytes`);
    const data = r.bytes(incl, 'record');
    const us = BigInt(sec) * 1_000_000n + BigInt(nanos ? Math.floor(frac / 1000) : frac);
    pushFrame(out, index++, us, linkType, data);
  }
  return out;
}

function readPcapng(buf: Buffer): Capture {
  const out: Capture = { packets: [], skipped: 0 };
  const ifaces: { linkType: number; tsDivisor: bigint; tsMultiplier: bigint }[] = [];
  let offset = 0;
  let le = true;
  let index = 0;
  while (offset < buf.length) {
    if (buf.length - offset < 12) throw new MalformedError('pcapng', `trailing ${buf.length - offset} bytes`);
    const typeLe = buf.readUInt32LE(offset);
    if (typeLe === 0x0a0d0d0a) {
      const bom = buf.readUInt32LE(offset + 8);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else throw new MalformedError('pcapng', 'bad byte-order magic');
      ifaces.length = 0;
    }
    const type = le ? typeLe : buf.readUInt32BE(offset);
    const len = le ? buf.readUInt32LE(offset + 4) : buf.readUInt32BE(offset + 4);
    if (len < 12 || len % 4 !== 0 || offset + len > buf.length) throw new MalformedError('pcapng', `block length ${len} at ${offset}`);
    const body = new ByteReader(buf.subarray(offset + 8, offset + len - 4), 'pcapng block');
    const u16 = (): number => (le ? body.u16le() : body.u16be());
    const u32 = (): number => (le ? body.u32le() : body.u32be());
    if (type === 1) {
      const linkType = u16();
      body.skip(2);
      u32(); // snaplen
      let tsDivisor = 1_000_000n;
      // options: if_tsresol (code 9)
      while (body.remaining >= 4) {
        const code = u16();
        const olen = u16();
        const val = body.bytes(olen, 'option');
        body.skip(Math.min(body.remaining, (4 - (olen % 4)) % 4));
        if (code === 0) break;
        if (code === 9 && olen >= 1) {
          const v = val[0]!;
          const exp = BigInt(v & 0x7f);
          tsDivisor = v & 0x80 ? 2n ** exp : 10n ** exp;
        }
      }
      ifaces.push({ linkType, tsDivisor, tsMultiplier: 1_000_000n });
    } else if (type === 6 || type === 3) {
      let ifId = 0;
      let ts = 0n;
      let caplen: number;
      if (type === 6) {
        ifId = u32();
        const hi = u32();
        const lo = u32();
        ts = (BigInt(hi) << 32n) | BigInt(lo);
        caplen = u32();
        u32(); // original length
      } else {
        const orig = u32();
        caplen = Math.min(orig, body.remaining);
      }
      const iface = ifaces[ifId];
      if (!iface) throw new MalformedError('pcapng', `packet for unknown interface ${ifId}`);
      if (caplen > MAX_RECORD) throw new MalformedError('pcapng', `record of ${caplen} bytes`);
      const data = body.bytes(caplen, 'packet data');
      pushFrame(out, index++, (ts * iface.tsMultiplier) / iface.tsDivisor, iface.linkType, data);
    }
    offset += len;
  }
  return out;
}

function ipv4String(b: Buffer): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

function ipv6String(b: Buffer): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return parts.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

function pushFrame(out: Capture, index: number, timestampUs: bigint, linkType: number, frame: Buffer): void {
  const r = new ByteReader(frame, 'frame');
  let etherType: number;
  switch (linkType) {
    case LinkType.ETHERNET: {
      r.skip(12);
      etherType = r.u16be();
      while (etherType === 0x8100 || etherType === 0x88a8) {
        r.skip(2);
        etherType = r.u16be();
      }
      break;
    }
    case LinkType.LINUX_SLL:
      r.skip(14);
      etherType = r.u16be();
      break;
    case LinkType.LINUX_SLL2:
      etherType = r.u16be();
      r.skip(18);
      break;
    case LinkType.NULL: {
      const fam = frame.length >= 4 ? frame.readUInt32LE(0) : -1;
      r.skip(4);
      etherType = fam === 2 ? 0x0800 : 0x86dd;
      break;
    }
    case LinkType.RAW:
    case LinkType.RAW_IPV4:
    case LinkType.RAW_IPV6: {
      const v = frame.length > 0 ? frame[0]! >> 4 : 0;
      etherType = v === 6 ? 0x86dd : 0x0800;
      break;
    }
    default:
      out.skipped++;
      return;
  }
  let src: string;
  let dst: string;
  let proto: number;
  let l4: Buffer;
  if (etherType === 0x0800) {
    const start = r.offset;
    const vihl = r.u8();
    if (vihl >> 4 !== 4) throw new MalformedError('IPv4', `version ${vihl >> 4}`);
    const ihl = (vihl & 0x0f) * 4;
    if (ihl < 20) throw new MalformedError('IPv4', `header length ${ihl}`);
    r.skip(1);
    const total = r.u16be();
    r.skip(2);
    const frag = r.u16be();
    r.skip(1);
    proto = r.u8();
    r.skip(2);
    src = ipv4String(r.bytes(4));
    dst = ipv4String(r.bytes(4));
    if (total < ihl || start + total > frame.length) throw new MalformedError('IPv4', `total length ${total}`);
    if ((frag & 0x3fff) !== 0) {
      out.skipped++; // fragments are not reassembled
      return;
    }
    l4 = frame.subarray(start + ihl, start + total);
  } else if (etherType === 0x86dd) {
    const start = r.offset;
    r.skip(4);
    const plen = r.u16be();
    let next = r.u8();
    r.skip(1);
    src = ipv6String(r.bytes(16));
    dst = ipv6String(r.bytes(16));
    if (start + 40 + plen > frame.length) throw new MalformedError('IPv6', `payload length ${plen}`);
    const ip = new ByteReader(frame.subarray(start + 40, start + 40 + plen), 'IPv6 payload');
    // Hop-by-hop, routing, destination options: skip; fragments are not reassembled.
    for (let hops = 0; hops < 8 && (next === 0 || next === 43 || next === 60); hops++) {
      next = ip.u8();
      const hlen = (ip.u8() + 1) * 8;
      ip.skip(hlen - 2);
    }
    if (next === 44) {
      out.skipped++;
      return;
    }
    proto = next;
    l4 = ip.rest();
  } else {
    out.skipped++;
    return;
  }
  const t = new ByteReader(l4, proto === 6 ? 'TCP' : 'UDP');
  if (proto === 6) {
    const srcPort = t.u16be();
    const dstPort = t.u16be();
    const seq = t.u32be();
    const ack = t.u32be();
    const off = (t.u8() >> 4) * 4;
    const flags = t.u8();
    if (off < 20 || off > l4.length) throw new MalformedError('TCP', `data offset ${off}`);
    out.packets.push({ index, timestampUs, linkType, src, dst, srcPort, dstPort, protocol: 'tcp', payload: l4.subarray(off), tcp: { seq, ack, flags } });
  } else if (proto === 17) {
    const srcPort = t.u16be();
    const dstPort = t.u16be();
    const len = t.u16be();
    if (len < 8 || len > l4.length) throw new MalformedError('UDP', `length ${len}`);
    out.packets.push({ index, timestampUs, linkType, src, dst, srcPort, dstPort, protocol: 'udp', payload: l4.subarray(8, len) });
  } else {
    out.skipped++;
  }
}

/** Consecutive payload bytes one side of a TCP stream sent before the other side spoke. */
export interface TcpSegmentRun {
  direction: 'c2s' | 's2c';
  data: Buffer;
}

/** One TCP connection of a capture, reassembled per direction. */
export interface TcpStream {
  client: { address: string; port: number };
  server: { address: string; port: number };
  /** Reassembled bytes the client sent / the server sent, in sequence order. */
  clientData: Buffer;
  serverData: Buffer;
  /** Payload in wire order, consecutive segments of one direction merged. */
  runs: TcpSegmentRun[];
  /** True when a sequence gap was found (bytes missing from the capture). */
  gaps: boolean;
}

/**
 * Groups TCP packets by connection and reassembles each direction by sequence number, dropping
 * retransmitted bytes. The client is the side that sent the first SYN (or the first packet seen).
 */
export function tcpStreams(packets: CapturedPacket[]): TcpStream[] {
  interface Dir {
    isn: number | null;
    next: number; // next expected relative sequence
    pending: Map<number, Buffer>;
    chunks: Buffer[];
  }
  interface Conn {
    stream: TcpStream;
    c2s: Dir;
    s2c: Dir;
  }
  const conns = new Map<string, Conn>();
  const order: Conn[] = [];
  const key = (a: string, ap: number, b: string, bp: number): string => `${a}|${ap}|${b}|${bp}`;
  const newDir = (): Dir => ({ isn: null, next: 0, pending: new Map(), chunks: [] });

  for (const p of packets) {
    if (p.protocol !== 'tcp' || !p.tcp) continue;
    let conn = conns.get(key(p.src, p.srcPort, p.dst, p.dstPort)) ?? conns.get(key(p.dst, p.dstPort, p.src, p.srcPort));
    if (conn && (p.tcp.flags & 0x12) === 0x02 && conn.stream.client.address === p.src && conn.stream.client.port === p.srcPort && conn.c2s.isn !== null && conn.c2s.isn !== p.tcp.seq) {
      // A new connection reusing the same ports.
      conns.delete(key(p.src, p.srcPort, p.dst, p.dstPort));
      conn = undefined;
    }
    if (!conn) {
      const synAck = (p.tcp.flags & 0x12) === 0x12;
      const [client, server] = synAck
        ? [{ address: p.dst, port: p.dstPort }, { address: p.src, port: p.srcPort }]
        : [{ address: p.src, port: p.srcPort }, { address: p.dst, port: p.dstPort }];
      conn = {
        stream: { client, server, clientData: Buffer.alloc(0), serverData: Buffer.alloc(0), runs: [], gaps: false },
        c2s: newDir(),
        s2c: newDir(),
      };
      conns.set(key(client.address, client.port, server.address, server.port), conn);
      order.push(conn);
    }
    const fromClient = p.src === conn.stream.client.address && p.srcPort === conn.stream.client.port;
    const dir = fromClient ? conn.c2s : conn.s2c;
    if (dir.isn === null) dir.isn = (p.tcp.flags & 0x02 ? p.tcp.seq + 1 : p.tcp.seq) >>> 0;
    if (p.payload.length === 0) continue;
    let rel = (p.tcp.seq - dir.isn) >>> 0;
    let data = p.payload;
    if (rel < dir.next) {
      // Retransmission or overlap: keep only the new tail.
      const skip = dir.next - rel;
      if (skip >= data.length) continue;
      data = data.subarray(skip);
      rel = dir.next;
    }
    dir.pending.set(rel, data);
    for (;;) {
      const seg = dir.pending.get(dir.next);
      if (!seg) break;
      dir.pending.delete(dir.next);
      dir.chunks.push(seg);
      dir.next += seg.length;
      const d = fromClient ? 'c2s' : 's2c';
      const last = conn.stream.runs[conn.stream.runs.length - 1];
      if (last && last.direction === d) last.data = Buffer.concat([last.data, seg]);
      else conn.stream.runs.push({ direction: d, data: seg });
    }
  }
  for (const c of order) {
    c.stream.clientData = Buffer.concat(c.c2s.chunks);
    c.stream.serverData = Buffer.concat(c.s2c.chunks);
    c.stream.gaps = c.c2s.pending.size > 0 || c.s2c.pending.size > 0;
  }
  return order.map((c) => c.stream);
}

/**
 * Splits a reassembled NBSS (RFC 1002 §4.3.1) or Direct TCP ([MS-SMB2] §2.1) byte stream into frames.
 * Session messages (type 0) take a 24-bit length, which covers both framings.
 */
export function splitNbssFrames(stream: Buffer): { type: number; body: Buffer }[] {
  const out: { type: number; body: Buffer }[] = [];
  const r = new ByteReader(stream, 'NBSS stream');
  while (r.remaining > 0) {
    const type = r.u8();
    const hi = r.u8();
    const len = ((type === 0 ? hi : hi & 0x01) << 16) | r.u16be();
    out.push({ type, body: r.bytes(len, 'NBSS frame') });
  }
  return out;
}
