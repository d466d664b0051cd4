/**
 * Direct Messenger delivery over SMB1 message commands ([MS-MSRP] §3.2.4.4; RFC 1002 §4.3 for the NBSS session):
 * NBSS to TO<03> on 139 (Direct TCP elsewhere), then either one 0xD0 (after an SMB1 NEGOTIATE,
 * which Samba requires for 0xD0) or the 0xD5 / 0xD7... / 0xD6 sequence that needs no NEGOTIATE.
 */
import type { TrafficTap } from '../transport/tcp.js';
import { NetsendError, toNetsendError } from '../status/error.js';
import { throwIfAborted, type WaitOptions } from '../util/abort.js';
import { Deadline } from '../util/deadline.js';
import { MESSAGE_PIPELINING, MessageCommandSession, replyStatusError, type MessagePipelining, type PipelineRecovery } from '../smb/message.js';
import { connectSmbTransport, localCallingName, type FramedMessageStream } from '../transport/nbss.js';
import { netbiosName, type NetbiosName } from '../transport/names.js';
import {
  BLOCK_BYTES,
  DEFAULT_MAX_BYTES,
  defaultFromName,
  encodeMessageText,
  encodeName,
  LINE_ENDINGS,
  MAX_MAX_BYTES,
  resolveCodepage,
  splitBlocks,
  unmappableChars,
  usageError,
  type LineEndings,
} from './text.js';
import { NetApiStatus, netApiStatusFor } from './status-map.js';
import { checkRetryOptions, withRetries, type Delivery, type RetryOptions } from './outcome.js';

export type SendMode = 'auto' | 'single' | 'multi';

/** How the 0xD5 / 0xD7... / 0xD6 requests share the wire: a MessagePipelining mode, or 'auto'. */
export type SendPipelining = 'auto' | MessagePipelining;

/** Every SendPipelining value, for option parsing and documentation. */
export const SEND_PIPELINING: readonly SendPipelining[] = ['auto', ...MESSAGE_PIPELINING];

/**
 * What 'auto' pipelining picks: 'after-start' (0xD5 alone, then every 0xD7 and the 0xD6 together:
 * 2 round trips after the session up to 15 blocks (MAX_PIPELINED_REQUESTS in flight; the 652-byte
 * default is 6), where lock-step takes 2 + blocks: 4 → 3 on 139 for a one-block text).
 *
 * Why not 'full' (1 round trip): its 0xD7s and 0xD6 must guess the MessageGroupId before the 0xD5
 * reply gives it ([MS-MSRP] §2.2.3.2.2). The guess 0 is right for Samba (WordCount 0 reply, id
 * ignored) but not for a server that hands out ids as the spec says (our receiver, from 1; Windows
 * per the spec, not observed).
 * One that checks them refuses the guesses, and 'full' then sends them again: 2 round trips, as
 * 'after-start', with more bytes. One that hands out ids without checking them accepts the guesses,
 * and the sender cannot tell whether the message it acknowledged is this one: 'unconfirmed', exit
 * status 3, for a message that was probably shown, which a retry would show twice. What Windows does
 * is not documented, so the default stays correct for every server and 'full' is opt-in for peers
 * known to answer 0xD5 without a group id (Samba).
 */
export const AUTO_PIPELINING: MessagePipelining = 'after-start';

export interface SendMessageOptions extends RetryOptions {
  /** Address or host name of the receiver. */
  host: string;
  /** 139 (default): NBSS with called name TO<03>; any other port: Direct TCP. */
  port?: number;
  /** Recipient NetBIOS name (upper-cased, ≤15 OEM bytes). */
  to: string;
  /** Sender name; default the local host name upper-cased and cut to 15. */
  from?: string;
  /** The message text. */
  text: string;
  /** OEM code page for names and text; default cp850. */
  codepage?: string;
  /** 'auto' (default) and 'multi' send 0xD5/0xD7/0xD6; 'single' sends one 0xD0 (≤128 bytes). */
  mode?: SendMode;
  /**
   * Multi-block only: 'off' (lock-step, a round trip per request), 'after-start', 'full', or 'auto'
   * (default: AUTO_PIPELINING). A server that refuses a pipelined request before the 0xD6 was taken
   * gets the message again in lock-step on the same connection (SendResult.pipelineRecovery), and
   * any retries of this send are lock-step. A connection that closes, or a reply that never comes,
   * once the 0xD6 was written is 'unconfirmed' like any lost answer: a server that dropped pipelined
   * requests cannot be told from one that showed the message, so nothing is sent again unless
   * `retryUnconfirmed` says so.
   */
  pipeline?: SendPipelining;
  /** How line breaks in `text` are rewritten before encoding; default 'crlf'. */
  lineEndings?: LineEndings;
  /** Limit on the encoded text; default 652 ([MS-MSRP] §3.2.4.4), at most 65024. */
  maxBytes?: number;
  /** Deadline of each attempt in ms (connect included); default 10 s. */
  timeoutMs?: number;
  /** Aborts the send (and any retry pause). */
  signal?: AbortSignal;
  /** Sees the connection's bytes (e.g. for --pcap). */
  tap?: TrafficTap;
  /** Send an SMB1 NEGOTIATE first. Default: true for 'single', false otherwise. */
  negotiate?: boolean;
  /** NBSS called name (suffix 0x03); default `to`. */
  calledName?: string;
}

