/**
 * What interface helpers (wkssvc, srvsvc, epm, later msgsvc and MS-TSTS) need from a bound
 * connection, whatever carries it (ncacn_np, ncacn_ip_tcp, ncadg_ip_udp) and whatever
 * protects it. RpcClient implements it; so does the factory's RpcConnection.
 */
import type { WaitOptions } from '../util/abort.js';
import type { CallOptions } from './client.js';
import type { NdrCall, Param, ParamValues } from './ndr/call.js';

/** A bound RPC connection as interface helpers use it: raw stub calls and typed NDR calls. */
export interface RpcCaller {
  /** One request stub in, the reassembled response stub out (faults throw RpcFaultError). */
  call(opnum: number, stub: Buffer, opts?: CallOptions): Promise<Buffer>;
  /** Encodes the [in] parameters, calls, decodes the [out] ones. */
  invoke<I extends readonly Param[], O extends readonly Param[]>(def: NdrCall<I, O>, args: ParamValues<I>, opts?: CallOptions): Promise<ParamValues<O>>;
  /** Ends the association and releases its transport. */
  close(opts?: WaitOptions): Promise<void>;
}

/**
 * Runs `body` with a context handle from `open` and always closes it, on error too ([MS-RPCE]
 * §3.1.1.5.3.2: a handle left open holds server state until the association ends).
 */
export async function withContextHandle<H, T>(open: () => Promise<H>, close: (h: H) => Promise<unknown>, body: (h: H) => Promise<T>): Promise<T> {
  const h = await open();
  let failed = true;
  try {
    const out = await body(h);
    failed = false;
    return out;
  } finally {
    if (failed) await close(h).catch(() => undefined);
    else await close(h);
  }
}
