/**
 * Runs name-service code inside a network namespace (started with `ip netns exec`).
 * argv[2] is a JSON object {op, ...arguments}:
 *  - 'nodeStatus' | 'queryName' | 'findMessengerName' | 'registerName' | 'releaseName': one call, printed as one JSON line
 *    {ok: result} or {error: {layer, code, name, message}};
 *  - 'serve': a name responder, {ready: {address, port}} once bound, runs until SIGTERM.
 */
import { NetsendError } from '../../../src/status/error.js';
import {
  findMessengerName,
  nodeStatus,
  queryName,
  registerName,
  releaseName,
  startNameResponder,
  type NameResponderOptions,
  type RegisterNameOptions,
} from '../../../src/transport/nameservice.js';

interface Call {
  op: 'nodeStatus' | 'queryName' | 'findMessengerName' | 'registerName' | 'releaseName' | 'serve';
  address?: string;
  name?: string;
  suffix?: number;
  opts?: Record<string, unknown>;
}

function errorJson(e: unknown): unknown {
  return e instanceof NetsendError ? e.toJSON() : { layer: 'other', code: 0, name: (e as Error)?.name ?? 'Error', message: String(e) };
}

const call = JSON.parse(process.argv[2] ?? '{}') as Call;

if (call.op === 'serve') {
  try {
    const r = await startNameResponder(call.opts as unknown as NameResponderOptions);
    process.once('SIGTERM', () => void r.close().then(() => process.exit(0)));
    process.stdout.write(JSON.stringify({ ready: { address: r.address, port: r.port } }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: errorJson(e) }) + '\n');
    process.exit(1);
  }
} else {
  try {
    let result: unknown;
    if (call.op === 'nodeStatus') {
      const s = await nodeStatus(call.address!, call.opts);
      result = { ...s, statistics: s.statistics.toString('hex') };
    } else if (call.op === 'findMessengerName') result = await findMessengerName(call.address!, call.opts);
    else if (call.op === 'registerName') result = await registerName(call.name!, call.suffix, call.opts as unknown as RegisterNameOptions);
    else if (call.op === 'releaseName') result = (await releaseName(call.name!, call.suffix, call.opts as unknown as RegisterNameOptions)) ?? null;
    else result = await queryName(call.name!, call.suffix, call.opts ?? {});
    process.stdout.write(JSON.stringify({ ok: result }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: errorJson(e) }) + '\n');
  }
}
