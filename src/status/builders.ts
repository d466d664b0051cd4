/**
 * Error builders: a NetsendError whose name and message come from the catalogue, e.g.
 * "session setup: STATUS_LOGON_FAILURE (0xC000006D): The attempted logon is invalid. ...".
 * Builders never throw; unknown codes get the catalogue's synthesized names.
 */
import { NetsendError, type StatusLayer } from './error.js';
import { ntStatus } from './ntstatus.js';
import { dosError } from './dos.js';
import { nbssRefusal, netbiosRcode } from './netbios.js';
import { bindNakReason, bindProviderReason, bindResult, rpcFault } from './rpc.js';
import { win32 } from './win32.js';
import { hex8, type StatusInfo } from './table.js';

/** Number as shown in messages: 8 upper-case hex digits for 32-bit statuses, 2 for NBSS, else decimal. */
function shown(layer: StatusLayer, code: number): string {
  switch (layer) {
    case 'ntstatus':
    case 'rpc-fault':
    case 'dos':
      return hex8(code);
    case 'nbss':
      return '0x' + code.toString(16).toUpperCase().padStart(2, '0');
    default:
      return String(code);
  }
}

function build(layer: StatusLayer, s: StatusInfo, context: string | undefined, cause?: unknown): NetsendError {
  const head = context === undefined || context === '' ? '' : `${context}: `;
  return new NetsendError(layer, s.code, s.name, `${head}${s.name} (${shown(layer, s.code)}): ${s.message}`, cause === undefined ? undefined : { cause });
}

/** A NetsendError for an NTSTATUS ([MS-ERREF] §2.3), named from the catalogue. */
export function ntStatusError(code: number, context?: string): NetsendError {
  return build('ntstatus', ntStatus(code), context);
}

/** SMB1 DOS error; the error's code is (class << 16) | code. */
export function dosStatusError(errClass: number, errCode: number, context?: string): NetsendError {
  return build('dos', dosError(errClass, errCode), context);
}

/** NEGATIVE SESSION RESPONSE (RFC 1002 §4.3.4). */
export function nbssError(byte: number, context?: string): NetsendError {
  return build('nbss', nbssRefusal(byte), context);
}

/** NetBIOS name-service RCODE (RFC 1002 §4.2). */
export function netbiosError(rcode: number, context?: string): NetsendError {
  return build('netbios', netbiosRcode(rcode), context);
}

/** A NetsendError for a DCE/RPC fault status (nca_s_*, C706 Appendix E). */
export function rpcFaultError(code: number, context?: string): NetsendError {
  return build('rpc-fault', rpcFault(code), context);
}

/** bind_nak; the error's code is the reject reason. */
export function bindNakError(reason: number, context?: string): NetsendError {
  return build('rpc-bind-nak', bindNakReason(reason), context);
}

/**
 * bind_ack with a rejected presentation context; the error's code and name are the provider reason,
 * the message also names the result (user_rejection / provider_rejection).
 */
export function bindRejectError(result: number, reason: number, context?: string): NetsendError {
  const r = bindResult(result);
  const p = bindProviderReason(reason);
  return build('rpc-bind', { code: p.code, name: p.name, message: `${r.name}: ${p.message}` }, context);
}

/** A NetsendError for a Win32, NERR or WERROR code ([MS-ERREF] §2.2). */
export function win32Error(code: number, context?: string): NetsendError {
  return build('win32', win32(code), context);
}
