/**
 * `sendnetmsg srcName dstName message`: the classic NetMessageBufferSend console sample, on netsend.
 * It calls `netMessageBufferSend(null, dstName, srcName, message)` (the local Messenger's direct
 * delivery: dstName<03> is looked up, then the SMB1 message commands go to it) and prints nothing on
 * success, or one of the sample's `Error: NAME` lines, or `Unknown error returned.` and the number.
 *
 * Where dstName is looked up (the environment stands in for the Windows machine's own configuration):
 *   NETSEND_LMHOSTS=FILE    an LMHOSTS file (`ADDRESS NAME` lines) consulted first
 *   NETSEND_WINS=ADDR       NetBIOS name server for a unicast name query (else broadcast)
 *   NETSEND_BROADCAST=ADDR  broadcast address for the name query (default 255.255.255.255)
 *   NETSEND_NO_DNS=1        no DNS / hosts-file fallback when the name query finds no owner
 *   NETSEND_TIMEOUT=MS      deadline for the lookup and for the delivery (default 10000 each)
 *
 * Exit status: 0 when NERR_Success, 1 otherwise (usage included, as the sample does).
 */
import { NetApiStatus } from '../messenger/net-api-status.js';

export interface SendnetmsgIO {
  stderr: { write(s: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
}

/** The statuses the sample names; every other status is "Unknown error returned." with its number. */
const NAMED: ReadonlyMap<number, string> = new Map([
  [NetApiStatus.NERR_NameNotFound, 'NERR_NameNotFound'],
  [NetApiStatus.NERR_NetworkError, 'NERR_NetworkError'],
  [NetApiStatus.ERROR_ACCESS_DENIED, 'ERROR_ACCESS_DENIED'],
  [NetApiStatus.ERROR_INVALID_PARAMETER, 'ERROR_INVALID_PARAMETER'],
  [NetApiStatus.ERROR_NOT_SUPPORTED, 'ERROR_NOT_SUPPORTED'],
]);

export const SENDNETMSG_USAGE = 'Usage: sendnetmsg srcName dstName message\n';

/** The lines the sample prints for a NET_API_STATUS ('' for success). */
export function sendnetmsgReport(status: number): string {
  if (status === NetApiStatus.NERR_Success) return '';
  const name = NAMED.get(status);
  return name ? `Error: ${name}\n` : `Unknown error returned.\nError code ${status}\n`;
}

function timeoutFrom(env: SendnetmsgIO['env']): number | undefined {
  const raw = env.NETSEND_TIMEOUT;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function sendnetmsgMain(argv: readonly string[], io: SendnetmsgIO): Promise<number> {
  if (argv.length !== 3) {
    io.stderr.write(SENDNETMSG_USAGE);
    return 1;
  }
  const [srcName, dstName, message] = argv as [string, string, string];
  const env = io.env;
  const timeoutMs = timeoutFrom(env);
  // The send stack loads after the argument check: a usage error reads no protocol code (issue 12).
  const { netMessageBufferSend } = await import('../messenger/api.js');
  const status = await netMessageBufferSend(null, dstName, srcName, message, {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    nameService: {
      ...(env.NETSEND_LMHOSTS ? { lmhosts: env.NETSEND_LMHOSTS } : {}),
      ...(env.NETSEND_WINS ? { wins: env.NETSEND_WINS } : {}),
      ...(env.NETSEND_BROADCAST ? { broadcast: env.NETSEND_BROADCAST } : {}),
      ...(env.NETSEND_NO_DNS === '1' ? { dns: false } : {}),
    },
  });
  io.stderr.write(sendnetmsgReport(status));
  return status === NetApiStatus.NERR_Success ? 0 : 1;
}
