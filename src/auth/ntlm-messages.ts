import { MalformedError, NetsendError } from '../status/error.js';
import { ByteReader, ByteWriter } from '../util/bytes.js';

/** NTLMSSP message codecs, [MS-NLMP] §2.2. */

export const NTLMSSP_SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

/** NegotiateFlags, [MS-NLMP] §2.2.2.5. */
export const NtlmFlags = {
  UNICODE: 0x00000001,
  OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  SIGN: 0x00000010,
  SEAL: 0x00000020,
  DATAGRAM: 0x00000040,
  LM_KEY: 0x00000080,
  NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  OEM_DOMAIN_SUPPLIED: 0x00001000,
  OEM_WORKSTATION_SUPPLIED: 0x00002000,
  ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  TARGET_TYPE_SERVER: 0x00020000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  IDENTIFY: 0x00100000,
  REQUEST_NON_NT_SESSION_KEY: 0x00400000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  NEGOTIATE_128: 0x20000000,
  KEY_EXCH: 0x40000000,
  NEGOTIATE_56: 0x80000000,
} as const;

/** AV_PAIR AvId values, [MS-NLMP] §2.2.2.1. */
export const AvId = {
  EOL: 0,
  NbComputerName: 1,
  NbDomainName: 2,
  DnsComputerName: 3,
  DnsDomainName: 4,
  DnsTreeName: 5,
  Flags: 6,
  Timestamp: 7,
  SingleHost: 8,
  TargetName: 9,
  ChannelBindings: 10,
} as const;

/** MsvAvFlags bits. */
export const AvFlags = {
  CONSTRAINED: 0x1,
  MIC_PRESENT: 0x2,
  UNTRUSTED_SPN_SOURCE: 0x4,
} as const;

/** One AV_PAIR of a target-info list ([MS-NLMP] §2.2.2.1), kept raw so unknown ids survive a round trip. */
export interface AvPair {
  id: number;
  value: Buffer;
}

/** VERSION, [MS-NLMP] §2.2.2.10 (8 bytes). */
export interface NtlmVersion {
  major: number;
  minor: number;
  build: number;
  /** NTLMRevisionCurrent, 0x0F. */
  revision: number;
}

export const DEFAULT_VERSION: NtlmVersion = { major: 10, minor: 0, build: 19041, revision: 15 };

function encodeVersion(w: ByteWriter, v: NtlmVersion): void {
  w.u8(v.major).u8(v.minor).u16le(v.build).zeros(3).u8(v.revision);
}

function decodeVersion(r: ByteReader): NtlmVersion {
  const major = r.u8();
  const minor = r.u8();
  const build = r.u16le();
  r.skip(3);
  return { major, minor, build, revision: r.u8() };
}

// --- AV pairs ---

/** Parses an AV_PAIR list; it must end with MsvAvEOL ([MS-NLMP] §2.2.2.1). Bytes after EOL are ignored. */
export function parseAvPairs(buf: Buffer): AvPair[] {
  const r = new ByteReader(buf, 'NTLM AV_PAIR list');
  const out: AvPair[] = [];
  for (;;) {
    const id = r.u16le();
    const len = r.u16le();
    const value = r.bytes(len, 'AV_PAIR value');
    if (id === AvId.EOL) {
      if (len !== 0) throw new MalformedError('NTLM AV_PAIR list', 'MsvAvEOL with non-zero length');
      return out;
    }
    out.push({ id, value: Buffer.from(value) });
  }
}

/** Encodes AV pairs and appends MsvAvEOL. */
export function encodeAvPairs(pairs: AvPair[]): Buffer {
  const w = new ByteWriter(64);
  for (const p of pairs) {
    if (p.id === AvId.EOL) continue;
    if (p.value.length > 0xffff) throw new NetsendError('usage', 0, 'NTLM_AV_TOO_LONG', `AV_PAIR ${p.id} value too long`);
    w.u16le(p.id).u16le(p.value.length).bytes(p.value);
  }
  w.u32le(0);
  return w.finish();
}

/** The server names a CHALLENGE_MESSAGE's target info reports (the MsvAvNbComputerName, MsvAvNbDomainName, MsvAvDnsComputerName and MsvAvDnsDomainName AV_PAIRs, [MS-NLMP] §2.2.2.1). */
export interface TargetInfo {
  netbiosComputer?: string;
  netbiosDomain?: string;
  dnsComputer?: string;
  dnsDomain?: string;
  dnsTree?: string;
  flags?: number;
  /** FILETIME (100 ns ticks since 1601-01-01 UTC). */
  timestamp?: bigint;
  targetName?: string;
}

