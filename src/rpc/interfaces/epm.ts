/**
 * The endpoint mapper, ept interface ([C706] Appendix O "Endpoint Mapper Interface Definition",
 * [MS-RPCE] §2.2.1.2 and §3.1.1.5.2.1) with its protocol towers ([C706] Appendix L, [MS-RPCE]
 * §2.2.1.1): ept_lookup (opnum 2, paged with an entry handle) and ept_map (opnum 3).
 *
 * The stubs are coded by hand: ept_entry_t's annotation is a fixed-size [string] array (a varying
 * array without conformance) and towers are conformant structures behind full pointers, shapes the
 * generic NDR types do not cover.
 */
import { NetsendError, MalformedError } from '../../status/error.js';
import { eptStatus } from '../../status/index.js';
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import type { CallOptions, RpcInterface } from '../client.js';
import type { RpcCaller } from '../caller.js';
import { NDR20, NIL_UUID, formatSyntax, uuidFromBytes, uuidToBytes, type SyntaxId } from '../uuid.js';

/** [C706] Appendix O: uuid e1af8308-5d1f-11c9-91a4-08002b14a0fa, version 3.0. */
export const EPM: RpcInterface = { name: 'epmapper', syntax: { uuid: 'e1af8308-5d1f-11c9-91a4-08002b14a0fa', major: 3, minor: 0 } };
/** The endpoint mapper's named pipe (\PIPE\epmapper) for ncacn_np. */
export const EPM_PIPE = 'epmapper';

/** Opnums ([C706] Appendix O order). */
export const EPT_LOOKUP = 2;
/** ept_map opnum (C706 Appendix O). */
export const EPT_MAP = 3;

/** ept_lookup inquiry_type and vers_option ([C706] Appendix O, rpc_c_ep_* / rpc_c_vers_*). */
export const RPC_C_EP_ALL_ELTS = 0;
/** vers_option: any version of the interface. */
export const RPC_C_VERS_ALL = 1;

/** ept_s_not_registered: no (more) entries ([C706] Appendix E). */
export const EPT_S_NOT_REGISTERED = 0x16c9a0d6;

/** Protocol identifiers of tower floors ([C706] Appendix I/L, [MS-RPCE] §2.2.1.1.1-2). */
export const FLOOR = {
  uuid: 0x0d,
  ncacn: 0x0b,
  ncadg: 0x0a,
  tcp: 0x07,
  udp: 0x08,
  ip: 0x09,
  namedPipe: 0x0f,
  netbios: 0x11,
  /** ncalrpc: protocol floor 0x0c, endpoint floor 0x10 (a local endpoint name). */
  lrpc: 0x0c,
  localName: 0x10,
  http: 0x1f,
} as const;

/** ept_entry_t.annotation is [string] char[64] ([C706] Appendix O, ept_max_annotation_size). */
export const EPT_MAX_ANNOTATION = 64;
/** An entry handle is a context handle: 4-octet attributes + 16-octet UUID. */
export const CONTEXT_HANDLE_LENGTH = 20;

/** One floor of a protocol tower (C706 Appendix L): protocol identifier (lhs) and its data (rhs). */
export interface TowerFloor {
  lhs: Buffer;
  rhs: Buffer;
}

/** A decoded protocol tower: the interface, its transfer syntax, and where it listens. */
export interface Tower {
  interface: SyntaxId;
  transferSyntax: SyntaxId;
  /** ncacn_ip_tcp, ncadg_ip_udp, ncacn_np, ncalrpc, ncacn_http, or `unknown(0x..)` for others. */
  protseq: string;
  /** Port number (TCP/UDP) or pipe / LRPC name. */
  endpoint?: string;
  /** IPv4 address or NetBIOS host name. */
  host?: string;
  floors: TowerFloor[];
}

function bad(detail: string): MalformedError {
  return new MalformedError('endpoint mapper tower', detail);
}

function uuidFloor(s: SyntaxId): TowerFloor {
  const lhs = Buffer.alloc(19);
  lhs[0] = FLOOR.uuid;
  uuidToBytes(s.uuid).copy(lhs, 1);
  lhs.writeUInt16LE(s.major, 17);
  const rhs = Buffer.alloc(2);
  rhs.writeUInt16LE(s.minor, 0);
  return { lhs, rhs };
}

function oneOctet(id: number, rhs: Buffer): TowerFloor {
  return { lhs: Buffer.from([id]), rhs };
}

function u16be(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}

function ipv4(host: string): Buffer {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return Buffer.alloc(4);
  const b = Buffer.from(m.slice(1).map(Number));
  if (b.some((x, i) => x !== Number(m[i + 1]))) throw new NetsendError('usage', 0, 'RPC_S_INVALID_NET_ADDR', `bad IPv4 address ${host}`);
  return b;
}

