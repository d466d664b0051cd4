/**
 * The one error type the library throws. Every failure names the protocol layer it came from,
 * that layer's own number and symbolic name, and a human message.
 */
export type StatusLayer =
  | 'ntstatus' // NTSTATUS (SMB1 with CAP_STATUS32, SMB2/3)
  | 'dos' // SMB1 DOS error class/code, code = (class << 16) | code
  | 'nbss' // NetBIOS session service negative response byte
  | 'netbios' // NetBIOS name service RCODE / lookups
  | 'rpc-fault' // DCE/RPC FAULT PDU status
  | 'rpc-bind' // bind_ack provider rejection (code = reason) — name says which
  | 'rpc-bind-nak' // bind_nak provider_reject_reason
  | 'win32' // Win32 / NERR / WERROR / NET_API_STATUS
  | 'hresult' // HRESULT ([MS-ERREF] §2.1), e.g. the MS-TSTS LSM methods' return value
  | 'ntlm' // NTLMSSP / SPNEGO negotiation problems
  | 'socket' // OS-level socket failure (code = errno number when known, name = ECONNREFUSED ...)
  | 'file' // OS-level file failure, e.g. writing a capture (code = errno number, name = ENOSPC ...)
  | 'protocol' // peer sent something malformed or unexpected (code 0 unless stated)
  | 'timeout'
  | 'abort'
  | 'usage'; // caller passed invalid arguments

/** The one error type of the package: the protocol layer, its numeric status and the status's own symbolic name. */
export class NetsendError extends Error {
  /** Which status space `code` belongs to (ntstatus, win32, rpc-fault, nbss ...), or a local failure kind. */
  readonly layer: StatusLayer;
  /** The status number as the protocol writes it (0 for MALFORMED, TIMEOUT and ABORTED, which no protocol numbers). */
  readonly code: number;
  /** Symbolic status name, e.g. STATUS_LOGON_FAILURE, NERR_NameNotFound, nca_s_op_rng_error. */
  override readonly name: string;

  constructor(layer: StatusLayer, code: number, name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.layer = layer;
    this.code = code;
    this.name = name;
  }

  /** "NAME (0xHEX)" in the form a user reads in a log line. */
  get label(): string {
    return `${this.name} (${formatCode(this.layer, this.code)})`;
  }

  /** The fields a JSON report carries (an Error's own properties do not serialize). */
  toJSON(): { layer: StatusLayer; code: number; name: string; message: string } {
    return { layer: this.layer, code: this.code, name: this.name, message: this.message };
  }
}

/** Thrown by every parser on input that breaks the wire format. */
export class MalformedError extends NetsendError {
  constructor(what: string, detail: string) {
    super('protocol', 0, 'MALFORMED', `malformed ${what}: ${detail}`);
  }
}

/** Thrown when a wait ran out of time. */
export class TimeoutError extends NetsendError {
  /** The configured operation deadline in ms when a shared deadline ran out (see util/deadline.ts). */
  readonly deadlineMs: number | undefined;
  /** The step that was waiting when the time ran out. */
  readonly step: string;

  /**
   * `what` timed out after `ms`. With `deadline: true`, `ms` is the whole operation's configured
   * deadline and the message says so ("session setup: no answer within the 3,000 ms deadline").
   */
  constructor(what: string, ms: number, opts: { deadline?: boolean } = {}) {
    super('timeout', 0, 'TIMEOUT', opts.deadline ? `${what}: no answer within the ${ms.toLocaleString('en-US')} ms deadline` : `${what} timed out after ${ms} ms`);
    this.step = what;
    this.deadlineMs = opts.deadline ? ms : undefined;
  }
}

/** Thrown when the caller's AbortSignal fires. */
export class AbortError extends NetsendError {
  constructor(what: string, reason?: unknown) {
    super('abort', 0, 'ABORTED', `${what} aborted`, reason === undefined ? undefined : { cause: reason });
  }
}

/** The code as the protocol writes it: hex for NTSTATUS, faults and DOS errors, decimal for Win32/NERR. */
export function formatCode(layer: StatusLayer, code: number): string {
  switch (layer) {
    case 'ntstatus':
    case 'rpc-fault':
    case 'dos':
    case 'hresult':
      return '0x' + (code >>> 0).toString(16).padStart(8, '0');
    case 'nbss':
      return '0x' + code.toString(16).padStart(2, '0');
    default:
      return String(code);
  }
}

/**
 * The one usage error: the caller passed an invalid argument or option. Named and numbered as the
 * Win32 API does (ERROR_INVALID_PARAMETER, 87, [MS-ERREF] §2.2), which is also the NET_API_STATUS
 * NetMessageBufferSend returns for it.
 */
export function usageError(message: string, options?: { cause?: unknown }): NetsendError {
  return new NetsendError('usage', 87, 'ERROR_INVALID_PARAMETER', message, options);
}

/**
 * Any thrown value as a NetsendError: itself when it is one, else 'protocol' INTERNAL (a bug or an
 * unexpected runtime failure) carrying the original as `cause`.
 */
export function toNetsendError(e: unknown): NetsendError {
  if (e instanceof NetsendError) return e;
  return new NetsendError('protocol', 0, 'INTERNAL', e instanceof Error ? e.message : String(e), { cause: e });
}

/**
 * Which failures leave the connection they happened on (an RPC pipe, an SMB session) unusable.
 * An answer at the RPC level (FAULT PDU, bind rejection) leaves the pipe in step for the next call;
 * anything else (an SMB status on the pipe, a timeout, an abort, a malformed or unexpected PDU, a
 * socket error) may leave half an answer on it, so the next call could read the wrong reply.
 */
export const BREAKS_CONNECTION: Readonly<Record<StatusLayer, boolean>> = {
  'rpc-fault': false,
  'rpc-bind': false,
  'rpc-bind-nak': false,
  // An HRESULT is a return value inside a complete RPC response: the pipe is still in step.
  hresult: false,
  ntstatus: true,
  dos: true,
  nbss: true,
  netbios: true,
  win32: true,
  ntlm: true,
  socket: true,
  file: true,
  protocol: true,
  timeout: true,
  abort: true,
  usage: true,
};

/** True when `e` leaves its connection unusable (BREAKS_CONNECTION; anything not a NetsendError does). */
export function breaksConnection(e: unknown): boolean {
  return e instanceof NetsendError ? BREAKS_CONNECTION[e.layer] : true;
}
