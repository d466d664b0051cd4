/**
 * The ncadg_ip_udp side of the receiver: a connectionless RPC server (src/rpc/cl-server.ts) serving
 * msgsvcsend NetrSendMessage ([MS-MSRP] §3.2.4.1) and, on the same socket, ept_map for it
 * (clrpc-mailslot-notes §3.5 "Receiver role"), so a client that asks the mapper on this port finds
 * msgsvcsend here. Bound to UDP 135 it is what Windows senders look for; on any other port a sender
 * is pointed at it with the port (`--udp-port`).
 *
 * A message is shown once per (activity, seq): a retransmitted request is answered from the cached
 * reply and never shown again (cl-server.ts). Names and text are capped, senders rate-limited.
 */
import { NetsendError, usageError } from '../status/error.js';
import { NERR, WIN32 } from '../status/win32.js';
import { ClServer, type ClServerStats } from '../rpc/cl-server.js';
import type { DatagramTap } from '../rpc/cl-client.js';
import { EPM, buildTower, EPT_MAP } from '../rpc/interfaces/epm.js';
import { decodeEptMapRequest, encodeEptMapResponse } from '../rpc/interfaces/epm-server.js';
import { MSGSVCSEND, netrSendMessage } from '../rpc/interfaces/msgsvcsend.js';
import type { CharsetCodec } from '../rpc/ndr/types.js';
import { NCA_STATUS } from '../rpc/cl-pdu.js';
import { decodeOemName, decodeOemText, resolveCodepage } from './text.js';
import type { ReceivedMessage } from './receiver.js';
import { MessageRateLimiter, RECEIVER_LIMIT_DEFAULTS } from './receiver-limits.js';

/**
 * Where to listen for msgsvc calls over connectionless RPC ([MS-MSRP] over [MS-RPCE] ncadg_ip_udp) and what to do with
 * each.
 */
