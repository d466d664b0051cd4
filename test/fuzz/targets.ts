/**
 * Mutation fuzzer for every parser that reads network or file input: the targets, their seed corpora
 * (real messages from fixtures/captures plus spec-shaped encodings), the mutation engine, the oracle
 * and a delta minimiser. Used by test/fuzz/fuzz.test.ts (bounded) and bench/fuzz.mjs (long runs, which
 * transpiles this file against dist/). docs/fuzzing.md says how to run it and what is covered.
 *
 * Oracle: a target returns, or throws a NetsendError. Anything else is a finding: another exception,
 * a result holding NaN / an Invalid Date, more than SLOW_MS for one input (re-measured), or a
 * stateful client that neither connects nor fails with a NetsendError in time, or leaks handles.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fixturePath, captureMessages } from '../helpers/fixtures.js';
import { NetsendError } from '../../src/status/error.js';
import { ByteReader } from '../../src/util/bytes.js';
import { readCapture, tcpStreams, splitNbssFrames } from '../../src/pcap/reader.js';
// status catalogue
import { ntStatus, formatNtStatus, ntSeverity, ntFacility } from '../../src/status/ntstatus.js';
import { win32 } from '../../src/status/win32.js';
import { dosError, unpackDos, dosClassName } from '../../src/status/dos.js';
import { nbssRefusal, netbiosRcode } from '../../src/status/netbios.js';
import { rpcFault, rpcFaultToWin32, bindResult, bindProviderReason, bindNakReason, eptStatus } from '../../src/status/rpc.js';
import { ntStatusToWin32 } from '../../src/status/map.js';
import { hresult } from '../../src/status/hresult.js';
import { ntStatusError, dosStatusError, nbssError, netbiosError, rpcFaultError, bindNakError, bindRejectError, win32Error } from '../../src/status/builders.js';
// transport
import { decodeNbssHeader, decodeNbssPacket, decodeSessionRequest, decodeRetarget, decodeDirectTcpHeader, encodeSessionRequest, encodeRetarget } from '../../src/transport/nbss.js';
import { decodeNsPacket, decodeNbAddresses, decodeNodeStatusRdata, encodeNameQuery, encodeNodeStatusRequest, encodeNsPacket, encodeNbAddresses, encodeNodeStatusRdata, NS_TYPE, NS_CLASS_IN, NS_OPCODE } from '../../src/transport/nameservice.js';
import { decodeDatagram, directDatagram } from '../../src/transport/datagram.js';
import { clHeader, decodeClPdu, encodeClPdu, CL_PTYPE, CL_FLAGS1 } from '../../src/rpc/cl-pdu.js';
import { decodeEptMapRequest } from '../../src/rpc/interfaces/epm-server.js';
import { buildTower as clBuildTower, encodeEptMap as clEncodeEptMap } from '../../src/rpc/interfaces/epm.js';
import { decodeMailslotWrite, decodeMessengerBody, encodeMailslotWrite, encodeMessengerBody } from '../../src/smb/smb1/mailslot.js';
import { decodeName, decodeFirstLevel, encodeName, readName, netbiosName } from '../../src/transport/names.js';
// auth
import { decodeNegotiate, decodeChallenge, decodeAuthenticate, parseAvPairs } from '../../src/auth/ntlm-messages.js';
import { decodeNegTokenInit, decodeNegTokenResp } from '../../src/auth/spnego.js';
import { decodeOne, decodeOid, decodeEnumerated, readTlv } from '../../src/auth/der.js';
import { createNtlmAuthenticator } from '../../src/auth/ntlm.js';
// smb1
import { parseSmb1, type Smb1Block } from '../../src/smb/smb1/andx.js';
import { decodeSmb1Message } from '../../src/smb/smb1/header.js';
import { decodeNegotiateResponse as smb1NegotiateResponse, decodeNegotiateRequestDialects } from '../../src/smb/smb1/negotiate.js';
import { decodeSessionSetupRequest as smb1SessionSetupRequest, decodeSessionSetupResponse as smb1SessionSetupResponse } from '../../src/smb/smb1/session-setup.js';
import { decodeTreeConnectRequest as smb1TreeConnectRequest, decodeTreeConnectResponse as smb1TreeConnectResponse } from '../../src/smb/smb1/tree-connect.js';
import { decodeNtCreateRequest, decodeNtCreateResponse } from '../../src/smb/smb1/nt-create.js';
import { decodeTransactionRequest, decodeTransactionResponsePart } from '../../src/smb/smb1/transaction.js';
import { decodeReadAndxRequest, decodeReadAndxResponse } from '../../src/smb/smb1/read-andx.js';
import { decodeWriteAndxRequest, decodeWriteAndxResponse } from '../../src/smb/smb1/write-andx.js';
import { decodeCloseRequest as smb1CloseRequest } from '../../src/smb/smb1/close.js';
import { decodeMessageRequest, decodeMessageResponse } from '../../src/smb/smb1/message-commands.js';
import { decodeSmbString } from '../../src/smb/smb1/strings.js';
import { verifySmb1Signature } from '../../src/smb/smb1/signing.js';
// smb2
import { decodeHeader as smb2DecodeHeader, decodeTransformHeader, splitCompound as smb2SplitCompound } from '../../src/smb/smb2/header.js';
import * as smb2 from '../../src/smb/smb2/messages.js';
import { decryptMessage, verifyMessage } from '../../src/smb/smb2/crypto.js';
import { connectSmb, smb2ReplyDialect } from '../../src/smb/connect.js';
import { connectSmb1 } from '../../src/smb/smb1/client.js';
import { connectSmb2 } from '../../src/smb/smb2/client.js';
import { connectSmbTransport } from '../../src/transport/nbss.js';
import type { Authenticator } from '../../src/auth/types.js';
import type { SmbClient } from '../../src/smb/types.js';
// rpc
import { decodePdu, decodeHeader as rpcDecodeHeader } from '../../src/rpc/pdu.js';
import { readSyntax } from '../../src/rpc/uuid.js';
import { RpcClient, type RpcTransport } from '../../src/rpc/client.js';
import { WKSSVC, NetrWkstaGetInfo, NetrMessageBufferSend, decodeWkstaGetInfo, decodeMessageBufferSendResult, encodeWkstaGetInfo, encodeMessageBufferSend } from '../../src/rpc/interfaces/wkssvc.js';
import { NetrMessageNameAdd, NetrMessageNameDel, NetrMessageNameEnum, NetrMessageNameGetInfo } from '../../src/rpc/interfaces/msgsvc.js';
import { netrSendMessage } from '../../src/rpc/interfaces/msgsvcsend.js';
import { NetrShareEnum, decodeShareEnum, encodeShareEnum } from '../../src/rpc/interfaces/srvsvc.js';
import { RpcGetEnumResult, RpcGetSessionIds, decodeGetEnumResult, stringToWchars } from '../../src/rpc/interfaces/termsrv-enumeration.js';
import { RpcShowMessageBox, encodeShowMessageBox } from '../../src/rpc/interfaces/termsrv-session.js';
import { RpcWinStationEnumerate, RpcWinStationSendMessage, buildLogonIds, encodeSendMessage, parseLogonIds } from '../../src/rpc/interfaces/icaapi.js';
import type { ServerHandle, SessionHandle } from '../../src/rpc/interfaces/tsts-common.js';
import { buildTower, decodeEptLookup, decodeEptMap, encodeEptMap, parseTower } from '../../src/rpc/interfaces/epm.js';
// messenger
import { decodeOemText, decodeOemName } from '../../src/messenger/text.js';
import { startReceiver, type Receiver } from '../../src/messenger/receiver.js';
import { TransactionAssembler } from '../../src/smb/smb1/transaction.js';
import { FrameSplitter } from '../helpers/proxy.js';

/** One input longer than this is cut: the oracle's time bound is stated for inputs up to 64 KiB. */
export const MAX_INPUT = 64 * 1024;
/** An input whose best of three runs takes longer than this is a finding. */
// Tests make no timing assertions (docs/conventions.md): under vitest the slow-input check is off unless asked for.
export const SLOW_MS = Number(process.env.NETSEND_FUZZ_SLOW_MS ?? (process.env.VITEST ? Infinity : 50));

export interface FuzzTarget {
  name: string;
  /** Seed pool names (keys of the Seeds map); mutations splice within the union of these pools. */
  pools: string[];
  /** Parses `input`; the value returned is inspected for NaN / Invalid Date. */
  run(input: Buffer): unknown;
}

export type Seeds = Map<string, Buffer[]>;

// ------------------------------------------------------------------------------------------------
// Deterministic PRNG and mutations
// ------------------------------------------------------------------------------------------------

