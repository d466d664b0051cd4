/**
 * `netsend --udp --host H NAME TEXT` (msgsvcsend NetrSendMessage over ncadg_ip_udp,
 * src/messenger/udp-rpc.ts) and `netsend listen --udp` (the UDP receiver, src/messenger/udp-receiver.ts).
 * Option rows live here so main.ts only spreads them and calls in.
 */
import { NetsendError, toNetsendError } from '../status/error.js';
// The RPC stack loads when --udp is used (issue 12: `--help` and a direct send load none of it).
import type { UdpRpcSendResult } from '../messenger/udp-rpc.js';
import type { UdpRpcReceiver } from '../messenger/udp-receiver.js';
import type { ReceivedMessage } from '../messenger/receiver.js';
import { closeCapture, openCapture } from './capture.js';
import { listenLimits } from './listen-limits.js';
import { listenAcceptNames } from './mailslot.js';
import { intOption, listOption, reportOutcomes, retryOptionsFrom, stringOption, UsageError, type CliIO, type CliOutcome, type OptionSpec, type ParsedValues, type SendContext } from './common.js';

export const UDP_RPC_OPTIONS: OptionSpec[] = [
  {
    name: 'udp',
    type: 'boolean',
    help: {
      send: 'send NetrSendMessage over connectionless RPC (ncadg_ip_udp) to each --host; the port comes from ept_map on UDP 135 unless --udp-port',
      listen: 'also serve NetrSendMessage and ept_map over connectionless RPC on UDP (--udp-port, default 135)',
    },
    commands: ['send', 'listen'],
  },
  { name: 'udp-port', type: 'string', arg: 'N', help: { send: "msgsvcsend's UDP port (skips the endpoint mapper)", listen: 'UDP port for --udp (default 135; 0 = ephemeral)' }, commands: ['send', 'listen'] },
];

function outcome(r: UdpRpcSendResult): CliOutcome {
  return {
    target: r.target,
    ok: r.ok,
    delivery: r.delivery,
    netApiStatus: r.netApiStatus,
    status: r.status,
    detail: { transport: 'udp', blocks: 1, roundTrips: (r.mapped ? 2 : 1) + r.callbacks, datagrams: r.datagramsSent + r.datagramsReceived, retransmissions: r.retransmissions, attempts: r.attempts, ...(r.port !== null ? { port: r.port } : {}) },
  };
}

/** The --udp send delegate: one NetrSendMessage per --host, concurrently. */
export async function runUdpRpcSend(ctx: SendContext): Promise<number> {
  const { values, io, name, text } = ctx;
  const hosts = listOption(values, 'host');
  if (hosts.length === 0) throw new UsageError("--udp needs --host ADDR (the recipient's address)");
  const port = intOption(values, 'udp-port', 1, 65535);
  const timeoutMs = intOption(values, 'timeout', 1, 3_600_000);
  const from = stringOption(values, 'from');
  const codepage = stringOption(values, 'codepage');
  const json = values.json === true;
  const [{ sendViaUdpRpc }, { netApiStatusFor }] = await Promise.all([import('../messenger/udp-rpc.js'), import('../messenger/status-map.js')]);
  const capture = await openCapture(values, io);
  let outcomes: CliOutcome[];
  let captureFailed = 0;
  try {
    outcomes = await Promise.all(
      hosts.map(async (host): Promise<CliOutcome> => {
        try {
          return outcome(
            await sendViaUdpRpc({
              host,
              to: name,
              text,
              ...retryOptionsFrom(values),
              ...(port !== undefined ? { port } : {}),
              ...(timeoutMs !== undefined ? { timeoutMs } : {}),
              ...(from !== undefined ? { from } : {}),
              ...(codepage !== undefined ? { codepage } : {}),
              ...(capture ? { tap: (d, local, remote, data) => (d === 'out' ? capture.addUdp(local, remote, data) : capture.addUdp(remote, local, data)) } : {}),
              ...(io.signal ? { signal: io.signal } : {}),
            }),
          );
        } catch (e) {
          if (e instanceof NetsendError && e.layer === 'usage') throw e;
          const err = toNetsendError(e);
          return { target: `${name.toUpperCase()}@${host}`, ok: false, delivery: 'failed', netApiStatus: netApiStatusFor(err), status: { layer: err.layer, code: err.code, name: err.name, message: err.message } };
        }
      }),
    );
  } finally {
    captureFailed = closeCapture(capture, io);
  }
  const code = reportOutcomes(outcomes, json, io);
  return captureFailed && code !== 1 ? 1 : code;
}

/** Starts the --udp side of `netsend listen`, or null without --udp. */
export async function startListenUdpRpc(values: ParsedValues, host: string, onMessage: (m: ReceivedMessage) => void, io: CliIO): Promise<UdpRpcReceiver | null> {
  if (values.udp !== true) {
    if (values['udp-port'] !== undefined) throw new UsageError('--udp-port needs --udp');
    return null;
  }
  const port = intOption(values, 'udp-port', 0, 65535) ?? 135;
  const names = await listenAcceptNames(values, host);
  const codepage = stringOption(values, 'codepage');
  const { messageRate, messageBurst } = listenLimits(values);
  const { startUdpRpcReceiver } = await import('../messenger/udp-receiver.js');
  const rx = await startUdpRpcReceiver({
    host,
    port,
    onMessage,
    ...(names.length ? { names } : {}),
    ...(codepage !== undefined ? { codepage } : {}),
    ...(messageRate !== undefined ? { messageRate } : {}),
    ...(messageBurst !== undefined ? { messageBurst } : {}),
  });
  io.stderr.write(`connectionless RPC (msgsvcsend NetrSendMessage, ept_map) on udp ${rx.host}:${rx.port}\n`);
  return rx;
}
