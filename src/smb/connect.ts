/**
 * One entry point over both dialect families. Callers see only SmbClient / NamedPipe.
 *
 * 'auto' starts with a real SMB2 NEGOTIATE, the "SMB2-Only Negotiate" of [MS-SMB2] §3.2.4.2.2.2
 * (the same request `dialect: 'smb2'` sends, every dialect and the 3.1.1 contexts), so an SMB2/3
 * server costs no extra round trip. Only when the server refuses it (see smb2-probe.ts: connection
 * closed or reset before any answer, an SMB1 answer, or silence past SMB2_PROBE_MS) does it open a
 * new connection (same port, NBSS session again on 139) and send the SMB1 multi-protocol NEGOTIATE
 * of [MS-SMB2] §3.2.4.2.2.1 / [MS-SMB] §3.2.4.2.1 ("NT LM 0.12", "SMB 2.002", "SMB 2.???"): an SMB1
 * reply continues as SMB1 on that stream, an SMB2 reply is handed with its bytes to the SMB2 client.
 *
 * The family a host connected with is remembered for the process (smbFamilies, 256 entries, least
 * recently used first out; family-memory.ts), so later connections to an SMB1-only host send the
 * multi-protocol NEGOTIATE at once. Only successful connections are remembered, never a refusal.
 *
 * Security: an attacker on the path can force the fallback by resetting the SMB2 NEGOTIATE, as it
 * could before by rewriting the multi-protocol dialect list. No weaker than that: the fallback still
 * offers the SMB2 dialects, an SMB2 answer continues as SMB2 under the same policies, and signing,
 * guest refusal, smbMin/smbMax and requireEncryption (which never reach 'auto' with SMB1 allowed)
 * apply unchanged. `dialect: 'smb2'` (or smbMin above NT1) refuses SMB1 outright.
 */
import type { Credentials } from '../auth/index.js';
import { MalformedError, usageError } from '../status/index.js';
import { throwIfAborted, type WaitOptions } from '../util/abort.js';
import { Deadline } from '../util/deadline.js';
import type { MessageStream } from '../transport/message-stream.js';
import { connectSmbTransport, type FramedMessageStream } from '../transport/nbss.js';
import type { TrafficTap } from '../transport/tcp.js';
import { connectSmb1 } from './smb1/client.js';
import { connectSmb2 as defaultConnectSmb2, SMB2_DEFAULTS, type DialectRevision } from './smb2/index.js';
import { DIALECT_NT_LM_012, DIALECT_SMB2_002, DIALECT_SMB2_WILDCARD, encodeNegotiateRequest, isSmb2Message } from './smb1/negotiate.js';
import type { SmbClient } from './types.js';
import { smbFamilies, type SmbFamily } from './family-memory.js';
import { Smb2Probe } from './smb2-probe.js';

/** Dialect names accepted by smbMin / smbMax, lowest first. 'NT1' is SMB1 (NT LM 0.12). */
import { SMB_DIALECTS, type SmbDialectName } from './dialects.js';
export { SMB_DIALECTS, type SmbDialectName };

export interface Smb2ConnectArgs extends WaitOptions {
  /** The framed connection to negotiate on. */
  stream: MessageStream;
  /** The raw SMB2 NEGOTIATE response to our SMB1 multi-protocol NEGOTIATE, when there was one. */
  smb1NegotiateReply?: Buffer;
  /** The server's host name or address. */
  host: string;
  /** Who to log on as. */
  credentials: Credentials;
  /** SMB2 dialect range (NT1 is not an SMB2 dialect: never passed here). */
  smbMin?: Exclude<SmbDialectName, 'NT1'>;
  /** Highest SMB2/3 dialect offered. */
  smbMax?: Exclude<SmbDialectName, 'NT1'>;
  /** Require signed SMB2/3 messages. */
  requireSigning?: boolean;
  /** Require SMB 3.x encryption of the session. */
  requireEncryption?: boolean;
  /** Accept a guest/null session for a logon with credentials. */
  allowGuest?: boolean;
  /** IPC$ TREE_CONNECT rides with the first pipe open (one compound); see ConnectSmbOptions. */
  deferTreeConnect?: boolean;
  /** Sees the connection's bytes (e.g. for --pcap). */
  tap?: TrafficTap;
}
/** How an SMB2/3 connection is opened; an option so callers and tests can substitute their own. */
export type ConnectSmb2 = (o: Smb2ConnectArgs) => Promise<SmbClient>;