export interface SendStatus {
  /** Status layer (ntstatus, win32, rpc-fault, socket ...), as NetsendError.layer. */
  layer: string;
  /** The status number as the protocol writes it. */
  code: number;
  /** The status's own symbolic name (STATUS_*, NERR_*, nca_s_*). */
  name: string;
  /** What happened, in words. */
  message: string;
}

export interface SendResult {
  /** True exactly when `delivery` is 'confirmed'. */
  ok: boolean;
  /**
   * 'confirmed': the peer acknowledged the final block. 'failed': the message certainly did not
   * complete. 'unconfirmed': the final block (0xD6 or 0xD0) was written and no readable answer
   * came (deadline, broken connection): it may have arrived (outcome.ts).
   */
  delivery: Delivery;
  /** Connections tried: 1 + the retries used. */
  attempts: number;
  /** NET_API_STATUS as NetMessageBufferSend would return it (status-map.ts). */
  netApiStatus: number;
  /** The raw failure, or null on success. */
  status: SendStatus | null;
  /** The framing that carried the message. */
  transport: 'nbss' | 'direct';
  /**
   * Round trips on the wire, NBSS session request included: a request/response pair in lock-step,
   * a batch of pipelined requests once.
   */
  roundTrips: number;
  /** How the multi-block requests shared the wire ('off' for a single-block message). */
  pipeline: MessagePipelining;
  /** How a pipelined send recovered from a refusal in its last attempt, or null (see PipelineRecovery). */
  pipelineRecovery: PipelineRecovery | null;
  /** Text blocks sent (0xD7 count, or 1 for 0xD0). */
  blocks: number;
}

/** Reply statuses become typed errors in src/smb; re-exported for callers of the messenger. */
export { replyStatusError };

function toStatus(e: NetsendError): SendStatus {
  return { layer: e.layer, code: e.code, name: e.name, message: e.message };
}

export interface PreparedMessage {
  /** OEM bytes of the NBSS called name (suffix 0x03 is added). */
  called: Buffer;
  /** Sender name in OEM bytes. */
  from: Buffer;
  /** Recipient name in OEM bytes. */
  to: Buffer;
  /** Text blocks, each at most 128 bytes ([MS-MSRP] §2.2.3.3.1). */
  blocks: Buffer[];
  /** One 0xD0 request, or the 0xD5/0xD7/0xD6 sequence. */
  mode: 'single' | 'multi';
  /** Whether an SMB1 NEGOTIATE goes first. */
  negotiate: boolean;
  /** How the multi-block requests share the wire ('off' for single). */
  pipeline: MessagePipelining;
  /** TCP port: 139 means NBSS, any other Direct TCP. */
  port: number;
  /** Characters the code page lacks, sent as '?'. */
  unmappable: string[];
}

/** Validates and encodes everything up front, so usage errors throw before any network traffic. */
export function prepareMessage(opts: SendMessageOptions): PreparedMessage {
  const codepage = resolveCodepage(opts.codepage);
  const port = opts.port ?? 139;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw usageError(`bad port ${String(opts.port)}`);
  if (!opts.host) throw usageError('no host');
  const lineEndings = opts.lineEndings ?? 'crlf';
  if (!LINE_ENDINGS.includes(lineEndings)) throw usageError(`unknown line-ending policy '${String(lineEndings)}'`);
  const mode = opts.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'single' && mode !== 'multi') throw usageError(`unknown mode '${String(mode)}'`);
  const pipeline = opts.pipeline ?? 'auto';
  if (!SEND_PIPELINING.includes(pipeline)) throw usageError(`unknown pipeline mode '${String(pipeline)}' (${SEND_PIPELINING.join(', ')})`);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_MAX_BYTES) throw usageError(`maxBytes must be 1..${MAX_MAX_BYTES}`);
  const to = encodeName(opts.to, codepage, 'to');
  const from = encodeName(opts.from ?? defaultFromName(), codepage, 'from');
  const data = encodeMessageText(opts.text, codepage, lineEndings);
  if (data.length > maxBytes) {
    throw usageError(`message is ${data.length} bytes in ${codepage}, limit ${maxBytes} (raise maxBytes / --max-bytes; MS-MSRP allows 652)`);
  }
  const single = mode === 'single';
  if (single && data.length > BLOCK_BYTES) {
    throw usageError(`single-block message is ${data.length} bytes, limit ${BLOCK_BYTES}; use multi-block`);
  }
  checkRetryOptions(opts);
  const blocks = single ? [data] : splitBlocks(data, BLOCK_BYTES);
  const called = opts.calledName === undefined ? to : encodeName(opts.calledName, codepage, 'to');
  netbiosName(called, 0x03); // validates: a name NBSS cannot carry is a usage error up front
  const unmappable = unmappableChars(opts.text, codepage);
  const pipelining = single ? 'off' : pipeline === 'auto' ? AUTO_PIPELINING : pipeline;
  return { unmappable, called, from, to, blocks, mode: single ? 'single' : 'multi', negotiate: opts.negotiate ?? single, port, pipeline: pipelining };
}