export interface UdpRpcReceiverOptions {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** UDP port (default 135, the endpoint mapper's; 0 picks an ephemeral one). */
  port?: number;
  /** Called once per message received. */
  onMessage: (m: ReceivedMessage & { transport: 'udp' }) => void;
  /** Called for dropped or failed calls; the receiver keeps running. */
  onError?: (e: NetsendError, remoteAddress: string) => void;
  /** OEM code page for decoding names and text; default cp850. */
  codepage?: string;
  /** Accept only these recipient names (upper-cased); others get NERR_NameNotFound. Default: any. */
  names?: string[];
  /** Longest Text accepted, in bytes (default 4096). */
  maxTextBytes?: number;
  /** Messages per second accepted from one source address (default: RECEIVER_LIMIT_DEFAULTS). */
  messageRate?: number;
  /** Messages from one address allowed at once before the rate applies. */
  messageBurst?: number;
  /** Answer ept_map for msgsvcsend on this socket (default true). */
  epm?: boolean;
  /** conv who_are_you2 callback for non-idempotent calls (default true), and its retransmit interval (default 500 ms). */
  callback?: boolean;
  /** Interval between callback retransmissions in ms (default 500). */
  callbackRetransmitMs?: number;
  /** Sees every datagram sent and received (e.g. for --pcap). */
  tap?: DatagramTap;
  /** Aborting it closes the receiver (same as close()). */
  signal?: AbortSignal;
}

/** A running receiver of NetrSendMessage calls over ncadg_ip_udp. */
export interface UdpRpcReceiver {
  /** The address the receiver listens on. */
  readonly host: string;
  /** The bound UDP port (the ephemeral one when 0 was asked for). */
  readonly port: number;
  /** Connectionless RPC server counters plus the messages delivered. */
  stats(): ClServerStats & { messages: number };
  /** Stops listening and releases the socket. */
  close(): Promise<void>;
}

/** Strings pass through as raw OEM bytes (latin1 keeps every byte); decoded with the code page afterwards. */
const BYTES: CharsetCodec = { encode: (s) => Buffer.from(s, 'latin1'), decode: (b) => b.toString('latin1') };
const MAX_NAME_BYTES = 255;

/** Starts the server; rejects with the socket's error (EACCES for 135 unprivileged, EADDRINUSE). */
export async function startUdpRpcReceiver(opts: UdpRpcReceiverOptions): Promise<UdpRpcReceiver> {
  const host = opts.host ?? '127.0.0.1';
  const codepage = resolveCodepage(opts.codepage);
  const names = opts.names ? new Set(opts.names.map((n) => n.trim().toUpperCase())) : null;
  const maxText = opts.maxTextBytes ?? 4096;
  const messageRate = opts.messageRate ?? RECEIVER_LIMIT_DEFAULTS.messageRate;
  const messageBurst = opts.messageBurst ?? RECEIVER_LIMIT_DEFAULTS.messageBurst;
  if (!(messageRate > 0) || !(messageBurst >= 1)) throw usageError('messageRate must be > 0 and messageBurst >= 1');
  const rate = new MessageRateLimiter(messageRate, messageBurst, 0);
  const send = netrSendMessage(BYTES);
  let messages = 0;
  let server: ClServer;
  const report = (e: NetsendError, remote: string): void => {
    try {
      opts.onError?.(e, remote);
    } catch {
      /* a failing error handler must not stop the receiver */
    }
  };

  const handlers = [
    {
      iface: MSGSVCSEND,
      opcount: 1,
      handle(_opnum: number, stub: Buffer, ctx: { from: { address: string }; littleEndian: boolean }): Buffer {
        const ndrFault = (why: string) => new NetsendError('rpc-fault', NCA_STATUS.nca_s_fault_ndr, 'nca_s_fault_ndr', `NetrSendMessage: ${why}`);
        if (!ctx.littleEndian) throw ndrFault('big-endian stubs are not decoded');
        let args: { From: string; To: string; Text: string };
        try {
          args = send.decodeIn(stub, { maxElements: maxText + 3 * (MAX_NAME_BYTES + 1) }) as never;
        } catch (e) {
          throw ndrFault(e instanceof Error ? e.message : String(e));
        }
        const status = (code: number) => Buffer.from(new Uint32Array([code]).buffer);
        const from = Buffer.from(args.From, 'latin1');
        const to = Buffer.from(args.To, 'latin1');
        const text = Buffer.from(args.Text, 'latin1');
        if (from.length > MAX_NAME_BYTES || to.length > MAX_NAME_BYTES || text.length > maxText) return status(WIN32.ERROR_INVALID_PARAMETER);
        const toName = decodeOemName(to, codepage);
        if (names && !names.has(toName.trim().toUpperCase())) return status(NERR.NERR_NameNotFound);
        if (rate.take(ctx.from.address, Date.now()) !== 0) return status(WIN32.RPC_S_SERVER_TOO_BUSY);
        messages++;
        const m: ReceivedMessage & { transport: 'udp' } = {
          from: decodeOemName(from, codepage),
          to: toName,
          text: decodeOemText(text, codepage),
          receivedAt: new Date(),
          remoteAddress: ctx.from.address,
          transport: 'udp',
          kind: 'single',
          raw: text,
        };
        try {
          opts.onMessage(m);
        } catch (e) {
          report(new NetsendError('protocol', 0, 'HANDLER_FAILED', `message handler failed: ${e instanceof Error ? e.message : String(e)}`), ctx.from.address);
        }
        return status(0);
      },
    },
  ];
  if (opts.epm !== false) {
    handlers.push({
      iface: EPM,
      opcount: 8,
      handle(opnum: number, stub: Buffer): Buffer {
        if (opnum !== EPT_MAP) throw new NetsendError('rpc-fault', NCA_STATUS.nca_s_op_rng_error, 'nca_s_op_rng_error', `ept opnum ${opnum} is not served`);
        let req;
        try {
          req = decodeEptMapRequest(stub);
        } catch (e) {
          throw new NetsendError('rpc-fault', NCA_STATUS.nca_s_fault_ndr, 'nca_s_fault_ndr', `ept_map: ${e instanceof Error ? e.message : String(e)}`);
        }
        const t = req.tower;
        const ours = t !== null && t.interface.uuid === MSGSVCSEND.syntax.uuid && t.interface.major === MSGSVCSEND.syntax.major && t.protseq === 'ncadg_ip_udp';
        const me = server.address;
        const ip = /^\d+\.\d+\.\d+\.\d+$/.test(me.address) ? me.address : '0.0.0.0';
        const towers = ours ? [buildTower({ interface: MSGSVCSEND.syntax, protseq: 'ncadg_ip_udp', endpoint: me.port, host: ip })] : [];
        return encodeEptMapResponse(towers, req.maxTowers);
      },
    });
  }
  server = new ClServer({
    handlers,
    host,
    port: opts.port ?? 135,
    // NetrSendMessage with its caps is ~5 KB and ept_map ~130 bytes: hold no more per call in reassembly.
    maxRequestStub: maxText + 3 * (MAX_NAME_BYTES + 16) + 64,
    ...(opts.callback !== undefined ? { callback: opts.callback } : {}),
    ...(opts.callbackRetransmitMs !== undefined ? { callbackRetransmitMs: opts.callbackRetransmitMs } : {}),
    ...(opts.tap ? { tap: opts.tap } : {}),
    onError: (e, from) => report(e, from.address),
  });
  const at = await server.listen();
  const close = (): Promise<void> => {
    opts.signal?.removeEventListener('abort', onAbort);
    return server.close();
  };
  const onAbort = (): void => void close();
  if (opts.signal?.aborted) await close();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  return { host: at.address, port: at.port, stats: () => ({ ...server.stats(), messages }), close };
}
