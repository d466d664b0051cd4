/**
 * A receiver for `\MAILSLOT\MESSNGR` writes on the NetBIOS datagram service (UDP 138;
 * clrpc-mailslot-notes §5.6): data datagrams are reassembled by (source, DGM_ID) within bounds,
 * filtered by destination name, and only well-formed mailslot writes to MESSNGR with a
 * `From\0To\0Text\0` body become messages. Everything else is dropped silently, as [MS-MAIL]
 * §3.2.5.1 requires (counted in stats(), and reported through onError when asked).
 */
import * as dgram from 'node:dgram';
import { NetsendError, usageError } from '../status/error.js';
import { DATAGRAM_PORT, decodeDatagram, DGM_TYPE, type DataDatagram } from '../transport/datagram.js';
import { DatagramReassembler, type ReassemblyLimits } from '../transport/datagram-reassembly.js';
import { formatNetbiosName, NB_SUFFIX } from '../transport/names.js';
import { decodeMailslotWrite, decodeMessengerBody, isMailslot, MESSENGER_MAILSLOT } from '../smb/message.js';
import { decodeOemName, decodeOemText, resolveCodepage } from './text.js';
import type { ReceivedMessage } from './receiver.js';
import { MessageRateLimiter, RECEIVER_LIMIT_DEFAULTS } from './receiver-limits.js';

/** Largest UDP payload considered at all (a NetBIOS datagram is at most 14 + 65535). */
const MAX_UDP = 14 + 0xffff;

/** Where to listen for \MAILSLOT\MESSNGR datagrams and what to do with each message. */
export interface MailslotReceiverOptions {
  /** Address to bind (default 127.0.0.1). Broadcasts reach only a socket bound to 0.0.0.0. */
  host?: string;
  /** UDP port (default 138; 0 picks an ephemeral one). */
  port?: number;
  /** Called once per reassembled, decoded message. */
  onMessage: (m: ReceivedMessage) => void;
  /** Dropped datagrams and handler exceptions; the receiver keeps running. */
  onError?: (e: NetsendError, remoteAddress: string) => void;
  /** OEM code page for decoding names and text (the sender does not say which it used); default cp850. */
  codepage?: string;
  /** Accept DIRECT_UNIQUE datagrams only to these NAME<03> (upper-cased). Default: any NAME<03>. */
  names?: string[];
  /** Accept DIRECT_GROUP / BROADCAST datagrams only to these WG<00> (default: WORKGROUP). */
  workgroups?: string[];
  /** Bounds on fragments held for reassembly (REASSEMBLY_DEFAULTS). */
  reassembly?: ReassemblyLimits;
  /** Longest Text accepted, in bytes (default 4096). */
  maxTextBytes?: number;
  /**
   * Messages per second accepted from one source address, and the burst allowed before that
   * (defaults: the TCP receiver's, RECEIVER_LIMIT_DEFAULTS). Datagrams cannot be held back, so
   * messages over the rate are dropped.
   */
  messageRate?: number;
  /** Messages from one address allowed at once before the rate applies. */
  messageBurst?: number;
  /** Aborting it closes the receiver (same as close()). */
  signal?: AbortSignal;
}

/** Counters of a mailslot receiver: what arrived and what was dropped. */
export interface MailslotReceiverStats {
  /** Datagrams received, fragments included. */
  datagrams: number;
  /** Messages delivered to `onMessage`. */
  messages: number;
  /** Dropped: not a data datagram, malformed, another name or mailslot, or held fragments discarded. */
  dropped: number;
  /** Incomplete datagrams held now. */
  pending: number;
}

/** A running receiver of messenger mailslot datagrams ([MS-MAIL] over RFC 1002 §4.4 datagrams). */
export interface MailslotReceiver {
  /** The address the receiver listens on. */
  readonly host: string;
  /** The bound UDP port (the ephemeral one when 0 was asked for). */
  readonly port: number;
  /** Counters since start. */
  stats(): MailslotReceiverStats;
  /** Stops listening and releases the socket. */
  close(): Promise<void>;
}

