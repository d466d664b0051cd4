/**
 * Message-alias management on a remote Messenger ([MS-MSRP] §3.1.4, path E): NetrMessageNameAdd,
 * NetrMessageNameEnum (levels 0 and 1), NetrMessageNameGetInfo and NetrMessageNameDel on
 * \PIPE\msgsvc over SMB1 or SMB 2/3 (`net name` on Windows before Vista). A server without the
 * pipe has no Messenger running: that failure says so and keeps the SMB status's name
 * (Samba always: STATUS_OBJECT_NAME_NOT_FOUND, or ERRDOS/ERRbadpipe/ERRbadfile with DOS errors).
 */
import { connectSmb } from '../smb/connect.js';
import type { SmbClient, SmbSessionInfo } from '../smb/types.js';
import { RpcClient } from '../rpc/client.js';
import { MSGSVC, MSGSVC_PIPE, NetrMessageNameAdd, NetrMessageNameDel, NetrMessageNameEnum, NetrMessageNameGetInfo } from '../rpc/interfaces/msgsvc.js';
import { NetsendError } from '../status/error.js';
import { win32Error } from '../status/builders.js';
import { isPipeMissing } from '../smb/errors.js';
import type { WaitOptions } from '../util/abort.js';
import { Deadline } from '../util/deadline.js';
import { sessionOptionsOf, type RemoteConnectOptions } from './remote.js';

/** [MS-MSRP] §2.2.2.1-2: a message alias; level 1 adds the (obsolete) forwarding fields. */
export interface MessageNameInfo {
  /** The message alias. */
  name: string;
  /** Forwarding flag (level 1, obsolete). */
  forwardFlag?: number;
  /** Forwarded-to name (level 1, obsolete). */
  forward?: string | null;
}

/** SMB statuses meaning "no such pipe": the Messenger service is not running there. */

function messengerNotRunning(server: string, e: NetsendError): NetsendError {
  return new NetsendError(e.layer, e.code, e.name, `the Messenger service is not running on ${server}: \\PIPE\\${MSGSVC_PIPE} is absent (${e.name})`, { cause: e });
}

/** Opens SMB, \PIPE\msgsvc and a msgsvc binding under one deadline; runs `body`; drops the connection. */
async function withMsgsvc<T>(o: RemoteConnectOptions, body: (rpc: RpcClient, wait: WaitOptions, session: SmbSessionInfo) => Promise<T>): Promise<T> {
  const wait = Deadline.of(o).waitOptions();
  let smb: SmbClient | undefined;
  try {
    smb = await connectSmb({
      host: o.server,
      port: o.port ?? 445,
      ...sessionOptionsOf(o),
      ...wait,
    });
    let pipe;
    try {
      pipe = await smb.openPipe(MSGSVC_PIPE, wait);
    } catch (e) {
      if (e instanceof NetsendError && isPipeMissing(e)) throw messengerNotRunning(o.server, e);
      throw e;
    }
    const rpc = new RpcClient(pipe);
    await rpc.bind(MSGSVC, wait);
    const value = await body(rpc, wait, smb.info);
    if (o.teardown === 'graceful') await rpc.close(wait).catch(() => undefined);
    return value;
  } finally {
    if (o.teardown === 'graceful') await smb?.close(wait).catch(() => undefined);
    else smb?.abort();
  }
}

function check(status: number, what: string): void {
  if (status !== 0) throw win32Error(status >>> 0, what);
}

/** [MS-MSRP] §3.1.4.1 NetrMessageNameAdd: adds alias `name` (the server registers NAME<03>). */
export async function addMessageName(o: RemoteConnectOptions, name: string): Promise<void> {
  await withMsgsvc(o, async (rpc, wait) => {
    const out = NetrMessageNameAdd.decodeOut(await rpc.call(0, NetrMessageNameAdd.encodeIn({ ServerName: null, MsgName: name }), wait));
    check(out.status, `NetrMessageNameAdd(${name}) on ${o.server}`);
  });
}

