/**
 * NetBIOS name service on UDP 137 (RFC 1002 §4.2): packet codec, NODE STATUS (NBSTAT) and NAME
 * QUERY clients, and the messenger-name pick `net send <ip>` needs.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { MalformedError, NetsendError, TimeoutError, usageError } from '../status/error.js';
import { netbiosError } from '../status/builders.js';
import { raceWait, DEFAULT_TIMEOUT_MS, throwIfAborted, type WaitOptions } from '../util/abort.js';
import { ByteReader, ByteWriter } from '../util/bytes.js';
import { socketError } from './tcp.js';
import { sendUdpOnce } from './udp.js';
import { encodeName, formatNetbiosName, nameFrom16, nameTo16, netbiosName, parseNetbiosName, readName, sameName, WILDCARD_NAME, NB_SUFFIX, type NetbiosName } from './names.js';

/** UDP port of the NetBIOS name service (RFC 1002 §4.2). */
export const NAME_SERVICE_PORT = 137;

/** RFC 1002 §4.2.1.1 OPCODE values. */
export const NS_OPCODE = {
  QUERY: 0x0,
  REGISTRATION: 0x5,
  RELEASE: 0x6,
  WACK: 0x7,
  REFRESH: 0x8,
  MULTIHOMED_REGISTRATION: 0xf,
} as const;

/** RFC 1002 §4.2.1.1 NM_FLAGS, in their position within the 16-bit flags word. */
export const NM_FLAG = {
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  B: 0x0010,
} as const;

/** RFC 1002 §4.2.1.2 / §4.2.1.3 question and resource-record types. */
export const NS_TYPE = {
  A: 0x0001,
  NS: 0x0002,
  NULL: 0x000a,
  NB: 0x0020,
  NBSTAT: 0x0021,
} as const;
/** Class IN, the only one the name service uses (RFC 1002 §4.2.1.2). */
export const NS_CLASS_IN = 0x0001;

/** NB_FLAGS / NAME_FLAGS bits (RFC 1002 §4.2.2.2 and §4.2.18). */
export const NAME_FLAG = {
  GROUP: 0x8000,
  ONT_MASK: 0x6000,
  DRG: 0x1000,
  CNF: 0x0800,
  ACT: 0x0400,
  PRM: 0x0200,
} as const;

/** One question entry (RFC 1002 §4.2.1.2). */
export interface NsQuestion {
  /** QUESTION_NAME. */
  name: NetbiosName;
  /** QUESTION_TYPE: NB or NBSTAT. */
  type: number;
  /** QUESTION_CLASS (IN). */
  class: number;
}

/** One resource record (RFC 1002 §4.2.1.3). */
export interface NsResourceRecord {
  /** RR_NAME. */
  name: NetbiosName;
  /** RR_TYPE: NB, NBSTAT, NULL ... */
  type: number;
  /** RR_CLASS (IN). */
  class: number;
  /** TTL in seconds (0: infinite). */
  ttl: number;
  /** RDATA, decoded per type by decodeNbAddresses / decodeNodeStatusRdata. */
  rdata: Buffer;
}

/** A name-service packet (RFC 1002 §4.2.1). */
export interface NsPacket {
  /** NAME_TRN_ID: matches a response to its request. */
  id: number;
  /** R bit: a response. */
  response: boolean;
  /** OPCODE (RFC 1002 §4.2.1.1): query, registration, release, WACK, refresh. */
  opcode: number;
  /** NM_FLAGS bits as in NM_FLAG (AA, TC, RD, RA, B). */
  nmFlags: number;
  /** RCODE (RFC 1002 §4.2.1.1), 0 on success. */
  rcode: number;
  /** QUESTION section entries. */
  questions: NsQuestion[];
  /** ANSWER section records. */
  answers: NsResourceRecord[];
  /** AUTHORITY section records. */
  authority: NsResourceRecord[];
  /** ADDITIONAL section records. */
  additional: NsResourceRecord[];
}

const NM_FLAGS_MASK = NM_FLAG.AA | NM_FLAG.TC | NM_FLAG.RD | NM_FLAG.RA | NM_FLAG.B;