/** mulberry32: small, fast, reproducible from a u32 seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}

const BOUNDARY8 = [0, 1, 0x7f, 0x80, 0xfe, 0xff];
export const MUTATIONS = ['flip', 'set8', 'len16', 'len32', 'truncate', 'extend', 'splice', 'duplicate', 'delete', 'random', 'repeat'] as const;
export type MutationKind = (typeof MUTATIONS)[number];

/** One mutation of `b`; `pool` supplies splice partners. */
export function mutateOnce(rng: Rng, b: Buffer, pool: readonly Buffer[], kind: MutationKind = rng.pick(MUTATIONS)): Buffer {
  const len = b.length;
  const at = rng.int(len);
  const k = 1 + rng.int(8);
  switch (kind) {
    case 'flip': {
      if (len === 0) return rng.bytes(1 + rng.int(16));
      const c = Buffer.from(b);
      c[at] = c[at]! ^ (1 << rng.int(8));
      return c;
    }
    case 'set8': {
      if (len === 0) return Buffer.from([rng.pick(BOUNDARY8)]);
      const c = Buffer.from(b);
      c[at] = rng.pick(BOUNDARY8);
      return c;
    }
    case 'len16': {
      if (len < 2) return Buffer.concat([b, rng.bytes(2)]);
      const c = Buffer.from(b);
      const o = rng.int(2) === 0 ? at & ~1 : at;
      const pos = Math.min(o, len - 2);
      const v = rng.pick([0, 1, 0x7fff, 0x8000, 0xffff, len + k, Math.max(0, len - k), len - pos, len - pos + k, len - pos - k]) & 0xffff;
      if (rng.int(4) === 0) c.writeUInt16BE(v, pos);
      else c.writeUInt16LE(v, pos);
      return c;
    }
    case 'len32': {
      if (len < 4) return Buffer.concat([b, rng.bytes(4)]);
      const c = Buffer.from(b);
      const o = rng.int(2) === 0 ? at & ~3 : at;
      const pos = Math.min(o, len - 4);
      const v = rng.pick([0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x10000, len + k, Math.max(0, len - k), len - pos, len - pos + k, len - pos - k]) >>> 0;
      if (rng.int(4) === 0) c.writeUInt32BE(v, pos);
      else c.writeUInt32LE(v, pos);
      return c;
    }
    case 'truncate':
      return b.subarray(0, rng.int(2) === 0 ? at : Math.max(0, len - k));
    case 'extend':
      return Buffer.concat([b, rng.int(3) === 0 ? Buffer.alloc(1 + rng.int(64), rng.pick(BOUNDARY8)) : rng.bytes(1 + rng.int(64))]);
    case 'splice': {
      const other = pool.length > 0 ? rng.pick(pool) : rng.bytes(32);
      const j = rng.int(other.length + 1);
      return Buffer.concat([b.subarray(0, at), other.subarray(j)]);
    }
    case 'duplicate': {
      if (len === 0) return b;
      const n = 1 + rng.int(Math.min(64, len - at));
      const ins = rng.int(len + 1);
      return Buffer.concat([b.subarray(0, ins), b.subarray(at, at + n), b.subarray(ins)]);
    }
    case 'delete': {
      if (len === 0) return b;
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(len, at + k))]);
    }
    case 'repeat': {
      // A slice repeated up to MAX_INPUT: long lists, deep nesting, many frames (the time bound).
      if (len === 0) return b;
      const n = 1 + rng.int(Math.min(256, len - at));
      const piece = b.subarray(at, at + n);
      const times = 1 + rng.int(Math.max(1, Math.floor((MAX_INPUT - len) / n)));
      return Buffer.concat([b.subarray(0, at + n), Buffer.alloc(piece.length * times).fill(piece), b.subarray(at + n)]);
    }
    case 'random': {
      if (len === 0) return rng.bytes(1);
      const c = Buffer.from(b);
      c[at] = rng.u32() & 0xff;
      return c;
    }
  }
}

/** 1..5 stacked mutations of a seed, capped at MAX_INPUT. */
export function mutate(rng: Rng, seed: Buffer, pool: readonly Buffer[]): Buffer {
  let b = seed;
  const n = 1 + rng.int(5);
  for (let i = 0; i < n; i++) b = mutateOnce(rng, b, pool);
  return b.length > MAX_INPUT ? b.subarray(0, MAX_INPUT) : b;
}

// ------------------------------------------------------------------------------------------------
// Oracle and minimiser
// ------------------------------------------------------------------------------------------------

export interface Finding {
  target: string;
  kind: 'exception' | 'slow' | 'bad-result';
  /** "RangeError: ..." / "NaN at .x.y" / "73 ms". */
  detail: string;
  /** First stack frame in src/ (or dist/), "src/x/y.ts:12:3". */
  where: string;
  hex: string;
}

function srcFrame(e: unknown): string {
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack : '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /[( ](?:file:\/\/)?([^() ]*\/(?:src|dist)\/[^() ]+:\d+:\d+)\)?$/.exec(line.trim());
    if (m) {
      const p = m[1]!;
      const i = p.lastIndexOf('/src/') >= 0 ? p.lastIndexOf('/src/') : p.lastIndexOf('/dist/');
      return p.slice(i + 1);
    }
  }
  return '?';
}

/** A path to the first NaN / Invalid Date in `v`, or undefined. Bounded walk. */
export function badValue(v: unknown, at = '', depth = 0, seen = new Set<unknown>()): string | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? `NaN at ${at || '(result)'}` : undefined;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? `Invalid Date at ${at || '(result)'}` : undefined;
  if (v === null || typeof v !== 'object' || depth > 8 || seen.has(v) || Buffer.isBuffer(v) || ArrayBuffer.isView(v)) return undefined;
  seen.add(v);
  const entries = Array.isArray(v) ? v.slice(0, 64).map((x, i) => [String(i), x] as const) : Object.entries(v).slice(0, 64);
  for (const [k, x] of entries) {
    const r = badValue(x, `${at}.${k}`, depth + 1, seen);
    if (r) return r;
  }
  return undefined;
}