function cz(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(1)]);
}

/** What to ask the endpoint mapper for: interface, transfer syntax and protocol sequence of the wanted tower. */
export interface TowerSpec {
  interface: SyntaxId;
  transferSyntax?: SyntaxId;
  protseq: 'ncacn_ip_tcp' | 'ncadg_ip_udp' | 'ncacn_np';
  /** Port (0 asks for any) or pipe name such as \PIPE\wkssvc. */
  endpoint?: string | number;
  /** IPv4 address (TCP/UDP; 0.0.0.0 when absent) or NetBIOS name (ncacn_np). */
  host?: string;
}

/** The floors of a tower ([MS-RPCE] §2.2.1.1.1: five floors for these protocol sequences). */
export function buildTower(t: TowerSpec): Buffer {
  const floors: TowerFloor[] = [uuidFloor(t.interface), uuidFloor(t.transferSyntax ?? NDR20)];
  const minor0 = Buffer.alloc(2);
  switch (t.protseq) {
    case 'ncacn_ip_tcp':
    case 'ncadg_ip_udp': {
      const port = t.endpoint === undefined ? 0 : Number(t.endpoint);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new NetsendError('usage', 0, 'RPC_S_INVALID_ENDPOINT_FORMAT', `bad port ${String(t.endpoint)}`);
      floors.push(oneOctet(t.protseq === 'ncacn_ip_tcp' ? FLOOR.ncacn : FLOOR.ncadg, minor0));
      floors.push(oneOctet(t.protseq === 'ncacn_ip_tcp' ? FLOOR.tcp : FLOOR.udp, u16be(port)));
      floors.push(oneOctet(FLOOR.ip, ipv4(t.host ?? '0.0.0.0')));
      break;
    }
    case 'ncacn_np':
      floors.push(oneOctet(FLOOR.ncacn, minor0));
      floors.push(oneOctet(FLOOR.namedPipe, cz(String(t.endpoint ?? ''))));
      floors.push(oneOctet(FLOOR.netbios, cz(t.host ?? '')));
      break;
  }
  const w = new ByteWriter(128);
  w.u16le(floors.length);
  for (const f of floors) w.u16le(f.lhs.length).bytes(f.lhs).u16le(f.rhs.length).bytes(f.rhs);
  return w.finish();
}

function readUuidFloor(f: TowerFloor, which: string): SyntaxId {
  if (f.lhs.length !== 19 || f.lhs[0] !== FLOOR.uuid || f.rhs.length !== 2) throw bad(`${which} floor is not a UUID floor`);
  return { uuid: uuidFromBytes(f.lhs.subarray(1, 17)), major: f.lhs.readUInt16LE(17), minor: f.rhs.readUInt16LE(0) };
}

function zstring(b: Buffer): string {
  const nul = b.indexOf(0);
  return (nul >= 0 ? b.subarray(0, nul) : b).toString('latin1');
}

/** Decodes a tower_octet_string; floors beyond the known ones are kept raw. */
export function parseTower(octets: Buffer): Tower {
  const r = new ByteReader(octets, 'endpoint mapper tower');
  const n = r.u16le();
  if (n < 3 || n > 16) throw bad(`${n} floors`);
  const floors: TowerFloor[] = [];
  for (let i = 0; i < n; i++) {
    const lhs = r.bytes(r.u16le(), 'floor lhs');
    const rhs = r.bytes(r.u16le(), 'floor rhs');
    floors.push({ lhs, rhs });
  }
  const tower: Tower = { interface: readUuidFloor(floors[0]!, 'interface'), transferSyntax: readUuidFloor(floors[1]!, 'transfer syntax'), protseq: 'unknown', floors };
  const id = (i: number): number | undefined => (floors[i]?.lhs.length ? floors[i]!.lhs[0] : undefined);
  const rhs = (i: number): Buffer => floors[i]?.rhs ?? Buffer.alloc(0);
  const rpc = id(2);
  const transport = id(3);
  if (rpc === FLOOR.ncacn && transport === FLOOR.tcp) tower.protseq = 'ncacn_ip_tcp';
  else if (rpc === FLOOR.ncadg && transport === FLOOR.udp) tower.protseq = 'ncadg_ip_udp';
  else if (rpc === FLOOR.ncacn && transport === FLOOR.namedPipe) tower.protseq = 'ncacn_np';
  else if (rpc === FLOOR.ncacn && transport === FLOOR.http) tower.protseq = 'ncacn_http';
  else if (rpc === FLOOR.lrpc && transport === FLOOR.localName) tower.protseq = 'ncalrpc';
  else tower.protseq = `unknown(0x${(transport ?? rpc ?? 0).toString(16)})`;
  if (transport === FLOOR.tcp || transport === FLOOR.udp || transport === FLOOR.http) {
    if (rhs(3).length !== 2) throw bad('port floor is not 2 octets');
    tower.endpoint = String(rhs(3).readUInt16BE(0));
    if (id(4) === FLOOR.ip) {
      if (rhs(4).length !== 4) throw bad('IP floor is not 4 octets');
      tower.host = [...rhs(4)].join('.');
    }
  } else if (transport === FLOOR.namedPipe) {
    tower.endpoint = zstring(rhs(3));
    if (id(4) === FLOOR.netbios) tower.host = zstring(rhs(4));
  } else if (transport === FLOOR.localName) {
    tower.endpoint = zstring(rhs(3));
  }
  return tower;
}