/** Encodes a name-service packet (names uncompressed). */
export function encodeNsPacket(p: NsPacket): Buffer {
  const w = new ByteWriter(128);
  w.u16be(p.id & 0xffff);
  w.u16be((p.response ? 0x8000 : 0) | ((p.opcode & 0xf) << 11) | (p.nmFlags & NM_FLAGS_MASK) | (p.rcode & 0xf));
  w.u16be(p.questions.length).u16be(p.answers.length).u16be(p.authority.length).u16be(p.additional.length);
  for (const q of p.questions) w.bytes(encodeName(q.name)).u16be(q.type).u16be(q.class);
  for (const rr of [...p.answers, ...p.authority, ...p.additional]) {
    if (rr.rdata.length > 0xffff) throw new NetsendError('usage', 0, 'EMSGSIZE', 'RDATA longer than 65535 bytes');
    w.bytes(encodeName(rr.name)).u16be(rr.type).u16be(rr.class).u32be(rr.ttl).u16be(rr.rdata.length).bytes(rr.rdata);
  }
  return w.finish();
}

function readRecord(r: ByteReader): NsResourceRecord {
  const name = readName(r, { pointers: true });
  const type = r.u16be();
  const klass = r.u16be();
  const ttl = r.u32be();
  const len = r.u16be();
  return { name, type, class: klass, ttl, rdata: r.bytes(len, 'RDATA') };
}

/** Decodes a name-service packet; compression pointers are followed a bounded number of times. */
export function decodeNsPacket(buf: Buffer): NsPacket {
  const r = new ByteReader(buf, 'NetBIOS name service packet');
  const id = r.u16be();
  const flags = r.u16be();
  const counts = [r.u16be(), r.u16be(), r.u16be(), r.u16be()] as const;
  // Each question or record takes at least 2 (pointer) + 4 bytes: reject absurd counts before looping.
  if ((counts[0] + counts[1] + counts[2] + counts[3]) * 6 > r.remaining) {
    throw new MalformedError('NetBIOS name service packet', `counts ${counts.join('/')} cannot fit in ${r.remaining} bytes`);
  }
  const questions: NsQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const name = readName(r, { pointers: true });
    questions.push({ name, type: r.u16be(), class: r.u16be() });
  }
  const section = (n: number): NsResourceRecord[] => Array.from({ length: n }, () => readRecord(r));
  const answers = section(counts[1]);
  const authority = section(counts[2]);
  const additional = section(counts[3]);
  return {
    id,
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    nmFlags: flags & NM_FLAGS_MASK,
    rcode: flags & 0xf,
    questions,
    answers,
    authority,
    additional,
  };
}

// --- NB records (name query answers) -------------------------------------------------------

/** One ADDR_ENTRY of an NB record (RFC 1002 §4.2.13): owner type, group flag and address. */
export interface NbAddressEntry {
  /** G flag: a group name. */
  group: boolean;
  /** Owner node type: 0 B, 1 P, 2 M, 3 H (Microsoft). */
  ownerType: number;
  /** NB_ADDRESS, an IPv4 address. */
  address: string;
}

/** RFC 1002 §4.2.13 ADDR_ENTRY list: NB_FLAGS u16 + IPv4 address, 6 bytes each. */
export function decodeNbAddresses(rdata: Buffer): NbAddressEntry[] {
  if (rdata.length % 6 !== 0) throw new MalformedError('NB record', `RDLENGTH ${rdata.length} is not a multiple of 6`);
  const r = new ByteReader(rdata, 'NB record');
  const out: NbAddressEntry[] = [];
  while (r.remaining > 0) {
    const flags = r.u16be();
    out.push({ group: (flags & NAME_FLAG.GROUP) !== 0, ownerType: (flags & NAME_FLAG.ONT_MASK) >> 13, address: Array.from(r.bytes(4)).join('.') });
  }
  return out;
}

/** Encodes an ADDR_ENTRY list (RFC 1002 §4.2.13). */
export function encodeNbAddresses(entries: NbAddressEntry[]): Buffer {
  const w = new ByteWriter(6 * entries.length);
  for (const e of entries) {
    if (!net.isIPv4(e.address)) throw usageError(`${e.address} is not IPv4`);
    w.u16be((e.group ? NAME_FLAG.GROUP : 0) | ((e.ownerType & 3) << 13));
    for (const part of e.address.split('.')) w.u8(Number(part));
  }
  return w.finish();
}

// --- NBSTAT records ------------------------------------------------------------------------

/** One NODE_NAME entry of a node status (RFC 1002 §4.2.18). */
export interface NodeStatusName {
  /** The name without padding, latin1 (one char per OEM byte). */
  name: string;
  /** The 16th byte of the name. */
  suffix: number;
  /** G flag: a group name. */
  group: boolean;
  /** The raw NAME_FLAGS word (RFC 1002 §4.2.18). */
  flags: number;
  /** ACT: the name is active. */
  active: boolean;
}

