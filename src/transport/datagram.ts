/**
 * NetBIOS datagram service packets (RFC 1002 §4.4, UDP 138): the carrier of mailslot writes such
 * as \MAILSLOT\MESSNGR: codec and a one-shot sender; receiving belongs to the messenger layer.
 */
import * as net from 'node:net';
import { MalformedError, NetsendError, usageError } from '../status/error.js';
import type { WaitOptions } from '../util/abort.js';
import { ByteReader, ByteWriter } from '../util/bytes.js';
import { sendUdpOnce } from './udp.js';
import { encodeName, readName, type NetbiosName } from './names.js';

/** UDP port of the NetBIOS datagram service (RFC 1002 §4.4). */
export const DATAGRAM_PORT = 138;

/** RFC 1002 §4.4.1 MSG_TYPE. */
export const DGM_TYPE = {
  DIRECT_UNIQUE: 0x10,
  DIRECT_GROUP: 0x11,
  BROADCAST: 0x12,
  ERROR: 0x13,
  QUERY_REQUEST: 0x14,
  POSITIVE_QUERY_RESPONSE: 0x15,
  NEGATIVE_QUERY_RESPONSE: 0x16,
} as const;

/** RFC 1002 §4.4.1 FLAGS: M (more), F (first), SNT (source node type, bits 2-3). */
export const DGM_FLAG = { MORE: 0x01, FIRST: 0x02, SNT_MASK: 0x0c } as const;

/** Source node type values (SNT); Windows sends 3 ("NBDD", used for H-nodes). */
export const DGM_NODE_TYPE = { B: 0, P: 1, M: 2, H: 3 } as const;

/** RFC 1002 §4.4.3 ERROR_CODE values. */
export const DGM_ERROR = {
  DESTINATION_NAME_NOT_PRESENT: 0x82,
  INVALID_SOURCE_NAME_FORMAT: 0x83,
  INVALID_DESTINATION_NAME_FORMAT: 0x84,
} as const;

/** Fields every datagram service packet starts with (RFC 1002 §4.4.1). */
interface DatagramHeader {
  /** DGM_ID: lets a receiver group fragments. */
  id: number;
  /** SOURCE_IP of the sending node. */
  sourceIp: string;
  /** SOURCE_PORT of the sending node. */
  sourcePort: number;
  /** Source node type (0..3). */
  nodeType: number;
}

/** A DIRECT_UNIQUE, DIRECT_GROUP or BROADCAST datagram, or one fragment of it (RFC 1002 §4.4.2). */
export interface DataDatagram extends DatagramHeader {
  /** MSG_TYPE (RFC 1002 §4.4.1). */
  type: typeof DGM_TYPE.DIRECT_UNIQUE | typeof DGM_TYPE.DIRECT_GROUP | typeof DGM_TYPE.BROADCAST;
  /** F flag: first (or only) fragment. */
  first: boolean;
  /** M flag: more fragments follow. */
  more: boolean;
  /** PACKET_OFFSET of this fragment's user data within the whole datagram. */
  packetOffset: number;
  /** SOURCE_NAME (RFC 1002 §4.4.2). */
  source: NetbiosName;
  /** DESTINATION_NAME (RFC 1002 §4.4.2). */
  destination: NetbiosName;
  /** USER_DATA of this fragment. */
  data: Buffer;
}

/** A DATAGRAM ERROR packet (RFC 1002 §4.4.3). */
export interface ErrorDatagram extends DatagramHeader {
  /** MSG_TYPE DATAGRAM ERROR. */
  type: typeof DGM_TYPE.ERROR;
  /**
   * ERROR_CODE (RFC 1002 §4.4.3): 0x82 destination name not present, 0x83 invalid source name, 0x84 invalid
   * destination name.
   */
  errorCode: number;
}

/** A DATAGRAM QUERY REQUEST or its positive/negative response (RFC 1002 §4.4.4). */
export interface QueryDatagram extends DatagramHeader {
  /** MSG_TYPE: the query or its positive or negative response. */
  type: typeof DGM_TYPE.QUERY_REQUEST | typeof DGM_TYPE.POSITIVE_QUERY_RESPONSE | typeof DGM_TYPE.NEGATIVE_QUERY_RESPONSE;
  /** DESTINATION_NAME asked about (RFC 1002 §4.4.4). */
  destination: NetbiosName;
}