/** Starts the receiver; rejects with the socket's error (EACCES for 138 without privilege, EADDRINUSE) when it cannot bind. */
export async function startMailslotReceiver(opts: MailslotReceiverOptions): Promise<MailslotReceiver> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? DATAGRAM_PORT;
  const codepage = resolveCodepage(opts.codepage);
  const names = opts.names ? new Set(opts.names.map((n) => n.trim().toUpperCase())) : null;
  const workgroups = new Set((opts.workgroups ?? ['WORKGROUP']).map((n) => n.trim().toUpperCase()));
  const reassembler = new DatagramReassembler(opts.reassembly);
  const counters = { datagrams: 0, messages: 0, dropped: 0 };
  const messageRate = opts.messageRate ?? RECEIVER_LIMIT_DEFAULTS.messageRate;
  const messageBurst = opts.messageBurst ?? RECEIVER_LIMIT_DEFAULTS.messageBurst;
  if (!(messageRate > 0) || !(messageBurst >= 1)) throw usageError('messageRate must be > 0 and messageBurst >= 1');
  const rate = new MessageRateLimiter(messageRate, messageBurst, 0);
  const what = `mailslot receiver on ${host}:${port}`;

  const drop = (remote: string, reason: string, cause?: unknown): void => {
    counters.dropped++;
    if (!opts.onError) return;
    const err = cause instanceof NetsendError ? cause : new NetsendError('protocol', 0, 'DATAGRAM_DROPPED', `${remote}: ${reason}`);
    try {
      opts.onError(err, remote);
    } catch {
      /* a failing error handler must not stop the receiver */
    }
  };

  /** Destination filter (§5.6 step 3): our NAME<03>, or a workgroup's <00> group name. */
  const wanted = (d: DataDatagram): boolean => {
    const n = d.destination.name.toUpperCase();
    if (d.destination.scope) return false;
    if (d.type === DGM_TYPE.DIRECT_UNIQUE) return d.destination.suffix === NB_SUFFIX.MESSENGER && (names === null || names.has(n));
    return d.destination.suffix === NB_SUFFIX.WORKSTATION && workgroups.has(n);
  };

  const handle = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    const remote = rinfo.address;
    counters.datagrams++;
    if (msg.length > MAX_UDP) return drop(remote, `${msg.length}-byte datagram`);
    let d;
    try {
      d = decodeDatagram(msg);
    } catch (e) {
      return drop(remote, 'malformed datagram', e);
    }
    if (d.type !== DGM_TYPE.DIRECT_UNIQUE && d.type !== DGM_TYPE.DIRECT_GROUP && d.type !== DGM_TYPE.BROADCAST) return drop(remote, `datagram type 0x${d.type.toString(16)}`);
    if (!wanted(d)) return drop(remote, `datagram for ${formatNetbiosName(d.destination)}, not ours`);
    // Held (incomplete) or discarded by the reassembler; its discards are counted in its drops.
    const whole = reassembler.push(d, remote, Date.now());
    if (!whole) return;
    let write;
    try {
      write = decodeMailslotWrite(whole.data);
    } catch (e) {
      return drop(remote, 'malformed mailslot write', e);
    }
    if (!isMailslot(write.name, MESSENGER_MAILSLOT)) return drop(remote, `mailslot ${write.name}, not MESSNGR`);
    let body;
    try {
      body = decodeMessengerBody(write.data, { maxNameBytes: 255, maxTextBytes: opts.maxTextBytes ?? 4096 });
    } catch (e) {
      return drop(remote, 'malformed MESSNGR body', e);
    }
    if (rate.take(remote, Date.now()) !== 0) return drop(remote, `over ${messageRate} messages per second`);
    counters.messages++;
    const m: ReceivedMessage = {
      from: decodeOemName(body.from, codepage),
      to: decodeOemName(body.to, codepage),
      text: decodeOemText(body.text, codepage),
      receivedAt: new Date(),
      remoteAddress: remote,
      transport: 'mailslot',
      kind: 'single',
      raw: body.text,
    };
    try {
      opts.onMessage(m);
    } catch (e) {
      drop(remote, `message handler failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const sock = dgram.createSocket({ type: 'udp4' });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', (e) => reject(new NetsendError('socket', Math.abs((e as NodeJS.ErrnoException).errno ?? 0), (e as NodeJS.ErrnoException).code ?? 'ESOCKET', `${what}: ${e.message}`, { cause: e })));
    sock.bind({ address: host, port, exclusive: true }, () => resolve());
  });
  sock.removeAllListeners('error');
  sock.on('error', (e) => drop(host, `socket error: ${e.message}`));
  sock.on('message', handle);
  // Reassembly expiry also runs without traffic, so held fragments do not outlive their timeout.
  const sweeper = setInterval(() => reassembler.sweep(Date.now()), 1000).unref();
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      clearInterval(sweeper);
      opts.signal?.removeEventListener('abort', onAbort);
      try {
        sock.close(() => resolve());
      } catch {
        resolve();
      }
    });
    return closed;
  };
  const onAbort = (): void => void close();
  const bound = sock.address();
  if (opts.signal?.aborted) await close();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const dropsOf = (): number => Object.values(reassembler.drops).reduce((a, b) => a + b, 0);
  return {
    host: bound.address,
    port: bound.port,
    stats: () => ({ datagrams: counters.datagrams, messages: counters.messages, dropped: counters.dropped + dropsOf(), pending: reassembler.size }),
    close,
  };
}