/** A decoded NODE STATUS RESPONSE (RFC 1002 §4.2.18). */
export interface NodeStatus {
  /** The names of the node's name table. */
  names: NodeStatusName[];
  /** UNIT_ID of the statistics, "aa:bb:cc:dd:ee:ff", when the reply carries it. */
  macAddress?: string;
  /** The statistics block as sent (RFC 1002 §4.2.18). */
  statistics: Buffer;
}

/** RFC 1002 §4.2.18 NODE STATUS RESPONSE RDATA: NUM_NAMES, 18-byte NODE_NAME entries, STATISTICS. */
export function decodeNodeStatusRdata(rdata: Buffer): NodeStatus {
  const r = new ByteReader(rdata, 'NBSTAT record');
  const n = r.u8();
  const names: NodeStatusName[] = [];
  for (let i = 0; i < n; i++) {
    const { name, suffix } = nameFrom16(r.bytes(16, 'NODE_NAME'));
    const flags = r.u16be();
    names.push({ name, suffix, group: (flags & NAME_FLAG.GROUP) !== 0, flags, active: (flags & NAME_FLAG.ACT) !== 0 });
  }
  const statistics = r.rest();
  const out: NodeStatus = { names, statistics };
  if (statistics.length >= 6) out.macAddress = Array.from(statistics.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':');
  return out;
}

/** Encodes NODE STATUS RESPONSE RDATA (RFC 1002 §4.2.18), as a responder answers. */
export function encodeNodeStatusRdata(s: { names: { name: string; suffix: number; flags: number }[]; statistics?: Buffer }): Buffer {
  if (s.names.length > 255) throw usageError('at most 255 names in a node status');
  const w = new ByteWriter(1 + 18 * s.names.length + 46);
  w.u8(s.names.length);
  for (const n of s.names) w.bytes(nameTo16({ name: n.name, suffix: n.suffix })).u16be(n.flags);
  w.bytes(s.statistics ?? Buffer.alloc(46));
  return w.finish();
}

// --- Requests ------------------------------------------------------------------------------

/** RFC 1002 §4.2.12 NAME QUERY REQUEST (B set when broadcast, RD set when asking a name server). */
export function encodeNameQuery(id: number, name: NetbiosName, broadcast: boolean): Buffer {
  return encodeNsPacket({
    id,
    response: false,
    opcode: NS_OPCODE.QUERY,
    nmFlags: broadcast ? NM_FLAG.B | NM_FLAG.RD : NM_FLAG.RD,
    rcode: 0,
    questions: [{ name, type: NS_TYPE.NB, class: NS_CLASS_IN }],
    answers: [],
    authority: [],
    additional: [],
  });
}

/** RFC 1002 §4.2.17 NODE STATUS REQUEST for '*'<00> (or another name). */
export function encodeNodeStatusRequest(id: number, name: NetbiosName = WILDCARD_NAME): Buffer {
  return encodeNsPacket({
    id,
    response: false,
    opcode: NS_OPCODE.QUERY,
    nmFlags: 0,
    rcode: 0,
    questions: [{ name, type: NS_TYPE.NBSTAT, class: NS_CLASS_IN }],
    answers: [],
    authority: [],
    additional: [],
  });
}

// --- UDP client ----------------------------------------------------------------------------

export interface NameServiceOptions extends WaitOptions {
  /** Retransmissions after the first request (default 2); the total wait is timeoutMs. */
  retries?: number;
  /** Destination port (default 137). */
  port?: number;
  /** Local address to bind (choose the interface a broadcast leaves from). */
  localAddress?: string;
  /** Local port to bind (default 0, any; RFC 1002 nodes use 137, which needs root and a free port). */
  localPort?: number;
}

type Verdict<T> = { done: T } | 'skip' | 'wait-longer';

/**
 * Sends `request` to address:port, retransmitting with the same id, and feeds every datagram from
 * an accepted source to `judge` until it returns a result. Undecodable or foreign datagrams are
 * dropped (a hostile sender must not be able to end the wait).
 */