const utf16 = (b: Buffer): string => b.toString('utf16le');

/** Interprets the well-known AV pairs for display and for the NTLMv2 timestamp rule. */
export function describeTargetInfo(pairs: AvPair[]): TargetInfo {
  const t: TargetInfo = {};
  for (const p of pairs) {
    switch (p.id) {
      case AvId.NbComputerName:
        t.netbiosComputer = utf16(p.value);
        break;
      case AvId.NbDomainName:
        t.netbiosDomain = utf16(p.value);
        break;
      case AvId.DnsComputerName:
        t.dnsComputer = utf16(p.value);
        break;
      case AvId.DnsDomainName:
        t.dnsDomain = utf16(p.value);
        break;
      case AvId.DnsTreeName:
        t.dnsTree = utf16(p.value);
        break;
      case AvId.Flags:
        if (p.value.length !== 4) throw new MalformedError('NTLM AV_PAIR list', `MsvAvFlags of ${p.value.length} bytes`);
        t.flags = p.value.readUInt32LE(0);
        break;
      case AvId.Timestamp:
        if (p.value.length !== 8) throw new MalformedError('NTLM AV_PAIR list', `MsvAvTimestamp of ${p.value.length} bytes`);
        t.timestamp = p.value.readBigUInt64LE(0);
        break;
      case AvId.TargetName:
        t.targetName = utf16(p.value);
        break;
      default:
        break;
    }
  }
  return t;
}

// --- field helpers ---

interface Field {
  len: number;
  maxLen: number;
  offset: number;
}

function readField(r: ByteReader): Field {
  return { len: r.u16le(), maxLen: r.u16le(), offset: r.u32le() };
}

/** Resolves a (len, offset) field against the whole message, checking bounds. */
function fieldBytes(msg: Buffer, f: Field, what: string, name: string, minOffset: number): Buffer {
  if (f.len === 0) return Buffer.alloc(0);
  if (f.offset < minOffset || f.offset + f.len > msg.length) {
    throw new MalformedError(what, `${name} (offset ${f.offset}, length ${f.len}) outside the ${msg.length}-byte message payload`);
  }
  return Buffer.from(msg.subarray(f.offset, f.offset + f.len));
}

function checkHeader(r: ByteReader, type: number, what: string): void {
  const sig = r.bytes(8, 'signature');
  if (!sig.equals(NTLMSSP_SIGNATURE)) throw new MalformedError(what, 'missing NTLMSSP signature');
  const t = r.u32le();
  if (t !== type) throw new MalformedError(what, `MessageType ${t}, expected ${type}`);
}

// --- NEGOTIATE_MESSAGE, §2.2.1.1 ---

/** Fields of a NEGOTIATE_MESSAGE ([MS-NLMP] §2.2.1.1). */
export interface NegotiateMessage {
  flags: number;
  domain?: string;
  workstation?: string;
  version?: NtlmVersion;
}

/** Encodes a NEGOTIATE_MESSAGE ([MS-NLMP] §2.2.1.1), the first token of the exchange. */
export function encodeNegotiate(m: NegotiateMessage): Buffer {
  const domain = Buffer.from(m.domain ?? '', 'latin1');
  const ws = Buffer.from(m.workstation ?? '', 'latin1');
  const hasVersion = (m.flags & NtlmFlags.VERSION) !== 0;
  const headerLen = 32 + (hasVersion ? 8 : 0);
  const w = new ByteWriter(64);
  w.bytes(NTLMSSP_SIGNATURE).u32le(1).u32le(m.flags);
  w.u16le(domain.length).u16le(domain.length).u32le(headerLen);
  w.u16le(ws.length).u16le(ws.length).u32le(headerLen + domain.length);
  if (hasVersion) encodeVersion(w, m.version ?? DEFAULT_VERSION);
  w.bytes(domain).bytes(ws);
  return w.finish();
}