export interface ConnectSmbOptions extends WaitOptions {
  /** Host name or address of the SMB server. */
  host: string;
  /** 445 (Direct TCP, default) or 139 (NBSS session first). */
  port?: number;
  /** Who to log on as; `{ user: '', anonymous: true }` for a null session. */
  credentials: Credentials;
  /**
   * 'auto' (default) starts with an SMB2 NEGOTIATE and falls back to the SMB1 multi-protocol one when the
   * server refuses it, remembering the host's family for the process; 'smb1' and 'smb2' force a family.
   */
  dialect?: 'auto' | 'smb1' | 'smb2';
  /** Lowest SMB2/3 dialect accepted. */
  smbMin?: SmbDialectName;
  /** Highest SMB2/3 dialect offered. */
  smbMax?: SmbDialectName;
  /** Require signed SMB messages; a session that would run unsigned is refused. */
  requireSigning?: boolean;
  /** SMB3 encryption; impossible over SMB1, so it excludes it. */
  requireEncryption?: boolean;
  /** Sign SMB1 sessions whenever the server allows it (SMB2 follows its own rules). */
  sign?: boolean;
  /**
   * Accept a guest (or null) session although `credentials` name a user: off by default, since such a
   * session cannot be signed (STATUS_SMB_GUEST_LOGON_BLOCKED). Both dialect families.
   */
  allowGuest?: boolean;
  /**
   * SMB1 only: go on unsigned when a credentialed session is not signed (server without signing, or a
   * final SESSION_SETUP_ANDX reply left unsigned, as Samba does for non-extended logons). Off by default:
   * SIGNING_UNAVAILABLE. SMB 2/3 signing follows [MS-SMB2] and ignores it.
   */
  allowUnsigned?: boolean;
  /** NBSS called name on port 139 (default *SMBSERVER). */
  calledName?: string;
  /** NBSS calling name (our own name) on port 139. */
  callingName?: string;
  /**
   * SMB 2/3: connect IPC$ together with the first pipe open (a related compound, [MS-SMB2]
   * §3.2.4.1.4), saving a round trip; tree connect errors then come from openPipe / the first
   * transact. SMB1 ignores it.
   */
  deferTreeConnect?: boolean;
  /** Sees the connection's bytes (e.g. for --pcap). */
  tap?: TrafficTap;
  /** The SMB2/3 client (default: src/smb/smb2's connectSmb2). */
  connectSmb2?: ConnectSmb2;
}

/** Offset of DialectRevision in an SMB2 NEGOTIATE response: 64-byte header + StructureSize + SecurityMode. */
const SMB2_DIALECT_REVISION_OFFSET = 68;

/** DialectRevision of an SMB2 NEGOTIATE response (0x02FF is the "SMB 2.???" wildcard answer). */
export function smb2ReplyDialect(raw: Buffer): number {
  if (!isSmb2Message(raw) || raw.length < SMB2_DIALECT_REVISION_OFFSET + 2) throw new MalformedError('SMB2 NEGOTIATE response', 'too short');
  return raw.readUInt16LE(SMB2_DIALECT_REVISION_OFFSET);
}

function rank(d: SmbDialectName | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  const i = SMB_DIALECTS.indexOf(d);
  if (i < 0) throw usageError(`unknown SMB dialect ${JSON.stringify(d)}`);
  return i;
}

/** Which family to try, from the options alone. */
export function planDialect(o: Pick<ConnectSmbOptions, 'dialect' | 'smbMin' | 'smbMax' | 'requireEncryption'>): 'smb1' | 'smb2' | 'auto' {
  const min = rank(o.smbMin, 0);
  const max = rank(o.smbMax, SMB_DIALECTS.length - 1);
  if (min > max) throw usageError(`smbMin ${o.smbMin} is above smbMax ${o.smbMax}`);
  const d = o.dialect ?? 'auto';
  if (d === 'smb1') {
    if (min > 0) throw usageError(`dialect smb1 conflicts with smbMin ${o.smbMin}`);
    if (o.requireEncryption) throw usageError('SMB1 has no encryption');
    return 'smb1';
  }
  if (d === 'smb2' || min > 0 || o.requireEncryption) {
    if (max === 0) throw usageError('smbMax NT1 leaves no SMB2 dialect');
    return 'smb2';
  }
  if (max === 0) return 'smb1';
  return 'auto';
}

const REVISION: Record<Exclude<SmbDialectName, 'NT1'>, DialectRevision> = { '2.0.2': 0x0202, '2.1': 0x0210, '3.0': 0x0300, '3.0.2': 0x0302, '3.1.1': 0x0311 };

/** The SMB2 client of src/smb/smb2 behind the facade's option names. */
export const connectSmb2Default: ConnectSmb2 = (a) =>
  defaultConnectSmb2({
    stream: a.stream, smb1NegotiateReply: a.smb1NegotiateReply, host: a.host, credentials: a.credentials, requireSigning: a.requireSigning,
    requireEncryption: a.requireEncryption, timeoutMs: a.timeoutMs, signal: a.signal, deadline: a.deadline, allowGuest: a.allowGuest,
    ...(a.deferTreeConnect ? { deferTreeConnect: true } : {}),
    dialects: { min: a.smbMin ? REVISION[a.smbMin] : undefined, max: a.smbMax ? REVISION[a.smbMax] : undefined },
  });