async function transact<T>(
  what: string,
  request: Buffer,
  dest: { address: string; port: number; broadcast: boolean },
  acceptSource: (address: string, port: number) => boolean,
  judge: (p: NsPacket) => Verdict<T>,
  opts: NameServiceOptions,
): Promise<T> {
  throwIfAborted(opts.signal, what);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const attempts = Math.max(1, (opts.retries ?? 2) + 1);
  const family = net.isIPv6(dest.address) ? 'udp6' : 'udp4';
  const sock = dgram.createSocket({ type: family });
  let timer: NodeJS.Timeout | undefined;
  const cleanup = (): void => {
    clearInterval(timer);
    try {
      sock.close();
    } catch {
      /* already closed */
    }
  };
  try {
    return await raceWait(
      what,
      { timeoutMs, signal: opts.signal },
      () =>
        new Promise<T>((resolve, reject) => {
          sock.on('error', (e) => reject(socketError(e, what)));
          sock.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => {
            if (!acceptSource(rinfo.address, rinfo.port)) return;
            let p: NsPacket;
            try {
              p = decodeNsPacket(msg);
            } catch {
              return;
            }
            if (!p.response) return;
            try {
              const v = judge(p);
              if (v === 'skip') return;
              if (v === 'wait-longer') {
                // A WACK (RFC 1002 §4.2.16): the server asks us to keep waiting; stop retransmitting.
                clearInterval(timer);
                return;
              }
              resolve(v.done);
            } catch (e) {
              reject(e);
            }
          });
          const send = (): void => {
            sock.send(request, dest.port, dest.address, (err) => {
              if (err) reject(socketError(err, what));
            });
          };
          sock.bind({ port: opts.localPort ?? 0, address: opts.localAddress }, () => {
            try {
              if (dest.broadcast) sock.setBroadcast(true);
            } catch (e) {
              reject(socketError(e, what));
              return;
            }
            send();
            let sent = 1;
            timer = setInterval(() => {
              if (sent++ >= attempts) clearInterval(timer);
              else send();
            }, Math.max(1, Math.floor(timeoutMs / attempts)));
          });
        }),
      cleanup,
    );
  } finally {
    cleanup();
  }
}

/** A CSPRNG transaction id (an off-path spoofer must guess it). Web Crypto, so node:crypto is loaded only when a query is sent. */
function randomId(): number {
  return globalThis.crypto.getRandomValues(new Uint16Array(1))[0]!;
}

/**
 * NODE STATUS (NBSTAT, RFC 1002 §4.2.17-18) of the host at `address`: the names it has
 * registered, with suffix and group flag, and the MAC address from the statistics.
 */
export async function nodeStatus(address: string, opts: NameServiceOptions = {}): Promise<NodeStatus> {
  if (!net.isIP(address)) throw usageError(`node status needs an IP address, got "${address}"`);
  const id = randomId();
  const port = opts.port ?? NAME_SERVICE_PORT;
  const what = `NetBIOS node status of ${address}`;
  return transact<NodeStatus>(
    what,
    encodeNodeStatusRequest(id),
    { address, port, broadcast: false },
    (a, p) => a === address && p === port,
    (p) => {
      if (p.id !== id) return 'skip';
      if (p.opcode === NS_OPCODE.WACK) return 'wait-longer';
      if (p.opcode !== NS_OPCODE.QUERY) return 'skip';
      if (p.rcode !== 0) throw netbiosError(p.rcode, what);
      const rr = p.answers.find((a) => a.type === NS_TYPE.NBSTAT);
      if (!rr) throw new MalformedError('NBSTAT response', 'no NBSTAT answer record');
      return { done: decodeNodeStatusRdata(rr.rdata) };
    },
    opts,
  );
}

export interface QueryNameOptions extends NameServiceOptions {
  /** A NetBIOS name server (WINS / nmbd) to ask by unicast. */
  server?: string;
  /** A broadcast address (e.g. 192.168.1.255) to ask on instead. */
  broadcast?: string;
  /** NetBIOS scope of the name. */
  scope?: string;
}

/**
 * NAME QUERY (RFC 1002 §4.2.12-15) for NAME<suffix>: the IPv4 addresses registered for it.
 * Unicast to `server`, or broadcast to `broadcast` (then any node on port 137 may answer; the
 * first positive answer wins). A negative response becomes NetsendError layer 'netbios' (NAM_ERR ...).
 */