/** A decoded NetBIOS datagram service packet (RFC 1002 §4.4). */
export type NetbiosDatagram = DataDatagram | ErrorDatagram | QueryDatagram;

/** The largest datagram Samba sends or accepts (MAX_DGRAM_SIZE, clrpc-mailslot-notes §5.3). */
export const MAX_DATAGRAM_SIZE = 576;

function ipv4(address: string): Buffer {
  if (!net.isIPv4(address)) throw usageError(`datagram source ${address} is not IPv4`);
  return Buffer.from(address.split('.').map(Number));
}

function checkHeader(d: DatagramHeader): void {
  if (!Number.isInteger(d.id) || d.id < 0 || d.id > 0xffff) throw usageError(`datagram id ${d.id}`);
  if (!Number.isInteger(d.sourcePort) || d.sourcePort < 0 || d.sourcePort > 0xffff) throw usageError(`source port ${d.sourcePort}`);
  if (!Number.isInteger(d.nodeType) || d.nodeType < 0 || d.nodeType > 3) throw usageError(`node type ${d.nodeType}`);
}

/** Encodes a datagram (RFC 1002 §4.4.2-4.4.4). DGM_LENGTH covers both names and the user data. */
export function encodeDatagram(d: NetbiosDatagram): Buffer {
  checkHeader(d);
  const w = new ByteWriter(128);
  let flags = (d.nodeType & 3) << 2;
  if (d.type === DGM_TYPE.DIRECT_UNIQUE || d.type === DGM_TYPE.DIRECT_GROUP || d.type === DGM_TYPE.BROADCAST) {
    if (d.first) flags |= DGM_FLAG.FIRST;
    if (d.more) flags |= DGM_FLAG.MORE;
  }
  w.u8(d.type).u8(flags).u16be(d.id).bytes(ipv4(d.sourceIp)).u16be(d.sourcePort);
  switch (d.type) {
    case DGM_TYPE.DIRECT_UNIQUE:
    case DGM_TYPE.DIRECT_GROUP:
    case DGM_TYPE.BROADCAST: {
      const body = Buffer.concat([encodeName(d.source), encodeName(d.destination), d.data]);
      if (body.length > 0xffff) throw new NetsendError('usage', 0, 'EMSGSIZE', `datagram body of ${body.length} bytes`);
      if (d.packetOffset < 0 || d.packetOffset > 0xffff) throw usageError(`packet offset ${d.packetOffset}`);
      w.u16be(body.length).u16be(d.packetOffset).bytes(body);
      break;
    }
    case DGM_TYPE.ERROR:
      w.u8(d.errorCode & 0xff);
      break;
    default:
      w.bytes(encodeName(d.destination));
  }
  return w.finish();
}

/** Decodes one datagram; names must be uncompressed, DGM_LENGTH must match the names and data. */
export function decodeDatagram(buf: Buffer): NetbiosDatagram {
  const r = new ByteReader(buf, 'NetBIOS datagram');
  const type = r.u8();
  const flags = r.u8();
  if ((flags & 0xf0) !== 0) throw new MalformedError('NetBIOS datagram', `reserved flag bits set (0x${flags.toString(16)})`);
  const header: DatagramHeader = {
    id: r.u16be(),
    sourceIp: Array.from(r.bytes(4)).join('.'),
    sourcePort: r.u16be(),
    nodeType: (flags & DGM_FLAG.SNT_MASK) >> 2,
  };
  switch (type) {
    case DGM_TYPE.DIRECT_UNIQUE:
    case DGM_TYPE.DIRECT_GROUP:
    case DGM_TYPE.BROADCAST: {
      const length = r.u16be();
      const packetOffset = r.u16be();
      const body = new ByteReader(r.bytes(length, 'DGM_LENGTH bytes'), 'NetBIOS datagram body');
      const source = readName(body);
      const destination = readName(body);
      return { ...header, type, first: (flags & DGM_FLAG.FIRST) !== 0, more: (flags & DGM_FLAG.MORE) !== 0, packetOffset, source, destination, data: Buffer.from(body.rest()) };
    }
    case DGM_TYPE.ERROR:
      return { ...header, type, errorCode: r.u8() };
    case DGM_TYPE.QUERY_REQUEST:
    case DGM_TYPE.POSITIVE_QUERY_RESPONSE:
    case DGM_TYPE.NEGATIVE_QUERY_RESPONSE:
      return { ...header, type, destination: readName(r) };
    default:
      throw new MalformedError('NetBIOS datagram', `unknown MSG_TYPE 0x${type.toString(16)}`);
  }
}

