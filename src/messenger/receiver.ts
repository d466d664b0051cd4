/**
 * A message server for SMB1 message commands ([MS-MSRP] §3.2.4.5): what a Windows Messenger
 * (or Samba with `message command`) does on the receiving side. NBSS on 139 (session request to
 * NAME<03>), Direct TCP elsewhere; SMB1 NEGOTIATE answered with NT LM 0.12 so that a 0xD0
 * sent after it works; 0xD0 and 0xD5/0xD7/0xD6 with a group id.
 *
 * All input is hostile: frames are bounded before they are read, message bytes and blocks are
 * limited, and no peer can make the process throw. Connections pass an admission gate
 * (connection-gate.ts): a global and a per-address budget, a bounded accept queue, eviction of the
 * oldest idle connection, a deadline for every phase, and a per-address message rate limit. The
 * limits and their defaults are in receiver-limits.ts; docs/receiver.md explains them.
 */
import * as net from 'node:net';
import { ByteStream, type TrafficTap } from '../transport/tcp.js';
import { NetsendError, toNetsendError } from '../status/error.js';
import { decodeMessageServerRequest, MessageCommandCode as Cmd } from '../smb/message.js';
import { acceptDirectTcp, acceptNbss, encodeNbssPacket, NBSS_TYPE, type FramedMessageStream } from '../transport/nbss.js';
import { raceWait, type WaitOptions } from '../util/abort.js';
import { decodeOemName, decodeOemText, resolveCodepage } from './text.js';
import { MessageRateLimiter, resolveReceiverLimits, type ReceiverLimits } from './receiver-limits.js';
import { ConnectionGate, type ReceiverStats, type Slot } from './connection-gate.js';

export { RECEIVER_LIMIT_DEFAULTS, type ReceiverLimits } from './receiver-limits.js';
export type { ReceiverStats } from './connection-gate.js';

/** One message as a receiver decoded it. */
export interface ReceivedMessage {
  /** Sender name, decoded from the OEM code page. */
  from: string;
  /** Recipient name, decoded from the OEM code page. */
  to: string;
  /** The message text, decoded from the OEM code page. */
  text: string;
  /** When the message was complete here (local clock). */
  receivedAt: Date;
  /** The peer's IP address, as the socket reports it. */
  remoteAddress: string;
  /** 'mailslot': a \MAILSLOT\MESSNGR datagram (mailslot-receiver.ts); 'udp': NetrSendMessage over ncadg_ip_udp (udp-receiver.ts). */
  transport: 'nbss' | 'direct' | 'mailslot' | 'udp';
  /** 'single' for 0xD0 (and mailslot writes), 'multi' for 0xD5/0xD7/0xD6. */
  kind: 'single' | 'multi';
  /** The OEM bytes as received (all blocks concatenated). */
  raw: Buffer;
}

/** Limits (connections, queue, deadlines, rate, message size) default to RECEIVER_LIMIT_DEFAULTS. */
export interface ReceiverOptions extends ReceiverLimits {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** 139 (default), 445, or any port; 0 picks an ephemeral one. */
  port?: number;
  /** Framing; default NBSS on 139, Direct TCP on every other port. */
  transport?: 'nbss' | 'direct';
  /** Called once per message received; exceptions it throws are reported, not fatal. */
  onMessage: (m: ReceivedMessage) => void;
  /** Peer failures, refusals, evictions, timeouts and handler exceptions (the receiver keeps running). */
  onError?: (e: NetsendError, remoteAddress: string) => void;
  /** OEM code page for decoding names and text (the sender does not say which it used); default cp850. */
  codepage?: string;
  /** Accept only these recipients (NAME, matched upper-case; NBSS called name NAME<03>). Default: any. */
  names?: string[];
  /** A traffic tap per accepted connection (e.g. CaptureFile.tap('server')). */
  tap?: () => TrafficTap;
  /** Aborting it closes the receiver (same as close()). */
  signal?: AbortSignal;
}

/** A running messenger receiver. */
export interface Receiver {
  /** The address the receiver listens on. */
  readonly host: string;
  /** The bound port (the ephemeral one when 0 was asked for). */
  readonly port: number;
  /** The framing in use. */
  readonly transport: 'nbss' | 'direct';
  /** Open connections now (served, queued, and being refused). */
  connections(): number;
  /** Admission counters: served, queued, refused, evicted, timed out, rate-limited. */
  stats(): ReceiverStats;
  /** Stops accepting, closes open connections and releases the port. */
  close(): Promise<void>;
}

/** Largest SMB message accepted: a 0xD7 with 65535 text bytes fits, anything larger is not a message command. */
const MAX_FRAME = 0x10000 + 64;