/** A tower as a string binding: ncacn_ip_tcp:127.0.0.1[49152]. */
export function towerBinding(t: Tower): string {
  return `${t.protseq}:${t.host ?? ''}${t.endpoint !== undefined ? `[${t.endpoint}]` : ''}`;
}

function eptError(status: number, what: string): NetsendError {
  const s = eptStatus(status);
  return new NetsendError('rpc-fault', s.code, s.name, `${what}: ${s.name} (${s.message})`);
}

/** twr_t behind a full pointer, as a deferred referent: conformance, tower_length, octets. */
function writeTwr(w: ByteWriter, tower: Buffer): void {
  w.u32le(tower.length).u32le(tower.length).bytes(tower).align(4);
}

function readTwr(r: ByteReader): Buffer {
  r.align(4);
  const max = r.u32le();
  const len = r.u32le();
  if (len > max) throw new MalformedError('endpoint mapper reply', `tower_length ${len} above its conformance ${max}`);
  r.need(max, 'tower octets');
  const octets = Buffer.from(r.bytes(len, 'tower octets'));
  r.skip(max - len);
  return octets;
}

function readHandle(r: ByteReader): Buffer {
  return Buffer.from(r.bytes(CONTEXT_HANDLE_LENGTH, 'entry handle'));
}

/** Reads a conformant varying array header; actual ≤ max, offset 0, max ≤ the count asked for. */
function readArrayHeader(r: ByteReader, asked: number, count: number, what: string): number {
  const max = r.u32le();
  const offset = r.u32le();
  const actual = r.u32le();
  if (offset !== 0 || actual > max || max > asked || actual !== count) throw new MalformedError('endpoint mapper reply', `${what}: max ${max} offset ${offset} actual ${actual}, count ${count}, asked ${asked}`);
  return actual;
}

/** One ept_map reply: the matching towers, the handle to continue with, and the status. */
export interface EptMapResult {
  towers: Tower[];
  entryHandle: Buffer;
  status: number;
}

/** ept_map request stub ([C706] Appendix O): object, map_tower, entry_handle, max_towers. */
export function encodeEptMap(tower: Buffer, maxTowers: number, entryHandle: Buffer = Buffer.alloc(CONTEXT_HANDLE_LENGTH), object: string = NIL_UUID): Buffer {
  const w = new ByteWriter(128);
  w.u32le(1).bytes(uuidToBytes(object));
  w.u32le(2);
  writeTwr(w, tower);
  w.bytes(entryHandle).u32le(maxTowers);
  return w.finish();
}

/** ept_map response stub: entry_handle, num_towers, towers[] (full pointers), status. */
export function decodeEptMap(stub: Buffer, maxTowers: number): EptMapResult {
  const r = new ByteReader(stub, 'ept_map reply');
  const entryHandle = readHandle(r);
  const num = r.u32le();
  const n = readArrayHeader(r, maxTowers, num, 'towers');
  const refs: number[] = [];
  for (let i = 0; i < n; i++) refs.push(r.u32le());
  const seen = new Map<number, Buffer>();
  const towers: Tower[] = [];
  for (const ref of refs) {
    if (ref === 0) continue;
    let octets = seen.get(ref);
    if (!octets) {
      octets = readTwr(r);
      seen.set(ref, octets);
    }
    towers.push(parseTower(octets));
  }
  r.align(4);
  const status = r.u32le();
  return { towers, entryHandle, status };
}

/** One endpoint-map entry from ept_lookup: an object UUID, its tower and annotation (C706 Appendix O). */
export interface EptEntry {
  object: string;
  tower?: Tower;
  /** The raw tower when it could not be parsed. */
  rawTower?: Buffer;
  annotation: string;
}

/** One ept_lookup reply: entries, the handle to continue with, and the status (0 or ept_s_not_registered). */
export interface EptLookupResult {
  entries: EptEntry[];
  entryHandle: Buffer;
  status: number;
}

