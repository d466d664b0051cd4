/**
 * `netsend listen` options for the receiver's main limits (defaults: RECEIVER_LIMIT_DEFAULTS in
 * src/messenger/receiver-limits.ts; docs/receiver.md explains each). Option rows here, so main.ts
 * only spreads them and passes `listenLimits(values)` to startReceiver.
 */
import { RECEIVER_LIMIT_DEFAULTS, type ReceiverLimits } from '../messenger/receiver-limits.js';
import { intOption, type OptionSpec, type ParsedValues } from './common.js';

const D = RECEIVER_LIMIT_DEFAULTS;

/** Option name -> the limit it sets, its bounds, and its help. */
const ROWS: ReadonlyArray<{ name: string; limit: keyof ReceiverLimits; arg: string; min: number; max: number; help: string }> = [
  { name: 'max-connections', limit: 'maxConnections', arg: 'N', min: 1, max: 100_000, help: `connections served at once (default ${D.maxConnections}); more wait in the accept queue` },
  { name: 'max-per-address', limit: 'maxConnectionsPerAddress', arg: 'N', min: 1, max: 100_000, help: `connections served at once from one address (default ${D.maxConnectionsPerAddress})` },
  { name: 'accept-queue', limit: 'acceptQueueLength', arg: 'N', min: 0, max: 1_000_000, help: `connections waiting for a free slot (default ${D.acceptQueueLength}, ${D.acceptQueuePerAddress} per address, ${D.acceptQueueTimeoutMs} ms each)` },
  { name: 'first-request-timeout', limit: 'firstRequestTimeoutMs', arg: 'MS', min: 1, max: 3_600_000, help: `a new connection's first request must arrive within MS (default ${D.firstRequestTimeoutMs})` },
  { name: 'idle-timeout', limit: 'idleTimeoutMs', arg: 'MS', min: 1, max: 86_400_000, help: `close a connection idle this long (default ${D.idleTimeoutMs}); idle ones are evicted sooner when full` },
  { name: 'message-rate', limit: 'messageRate', arg: 'N', min: 1, max: 1_000_000, help: `messages per second from one address (default ${D.messageRate}, bursts of ${D.messageBurst}); over it replies are delayed, then refused` },
  { name: 'message-burst', limit: 'messageBurst', arg: 'N', min: 1, max: 1_000_000, help: `messages one address may send at once before --message-rate applies (default ${D.messageBurst})` },
];

export const LISTEN_LIMIT_OPTIONS: OptionSpec[] = ROWS.map((r) => ({ name: r.name, type: 'string', arg: r.arg, help: r.help, commands: ['listen'] }));

/** The limits given on the command line (usage errors for malformed or out-of-range values). */
export function listenLimits(values: ParsedValues): ReceiverLimits {
  const out: ReceiverLimits = {};
  for (const r of ROWS) {
    const v = intOption(values, r.name, r.min, r.max);
    if (v !== undefined) out[r.limit] = v;
  }
  return out;
}