/** listen(2) backlog (the kernel caps it at net.core.somaxconn). */
const LISTEN_BACKLOG = 1024;
/** Refusals past this many in flight are reset at once instead of closed gracefully (each holds an fd). */
const MAX_GRACEFUL_REFUSALS = 256;
/** How long a refused connection may linger half-closed before it is destroyed. */
const REFUSAL_LINGER_MS = 1_000;

interface Group {
  id: number;
  from: Buffer;
  to: Buffer;
  blocks: Buffer[];
  bytes: number;
}

/**
 * Starts an SMB1 messenger receiver (the message commands of [MS-MSRP] §2.2.3) over NBSS or direct TCP.
 */
export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  const host = opts.host ?? '127.0.0.1';
  const requestedPort = opts.port ?? 139;
  const transport = opts.transport ?? (requestedPort === 139 ? 'nbss' : 'direct');
  const codepage = resolveCodepage(opts.codepage);
  const names = opts.names ? new Set(opts.names.map((n) => n.trim().toUpperCase())) : null;
  const limits = resolveReceiverLimits(opts);
  const { maxMessageBytes, maxBlocks } = limits;
  const rate = new MessageRateLimiter(limits.messageRate, limits.messageBurst, Math.min(limits.rateLimitMaxDelayMs, Math.floor(limits.requestTimeoutMs / 2)));
  const sockets = new Set<net.Socket>();
  let refusing = 0;
  let nextGroupId = 1;

  const report = (e: unknown, remote: string): void => {
    if (!opts.onError) return;
    const err = toNetsendError(e);
    try {
      opts.onError(err, remote);
    } catch {
      /* a throwing error handler must not stop the server */
    }
  };

  const deliver = (m: ReceivedMessage): void => {
    try {
      opts.onMessage(m);
    } catch (e) {
      report(e, m.remoteAddress);
    }
  };

  const nameAccepted = (to: string): boolean => names === null || names.has(to.toUpperCase());

  const gate = new ConnectionGate(limits, {
    admit: (socket, slot) => {
      serve(socket, slot)
        .catch((e: unknown) => report(e, socket.remoteAddress ?? ''))
        .finally(() => gate.release(slot));
    },
    refuse: (socket) => {
      if (refusing >= MAX_GRACEFUL_REFUSALS) {
        socket.destroy();
        return;
      }
      // Close with FIN, not a reset, so the peer reads the refusal: drain what it sent, and on 139
      // answer with RFC 1002 §4.3.4 NEGATIVE SESSION RESPONSE 0x83 "called name present, but
      // insufficient resources".
      refusing++;
      socket.once('close', () => refusing--);
      socket.resume();
      if (transport === 'nbss') socket.end(encodeNbssPacket(NBSS_TYPE.NEGATIVE_SESSION_RESPONSE, Buffer.from([0x83])));
      else socket.end();
      setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
    },
    report,
  });

  async function serve(socket: net.Socket, slot: Slot): Promise<void> {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    const bytes = new ByteStream(socket, opts.tap?.());
    bytes.maxQueued = MAX_FRAME * 4; // a flooding peer is cut off by the ByteStream
    socket.on('data', () => slot.onBytes(Date.now()));
    socket.resume(); // admitted: start reading (the listener accepts paused, see pauseOnConnect)
    const signal = slot.signal;
    // The slot's timer enforces each phase's deadline through `signal`; the lifetime bounds every wait as well.
    const wait = (): WaitOptions => ({ timeoutMs: Math.max(1, slot.lifetimeEnd - Date.now()), signal });
    const framing = { maxFrame: MAX_FRAME, idleTimeoutMs: limits.idleTimeoutMs };
    let stream: FramedMessageStream | null = null;
    let group: Group | null = null;
    try {
      if (transport === 'nbss') {
        stream = await acceptNbss(bytes, {
          ...framing,
          ...wait(),
          // RFC 1002 §4.3.4: 0x82 "called name not present" for names we do not serve.
          onSessionRequest: (called) =>
            names === null || (called.suffix === 0x03 && names.has(called.name.toUpperCase())) ? 'accept' : { refuse: 0x82 },
        });
        slot.sessionAccepted(Date.now(), bytes.buffered > 0);
      } else {
        stream = acceptDirectTcp(bytes, framing);
      }
      for (;;) {
        const msg = await stream.receive(wait());
        const reply = await handle(msg);
        if (reply === null) return;
        await stream.send(reply, wait());
        slot.requestAnswered(Date.now(), bytes.buffered > 0);
      }
    } catch (e) {
      // Close, deadline, eviction, refusal or garbage: report and drop this connection only.
      const cause: unknown = signal.aborted ? signal.reason : e;
      const peerClosed = cause instanceof NetsendError && cause.layer === 'socket' && (cause.name === 'ECONNRESET' || cause.name === 'ECONNABORTED');
      const receiverClosed = cause instanceof NetsendError && cause.layer === 'abort';
      if (!peerClosed && !receiverClosed) report(cause, remote);
    } finally {
      // A refused NBSS session is ended gracefully by acceptNbss so the refusal reaches the peer.
      if (stream !== null || transport === 'direct' || signal.aborted) bytes.close();
    }

    /** Per-address message rate ([MS-MSRP] has none; this receiver's own policy): true to go on. */
    async function admitMessage(): Promise<boolean> {
      const delayMs = rate.take(slot.key, Date.now());
      if (delayMs === null) {
        gate.countRateLimited();
        report(new NetsendError('protocol', 0, 'RATE_LIMITED', `more than ${limits.messageRate} messages/s (burst ${limits.messageBurst}) from ${slot.key}: message refused`), remote);
        return false;
      }
      if (delayMs > 0) {
        gate.countThrottled();
        await raceWait('rate limit delay', { timeoutMs: delayMs + limits.requestTimeoutMs, signal }, () => new Promise<void>((r) => setTimeout(r, delayMs)));
      }
      return true;
    }

    /** One SMB request -> its reply, or null to drop the connection (unparseable header). */
    async function handle(msg: Buffer): Promise<Buffer | null> {
      const event = decodeMessageServerRequest(msg);
      if (event.kind === 'drop') {
        report(event.error, remote);
        return null;
      }
      if (event.kind === 'reply') {
        if (event.error !== undefined) report(event.error, remote);
        return event.reply;
      }
      const { request: req, refuse: fail } = event;
      const ok = (groupId?: number): Buffer => event.accept(groupId);
      switch (req.command) {
        case Cmd.SEND_MESSAGE: {
          const to = decodeOemName(req.to, codepage);
          if (!nameAccepted(to)) return fail('name-not-here');
          if (req.data.length > maxMessageBytes) return fail('no-room');
          if (!(await admitMessage())) return fail('rate-limited');
          deliver(message(req.from, req.to, req.data, 'single'));
          return ok();
        }
        case Cmd.SEND_START_MB_MESSAGE: {
          const to = decodeOemName(req.to, codepage);
          if (!nameAccepted(to)) return fail('name-not-here');
          if (!(await admitMessage())) return fail('rate-limited');
          const id = nextGroupId;
          nextGroupId = nextGroupId >= 0xffff ? 1 : nextGroupId + 1;
          group = { id, from: req.from, to: req.to, blocks: [], bytes: 0 };
          slot.groupOpened(Date.now());
          return ok(id);
        }
        case Cmd.SEND_TEXT_MB_MESSAGE: {
          if (!group || group.id !== req.groupId) return fail('invalid-parameter');
          if (group.bytes + req.data.length > maxMessageBytes || group.blocks.length + 1 > maxBlocks) {
            group = null;
            slot.groupClosed(Date.now());
            return fail('no-room');
          }
          group.blocks.push(req.data);
          group.bytes += req.data.length;
          return ok();
        }
        case Cmd.SEND_END_MB_MESSAGE: {
          if (!group || group.id !== req.groupId) return fail('invalid-parameter');
          const g = group;
          group = null;
          slot.groupClosed(Date.now());
          deliver(message(g.from, g.to, Buffer.concat(g.blocks), 'multi'));
          return ok();
        }
      }
    }

    function message(from: Buffer, to: Buffer, raw: Buffer, kind: 'single' | 'multi'): ReceivedMessage {
      return {
        from: decodeOemName(from, codepage),
        to: decodeOemName(to, codepage),
        text: decodeOemText(raw, codepage),
        receivedAt: new Date(),
        remoteAddress: socket.remoteAddress ?? '',
        transport,
        kind,
        raw,
      };
    }
  }

  // Accepted paused: a connection is read only once the gate admits it; queued ones wait unread.
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // ByteStream reports errors; never let one escape as 'uncaught'
    gate.offer(socket);
  });
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void => reject(new NetsendError('socket', Math.abs((e as NodeJS.ErrnoException).errno ?? 0), (e as NodeJS.ErrnoException).code ?? 'ESOCKET', `listen ${host}:${requestedPort}: ${e.message}`));
    server.once('error', onError);
    // A deep kernel backlog: bursts wait there (then in the accept queue) instead of being dropped.
    server.listen({ host, port: requestedPort, exclusive: true, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      opts.signal?.removeEventListener('abort', onAbort);
      server.close(() => resolve());
      gate.close();
      for (const s of sockets) s.destroy();
    });
    return closing;
  };
  const onAbort = (): void => void close();
  if (opts.signal?.aborted) await close();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  return { host, port, transport, connections: () => sockets.size, stats: () => gate.stats(), close };
}