/** Parses a NEGOTIATE_MESSAGE ([MS-NLMP] §2.2.1.1), as the in-process acceptor and tests see it. */
export function decodeNegotiate(buf: Buffer): NegotiateMessage {
  const what = 'NTLM NEGOTIATE_MESSAGE';
  const r = new ByteReader(buf, what);
  checkHeader(r, 1, what);
  const flags = r.u32le();
  const d = readField(r);
  const ws = readField(r);
  const m: NegotiateMessage = { flags };
  let payloadStart = 32;
  if (flags & NtlmFlags.VERSION) {
    m.version = decodeVersion(r);
    payloadStart = 40;
  }
  if (d.len) m.domain = fieldBytes(buf, d, what, 'DomainName', payloadStart).toString('latin1');
  if (ws.len) m.workstation = fieldBytes(buf, ws, what, 'Workstation', payloadStart).toString('latin1');
  return m;
}

// --- CHALLENGE_MESSAGE, §2.2.1.2 ---

/** Fields of a CHALLENGE_MESSAGE ([MS-NLMP] §2.2.1.2). */
export interface ChallengeMessage {
  flags: number;
  serverChallenge: Buffer;
  targetName: string;
  /** Raw TargetInfo bytes (AV pairs) exactly as received; empty when absent. */
  targetInfoRaw: Buffer;
  targetInfo: AvPair[];
  version?: NtlmVersion;
}

/** Parses a CHALLENGE_MESSAGE ([MS-NLMP] §2.2.1.2); every offset/length field is checked against the buffer. */
export function decodeChallenge(buf: Buffer): ChallengeMessage {
  const what = 'NTLM CHALLENGE_MESSAGE';
  const r = new ByteReader(buf, what);
  checkHeader(r, 2, what);
  const tn = readField(r);
  const flags = r.u32le();
  const serverChallenge = Buffer.from(r.bytes(8, 'ServerChallenge'));
  r.skip(8);
  // TargetInfoFields and Version were added later; a 32-byte message (no target info) is legal.
  let ti: Field = { len: 0, maxLen: 0, offset: 0 };
  let payloadStart = 32;
  if (r.remaining >= 8) {
    ti = readField(r);
    payloadStart = 48;
  }
  let version: NtlmVersion | undefined;
  if (flags & NtlmFlags.VERSION && r.remaining >= 8 && Math.min(tn.len ? tn.offset : Infinity, ti.len ? ti.offset : Infinity) >= 56) {
    version = decodeVersion(r);
    payloadStart = 56;
  }
  const targetNameRaw = fieldBytes(buf, tn, what, 'TargetName', payloadStart);
  const targetInfoRaw = fieldBytes(buf, ti, what, 'TargetInfo', payloadStart);
  if (flags & NtlmFlags.UNICODE && targetNameRaw.length % 2) throw new MalformedError(what, 'odd-length Unicode TargetName');
  const targetName = flags & NtlmFlags.UNICODE ? targetNameRaw.toString('utf16le') : targetNameRaw.toString('latin1');
  const targetInfo = targetInfoRaw.length ? parseAvPairs(targetInfoRaw) : [];
  const m: ChallengeMessage = { flags, serverChallenge, targetName, targetInfoRaw, targetInfo };
  if (version) m.version = version;
  return m;
}

/** Encodes a CHALLENGE_MESSAGE ([MS-NLMP] §2.2.1.2); used by the test acceptor, not on the client path. */
export function encodeChallenge(m: Omit<ChallengeMessage, 'targetInfo'> & { targetInfo?: AvPair[] }): Buffer {
  const unicode = (m.flags & NtlmFlags.UNICODE) !== 0;
  const name = Buffer.from(m.targetName, unicode ? 'utf16le' : 'latin1');
  const info = m.targetInfoRaw;
  const hasVersion = (m.flags & NtlmFlags.VERSION) !== 0;
  const headerLen = hasVersion ? 56 : 48;
  const w = new ByteWriter(128);
  w.bytes(NTLMSSP_SIGNATURE).u32le(2);
  w.u16le(name.length).u16le(name.length).u32le(headerLen);
  w.u32le(m.flags).bytes(m.serverChallenge).zeros(8);
  w.u16le(info.length).u16le(info.length).u32le(headerLen + name.length);
  if (hasVersion) encodeVersion(w, m.version ?? DEFAULT_VERSION);
  w.bytes(name).bytes(info);
  return w.finish();
}

// --- AUTHENTICATE_MESSAGE, §2.2.1.3 ---

/** Fields of an AUTHENTICATE_MESSAGE ([MS-NLMP] §2.2.1.3). */
export interface AuthenticateMessage {
  flags: number;
  lmResponse: Buffer;
  ntResponse: Buffer;
  domain: string;
  user: string;
  workstation: string;
  encryptedRandomSessionKey: Buffer;
  version?: NtlmVersion;
  /** 16 bytes when the MIC field is present (all zeros while the MIC is being computed). */
  mic?: Buffer;
}

