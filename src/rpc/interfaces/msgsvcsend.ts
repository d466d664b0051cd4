/**
 * msgsvcsend ([MS-MSRP] §3.2.4.1): NetrSendMessage, carried over ncadg_ip_udp with a dynamic
 * endpoint. Codec only here; the connectionless transport is src/rpc/cl-client.ts (sender) and cl-server.ts (receiver).
 */
import { ndrCall } from '../ndr/call.js';
import { cstring, refPtr, u32, type CharsetCodec } from '../ndr/types.js';
import type { RpcInterface } from '../client.js';

/** [MS-MSRP] §1.9 / §2.1.1: 5a7b91f8-ff00-11d0-a9b2-00c04fb6e6fc v1.0. */
export const MSGSVCSEND: RpcInterface = { name: 'msgsvcsend', syntax: { uuid: '5a7b91f8-ff00-11d0-a9b2-00c04fb6e6fc', major: 1, minor: 0 } };

/**
 * error_status_t NetrSendMessage([in] handle_t hRpcBinding, [in,string] LPSTR From,
 *   [in,string] LPSTR To, [in,string] LPSTR Text);
 * The binding handle is not marshalled; the three top-level strings are ref pointers to 8-bit
 * conformant-varying strings in the OEM code page, which the caller supplies as `codec`.
 */
export function netrSendMessage(codec: CharsetCodec) {
  const s = refPtr(cstring(codec));
  return ndrCall(0, {
    name: 'NetrSendMessage',
    in: [
      ['From', s],
      ['To', s],
      ['Text', s],
    ],
    out: [['status', u32]],
  });
}