/** A whole, unfragmented data datagram as Windows sends mailslot writes (F set, M clear, offset 0). */
export function directDatagram(opts: {
  group?: boolean;
  id: number;
  sourceIp: string;
  sourcePort?: number;
  nodeType?: number;
  source: NetbiosName;
  destination: NetbiosName;
  data: Buffer;
}): Buffer {
  return encodeDatagram({
    type: opts.group ? DGM_TYPE.DIRECT_GROUP : DGM_TYPE.DIRECT_UNIQUE,
    id: opts.id,
    sourceIp: opts.sourceIp,
    sourcePort: opts.sourcePort ?? DATAGRAM_PORT,
    nodeType: opts.nodeType ?? DGM_NODE_TYPE.H,
    first: true,
    more: false,
    packetOffset: 0,
    source: opts.source,
    destination: opts.destination,
    data: opts.data,
  });
}

export interface SendDatagramOptions extends WaitOptions {
  /** Destination address: the name's address, or the subnet broadcast address for group names. */
  address: string;
  /** Destination port (default 138). */
  port?: number;
  /** Allow a broadcast destination. */
  broadcast?: boolean;
  /** Source address to bind (default any). */
  localAddress?: string;
  /** Source port (default 0, any; Windows and nmbd send from 138, which needs root and a free port). */
  localPort?: number;
}

/** Sends one encoded datagram over UDP (no reply exists in the datagram service). */
export async function sendDatagram(packet: Buffer, opts: SendDatagramOptions): Promise<void> {
  if (!net.isIPv4(opts.address)) throw usageError(`datagram destination must be IPv4, got "${opts.address}"`);
  if (packet.length > 0xffff - 28) throw new NetsendError('usage', 0, 'EMSGSIZE', `datagram of ${packet.length} bytes does not fit UDP`);
  const port = opts.port ?? DATAGRAM_PORT;
  await sendUdpOnce(`NetBIOS datagram to ${opts.address}:${port}`, packet, opts.address, port, opts);
}

/** Bytes of a data datagram before USER_DATA with two unscoped names (14 + 34 + 34, RFC 1002 §4.4.2). */
export const DATA_DATAGRAM_OVERHEAD = 14 + 34 + 34;

/**
 * Splits user data into data datagrams of at most `maxDatagramSize` bytes each (RFC 1002 §4.4.1
 * and §5.3.3): all carry the same DGM_ID and both names; the first has F set and PACKET_OFFSET 0,
 * every fragment but the last has M set, and PACKET_OFFSET is where its user data starts in the whole.
 * Data that fits gives exactly one datagram, as `directDatagram` would.
 */
export function fragmentDatagram(
  opts: {
    type: DataDatagram['type'];
    id: number;
    sourceIp: string;
    sourcePort?: number;
    nodeType?: number;
    source: NetbiosName;
    destination: NetbiosName;
    data: Buffer;
  },
  maxDatagramSize: number = MAX_DATAGRAM_SIZE,
): Buffer[] {
  const overhead = 14 + encodeName(opts.source).length + encodeName(opts.destination).length;
  const room = maxDatagramSize - overhead;
  if (!Number.isInteger(maxDatagramSize) || room < 1) throw usageError(`datagram size ${maxDatagramSize} leaves no room for data after ${overhead} header bytes`);
  if (opts.data.length > 0xffff) throw new NetsendError('usage', 0, 'EMSGSIZE', `${opts.data.length} bytes of user data: PACKET_OFFSET is 16 bits`);
  const out: Buffer[] = [];
  let offset = 0;
  do {
    const chunk = opts.data.subarray(offset, offset + room);
    const more = offset + chunk.length < opts.data.length;
    out.push(
      encodeDatagram({
        type: opts.type,
        id: opts.id,
        sourceIp: opts.sourceIp,
        sourcePort: opts.sourcePort ?? DATAGRAM_PORT,
        nodeType: opts.nodeType ?? DGM_NODE_TYPE.H,
        first: offset === 0,
        more,
        packetOffset: offset,
        source: opts.source,
        destination: opts.destination,
        data: Buffer.from(chunk),
      }),
    );
    offset += chunk.length;
  } while (offset < opts.data.length);
  return out;
}