/** Offset of the MIC field within an AUTHENTICATE message that carries VERSION and MIC. */
export const AUTHENTICATE_MIC_OFFSET = 72;

/** Encodes an AUTHENTICATE_MESSAGE ([MS-NLMP] §2.2.1.3) with its payload fields after the fixed header. */
export function encodeAuthenticate(m: AuthenticateMessage): Buffer {
  const unicode = (m.flags & NtlmFlags.UNICODE) !== 0;
  const enc = (s: string): Buffer => Buffer.from(s, unicode ? 'utf16le' : 'latin1');
  const domain = enc(m.domain);
  const user = enc(m.user);
  const ws = enc(m.workstation);
  if (m.mic && m.mic.length !== 16) throw new NetsendError('usage', 0, 'NTLM_BAD_MIC', 'MIC must be 16 bytes');
  const hasVersion = (m.flags & NtlmFlags.VERSION) !== 0 || m.mic !== undefined;
  const headerLen = 64 + (hasVersion ? 8 : 0) + (m.mic ? 16 : 0);
  // Payload order as Windows and the [MS-NLMP] §4.2 examples lay it out.
  const parts = [domain, user, ws, m.lmResponse, m.ntResponse, m.encryptedRandomSessionKey];
  const offsets: number[] = [];
  let off = headerLen;
  for (const p of parts) {
    if (p.length > 0xffff) throw new NetsendError('usage', 0, 'NTLM_FIELD_TOO_LONG', 'AUTHENTICATE field longer than 65535 bytes');
    offsets.push(off);
    off += p.length;
  }
  const w = new ByteWriter(off);
  w.bytes(NTLMSSP_SIGNATURE).u32le(3);
  const field = (i: number): void => {
    const p = parts[i]!;
    w.u16le(p.length).u16le(p.length).u32le(offsets[i]!);
  };
  field(3); // LmChallengeResponse
  field(4); // NtChallengeResponse
  field(0); // DomainName
  field(1); // UserName
  field(2); // Workstation
  field(5); // EncryptedRandomSessionKey
  w.u32le(m.flags);
  if (hasVersion) encodeVersion(w, m.version ?? DEFAULT_VERSION);
  if (m.mic) w.bytes(m.mic);
  for (const p of parts) w.bytes(p);
  return w.finish();
}

/**
 * Parses an AUTHENTICATE message (used by tests playing the server, and for round-trip checks).
 * The MIC is recognised when the lowest payload offset leaves room for it (>= 88).
 */
export function decodeAuthenticate(buf: Buffer): AuthenticateMessage {
  const what = 'NTLM AUTHENTICATE_MESSAGE';
  const r = new ByteReader(buf, what);
  checkHeader(r, 3, what);
  const lm = readField(r);
  const nt = readField(r);
  const d = readField(r);
  const u = readField(r);
  const ws = readField(r);
  const k = readField(r);
  const flags = r.u32le();
  const used = [lm, nt, d, u, ws, k].filter((f) => f.len > 0).map((f) => f.offset);
  const payloadStart = used.length ? Math.min(...used) : buf.length;
  let version: NtlmVersion | undefined;
  let mic: Buffer | undefined;
  if (payloadStart >= 72) version = decodeVersion(r);
  if (payloadStart >= 88) mic = Buffer.from(r.bytes(16, 'MIC'));
  const hdr = r.offset;
  const unicode = (flags & NtlmFlags.UNICODE) !== 0;
  const str = (f: Field, name: string): string => {
    const b = fieldBytes(buf, f, what, name, hdr);
    if (unicode && b.length % 2) throw new MalformedError(what, `odd-length Unicode ${name}`);
    return b.toString(unicode ? 'utf16le' : 'latin1');
  };
  const m: AuthenticateMessage = {
    flags,
    lmResponse: fieldBytes(buf, lm, what, 'LmChallengeResponse', hdr),
    ntResponse: fieldBytes(buf, nt, what, 'NtChallengeResponse', hdr),
    domain: str(d, 'DomainName'),
    user: str(u, 'UserName'),
    workstation: str(ws, 'Workstation'),
    encryptedRandomSessionKey: fieldBytes(buf, k, what, 'EncryptedRandomSessionKey', hdr),
  };
  if (version) m.version = version;
  if (mic) m.mic = mic;
  return m;
}