function timed(t: FuzzTarget, input: Buffer): { ms: number; error?: unknown; value?: unknown } {
  const t0 = performance.now();
  try {
    const value = t.run(input);
    return { ms: performance.now() - t0, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

/** Runs one input through the oracle. */
export function check(t: FuzzTarget, input: Buffer): Finding | undefined {
  const r = timed(t, input);
  const base = { target: t.name, hex: input.toString('hex') };
  if (r.error !== undefined && !(r.error instanceof NetsendError)) {
    const e = r.error;
    const detail = e instanceof Error ? `${e.constructor.name}: ${e.message}` : `non-Error throw: ${String(e)}`;
    return { ...base, kind: 'exception', detail, where: srcFrame(e) };
  }
  if (r.error === undefined) {
    const bad = badValue(r.value);
    if (bad) return { ...base, kind: 'bad-result', detail: bad, where: '?' };
  }
  if (r.ms > SLOW_MS) {
    const best = Math.min(r.ms, timed(t, input).ms, timed(t, input).ms);
    if (best > SLOW_MS) return { ...base, kind: 'slow', detail: `${best.toFixed(0)} ms for ${input.length} bytes`, where: '?' };
  }
  return undefined;
}

/** Same bug: same kind, same exception class and first frame. */
export function sameBug(a: Finding, b: Finding | undefined): boolean {
  if (!b || a.kind !== b.kind) return false;
  if (a.kind === 'exception') return a.where === b.where && a.detail.split(':')[0] === b.detail.split(':')[0];
  return true;
}

/** Delta loop: removes chunks, then zeroes bytes, keeping the same bug; at most `budget` runs. */
export function minimize(t: FuzzTarget, f: Finding, budget = 3000): Finding {
  if (f.kind === 'slow') return f;
  let best: Buffer = Buffer.from(f.hex, 'hex');
  let bestF = f;
  let runs = 0;
  const keep = (cand: Buffer): boolean => {
    runs++;
    const g = check(t, cand);
    if (g && sameBug(f, g)) {
      best = cand;
      bestF = g;
      return true;
    }
    return false;
  };
  for (let chunk = Math.max(1, best.length >> 1); chunk >= 1 && runs < budget; chunk >>= 1) {
    for (let i = 0; i < best.length && runs < budget; ) {
      if (!keep(Buffer.concat([best.subarray(0, i), best.subarray(i + chunk)]))) i += chunk;
    }
  }
  for (let i = 0; i < best.length && runs < budget; i++) {
    if (best[i] !== 0) {
      const c = Buffer.from(best);
      c[i] = 0;
      keep(c);
    }
  }
  return { ...bestF, hex: best.toString('hex') };
}

export interface RunStats {
  iterations: number;
  findings: Finding[];
}

/** Every seed of the target once, then `iterations` mutants; findings deduplicated by sameBug. */
export function fuzzTarget(t: FuzzTarget, seeds: Seeds, iterations: number, seed: number, opts: { minimize?: boolean } = {}): RunStats {
  const pool = t.pools.flatMap((p) => seeds.get(p) ?? []);
  if (pool.length === 0) throw new Error(`target ${t.name} has no seeds (pools ${t.pools.join(', ')})`);
  const rng = new Rng(seed ^ hashName(t.name));
  const findings: Finding[] = [];
  const note = (f: Finding | undefined): void => {
    if (!f || findings.some((g) => sameBug(g, f))) return;
    findings.push(opts.minimize === false ? f : minimize(t, f));
  };
  for (const s of pool) note(check(t, s));
  for (let i = 0; i < iterations; i++) note(check(t, mutate(rng, rng.pick(pool), pool)));
  return { iterations: pool.length + iterations, findings };
}

export function hashName(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

// ------------------------------------------------------------------------------------------------
// Seeds
// ------------------------------------------------------------------------------------------------

function add(m: Seeds, key: string, b: Buffer): void {
  const list = m.get(key) ?? [];
  if (!list.some((x) => x.equals(b))) list.push(Buffer.from(b));
  m.set(key, list);
}

/** A DER TLV starting at `i` (definite length), or undefined. */
function derAt(m: Buffer, i: number): Buffer | undefined {
  if (i + 2 > m.length) return undefined;
  let len = m[i + 1]!;
  let hdr = 2;
  if (len === 0x81) [len, hdr] = [m[i + 2] ?? 0, 3];
  else if (len === 0x82) [len, hdr] = [m.readUInt16BE(Math.min(i + 2, m.length - 2)), 4];
  else if (len >= 0x80) return undefined;
  return i + hdr + len <= m.length && len > 8 ? m.subarray(i, i + hdr + len) : undefined;
}

/** DCE/RPC connection-oriented PDUs inside a message (SMB1 TRANS, SMB2 IOCTL / READ / WRITE). */
function rpcPdusIn(m: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = m.indexOf(5); i >= 0 && i + 16 <= m.length; i = m.indexOf(5, i + 1)) {
    if (m[i + 1] !== 0 || m[i + 4] !== 0x10 || m[i + 2]! > 20) continue;
    const len = m.readUInt16LE(i + 8);
    if (len >= 16 && i + len <= m.length && m.readUInt16LE(i + 10) <= len) out.push(m.subarray(i, i + len));
  }
  return out;
}

function captureFiles(): string[] {
  const dir = path.dirname(fixturePath('x'));
  const files = fs.readdirSync(dir).filter((n) => n.endsWith('.pcap')).map((n) => path.join(dir, n));
  const extra = path.join(dir, '..', '..', 'test', 'rpc', 'captures', 'rpcclient-wkssvc-wkstagetinfo-100-101-102.pcap');
  if (fs.existsSync(extra)) files.push(extra);
  return files;
}

/** The same packets as a pcapng file (SHB, IDB with if_tsresol, EPBs, the last one as an SPB), for the pcapng reader. */
export function pcapToPcapng(pcap: Buffer): Buffer {
  const linkType = pcap.readUInt32LE(20) & 0xffff;
  const block = (type: number, body: Buffer): Buffer => {
    const pad = Buffer.alloc((4 - (body.length % 4)) % 4);
    const len = 12 + body.length + pad.length;
    const b = Buffer.alloc(len);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(len, 4);
    Buffer.concat([body, pad]).copy(b, 8);
    b.writeUInt32LE(len, len - 4);
    return b;
  };
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeInt32LE(-1, 8);
  shb.writeInt32LE(-1, 12);
  const idb = Buffer.alloc(20);
  idb.writeUInt16LE(linkType, 0);
  idb.writeUInt32LE(65535, 4);
  idb.writeUInt16LE(9, 8); // if_tsresol
  idb.writeUInt16LE(1, 10);
  idb[12] = 6;
  const out = [block(0x0a0d0d0a, shb), block(1, idb)];
  const records: Buffer[] = [];
  for (let off = 24; off + 16 <= pcap.length; ) {
    const incl = pcap.readUInt32LE(off + 8);
    const data = pcap.subarray(off + 16, off + 16 + incl);
    const epb = Buffer.alloc(20);
    const us = BigInt(pcap.readUInt32LE(off)) * 1_000_000n + BigInt(pcap.readUInt32LE(off + 4));
    epb.writeUInt32LE(Number(us >> 32n), 4);
    epb.writeUInt32LE(Number(us & 0xffffffffn), 8);
    epb.writeUInt32LE(data.length, 12);
    epb.writeUInt32LE(data.length, 16);
    records.push(block(6, Buffer.concat([epb, data])));
    off += 16 + incl;
  }
  const last = records.pop();
  if (last) {
    const len = last.readUInt32LE(12 + 8);
    const spb = Buffer.alloc(4);
    spb.writeUInt32LE(len, 0);
    records.push(block(3, Buffer.concat([spb, last.subarray(8 + 20, 8 + 20 + len)])));
  }
  return Buffer.concat([...out, ...records]);
}

const oem = { encode: (s: string) => Buffer.from(s, 'latin1'), decode: (b: Buffer) => b.toString('latin1') };
const NetrSendMessage = netrSendMessage(oem);

/** Builds every seed pool. Real captures first; spec-shaped encodings where the captures have none. */
export function loadSeeds(): Seeds {
  const s: Seeds = new Map();
  const rpcByCall: { client: Buffer[]; server: Buffer[] }[] = [];
  for (const file of captureFiles()) {
    const raw = fs.readFileSync(file);
    add(s, 'pcap', raw);
    add(s, 'pcap', pcapToPcapng(raw));
    for (const st of tcpStreams(readCapture(raw).packets)) {
      const calls = { client: [] as Buffer[], server: [] as Buffer[] };
      for (const [side, data] of [['client', st.clientData], ['server', st.serverData]] as const) {
        for (const fr of splitNbssFrames(data)) {
          const hdr = Buffer.alloc(4);
          hdr.writeUInt32BE(fr.body.length);
          hdr[0] = fr.type;
          add(s, 'nbss-frame', Buffer.concat([hdr, fr.body]));
          if (fr.type === 0x81) add(s, 'nbss-session-request', fr.body);
          if (fr.type !== 0) continue;
          const m = fr.body;
          const magic = m.subarray(0, 4).toString('latin1');
          if (magic === '\xffSMB') {
            add(s, 'smb1', m);
            add(s, `smb1-${side}`, m);
          } else if (magic === '\xfeSMB') {
            addSmb2(s, m);
          }
          for (const p of rpcPdusIn(m)) {
            add(s, 'rpc-pdu', p);
            calls[side].push(p);
          }
          const ntlm = m.indexOf('NTLMSSP\0');
          if (ntlm >= 0) add(s, 'ntlm', m.subarray(ntlm));
          for (const tag of [0x60, 0xa0, 0xa1]) {
            for (let i = m.indexOf(tag); i >= 0; i = m.indexOf(tag, i + 1)) {
              const d = derAt(m, i);
              if (d && d.includes('NTLMSSP\0')) add(s, tag === 0x60 ? 'spnego-init' : 'spnego-resp', d);
            }
          }
          if (magic === '\xffSMB' && [0xd0, 0xd5, 0xd6, 0xd7].includes(m[4]!) && side === 'client') {
            const bytes = m.subarray(m[32]! * 2 + 35);
            add(s, 'oem', bytes);
          }
        }
      }
      rpcByCall.push(calls);
    }
  }
  // NDR stubs by opnum, matched request -> response by call id.
  for (const { client, server } of rpcByCall) {
    const opnums = new Map<number, number>();
    for (const p of client) {
      try {
        const pdu = decodePdu(p);
        if (pdu.type === 'request') {
          opnums.set(pdu.callId, pdu.opnum);
          add(s, `stub-${pdu.opnum}-in`, pdu.stub);
        }
      } catch {
        /* a PDU split over fragments; the whole-PDU pools keep it */
      }
    }
    for (const p of server) {
      try {
        const pdu = decodePdu(p);
        if (pdu.type === 'response' && opnums.has(pdu.callId)) add(s, `stub-${opnums.get(pdu.callId)}-out`, pdu.stub);
      } catch {
        /* as above */
      }
    }
  }
  // SMB2 encrypted session (TRANSFORM messages) from the recorded 3.1.1 session.
  const enc = path.join(path.dirname(fixturePath('x')), '..', '..', 'test', 'smb', 'smb2', 'fixtures', 'smbclient-encrypted-311.json');
  if (fs.existsSync(enc)) {
    const j = JSON.parse(fs.readFileSync(enc, 'utf8')) as { sessions: Record<string, { client?: string[]; server?: string[] }> };
    for (const sess of Object.values(j.sessions)) {
      for (const hex of [...(sess.client ?? []), ...(sess.server ?? [])]) {
        const m = Buffer.from(hex, 'hex');
        if (m.subarray(0, 4).toString('latin1') === '\xfdSMB') add(s, 'smb2-transform', m);
        else if (m.subarray(0, 4).toString('latin1') === '\xfeSMB') addSmb2(s, m);
      }
    }
  }
  addSynthetic(s);
  return s;
}

/** An SMB2 message (and each compounded one): whole, and its body under smb2-<cmd>-<req|rsp>. */
function addSmb2(s: Seeds, m: Buffer): void {
  add(s, 'smb2', m);
  let off = 0;
  for (let n = 0; n < 8 && off + 64 <= m.length; n++) {
    const one = m.subarray(off);
    const next = one.readUInt32LE(20);
    const msg = next > 0 && next <= one.length ? one.subarray(0, next) : one;
    const cmd = msg.readUInt16LE(12);
    const rsp = (msg.readUInt32LE(16) & 1) !== 0;
    const status = msg.readUInt32LE(8);
    const body = msg.subarray(64);
    if (rsp && status !== 0 && status !== 0xc0000016 && status !== 0x80000005) add(s, 'smb2-error', body);
    else add(s, `smb2-${cmd}-${rsp ? 'rsp' : 'req'}`, body);
    if (next === 0) break;
    off += next;
  }
}

function tryAdd(s: Seeds, key: string, f: () => Buffer): void {
  try {
    add(s, key, f());
  } catch (e) {
    throw new Error(`seed ${key} failed to encode: ${String(e)}`);
  }
}

/** Spec-shaped encodings for layers the captures do not carry (NetBIOS over UDP, msgsvc, srvsvc). */
function addSynthetic(s: Seeds): void {
  const bob = netbiosName('BOB', 0x03);
  const alice = netbiosName('ALICE', 0x03);
  const scoped = netbiosName('WORKGROUP', 0x1d, 'corp.example');
  tryAdd(s, 'nb-name', () => encodeName(bob));
  tryAdd(s, 'nb-name', () => encodeName(scoped));
  tryAdd(s, 'ns', () => encodeNameQuery(0x1234, bob, true));
  tryAdd(s, 'ns', () => encodeNodeStatusRequest(7));
  const answer = (type: number, rdata: Buffer) =>
    encodeNsPacket({ id: 9, response: true, opcode: NS_OPCODE.QUERY, nmFlags: 0x400, rcode: 0, questions: [], answers: [{ name: bob, type, class: NS_CLASS_IN, ttl: 300, rdata }], authority: [], additional: [] });
  const nb = encodeNbAddresses([{ group: false, ont: 0, address: '127.0.0.1' }, { group: true, ont: 3, address: '10.1.2.3' }] as never);
  const nodeStatus = encodeNodeStatusRdata({ names: [{ name: 'BOB', suffix: 0x03, flags: 0x0400 }, { name: 'WORKGROUP', suffix: 0x00, flags: 0x8400 }], statistics: Buffer.alloc(46, 1) });
  tryAdd(s, 'ns', () => answer(NS_TYPE.NB, nb));
  tryAdd(s, 'ns', () => answer(NS_TYPE.NBSTAT, nodeStatus));
  add(s, 'ns-nb-rdata', nb);
  add(s, 'ns-nbstat-rdata', nodeStatus);
  tryAdd(s, 'dgm', () => directDatagram({ id: 1, sourceIp: '127.0.0.1', source: alice, destination: bob, data: Buffer.from('hello mailslot') }));
  tryAdd(s, 'dgm', () => directDatagram({ group: true, id: 2, sourceIp: '10.0.0.1', source: scoped, destination: bob, data: Buffer.alloc(100, 0x41) }));
  const messngr = encodeMessengerBody({ from: Buffer.from('ALICE'), to: Buffer.from('WORKGROUP'), text: Buffer.from('hello all') });
  tryAdd(s, 'mailslot', () => encodeMailslotWrite({ data: messngr }));
  tryAdd(s, 'mailslot', () => encodeMailslotWrite({ name: '\\MAILSLOT\\BROWSE', data: Buffer.alloc(40, 1), priority: 1 }));
  tryAdd(s, 'messngr', () => messngr);
  // Connectionless DCE/RPC (clrpc-mailslot-notes §1): a request, a fack and a big-endian reject.
  const clBase = clHeader({ ptype: CL_PTYPE.request, flags1: CL_FLAGS1.IDEMPOTENT, iface: '5a7b91f8-ff00-11d0-a9b2-00c04fb6e6fc', activity: '11223344-5566-7788-99aa-bbccddeeff00', ifVersion: 1 });
  tryAdd(s, 'cl-pdu', () => encodeClPdu({ header: clBase, body: { kind: 'stub', stub: Buffer.from('0600000000000000060000414c49434500', 'hex') } }));
  tryAdd(s, 'cl-pdu', () => encodeClPdu({ header: { ...clBase, ptype: CL_PTYPE.fack }, body: { kind: 'fack', fack: { version: 1, windowSize: 24, maxTsdu: 1464, maxFragSize: 1464, serial: 1, selack: [5] } } }));
  tryAdd(s, 'cl-pdu', () => encodeClPdu({ header: { ...clBase, ptype: CL_PTYPE.reject, littleEndian: false }, body: { kind: 'status', status: 0x1c010003 } }));
  tryAdd(s, 'ept-map-request', () => clEncodeEptMap(clBuildTower({ interface: { uuid: '5a7b91f8-ff00-11d0-a9b2-00c04fb6e6fc', major: 1, minor: 0 }, protseq: 'ncadg_ip_udp' }), 4));
  tryAdd(s, 'nbss-session-request', () => encodeSessionRequest(netbiosName('*SMBSERVER', 0x20), alice));
  tryAdd(s, 'nbss-retarget', () => encodeRetarget('127.0.0.1', 139));
  // SMB2 commands the captures do not carry (pipes there go through IOCTL).
  const fid = Buffer.alloc(16, 0x11);
  tryAdd(s, 'smb2-2-rsp', () => smb2.encodeEmpty4());
  tryAdd(s, 'smb2-8-req', () => smb2.encodeReadRequest({ flags: 0, length: 4280, offset: 0n, fileId: fid, minimumCount: 0, remainingBytes: 0 }));
  tryAdd(s, 'smb2-8-rsp', () => smb2.encodeReadResponse({ dataRemaining: 0, data: Buffer.from('05000203100000001800000002000000', 'hex') }));
  tryAdd(s, 'smb2-9-req', () => smb2.encodeWriteRequest({ offset: 0n, fileId: fid, remainingBytes: 0, flags: 0, data: Buffer.from('05000b03100000004800000001000000', 'hex') }));
  tryAdd(s, 'smb2-9-rsp', () => smb2.encodeWriteResponse({ count: 72, remaining: 0 }));
  tryAdd(s, 'smb2-error', () => smb2.encodeErrorResponse({ errorContextCount: 0, errorData: Buffer.alloc(0) }));
  tryAdd(s, 'smb2-preauth', () => smb2.encodePreauthCaps({ hashAlgorithms: [1], salt: Buffer.alloc(32, 0x5a) }));
  tryAdd(s, 'smb2-idlist', () => smb2.encodeIdList([2, 1, 4, 3]));
  tryAdd(s, 'smb2-vni-req', () => smb2.encodeValidateNegotiateInfoRequest({ capabilities: 0x7f, guid: Buffer.alloc(16, 3), securityMode: 1, dialects: [0x202, 0x210, 0x300, 0x302] }));
  tryAdd(s, 'smb2-vni-rsp', () => smb2.encodeValidateNegotiateInfoResponse({ capabilities: 0x7f, guid: Buffer.alloc(16, 3), securityMode: 1, dialect: 0x302 }));
  // NDR stubs for every call netsend declares.
  tryAdd(s, 'stub-0-in', () => encodeWkstaGetInfo('\\\\SERVER', 102));
  tryAdd(s, 'stub-12-in', () => encodeMessageBufferSend('BOB', 'hello there'));
  tryAdd(s, 'stub-12-out', () => NetrMessageBufferSend.encodeOut({ status: 0x8b2 }));
  tryAdd(s, 'msgsvc-in', () => NetrMessageNameAdd.encodeIn({ ServerName: null, MsgName: 'BOB' }));
  tryAdd(s, 'msgsvc-in', () => NetrMessageNameGetInfo.encodeIn({ ServerName: 'S', MsgName: 'BOB', Level: 1 }));
  tryAdd(s, 'msgsvc-in', () =>
    NetrMessageNameEnum.encodeIn({ ServerName: null, InfoStruct: { Level: 0, MsgInfo: { tag: 0, value: { EntriesRead: 1, Buffer: [{ msgi0_name: 'A' }] } } }, PrefMaxLen: 0xffffffff, ResumeHandle: null } as never),
  );
  const enumOut = {
    InfoStruct: {
      Level: 1,
      MsgInfo: { tag: 1, value: { EntriesRead: 2, Buffer: [{ msgi1_name: 'A', msgi1_forward_flag: 0, msgi1_forward: null }, { msgi1_name: 'BOB', msgi1_forward_flag: 1, msgi1_forward: 'X' }] } },
    },
    TotalEntries: 2,
    ResumeHandle: 7,
    status: 0,
  };
  tryAdd(s, 'msgsvc-enum-out', () => NetrMessageNameEnum.encodeOut(enumOut as never));
  tryAdd(s, 'msgsvc-enum-out', () => NetrMessageNameEnum.encodeOut({ InfoStruct: { Level: 0, MsgInfo: { tag: 0, value: { EntriesRead: 1, Buffer: [{ msgi0_name: 'ALICE' }] } } }, TotalEntries: 1, ResumeHandle: null, status: 0 } as never));
  tryAdd(s, 'msgsvc-getinfo-out', () => NetrMessageNameGetInfo.encodeOut({ InfoStruct: { tag: 1, value: { msgi1_name: 'B', msgi1_forward_flag: 0, msgi1_forward: 'FWD' } }, status: 0 } as never));
  tryAdd(s, 'msgsvc-getinfo-out', () => NetrMessageNameGetInfo.encodeOut({ InfoStruct: { tag: 0, value: { msgi0_name: 'ALICE' } }, status: 0 } as never));
  tryAdd(s, 'msgsvc-status-out', () => NetrMessageNameAdd.encodeOut({ status: 0x8e1 }));
  tryAdd(s, 'msgsvcsend-in', () => NetrSendMessage.encodeIn({ From: 'ALICE', To: 'BOB', Text: 'hi there' }));
  tryAdd(s, 'srvsvc-in', () => encodeShareEnum(1));
  tryAdd(s, 'srvsvc-in', () => encodeShareEnum(0, { serverName: 'AB', preferedMaximumLength: 100, resumeHandle: 3 }));
  const shares1 = [{ shi1_netname: 'IPC$', shi1_type: 0x80000003, shi1_remark: 'IPC Service' }, { shi1_netname: 'data', shi1_type: 0, shi1_remark: null }];
  tryAdd(s, 'srvsvc-out-1', () => NetrShareEnum.encodeOut({ InfoStruct: { Level: 1, ShareInfo: { tag: 1, value: { EntriesRead: 2, Buffer: shares1 } } }, TotalEntries: 2, ResumeHandle: null, status: 0 } as never));
  // Endpoint mapper replies as samba-dcerpcd 4.17 sent them (test/rpc/epm.test.ts) and a built tower.
  add(s, 'epm-map-out', Buffer.from('000000000000000000000000000000000000000001000000040000000000000001000000030000004b0000004b000000050013000d98d0ff6b12a11036983346c3f87e345a01000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b020000000100070200c00001000904007f4db16c0000000000', 'hex'));
  add(s, 'epm-lookup-out', Buffer.from('00000000fdc4c76b2119e140820c4a53e02eadac02000000020000000000000002000000000000000000000000000000000000000100000000000000090000006576656e746c6f6700000000000000000000000000000000000000000200000000000000070000006e747376637300005500000055000000050013000ddc3f27822ae3c3183f78827929dc23ea00000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b0200000001000f0f005c706970655c6576656e746c6f67000100110100000000005300000053000000050013000d404e9f8d3da0ce118f6908003e30051b01000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b0200000001000f0d005c706970655c6e7473766373000100110100000000000000', 'hex'));
  const wkssvcSyntax = { uuid: '6bffd098-a112-3610-9833-46c3f87e345a', major: 1, minor: 0 };
  tryAdd(s, 'epm-tower', () => buildTower({ interface: wkssvcSyntax, protseq: 'ncacn_ip_tcp', endpoint: 49152, host: '127.0.0.1' }));
  tryAdd(s, 'epm-tower', () => buildTower({ interface: wkssvcSyntax, protseq: 'ncacn_np', endpoint: '\\PIPE\\wkssvc', host: 'SRV' }));
  tryAdd(s, 'epm-map-in', () => encodeEptMap(buildTower({ interface: wkssvcSyntax, protseq: 'ncadg_ip_udp' }), 4));
  tryAdd(s, 'srvsvc-out-0', () => NetrShareEnum.encodeOut({ InfoStruct: { Level: 0, ShareInfo: { tag: 0, value: { EntriesRead: 1, Buffer: [{ shi0_netname: 'IPC$' }] } } }, TotalEntries: 1, ResumeHandle: 9, status: 0 } as never));
  // MS-TSTS stubs (tsts-notes §6): LSM enumeration, ShowMessageBox, Legacy SendMessage / Enumerate.
  const tstsHandle = Buffer.from('0000000000112233445566778899aabbccddeeff', 'hex');
  const tstsSessions = [
    { Level: 1, Data: { tag: 1, value: { SessionId: 0, State: 4, Name: stringToWchars('Services') } } },
    { Level: 1, Data: { tag: 1, value: { SessionId: 1, State: 0, Name: stringToWchars('Console') } } },
  ];
  tryAdd(s, 'tsts-enum-out', () => RpcGetEnumResult.encodeOut({ ppSessionEnumResult: tstsSessions, pEntries: 2, result: 0 } as never));
  tryAdd(s, 'tsts-enum-out', () => RpcGetSessionIds.encodeOut({ pSessionIds: [1, 2, 3], pcSessionIds: 3, result: 0 }));
  tryAdd(s, 'tsts-smb-in', () => encodeShowMessageBox(tstsHandle as SessionHandle, { title: 'T', message: 'hi' }));
  tryAdd(s, 'tsts-sendmsg-in', () => encodeSendMessage(tstsHandle as ServerHandle, { sessionId: 1, title: 'T', message: 'hi' }));
  const logonIds = buildLogonIds([{ sessionId: 1, state: 0, name: 'Console' }, { sessionId: 65536, state: 6, name: 'RDP-Tcp' }]);
  tryAdd(s, 'tsts-legacy-enum-out', () => RpcWinStationEnumerate.encodeOut({ pResult: 0, pEntries: 2, pLogonId: logonIds, pByteCount: logonIds.length, pIndex: 2, result: true }));
  // 32-bit codes for the status catalogue: known ones and a spread.
  for (const v of [0, 0xc000006d, 0xc0000022, 0x80000005, 0x00000103, 0x1c010002, 0x000008b2, 0x00010002, 0x00020001, 0x82, 0x83, 0xffffffff, 0x7fffffff, 0x40000000]) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    add(s, 'u32', b);
  }
  add(s, 'oem', Buffer.from('Gr\x81\xe1e aus M\x81nchen\r\n', 'latin1'));
  add(s, 'der', Buffer.from('06062b0601050502', 'hex'));
  add(s, 'der', Buffer.from('0a0101', 'hex'));
  for (const t of [...(s.get('spnego-init') ?? []), ...(s.get('spnego-resp') ?? [])]) add(s, 'der', t);
}

// ------------------------------------------------------------------------------------------------
// Targets
// ------------------------------------------------------------------------------------------------

const SMB1_POOLS = ['smb1'];

/** SMB1 block decoders run on every block of a parsed message (AndX chains included). */
function blocks(input: Buffer): Smb1Block[] {
  return parseSmb1(input).blocks;
}

function eachBlock<T>(input: Buffer, f: (b: Smb1Block) => T): T[] {
  const out: T[] = [];
  const errs: unknown[] = [];
  for (const b of blocks(input)) {
    try {
      out.push(f(b));
    } catch (e) {
      if (!(e instanceof NetsendError)) throw e;
      errs.push(e);
    }
  }
  if (out.length === 0 && errs.length > 0) throw errs[0];
  return out;
}

function u32Of(input: Buffer): number {
  const b = Buffer.concat([input.subarray(0, 4), Buffer.alloc(4)]);
  return b.readUInt32LE(0);
}

/** decodeX(body) for SMB2 per-command decoders; pools: that command's bodies plus error bodies. */
function smb2Target(name: string, pool: string, f: (b: Buffer) => unknown): FuzzTarget {
  return { name: `smb2.${name}`, pools: [pool], run: f };
}

const anyNtlmClient = { user: 'alice', password: 'not-a-real-secret', domain: 'WG' };

/** The NTLM client's CHALLENGE handling: next() after our NEGOTIATE, with the server's token. */
function ntlmStep(spnego: boolean, token: Buffer): unknown {
  const a = createNtlmAuthenticator(anyNtlmClient, { spnego });
  a.next();
  const out = a.next(token);
  return { out, info: a.serverInfo };
}

const AES_KEY = Buffer.alloc(16, 7);

export const TARGETS: FuzzTarget[] = [
  // pcap
  { name: 'pcap.readCapture+tcpStreams', pools: ['pcap'], run: (b) => tcpStreams(readCapture(b).packets) },
  { name: 'pcap.splitNbssFrames', pools: ['nbss-frame'], run: (b) => splitNbssFrames(b) },
  // transport
  { name: 'nbss.decodeNbssPacket', pools: ['nbss-frame'], run: (b) => decodeNbssPacket(b) },
  { name: 'nbss.decodeNbssHeader', pools: ['nbss-frame'], run: (b) => [decodeNbssHeader(b.subarray(0, 4)), decodeNbssHeader(b.subarray(0, 4), true)] },
  { name: 'nbss.decodeDirectTcpHeader', pools: ['nbss-frame'], run: (b) => decodeDirectTcpHeader(b.subarray(0, 4)) },
  { name: 'nbss.decodeSessionRequest', pools: ['nbss-session-request'], run: (b) => decodeSessionRequest(b) },
  { name: 'nbss.decodeRetarget', pools: ['nbss-retarget'], run: (b) => decodeRetarget(b) },
  { name: 'names.decodeName', pools: ['nb-name'], run: (b) => decodeName(b) },
  { name: 'names.readName(pointers)', pools: ['ns', 'nb-name'], run: (b) => readName(new ByteReader(b.subarray(Math.min(12, b.length)), 'name'), { pointers: true }) },
  { name: 'names.decodeFirstLevel', pools: ['nb-name'], run: (b) => decodeFirstLevel(b.subarray(1, 33)) },
  { name: 'ns.decodeNsPacket', pools: ['ns'], run: (b) => decodeNsPacket(b) },
  { name: 'ns.decodeNbAddresses', pools: ['ns-nb-rdata'], run: (b) => decodeNbAddresses(b) },
  { name: 'ns.decodeNodeStatusRdata', pools: ['ns-nbstat-rdata'], run: (b) => decodeNodeStatusRdata(b) },
  { name: 'dgm.decodeDatagram', pools: ['dgm'], run: (b) => decodeDatagram(b) },
  { name: 'smb1.decodeMailslotWrite', pools: ['mailslot'], run: (b) => decodeMailslotWrite(b) },
  { name: 'smb1.decodeMessengerBody', pools: ['messngr'], run: (b) => decodeMessengerBody(b) },
  { name: 'rpc.decodeClPdu', pools: ['cl-pdu'], run: (b) => decodeClPdu(b) },
  { name: 'epm.decodeEptMapRequest', pools: ['ept-map-request'], run: (b) => decodeEptMapRequest(b) },
  // auth
  { name: 'ntlm.decodeNegotiate', pools: ['ntlm'], run: (b) => decodeNegotiate(b) },
  { name: 'ntlm.decodeChallenge', pools: ['ntlm'], run: (b) => decodeChallenge(b) },
  { name: 'ntlm.decodeAuthenticate', pools: ['ntlm'], run: (b) => decodeAuthenticate(b) },
  { name: 'ntlm.parseAvPairs', pools: ['ntlm'], run: (b) => parseAvPairs(b.subarray(Math.min(b.length, 56))) },
  { name: 'ntlm.client-challenge(raw)', pools: ['ntlm'], run: (b) => ntlmStep(false, b) },
  { name: 'ntlm.client-challenge(spnego)', pools: ['spnego-resp'], run: (b) => ntlmStep(true, b) },
  { name: 'spnego.decodeNegTokenInit', pools: ['spnego-init'], run: (b) => decodeNegTokenInit(b) },
  { name: 'spnego.decodeNegTokenResp', pools: ['spnego-resp'], run: (b) => decodeNegTokenResp(b) },
  {
    name: 'der.decodeOne/readTlv/decodeOid/decodeEnumerated',
    pools: ['der'],
    run: (b) => {
      const t = decodeOne(b);
      const r = new ByteReader(t.value, 'der');
      const inner = [];
      while (r.remaining > 0 && inner.length < 64) inner.push(readTlv(r));
      const oids = [];
      for (const x of [t, ...inner]) {
        try {
          oids.push(x.tag === 6 ? decodeOid(x.value) : x.tag === 0x0a ? decodeEnumerated(x.value) : null);
        } catch (e) {
          if (!(e instanceof NetsendError)) throw e;
        }
      }
      return { t, inner, oids };
    },
  },
  { name: 'der.decodeOid(raw)', pools: ['der'], run: (b) => decodeOid(b.subarray(2)) },
  // smb1
  { name: 'smb1.parseSmb1', pools: SMB1_POOLS, run: (b) => parseSmb1(b) },
  { name: 'smb1.decodeSmb1Message', pools: SMB1_POOLS, run: (b) => decodeSmb1Message(b) },
  { name: 'smb1.negotiate.decodeNegotiateResponse', pools: ['smb1-server'], run: (b) => smb1NegotiateResponse(decodeSmb1Message(b)) },
  { name: 'smb1.negotiate.decodeNegotiateRequestDialects', pools: ['smb1-client'], run: (b) => decodeNegotiateRequestDialects(decodeSmb1Message(b)) },
  { name: 'smb1.session-setup.request', pools: ['smb1-client'], run: (b) => eachBlock(b, (k) => [smb1SessionSetupRequest(k, true), smb1SessionSetupRequest(k, false)]) },
  { name: 'smb1.session-setup.response', pools: ['smb1-server'], run: (b) => eachBlock(b, (k) => [smb1SessionSetupResponse(k, true), smb1SessionSetupResponse(k, false)]) },
  { name: 'smb1.tree-connect.request', pools: ['smb1-client'], run: (b) => eachBlock(b, (k) => [smb1TreeConnectRequest(k, true), smb1TreeConnectRequest(k, false)]) },
  { name: 'smb1.tree-connect.response', pools: ['smb1-server'], run: (b) => eachBlock(b, (k) => [smb1TreeConnectResponse(k, true), smb1TreeConnectResponse(k, false)]) },
  { name: 'smb1.nt-create.request', pools: ['smb1-client'], run: (b) => eachBlock(b, (k) => [decodeNtCreateRequest(k, true), decodeNtCreateRequest(k, false)]) },
  { name: 'smb1.nt-create.response', pools: ['smb1-server'], run: (b) => eachBlock(b, decodeNtCreateResponse) },
  { name: 'smb1.transaction.request', pools: ['smb1-client'], run: (b) => eachBlock(b, (k) => [decodeTransactionRequest(k, true), decodeTransactionRequest(k, false)]) },
  { name: 'smb1.transaction.responsePart', pools: ['smb1-server'], run: (b) => eachBlock(b, decodeTransactionResponsePart) },
  {
    // The client's multi-part reassembly: every part of the message, then the same parts again.
    name: 'smb1.transaction.TransactionAssembler',
    pools: ['smb1-server'],
    run: (b) => {
      const parts = eachBlock(b, decodeTransactionResponsePart);
      const a = new TransactionAssembler(0xffff, 4280);
      for (const p of [...parts, ...parts]) {
        a.add(p);
        if (a.complete) return a.result();
      }
      return a.complete ? a.result() : null;
    },
  },
  { name: 'smb1.read-andx.request', pools: ['smb1-client'], run: (b) => eachBlock(b, decodeReadAndxRequest) },
  { name: 'smb1.read-andx.response', pools: ['smb1-server'], run: (b) => eachBlock(b, decodeReadAndxResponse) },
  { name: 'smb1.write-andx.request', pools: ['smb1-client'], run: (b) => eachBlock(b, decodeWriteAndxRequest) },
  { name: 'smb1.write-andx.response', pools: ['smb1-server'], run: (b) => eachBlock(b, decodeWriteAndxResponse) },
  { name: 'smb1.close.request', pools: ['smb1-client'], run: (b) => eachBlock(b, smb1CloseRequest) },
  { name: 'smb1.message.decodeMessageRequest', pools: ['smb1-client'], run: (b) => decodeMessageRequest(b) },
  { name: 'smb1.message.decodeMessageResponse', pools: ['smb1-server'], run: (b) => [decodeMessageResponse(b), decodeMessageResponse(b, 0xd5)] },
  {
    name: 'smb1.strings.decodeSmbString',
    pools: SMB1_POOLS,
    run: (b) => {
      const at = b.length > 0 ? b[b.length - 1]! % Math.max(1, b.length) : 0;
      return [true, false].map((u) => {
        const r = new ByteReader(b, 'string');
        r.seek(at);
        return decodeSmbString(r, u, 1);
      });
    },
  },
  { name: 'smb1.signing.verifySmb1Signature', pools: SMB1_POOLS, run: (b) => verifySmb1Signature(AES_KEY, b, 3) },
  // smb2
  { name: 'smb2.decodeHeader', pools: ['smb2'], run: (b) => smb2DecodeHeader(b) },
  { name: 'smb2.splitCompound', pools: ['smb2'], run: (b) => smb2SplitCompound(b).map((m) => smb2DecodeHeader(m)) },
  { name: 'smb2.decodeTransformHeader', pools: ['smb2-transform'], run: (b) => decodeTransformHeader(b) },
  { name: 'smb2.decryptMessage', pools: ['smb2-transform'], run: (b) => [1, 2, 3, 4].map((c) => tolerate(() => decryptMessage(c as 1, c > 2 ? Buffer.alloc(32, 7) : AES_KEY, b))) },
  { name: 'smb2.verifyMessage', pools: ['smb2'], run: (b) => [0, 1, 2].map((a) => tolerate(() => verifyMessage(a as 0, AES_KEY, b))) },
  { name: 'smb.connect.smb2ReplyDialect', pools: ['smb2'], run: (b) => smb2ReplyDialect(b) },
  smb2Target('decodeNegotiateRequest', 'smb2-0-req', smb2.decodeNegotiateRequest),
  smb2Target('decodeNegotiateResponse', 'smb2-0-rsp', smb2.decodeNegotiateResponse),
  smb2Target('decodeSessionSetupRequest', 'smb2-1-req', smb2.decodeSessionSetupRequest),
  smb2Target('decodeSessionSetupResponse', 'smb2-1-rsp', smb2.decodeSessionSetupResponse),
  smb2Target('decodeEmpty4(logoff/tree-disconnect)', 'smb2-2-rsp', (b) => smb2.decodeEmpty4(b, 'LOGOFF')),
  smb2Target('decodeTreeConnectRequest', 'smb2-3-req', smb2.decodeTreeConnectRequest),
  smb2Target('decodeTreeConnectResponse', 'smb2-3-rsp', smb2.decodeTreeConnectResponse),
  smb2Target('decodeCreateRequest', 'smb2-5-req', smb2.decodeCreateRequest),
  smb2Target('decodeCreateResponse', 'smb2-5-rsp', smb2.decodeCreateResponse),
  smb2Target('decodeCloseRequest', 'smb2-6-req', smb2.decodeCloseRequest),
  smb2Target('decodeCloseResponse', 'smb2-6-rsp', smb2.decodeCloseResponse),
  smb2Target('decodeReadRequest', 'smb2-8-req', smb2.decodeReadRequest),
  smb2Target('decodeReadResponse', 'smb2-8-rsp', smb2.decodeReadResponse),
  smb2Target('decodeWriteRequest', 'smb2-9-req', smb2.decodeWriteRequest),
  smb2Target('decodeWriteResponse', 'smb2-9-rsp', smb2.decodeWriteResponse),
  smb2Target('decodeIoctlRequest', 'smb2-11-req', smb2.decodeIoctlRequest),
  smb2Target('decodeIoctlResponse', 'smb2-11-rsp', smb2.decodeIoctlResponse),
  smb2Target('decodeErrorResponse', 'smb2-error', smb2.decodeErrorResponse),
  { name: 'smb2.decodePreauthCaps', pools: ['smb2-preauth'], run: (b) => smb2.decodePreauthCaps(b) },
  { name: 'smb2.decodeIdList', pools: ['smb2-idlist'], run: (b) => smb2.decodeIdList(b, 'ciphers') },
  { name: 'smb2.decodeValidateNegotiateInfoRequest', pools: ['smb2-vni-req'], run: (b) => smb2.decodeValidateNegotiateInfoRequest(b) },
  { name: 'smb2.decodeValidateNegotiateInfoResponse', pools: ['smb2-vni-rsp'], run: (b) => smb2.decodeValidateNegotiateInfoResponse(b) },
  // rpc
  { name: 'rpc.decodePdu', pools: ['rpc-pdu'], run: (b) => decodePdu(b) },
  { name: 'rpc.decodeHeader', pools: ['rpc-pdu'], run: (b) => rpcDecodeHeader(b) },
  { name: 'rpc.readSyntax', pools: ['rpc-pdu'], run: (b) => readSyntax(new ByteReader(b.subarray(Math.min(b.length, 32)), 'syntax')) },
  { name: 'wkssvc.NetrWkstaGetInfo.decodeOut', pools: ['stub-0-out'], run: (b) => [100, 101, 102].map((l) => tolerate(() => decodeWkstaGetInfo(b, l as 100))) },
  { name: 'wkssvc.NetrWkstaGetInfo.decodeIn', pools: ['stub-0-in'], run: (b) => NetrWkstaGetInfo.decodeIn(b) },
  { name: 'wkssvc.NetrMessageBufferSend.decodeIn', pools: ['stub-12-in'], run: (b) => NetrMessageBufferSend.decodeIn(b) },
  { name: 'wkssvc.decodeMessageBufferSendResult', pools: ['stub-12-out'], run: (b) => decodeMessageBufferSendResult(b) },
  {
    name: 'msgsvc.decodeIn(all)',
    pools: ['msgsvc-in'],
    run: (b) => [NetrMessageNameAdd, NetrMessageNameDel, NetrMessageNameEnum, NetrMessageNameGetInfo].map((c) => tolerate(() => c.decodeIn(b as Buffer))),
  },
  { name: 'msgsvc.NetrMessageNameEnum.decodeOut', pools: ['msgsvc-enum-out'], run: (b) => NetrMessageNameEnum.decodeOut(b) },
  { name: 'msgsvc.NetrMessageNameGetInfo.decodeOut', pools: ['msgsvc-getinfo-out'], run: (b) => [0, 1].map((Level) => tolerate(() => NetrMessageNameGetInfo.decodeOut(b, { Level }))) },
  { name: 'msgsvc.NetrMessageNameAdd/Del.decodeOut', pools: ['msgsvc-status-out'], run: (b) => [NetrMessageNameAdd.decodeOut(b), NetrMessageNameDel.decodeOut(b)] },
  { name: 'msgsvcsend.NetrSendMessage.decodeIn/Out', pools: ['msgsvcsend-in'], run: (b) => [tolerate(() => NetrSendMessage.decodeIn(b)), tolerate(() => NetrSendMessage.decodeOut(b))] },
  { name: 'srvsvc.NetrShareEnum.decodeIn', pools: ['srvsvc-in'], run: (b) => NetrShareEnum.decodeIn(b) },
  { name: 'epm.decodeEptMap', pools: ['epm-map-out'], run: (b) => decodeEptMap(b, 4) },
  { name: 'epm.decodeEptLookup', pools: ['epm-lookup-out'], run: (b) => decodeEptLookup(b, 500) },
  { name: 'epm.parseTower', pools: ['epm-tower', 'epm-map-in'], run: (b) => parseTower(b) },
  { name: 'tsts.decodeGetEnumResult/GetSessionIds', pools: ['tsts-enum-out'], run: (b) => [tolerate(() => decodeGetEnumResult(b, 1)), tolerate(() => decodeGetEnumResult(b, 2)), tolerate(() => RpcGetSessionIds.decodeOut(b))] },
  { name: 'tsts.RpcShowMessageBox.decodeIn/Out', pools: ['tsts-smb-in'], run: (b) => [tolerate(() => RpcShowMessageBox.decodeIn(b)), tolerate(() => RpcShowMessageBox.decodeOut(b))] },
  { name: 'tsts.RpcWinStationSendMessage.decodeIn/Out', pools: ['tsts-sendmsg-in'], run: (b) => [tolerate(() => RpcWinStationSendMessage.decodeIn(b)), tolerate(() => RpcWinStationSendMessage.decodeOut(b))] },
  {
    name: 'tsts.RpcWinStationEnumerate.decodeOut+parseLogonIds',
    pools: ['tsts-legacy-enum-out'],
    run: (b) => {
      const o = RpcWinStationEnumerate.decodeOut(b);
      return parseLogonIds(o.pLogonId ?? Buffer.alloc(0), o.pEntries);
    },
  },
  { name: 'srvsvc.decodeShareEnum', pools: ['srvsvc-out-0', 'srvsvc-out-1'], run: (b) => [0, 1].map((l) => tolerate(() => decodeShareEnum(b, l as 0))) },
  // messenger text
  { name: 'messenger.decodeOemText/Name', pools: ['oem'], run: (b) => ['cp850', 'cp437', 'cp1252', 'cp932'].map((cp) => [decodeOemText(b, cp), tolerate(() => decodeOemName(b, cp))]) },
  // status catalogue with arbitrary u32
  {
    name: 'status.lookups(u32)',
    pools: ['u32'],
    run: (b) => {
      const v = u32Of(b);
      const { errClass, errCode } = unpackDos(v);
      return [
        ntStatus(v), formatNtStatus(v), ntSeverity(v), ntFacility(v), win32(v), dosError(errClass, errCode), dosClassName(v & 0xff), nbssRefusal(v & 0xff), netbiosRcode(v & 0xf),
        rpcFault(v), rpcFaultToWin32(v), bindResult(v & 0xffff), bindProviderReason(v & 0xffff), bindNakReason(v & 0xffff), eptStatus(v), ntStatusToWin32(v), hresult(v),
        ntStatusError(v).label, dosStatusError(errClass, errCode).label, nbssError(v & 0xff).label, netbiosError(v & 0xf).label, rpcFaultError(v).label,
        bindNakError(v & 0xffff).label, bindRejectError(v & 0xffff, v >>> 16).label, win32Error(v).label,
      ];
    },
  },
];

/** Calls f; a NetsendError becomes the returned value, anything else propagates. */
function tolerate<T>(f: () => T): T | NetsendError {
  try {
    return f();
  } catch (e) {
    if (e instanceof NetsendError) return e;
    throw e;
  }
}

// ------------------------------------------------------------------------------------------------
// Stateful clients over loopback: a server replays mutated real replies
// ------------------------------------------------------------------------------------------------

export interface Script {
  name: string;
  /** The server's messages in capture order, one per client request. */
  replies: Buffer[];
  /**
   * 'auto' / 'smb1' / 'smb2': connectSmb with real NTLM (ends at the mechListMIC check at the latest).
   * 'smb1-deep' / 'smb2-deep': connectSmb1 / connectSmb2 with a scripted authenticator that accepts
   * the captured tokens, so tree connect, create, and the pipe replies are reached too.
   */
  dialect: 'auto' | 'smb1' | 'smb2' | 'smb1-deep' | 'smb2-deep';
  /** Client tokens the scripted authenticator sends (from the capture). */
  tokens?: Buffer[];
}

/** Reply scripts from the captures: the server side of each SMB session. */
export function replayScripts(): Script[] {
  const one = (file: string, dialect: Script['dialect']): Script => {
    const m = captureMessages(file);
    const tokens: Buffer[] = [];
    for (const c of m.client) {
      for (let i = c.indexOf(0x60); i >= 0 && tokens.length === 0; i = c.indexOf(0x60, i + 1)) {
        const d = derAt(c, i);
        if (d && d.includes('NTLMSSP\0')) tokens.push(d);
      }
      for (let i = c.indexOf(0xa1); i >= 0 && tokens.length === 1; i = c.indexOf(0xa1, i + 1)) {
        const d = derAt(c, i);
        if (d && d.includes('NTLMSSP\0')) tokens.push(d);
      }
    }
    return { name: `${file} (${dialect})`, replies: m.server, dialect, tokens };
  };
  return [
    one('smbclient-open-pipe-msgsvc-smb1.pcap', 'auto'),
    one('smbclient-open-pipe-msgsvc-smb1.pcap', 'smb1-deep'),
    one('smbclient-open-pipe-msgsvc-smb3.pcap', 'smb2'),
    one('smbclient-open-pipe-msgsvc-smb3.pcap', 'smb2-deep'),
    one('rpcclient-wkssvc-messagebuffersend.pcap', 'smb2-deep'),
  ];
}

/** An Authenticator that replays the capture's client tokens and accepts whatever the server sends. */
function scriptedAuthenticator(tokens: Buffer[]): Authenticator {
  let leg = 0;
  return {
    mechanism: 'spnego',
    next(): Buffer | null {
      const t = tokens[leg++];
      return t ?? null;
    },
    get complete() {
      return leg >= tokens.length;
    },
    sessionKey: () => Buffer.alloc(16),
  };
}

/** The client the script asks for, connected to 127.0.0.1:port. */
async function connectFor(script: Script, port: number, timeoutMs: number): Promise<SmbClient> {
  const credentials = anyNtlmClient;
  switch (script.dialect) {
    case 'smb1-deep': {
      const stream = await connectSmbTransport({ host: '127.0.0.1', port, timeoutMs });
      try {
        // The scripted authenticator has no real key: allowUnsigned keeps the session unsigned to go deep.
        return await connectSmb1({ stream, host: '127.0.0.1', credentials, createAuthenticator: () => scriptedAuthenticator(script.tokens ?? []), allowUnsigned: true, timeoutMs });
      } catch (e) {
        stream.close();
        throw e;
      }
    }
    case 'smb2-deep':
      // patchIds turns the final SESSION_SETUP into a guest session: allowGuest accepts it to go deep.
      return connectSmb2({ host: '127.0.0.1', port, credentials, authenticator: () => scriptedAuthenticator(script.tokens ?? []), allowGuest: true, timeoutMs });
    default:
      return connectSmb({ host: '127.0.0.1', port, credentials, dialect: script.dialect, timeoutMs });
  }
}

/**
 * Copies the request's message id (SMB2) or MID/PID (SMB1) into the reply, as a real server would.
 * `guest`: the final SESSION_SETUP response becomes an unsigned guest session, so that a client with
 * a scripted authenticator (and no real session key) goes on to TREE_CONNECT, CREATE and IOCTL.
 */
function patchIds(req: Buffer, rep: Buffer, guest = false): Buffer {
  const out = Buffer.from(rep);
  if (guest && out.length >= 68 && out.subarray(0, 4).toString('latin1') === '\xfeSMB' && out.readUInt16LE(12) === 1 && out.readUInt32LE(8) === 0) {
    out.writeUInt32LE(out.readUInt32LE(16) & ~8, 16); // SMB2_FLAGS_SIGNED off
    out.writeUInt16LE(out.readUInt16LE(66) | 1, 66); // SessionFlags IS_GUEST
  }
  const rq = req.subarray(0, 4).toString('latin1');
  const rp = out.subarray(0, 4).toString('latin1');
  if (rq === '\xfeSMB' && rp === '\xfeSMB' && req.length >= 64 && out.length >= 64) {
    req.copy(out, 24, 24, 32); // MessageId
    if ((out.readUInt32LE(16) & 2) === 0) req.copy(out, 32, 32, 36); // sync: ProcessId/Reserved
  } else if (rq === '\xffSMB' && rp === '\xffSMB' && req.length >= 32 && out.length >= 32) {
    req.copy(out, 26, 26, 28); // PIDLow
    req.copy(out, 30, 30, 32); // MID
  } else if (rq === '\xffSMB' && rp === '\xfeSMB' && out.length >= 64) {
    out.fill(0, 24, 32); // the SMB2 answer to a multi-protocol NEGOTIATE has MessageId 0
  }
  return out;
}

export interface SocketOutcome {
  /** 'ok' (connected and closed), 'error' (NetsendError), or a finding kind. */
  result: 'ok' | 'error' | 'exception' | 'hang';
  detail: string;
  where: string;
}

/**
 * One connection: a loopback server answers request k with reply k of the script, after `mutateReply`;
 * with no reply left it closes. The client must connect or fail with a NetsendError within its timeout.
 */
export async function replayOnce(script: Script, mutateReply: (k: number, b: Buffer) => Buffer, timeoutMs = 400): Promise<SocketOutcome> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    sock.on('close', () => sockets.delete(sock));
    const frames = new FrameSplitter();
    let k = 0;
    sock.on('data', (d: Buffer) => {
      for (const frame of frames.push(d)) {
        const req = frame.subarray(4);
        const rep = script.replies[k];
        if (!rep) {
          sock.destroy();
          return;
        }
        const body = mutateReply(k++, patchIds(req, rep, script.dialect === 'smb2-deep'));
        const hdr = Buffer.alloc(4);
        hdr.writeUInt32BE(body.length & 0xffffff);
        sock.write(Buffer.concat([hdr, body]));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  let outcome: SocketOutcome;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((r) => (timer = setTimeout(() => r('hang'), timeoutMs * 4 + 2000)));
  try {
    const run = connectFor(script, port, timeoutMs)
      .then(async (c) => {
        // Past the session: open the pipe and transact, as the messenger does (replies continue the script).
        try {
          const pipe = await c.openPipe('msgsvc', { timeoutMs });
          await pipe.transact(Buffer.from('05000b03100000004800000001000000', 'hex'), 4280, { timeoutMs });
        } finally {
          await c.close({ timeoutMs }).catch(() => undefined);
        }
      })
      .then(
      () => ({ result: 'ok', detail: 'connected', where: '' }) as SocketOutcome,
      (e: unknown) =>
        e instanceof NetsendError
          ? ({ result: 'error', detail: `${e.name}`, where: '' } as SocketOutcome)
          : ({ result: 'exception', detail: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e), where: srcFrame(e) } as SocketOutcome),
    );
    const r = await Promise.race([run, hang]);
    outcome = r === 'hang' ? { result: 'hang', detail: `no outcome after ${timeoutMs * 4 + 2000} ms`, where: '?' } : r;
  } finally {
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
  return outcome;
}

/**
 * Per-reply mutation for replayOnce: one reply (chosen among the first `replies`) is always mutated,
 * each other one with probability 1/8, so that later stages of the exchange are reached too.
 */
export function replyMutator(rng: Rng, pool: readonly Buffer[], replies = 8): (k: number, b: Buffer) => Buffer {
  const chosen = rng.int(replies);
  return (k, b) => (k === chosen || rng.int(8) === 0 ? mutate(rng, b, pool) : b);
}

/** Resource kinds alive now, counted ('TCPServerWrap', 'Timeout', ...). */
export function activeResources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** Kinds that grew between two snapshots. */
export function leaked(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.entries(after)
    .filter(([k, n]) => n > (before[k] ?? 0))
    .map(([k, n]) => `${k} +${n - (before[k] ?? 0)}`);
}

// ------------------------------------------------------------------------------------------------
// RPC client over an in-memory pipe replaying mutated bind_ack / response PDUs
// ------------------------------------------------------------------------------------------------

/** NetrWkstaGetInfo through RpcClient on a pipe whose replies are mutated captured PDUs. */
export async function rpcReplayOnce(replies: Buffer[], mutateReply: (k: number, b: Buffer) => Buffer, timeoutMs = 300): Promise<SocketOutcome> {
  let k = 0;
  const next = (req: Buffer): { data: Buffer; more: boolean } => {
    const rep = replies[k];
    if (!rep) throw new NetsendError('ntstatus', 0xc00000b0, 'STATUS_PIPE_DISCONNECTED', 'no more replies');
    const out = Buffer.from(rep);
    if (out.length >= 16 && req.length >= 16) req.copy(out, 12, 12, 16); // call_id
    return { data: mutateReply(k++, out), more: false };
  };
  const pipe: RpcTransport = {
    transact: async (req) => next(req),
    write: async () => undefined,
    read: async () => next(Buffer.alloc(16)),
    close: async () => undefined,
  };
  const rpc = new RpcClient(pipe);
  try {
    await rpc.bind(WKSSVC, { timeoutMs });
    const out = await rpc.invoke(NetrWkstaGetInfo, { ServerName: null, Level: 100 }, { timeoutMs });
    const bad = badValue(out);
    return bad ? { result: 'exception', detail: bad, where: '?' } : { result: 'ok', detail: 'called', where: '' };
  } catch (e) {
    if (e instanceof NetsendError) return { result: 'error', detail: e.name, where: '' };
    return { result: 'exception', detail: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e), where: srcFrame(e) };
  }
}

/** A captured bind_ack, then a captured response whose stub is a NetrWkstaGetInfo level 100 reply. */
export function rpcReplies(seeds: Seeds): Buffer[] {
  const pdus = seeds.get('rpc-pdu') ?? [];
  const bindAck = pdus.find((p) => p[2] === 12);
  const response = pdus.find((p) => {
    try {
      const d = decodePdu(p);
      return d.type === 'response' && decodeWkstaGetInfo(d.stub, 100).info !== undefined;
    } catch {
      return false;
    }
  });
  return bindAck && response ? [bindAck, response] : [];
}

// ------------------------------------------------------------------------------------------------
// The messenger receiver (a server) against mutated client streams
// ------------------------------------------------------------------------------------------------

export interface ReceiverScript {
  name: string;
  transport: 'nbss' | 'direct';
  /** The client's whole TCP byte stream from the capture (NBSS session request included on 139). */
  stream: Buffer;
}

export function receiverScripts(): ReceiverScript[] {
  const out: ReceiverScript[] = [];
  for (const f of captureFiles()) {
    const name = path.basename(f);
    if (!/^(smbclient-M|raw-SMBsend)/.test(name)) continue;
    const st = tcpStreams(readCapture(fs.readFileSync(f)).packets)[0];
    if (st) out.push({ name, transport: name.includes('port139') ? 'nbss' : 'direct', stream: st.clientData });
  }
  return out;
}

/** A mutated client stream: one frame's body mutated and re-framed (3/4), or the raw stream mutated (1/4). */
export function mutateClientStream(rng: Rng, stream: Buffer, pool: readonly Buffer[]): Buffer {
  if (rng.int(4) === 0) return mutate(rng, stream, pool);
  const frames = splitNbssFrames(stream);
  const i = rng.int(frames.length);
  return Buffer.concat(
    frames.map((f, j) => {
      const body = j === i ? mutate(rng, f.body, pool) : f.body;
      const hdr = Buffer.alloc(4);
      hdr.writeUInt32BE(Math.min(body.length, 0xffffff));
      hdr[0] = f.type;
      if (f.type !== 0) hdr[1] = (body.length >> 16) & 1;
      return Buffer.concat([hdr, body]);
    }),
  );
}

export interface ReceiverHarness {
  receiver: Receiver;
  errors: { name: string; message: string }[];
  delivered: number;
}

export async function startFuzzReceiver(transport: 'nbss' | 'direct', idleTimeoutMs = 300): Promise<ReceiverHarness> {
  const h = { errors: [] as { name: string; message: string }[], delivered: 0 } as ReceiverHarness;
  h.receiver = await startReceiver({
    port: 0,
    transport,
    idleTimeoutMs,
    onMessage: () => void h.delivered++,
    onError: (e) => void h.errors.push({ name: e.name, message: e.message }),
  });
  return h;
}

/** Sends `bytes` to the receiver, half-closes, waits for its close (bounded). Resolves with whether it closed. */
export async function sendToReceiver(h: ReceiverHarness, bytes: Buffer, waitMs = 3000): Promise<boolean> {
  const sock = net.connect(h.receiver.port, '127.0.0.1');
  sock.on('error', () => undefined);
  sock.on('data', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    new Promise<boolean>((r) => sock.once('close', () => r(true))),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), waitMs))),
    new Promise<boolean>((r) => sock.once('connect', () => sock.end(bytes))).then(() => new Promise<boolean>(() => undefined)),
  ]);
  clearTimeout(timer);
  sock.destroy();
  return closed;
}