/** [MS-MSRP] §3.1.4.4 NetrMessageNameDel. */
export async function deleteMessageName(o: RemoteConnectOptions, name: string): Promise<void> {
  await withMsgsvc(o, async (rpc, wait) => {
    const out = NetrMessageNameDel.decodeOut(await rpc.call(3, NetrMessageNameDel.encodeIn({ ServerName: null, MsgName: name }), wait));
    check(out.status, `NetrMessageNameDel(${name}) on ${o.server}`);
  });
}

type Info0 = { msgi0_name: string | null };
type Info1 = { msgi1_name: string | null; msgi1_forward_flag: number; msgi1_forward: string | null };

function fromInfo(level: 0 | 1, i: Info0 | Info1): MessageNameInfo {
  if (level === 0) return { name: (i as Info0).msgi0_name ?? '' };
  const x = i as Info1;
  return { name: x.msgi1_name ?? '', forwardFlag: x.msgi1_forward_flag, forward: x.msgi1_forward };
}

/**
 * [MS-MSRP] §3.1.4.2 NetrMessageNameEnum at level 0 or 1: the aliases, following the resume
 * handle while the server reports ERROR_MORE_DATA (at most `maxCalls` calls).
 */
export async function enumMessageNames(o: RemoteConnectOptions, level: 0 | 1 = 0, maxCalls = 16): Promise<{ names: MessageNameInfo[]; total: number }> {
  return withMsgsvc(o, async (rpc, wait) => {
    const names: MessageNameInfo[] = [];
    let resume: number | null = 0;
    let total = 0;
    for (let call = 0; call < maxCalls; call++) {
      const InfoStruct = { Level: level, MsgInfo: { tag: level, value: { EntriesRead: 0, Buffer: null } } };
      const stub = await rpc.call(1, NetrMessageNameEnum.encodeIn({ ServerName: null, InfoStruct, PrefMaxLen: 0xffffffff, ResumeHandle: resume } as never), wait);
      const out = NetrMessageNameEnum.decodeOut(stub) as unknown as { InfoStruct: { Level: number; MsgInfo: { value: { EntriesRead: number; Buffer: Array<Info0 | Info1> | null } | null } }; TotalEntries: number; ResumeHandle: number | null; status: number };
      const more = out.status === 234; // ERROR_MORE_DATA
      if (!more) check(out.status, `NetrMessageNameEnum on ${o.server}`);
      for (const i of out.InfoStruct.MsgInfo.value?.Buffer ?? []) names.push(fromInfo(level, i));
      total = out.TotalEntries;
      resume = out.ResumeHandle;
      if (!more || resume === null) break;
    }
    return { names, total };
  });
}

/** [MS-MSRP] §3.1.4.3 NetrMessageNameGetInfo. */
export async function getMessageNameInfo(o: RemoteConnectOptions, name: string, level: 0 | 1 = 0): Promise<MessageNameInfo> {
  return withMsgsvc(o, async (rpc, wait) => {
    const out = NetrMessageNameGetInfo.decodeOut(await rpc.call(2, NetrMessageNameGetInfo.encodeIn({ ServerName: null, MsgName: name, Level: level }), wait), { Level: level }) as unknown as { InfoStruct: { value: Info0 | Info1 | null } | Info0 | Info1 | null; status: number };
    check(out.status, `NetrMessageNameGetInfo(${name}) on ${o.server}`);
    const info = out.InfoStruct && 'value' in (out.InfoStruct as object) ? (out.InfoStruct as { value: Info0 | Info1 | null }).value : (out.InfoStruct as Info0 | Info1 | null);
    if (!info) throw new NetsendError('protocol', 0, 'MALFORMED', `NetrMessageNameGetInfo(${name}) on ${o.server}: no information returned`);
    return fromInfo(level, info);
  });
}