/** ept_lookup request stub: inquiry_type, object, interface_id, vers_option, entry_handle, max_ents. */
export function encodeEptLookup(maxEnts: number, entryHandle: Buffer = Buffer.alloc(CONTEXT_HANDLE_LENGTH), iface?: SyntaxId): Buffer {
  const w = new ByteWriter(64);
  w.u32le(RPC_C_EP_ALL_ELTS);
  w.u32le(0); // object: NULL
  if (iface) w.u32le(1).bytes(uuidToBytes(iface.uuid)).u16le(iface.major).u16le(iface.minor);
  else w.u32le(0);
  w.u32le(RPC_C_VERS_ALL).bytes(entryHandle).u32le(maxEnts);
  return w.finish();
}

/** ept_lookup response stub: entry_handle, num_ents, entries[] (object, tower pointer, annotation), status. */
export function decodeEptLookup(stub: Buffer, maxEnts: number): EptLookupResult {
  const r = new ByteReader(stub, 'ept_lookup reply');
  const entryHandle = readHandle(r);
  const num = r.u32le();
  const n = readArrayHeader(r, maxEnts, num, 'entries');
  const heads: { object: string; ref: number; annotation: string }[] = [];
  for (let i = 0; i < n; i++) {
    r.align(4);
    const object = uuidFromBytes(r.bytes(16, 'object'));
    const ref = r.u32le();
    const offset = r.u32le();
    const len = r.u32le();
    if (offset !== 0 || len > EPT_MAX_ANNOTATION) throw new MalformedError('ept_lookup reply', `annotation offset ${offset} length ${len}`);
    heads.push({ object, ref, annotation: zstring(r.bytes(len, 'annotation')) });
  }
  const seen = new Map<number, Buffer>();
  const entries: EptEntry[] = [];
  for (const h of heads) {
    const e: EptEntry = { object: h.object, annotation: h.annotation };
    if (h.ref !== 0) {
      let octets = seen.get(h.ref);
      if (!octets) {
        octets = readTwr(r);
        seen.set(h.ref, octets);
      }
      try {
        e.tower = parseTower(octets);
      } catch (err) {
        if (!(err instanceof MalformedError)) throw err;
        e.rawTower = octets;
      }
    }
    entries.push(e);
  }
  r.align(4);
  const status = r.u32le();
  return { entries, entryHandle, status };
}

/**
 * ept_map: where does `iface` listen over `protseq` on this host? Returns the towers (possibly
 * several); throws ept_s_not_registered (layer rpc-fault) when there is none.
 */
export async function eptMap(rpc: RpcCaller, iface: SyntaxId, protseq: TowerSpec['protseq'] = 'ncacn_ip_tcp', opts: CallOptions & { maxTowers?: number } = {}): Promise<Tower[]> {
  const maxTowers = opts.maxTowers ?? 4;
  const out = decodeEptMap(await rpc.call(EPT_MAP, encodeEptMap(buildTower({ interface: iface, protseq }), maxTowers), opts), maxTowers);
  if (out.status !== 0) throw eptError(out.status, `ept_map ${formatSyntax(iface)} over ${protseq}`);
  const towers = out.towers.filter((t) => t.protseq === protseq);
  if (towers.length === 0) throw eptError(EPT_S_NOT_REGISTERED, `ept_map ${formatSyntax(iface)} over ${protseq}`);
  return towers;
}

/**
 * ept_lookup over the whole map, page by page with the entry handle, until the mapper says
 * ept_s_not_registered (Samba sends it together with the last entries) or returns a null handle.
 */
export async function eptLookup(rpc: RpcCaller, opts: CallOptions & { pageSize?: number; maxPages?: number; iface?: SyntaxId } = {}): Promise<EptEntry[]> {
  const pageSize = opts.pageSize ?? 100;
  const maxPages = opts.maxPages ?? 1000;
  let handle: Buffer = Buffer.alloc(CONTEXT_HANDLE_LENGTH);
  const all: EptEntry[] = [];
  for (let page = 0; page < maxPages; page++) {
    const out = decodeEptLookup(await rpc.call(EPT_LOOKUP, encodeEptLookup(pageSize, handle, opts.iface), opts), pageSize);
    all.push(...out.entries);
    if (out.status === EPT_S_NOT_REGISTERED) return all;
    if (out.status !== 0) throw eptError(out.status, 'ept_lookup');
    if (out.entryHandle.every((b) => b === 0)) return all;
    if (out.entries.length === 0) throw new MalformedError('ept_lookup reply', 'no entries and no end of the map');
    handle = out.entryHandle;
  }
  throw new NetsendError('protocol', 0, 'EPT_TOO_MANY_PAGES', `ept_lookup did not end within ${maxPages} pages`);
}