export async function queryName(name: string | Buffer | NetbiosName, suffix: number | undefined, opts: QueryNameOptions): Promise<string[]> {
  const parsed =
    typeof name === 'string' ? parseNetbiosName(name, suffix ?? NB_SUFFIX.WORKSTATION) : Buffer.isBuffer(name) ? netbiosName(name, suffix ?? NB_SUFFIX.WORKSTATION) : parseNetbiosName(name);
  const queried = netbiosName(Buffer.from(parsed.name, 'latin1'), suffix ?? parsed.suffix, opts.scope ?? parsed.scope);
  const dest = opts.server ?? opts.broadcast;
  if (!dest || (opts.server && opts.broadcast)) throw usageError('queryName needs exactly one of server or broadcast');
  if (!net.isIPv4(dest)) throw usageError(`name query destination must be IPv4, got "${dest}"`);
  const port = opts.port ?? NAME_SERVICE_PORT;
  const broadcast = opts.broadcast !== undefined;
  const id = randomId();
  const what = `NetBIOS name query for ${formatNetbiosName(queried)} ${broadcast ? 'broadcast to' : 'at'} ${dest}`;
  return transact<string[]>(
    what,
    encodeNameQuery(id, queried, broadcast),
    { address: dest, port, broadcast },
    (a, p) => (broadcast ? p === port : a === dest && p === port),
    (p) => {
      if (p.id !== id) return 'skip';
      if (p.opcode === NS_OPCODE.WACK) return 'wait-longer';
      if (p.opcode !== NS_OPCODE.QUERY) return 'skip';
      if (p.rcode !== 0) {
        // RFC 1002 §5.1.1: nodes do not answer broadcasts negatively; ignore stray ones.
        if (broadcast) return 'skip';
        throw netbiosError(p.rcode, what);
      }
      const rr = p.answers.find((a) => a.type === NS_TYPE.NB && sameName(a.name, queried));
      if (!rr) {
        if (broadcast) return 'skip';
        throw new MalformedError('name query response', `no NB answer for ${formatNetbiosName(queried)}`);
      }
      return { done: decodeNbAddresses(rr.rdata).map((e) => e.address) };
    },
    opts,
  );
}

/**
 * The messenger names (unique NAME<03>) a host has registered, in the order `net send <ip>`
 * tries them: the computer's own name (its first unique <00>) first, then the others (aliases,
 * logged-on users) in the order the node status lists them.
 */
export function messengerNamesFromStatus(status: NodeStatus): NetbiosName[] {
  const usable = (n: NodeStatusName): boolean => !n.group && (n.flags & (NAME_FLAG.CNF | NAME_FLAG.DRG)) === 0;
  const computer = status.names.find((n) => usable(n) && n.suffix === NB_SUFFIX.WORKSTATION)?.name;
  const messengers = status.names.filter((n) => usable(n) && n.suffix === NB_SUFFIX.MESSENGER);
  const own = messengers.filter((n) => n.name === computer);
  const others = messengers.filter((n) => n.name !== computer);
  const seen = new Set<string>();
  const out: NetbiosName[] = [];
  for (const n of [...own, ...others]) {
    if (seen.has(n.name)) continue;
    seen.add(n.name);
    out.push({ name: n.name, suffix: NB_SUFFIX.MESSENGER });
  }
  return out;
}

/** Node status of `address`, reduced to its messenger names (see messengerNamesFromStatus). */
export async function findMessengerName(address: string, opts: NameServiceOptions = {}): Promise<NetbiosName[]> {
  return messengerNamesFromStatus(await nodeStatus(address, opts));
}

// --- Registration and release ----------------------------------------------------------------

/** A NAME REGISTRATION REQUEST to encode (RFC 1002 §4.2.2). */
export interface NameRegistrationRequest {
  /** NAME_TRN_ID. */
  id: number;
  /** The name to register. */
  name: NetbiosName;
  /** Our IPv4 address, registered for the name. */
  address: string;
  /** Register a group name (G flag of NB_FLAGS). */
  group?: boolean;
  /** Owner node type (0 B, 1 P, 2 M, 3 H). */
  ownerType?: number;
  /** Seconds (RFC 1002: 0 means infinite). */
  ttl?: number;
  /** Send as a broadcast (B flag set). */
  broadcast?: boolean;
  /** RFC 1002 §4.2.4: the broadcast NAME OVERWRITE DEMAND clears RD; requests set it. */
  demand?: boolean;
}

function registrationRecord(r: NameRegistrationRequest, ttl: number): NsResourceRecord {
  return {
    name: r.name,
    type: NS_TYPE.NB,
    class: NS_CLASS_IN,
    ttl,
    rdata: encodeNbAddresses([{ group: r.group === true, ownerType: r.ownerType ?? 0, address: r.address }]),
  };
}