/**
 * NET_API_STATUS of an `unconfirmed` direct send: NERR_NetworkError (2136). NetMessageBufferSend
 * has no "may have arrived" code; its documented returns (MSDN lmmsg.h; values from [MS-ERREF] §2.2) are
 * 0, 5, 50, 87, 2136 and 2273, and of those only NERR_NetworkError ("a general network error")
 * is true of a lost answer. NERR_BadReceive (2282, "sent but not received") would claim it did
 * not arrive; a timeout code (121 ERROR_SEM_TIMEOUT, 1460 ERROR_TIMEOUT) does not fit a reset
 * connection and is outside the documented set. Callers that must tell failed from unconfirmed
 * read `delivery` (netMessageBufferSend's `onResult`).
 */
export const UNCONFIRMED_NET_API_STATUS: number = NetApiStatus.NERR_NetworkError;

/** Replies to message commands are tiny; anything larger than this is not a reply we want. */
const MAX_REPLY_BYTES = 64 * 1024;

/** NBSS calling name FROM<00>; a sender name NBSS cannot carry falls back to this host's name. */
function callingNameFor(from: Buffer): NetbiosName {
  try {
    return netbiosName(from, 0x00);
  } catch {
    return localCallingName();
  }
}

/**
 * Sends one message, retrying `failed` attempts up to `retries` times (and `unconfirmed` ones only
 * with `retryUnconfirmed`). Network and peer failures come back in the result; invalid options
 * throw (usage).
 */
export async function sendMessage(opts: SendMessageOptions): Promise<SendResult> {
  const p = prepareMessage(opts);
  let pipeline = p.pipeline;
  return withRetries(opts, async () => {
    const r = await sendOnce(opts, { ...p, pipeline });
    // A server that refused pipelining once gets the further attempts in lock-step.
    if (r.pipelineRecovery === 'lock-step') pipeline = 'off';
    return r;
  });
}

/**
 * How far one attempt got. A write that rejects with a socket error handed nothing to the kernel,
 * so the peer cannot hold a whole request; one that times out or is aborted may have.
 */
type FinalBlock = 'not-sent' | 'writing' | 'written' | 'refused';

function deliveryOf(final: FinalBlock, err: NetsendError): Delivery {
  if (final === 'written') return 'unconfirmed';
  if (final === 'writing' && err.layer !== 'socket') return 'unconfirmed';
  return 'failed';
}

async function sendOnce(opts: SendMessageOptions, p: PreparedMessage): Promise<SendResult> {
  const transportGuess: 'nbss' | 'direct' = p.port === 139 ? 'nbss' : 'direct';
  const result: SendResult = { ok: false, delivery: 'failed', attempts: 1, netApiStatus: 0, status: null, transport: transportGuess, roundTrips: 0, blocks: 0, pipeline: p.pipeline, pipelineRecovery: null };
  let final: FinalBlock = 'not-sent';
  const deadline = Deadline.of(opts);
  const wait = (step?: string): WaitOptions => deadline.waitOptions(step);
  let stream: FramedMessageStream | null = null;
  try {
    throwIfAborted(opts.signal, 'send message');
    const conn = await connectSmbTransport({
      host: opts.host,
      port: p.port,
      calledName: netbiosName(p.called, 0x03),
      callingName: callingNameFor(p.from),
      maxFrame: MAX_REPLY_BYTES,
      ...(opts.tap ? { tap: opts.tap } : {}),
      ...wait(),
    });
    stream = conn;
    result.transport = conn.framing;
    result.roundTrips = conn.framing === 'nbss' ? 1 : 0;
    const session = new MessageCommandSession(stream, {
      wait,
      pipelining: p.pipeline,
      onRecovery: (how) => {
        result.pipelineRecovery = how;
        result.blocks = 0; // the message starts again: count the blocks of the copy that completes
      },
      onRoundTrip: () => void result.roundTrips++,
      onBlock: () => void result.blocks++,
      onFinal: (state) => void (final = state),
    });
    if (p.negotiate) await session.negotiate();
    await session.send({ from: p.from, to: p.to, mode: p.mode, blocks: p.blocks });
    result.ok = true;
    result.delivery = 'confirmed';
  } catch (e) {
    const err = toNetsendError(e);
    result.status = toStatus(err);
    result.delivery = deliveryOf(final, err);
    result.netApiStatus = result.delivery === 'unconfirmed' ? UNCONFIRMED_NET_API_STATUS : netApiStatusFor(err);
  } finally {
    stream?.close();
  }
  return result;
}