/**
 * The longest 'auto' waits for an answer to its SMB2 NEGOTIATE from a host not known to speak SMB2
 * before it tries SMB1 (never more than half of what is left of the deadline). A silent SMB1 server
 * is the only case it serves; an SMB2 server answers within one round trip. 3 s covers the longest
 * terrestrial round trips plus a lost request or answer resent once (RFC 6298 §2.4 rounds the TCP
 * retransmission timeout up to 1 s). A slower SMB2 server is not lost either: the fallback still
 * offers SMB2, so a wrong guess costs time, never the dialect.
 */
export const SMB2_PROBE_MS = 3_000;

/**
 * Connects, negotiates, authenticates and connects IPC$. The returned client owns the socket.
 * All of it shares one deadline: `o.deadline` (the caller's operation), else `o.timeoutMs` from now.
 */
export async function connectSmb(o: ConnectSmbOptions): Promise<SmbClient> {
  throwIfAborted(o.signal, 'SMB connect');
  const plan = planDialect(o);
  const deadline = Deadline.of(o);
  const wait: WaitOptions = deadline.waitOptions();
  const port = o.port ?? 445;
  // No reply either family's client asks for is near the 16 MiB Direct TCP limit: refuse larger frames at the header.
  const transport = (w: WaitOptions): Promise<FramedMessageStream> =>
    connectSmbTransport({ host: o.host, port, calledName: o.calledName, callingName: o.callingName, tap: o.tap, maxFrame: SMB2_DEFAULTS.maxMessageSize, ...w });
  const smb1 = (stream: MessageStream, negotiateReply?: Buffer): Promise<SmbClient> =>
    connectSmb1({
      stream, host: o.host, credentials: o.credentials, negotiateReply, requireSigning: o.requireSigning, sign: o.sign, allowGuest: o.allowGuest,
      allowUnsigned: o.allowUnsigned, ...wait,
    });
  const smb2 = (stream: MessageStream, smb1NegotiateReply?: Buffer): Promise<SmbClient> =>
    (o.connectSmb2 ?? connectSmb2Default)({
      stream, smb1NegotiateReply, host: o.host, credentials: o.credentials, smbMin: o.smbMin === 'NT1' ? undefined : o.smbMin,
      smbMax: o.smbMax === 'NT1' ? undefined : o.smbMax, requireSigning: o.requireSigning, requireEncryption: o.requireEncryption,
      ...(o.allowGuest ? { allowGuest: true } : {}), ...(o.deferTreeConnect ? { deferTreeConnect: true } : {}), ...wait,
    });
  const known = plan === 'auto' ? smbFamilies.get(o.host, port) : undefined;
  let fallback = false;
  if (plan !== 'smb1' && known !== 'smb1') {
    const stream = await transport(wait);
    if (plan === 'smb2') return closeOnError(stream, () => smb2(stream));
    // A host that answered in SMB2 before gets the whole deadline: silence from it is slowness, not SMB1.
    const probe = new Smb2Probe(stream, known === 'smb2' ? undefined : SMB2_PROBE_MS, deadline);
    try {
      return remembered(o.host, port, 'smb2', await smb2(probe.stream));
    } catch (e) {
      stream.close();
      if (probe.refusal === undefined) throw e;
      fallback = true;
    }
  }
  const step = fallback ? 'SMB1 multi-protocol NEGOTIATE (after the server refused SMB2 NEGOTIATE)' : 'SMB1 multi-protocol NEGOTIATE';
  const stream = await transport(deadline.waitOptions(fallback ? `connect for ${step}` : undefined));
  return closeOnError(stream, async () => {
    if (plan === 'smb1') return smb1(stream);
    const negotiate = deadline.waitOptions(step);
    await stream.send(encodeNegotiateRequest([DIALECT_NT_LM_012, DIALECT_SMB2_002, DIALECT_SMB2_WILDCARD], { mid: 0 }), negotiate);
    const reply = await stream.receive(negotiate);
    if (isSmb2Message(reply)) return remembered(o.host, port, 'smb2', await smb2(stream, reply));
    return remembered(o.host, port, 'smb1', await smb1(stream, reply));
  });
}

function remembered(host: string, port: number, family: SmbFamily, client: SmbClient): SmbClient {
  smbFamilies.remember(host, port, family);
  return client;
}

async function closeOnError<T>(stream: MessageStream, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    stream.close();
    throw e;
  }
}