/** RFC 1002 §4.2.2 NAME REGISTRATION REQUEST (or §4.2.4 OVERWRITE DEMAND when `demand`). */
export function encodeNameRegistration(r: NameRegistrationRequest): Buffer {
  return encodeNsPacket({
    id: r.id,
    response: false,
    opcode: NS_OPCODE.REGISTRATION,
    nmFlags: (r.demand ? 0 : NM_FLAG.RD) | (r.broadcast ? NM_FLAG.B : 0),
    rcode: 0,
    questions: [{ name: r.name, type: NS_TYPE.NB, class: NS_CLASS_IN }],
    answers: [],
    authority: [],
    additional: [registrationRecord(r, r.ttl ?? DEFAULT_REGISTRATION_TTL)],
  });
}

/** RFC 1002 §4.2.9 NAME RELEASE REQUEST (TTL 0). */
export function encodeNameRelease(r: NameRegistrationRequest): Buffer {
  return encodeNsPacket({
    id: r.id,
    response: false,
    opcode: NS_OPCODE.RELEASE,
    nmFlags: r.broadcast ? NM_FLAG.B : 0,
    rcode: 0,
    questions: [{ name: r.name, type: NS_TYPE.NB, class: NS_CLASS_IN }],
    answers: [],
    authority: [],
    additional: [registrationRecord(r, 0)],
  });
}

/** Three days, the TTL nmbd gives its own names. */
export const DEFAULT_REGISTRATION_TTL = 259200;
/** RFC 1002 §6: BCAST_REQ_RETRY_TIMEOUT 250 ms x BCAST_REQ_RETRY_COUNT 3, with some slack. */
const DEFAULT_BROADCAST_WAIT_MS = 1500;

export interface RegisterNameOptions extends NameServiceOptions {
  /** A NetBIOS name server (WINS / nmbd) to register with by unicast. */
  server?: string;
  /** A broadcast address to claim the name on instead (B-node, RFC 1002 §5.1.1.1). */
  broadcast?: string;
  /** Our IPv4 address for the name. */
  address: string;
  /** Register a group name. */
  group?: boolean;
  /** Owner node type (0 B, 1 P, 2 M, 3 H). */
  ownerType?: number;
  /** Seconds the registration lasts (RFC 1002: 0 means infinite). */
  ttl?: number;
  /** NetBIOS scope of the name (RFC 1001 §14), if any. */
  scope?: string;
}

function registrationTarget(name: string | Buffer | NetbiosName, suffix: number | undefined, opts: RegisterNameOptions): { queried: NetbiosName; dest: string; broadcast: boolean; port: number } {
  const parsed =
    typeof name === 'string' ? parseNetbiosName(name, suffix ?? NB_SUFFIX.WORKSTATION) : Buffer.isBuffer(name) ? netbiosName(name, suffix ?? NB_SUFFIX.WORKSTATION) : parseNetbiosName(name);
  const queried = netbiosName(Buffer.from(parsed.name, 'latin1'), suffix ?? parsed.suffix, opts.scope ?? parsed.scope);
  const dest = opts.server ?? opts.broadcast;
  if (!dest || (opts.server && opts.broadcast)) throw usageError('name registration needs exactly one of server or broadcast');
  if (!net.isIPv4(dest) || !net.isIPv4(opts.address)) throw usageError('name registration needs IPv4 addresses');
  return { queried, dest, broadcast: opts.broadcast !== undefined, port: opts.port ?? NAME_SERVICE_PORT };
}

/**
 * Registers NAME<suffix> for `address` (RFC 1002 §4.2.2-4.2.6, §5.1). With `server` (WINS / nmbd)
 * the server's answer decides; a negative one becomes NetsendError layer 'netbios' (ACT_ERR,
 * RFS_ERR ...). With `broadcast` the name is claimed when nobody objects within the wait, then an
 * overwrite demand is sent. Resolves with the TTL granted (seconds).
 */
export async function registerName(name: string | Buffer | NetbiosName, suffix: number | undefined, opts: RegisterNameOptions): Promise<{ ttl: number }> {
  const { queried, dest, broadcast, port } = registrationTarget(name, suffix, opts);
  const id = randomId();
  const req: NameRegistrationRequest = { id, name: queried, address: opts.address, group: opts.group, ownerType: opts.ownerType, ttl: opts.ttl, broadcast };
  const what = `NetBIOS name registration of ${formatNetbiosName(queried)} ${broadcast ? 'broadcast to' : 'at'} ${dest}`;
  const judge = (p: NsPacket): Verdict<{ ttl: number }> => {
    if (p.id !== id) return 'skip';
    if (p.opcode === NS_OPCODE.WACK) return 'wait-longer';
    if (p.opcode !== NS_OPCODE.REGISTRATION) return 'skip';
    if (p.rcode !== 0) throw netbiosError(p.rcode, what);
    if (broadcast) return 'skip'; // only objections count on a broadcast claim
    // RFC 1002 §4.2.7: a response without AA is an END-NODE CHALLENGE, which we do not perform.
    if ((p.nmFlags & NM_FLAG.AA) === 0) throw new NetsendError('netbios', 0, 'END_NODE_CHALLENGE', `${what}: the server asks the requester to challenge the current owner`);
    return { done: { ttl: p.answers[0]?.ttl ?? req.ttl ?? DEFAULT_REGISTRATION_TTL } };
  };
  const accept = (a: string, p: number): boolean => (broadcast ? p === port : a === dest && p === port);
  if (!broadcast) return transact(what, encodeNameRegistration(req), { address: dest, port, broadcast }, accept, judge, opts);
  const waitOpts = { ...opts, timeoutMs: opts.timeoutMs ?? DEFAULT_BROADCAST_WAIT_MS };
  try {
    await transact(what, encodeNameRegistration(req), { address: dest, port, broadcast }, accept, judge, waitOpts);
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
  }
  await sendUdpOnce(what, encodeNameRegistration({ ...req, demand: true }), dest, port, { ...opts, broadcast: true });
  return { ttl: req.ttl ?? DEFAULT_REGISTRATION_TTL };
}

/** Releases a name registered with registerName (RFC 1002 §4.2.9-4.2.11, §5.1.1.5). */
export async function releaseName(name: string | Buffer | NetbiosName, suffix: number | undefined, opts: RegisterNameOptions): Promise<void> {
  const { queried, dest, broadcast, port } = registrationTarget(name, suffix, opts);
  const id = randomId();
  const packet = encodeNameRelease({ id, name: queried, address: opts.address, group: opts.group, ownerType: opts.ownerType, broadcast });
  const what = `NetBIOS name release of ${formatNetbiosName(queried)} ${broadcast ? 'broadcast to' : 'at'} ${dest}`;
  if (broadcast) {
    await sendUdpOnce(what, packet, dest, port, { ...opts, broadcast: true });
    return;
  }
  await transact<void>(
    what,
    packet,
    { address: dest, port, broadcast },
    (a, p) => a === dest && p === port,
    (p) => {
      if (p.id !== id || p.opcode !== NS_OPCODE.RELEASE) return 'skip';
      if (p.rcode !== 0) throw netbiosError(p.rcode, what);
      return { done: undefined };
    },
    opts,
  );
}


// --- Responder -----------------------------------------------------------------------------

/** One name a responder owns. */
export interface ResponderName {
  /** The name; a string or Buffer takes `suffix`. */
  name: string | Buffer | NetbiosName;
  /** Suffix when `name` is a string or Buffer without one (default 0x00). */
  suffix?: number;
  /** A group name (G flag in answers). */
  group?: boolean;
}

/** What a name-service responder owns and answers for. */
export interface NameResponderOptions {
  /** The names this node owns (RFC 1002 §5.1.1: a node answers queries for its own names). */
  names: ResponderName[];
  /** IPv4 addresses returned in positive NAME QUERY answers. */
  addresses: string[];
  /** Address to bind (default 0.0.0.0: broadcasts reach only a wildcard-bound socket). */
  host?: string;
  /** UDP port (default 137; 0 picks a free port for tests). */
  port?: number;
  /** TTL in seconds of positive answers (default 259200, three days, as nmbd sends). */
  ttl?: number;
  /** Owner node type put in NB_FLAGS / NAME_FLAGS (0 B, 1 P, 2 M, 3 H; default 0). */
  ownerType?: number;
  /** UNIT_ID in the node status statistics, "aa:bb:cc:dd:ee:ff" (default zeros, as nmbd sends). */
  macAddress?: string;
  /** Answer unicast queries for names we do not own with NAM_ERR (WINS-like); default silent. */
  negativeUnicast?: boolean;
}

/** A running name-service responder. */
export interface NameResponder {
  /** The address the responder listens on. */
  readonly address: string;
  /** The bound UDP port. */
  readonly port: number;
  /** Stops answering and releases the socket. */
  close(): Promise<void>;
}

function upperKey(n: NetbiosName): string {
  return `${n.name.replace(/[a-z]+/g, (c) => c.toUpperCase())}<${n.suffix}>${(n.scope ?? '').toUpperCase()}`;
}

/**
 * Answers NAME QUERY (NB) and NODE STATUS (NBSTAT) requests for a fixed set of names, so that
 * `net send <ip>` / nmblookup can find a receiver's NAME<03>. Undecodable packets, responses and
 * other opcodes are dropped without a reply.
 */
export async function startNameResponder(opts: NameResponderOptions): Promise<NameResponder> {
  const ont = (opts.ownerType ?? 0) & 3;
  const owned = opts.names.map((n) => {
    const parsed =
      typeof n.name === 'string'
        ? parseNetbiosName(n.name, n.suffix ?? NB_SUFFIX.WORKSTATION)
        : Buffer.isBuffer(n.name)
          ? netbiosName(n.name, n.suffix ?? NB_SUFFIX.WORKSTATION)
          : parseNetbiosName(n.name);
    return { name: parsed, group: n.group === true };
  });
  if (owned.length > 255) throw usageError('a node status holds at most 255 names');
  const byKey = new Map(owned.map((o) => [upperKey(o.name), o]));
  const addrEntries = opts.addresses.map((address) => ({ group: false, ownerType: ont, address }));
  encodeNbAddresses(addrEntries); // validates the addresses now rather than per reply
  const stats = Buffer.alloc(46);
  if (opts.macAddress) {
    const mac = opts.macAddress.split(/[:-]/).map((h) => parseInt(h, 16));
    if (mac.length !== 6 || mac.some((b) => !(b >= 0 && b <= 255))) throw usageError(`bad MAC address ${opts.macAddress}`);
    Buffer.from(mac).copy(stats);
  }
  const statusRdata = encodeNodeStatusRdata({
    names: owned.map((o) => ({ name: o.name.name, suffix: o.name.suffix, flags: (o.group ? NAME_FLAG.GROUP : 0) | (ont << 13) | NAME_FLAG.ACT })),
    statistics: stats,
  });
  const ttl = opts.ttl ?? 259200;

  const reply = (req: NsPacket, rcode: number, answers: NsResourceRecord[]): Buffer =>
    encodeNsPacket({
      id: req.id,
      response: true,
      opcode: NS_OPCODE.QUERY,
      nmFlags: NM_FLAG.AA | (req.nmFlags & NM_FLAG.RD),
      rcode,
      questions: [],
      answers,
      authority: [],
      additional: [],
    });

  const answer = (req: NsPacket): Buffer | null => {
    if (req.response || req.opcode !== NS_OPCODE.QUERY || req.questions.length !== 1) return null;
    const q = req.questions[0]!;
    if (q.class !== NS_CLASS_IN) return null;
    const mine = byKey.get(upperKey(q.name));
    if (q.type === NS_TYPE.NBSTAT) {
      if (!mine && !sameName(q.name, WILDCARD_NAME)) return null;
      return reply(req, 0, [{ name: q.name, type: NS_TYPE.NBSTAT, class: NS_CLASS_IN, ttl: 0, rdata: statusRdata }]);
    }
    if (q.type !== NS_TYPE.NB) return null;
    if (mine) {
      const entries = addrEntries.map((e) => ({ ...e, group: mine.group }));
      return reply(req, 0, [{ name: q.name, type: NS_TYPE.NB, class: NS_CLASS_IN, ttl, rdata: encodeNbAddresses(entries) }]);
    }
    if (opts.negativeUnicast && (req.nmFlags & NM_FLAG.B) === 0) {
      return reply(req, 3, [{ name: q.name, type: NS_TYPE.NULL, class: NS_CLASS_IN, ttl: 0, rdata: Buffer.alloc(0) }]);
    }
    return null;
  };

  const host = opts.host ?? '0.0.0.0';
  const sock = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: true });
  sock.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    let req: NsPacket;
    try {
      req = decodeNsPacket(msg);
    } catch {
      return;
    }
    const out = answer(req);
    if (out) sock.send(out, rinfo.port, rinfo.address, () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', (e) => reject(socketError(e, `bind ${host}:${opts.port ?? NAME_SERVICE_PORT}`)));
    sock.bind({ port: opts.port ?? NAME_SERVICE_PORT, address: host }, () => resolve());
  });
  sock.removeAllListeners('error');
  sock.on('error', () => undefined); // a send failure to one requester must not take the responder down
  const bound = sock.address();
  let closed = false;
  return {
    address: bound.address,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        sock.close(() => resolve());
      }),
  };
}
