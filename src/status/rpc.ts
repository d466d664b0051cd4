/**
 * DCE/RPC statuses: FAULT PDU status values (C706 Appendix E / N.2) with their Win32 equivalents
 * ([MS-RPCE] §3.1.1.5.5), bind_ack per-context results and provider reasons (C706 §12.6.3.1
 * p_cont_def_result_t, p_provider_reason_t; negotiate_ack from [MS-RPCE] §2.2.2.4), bind_nak
 * reject reasons ([MS-RPCE] §2.2.2.5 and C706 §12.6.3.1 kept apart), and endpoint-mapper
 * statuses (C706 Appendix E, ept_s_*).
 */
import { buildCatalogue, hex8, info, valuesOf, type Row, type StatusInfo } from './table.js';
import { WIN32, win32, type Win32Name } from './win32.js';

/** Row: [fault status, message, Win32 name per [MS-RPCE] §3.1.1.5.5 (absent: "not mapped")]. */
type FaultRow = readonly [code: number, message: string, win32?: Win32Name];

// Values from C706 Appendix E (nca_s_* status codes); Win32 equivalents from [MS-RPCE] §3.1.1.5.5.
const FAULT_TABLE = {
  nca_s_fault_int_div_by_zero: [0x1c000001, 'The server attempted an integer division by zero.', 'RPC_S_ZERO_DIVIDE'],
  nca_s_fault_addr_error: [0x1c000002, 'An addressing error occurred in the server.', 'RPC_S_ADDRESS_ERROR'],
  nca_s_fault_fp_div_zero: [0x1c000003, 'A floating-point operation at the server caused a division by zero.', 'RPC_S_FP_DIV_ZERO'],
  nca_s_fault_fp_underflow: [0x1c000004, 'A floating-point underflow occurred at the server.', 'RPC_S_FP_UNDERFLOW'],
  nca_s_fault_fp_overflow: [0x1c000005, 'A floating-point overflow occurred at the server.', 'RPC_S_FP_OVERFLOW'],
  nca_s_fault_invalid_tag: [0x1c000006, 'The discriminant (tag) of a union is invalid.', 'RPC_S_INVALID_TAG'],
  nca_s_fault_invalid_bound: [0x1c000007, 'The array bounds are invalid.', 'RPC_S_INVALID_BOUND'],
  nca_s_rpc_version_mismatch: [0x1c000008, 'The RPC protocol version is not supported by the server.', 'RPC_S_PROTOCOL_ERROR'],
  nca_s_unspec_reject: [0x1c000009, 'The call was rejected; no further detail.', 'RPC_S_CALL_FAILED'],
  nca_s_bad_actid: [0x1c00000a, 'The activity identifier is invalid.', 'RPC_S_CALL_FAILED_DNE'],
  nca_s_who_are_you_failed: [0x1c00000b, 'The server could not verify the client (callback failed).', 'RPC_S_CALL_FAILED'],
  nca_s_manager_not_entered: [0x1c00000c, 'The server manager routine was not entered.', 'RPC_S_CALL_FAILED_DNE'],
  nca_s_fault_cancel: [0x1c00000d, 'The call was cancelled at the server.', 'RPC_S_CALL_CANCELLED'],
  nca_s_fault_ill_inst: [0x1c00000e, 'An illegal instruction was executed at the server.', 'RPC_S_ADDRESS_ERROR'],
  nca_s_fault_fp_error: [0x1c00000f, 'A floating-point error occurred at the server.', 'RPC_S_FP_OVERFLOW'],
  nca_s_fault_int_overflow: [0x1c000010, 'An integer overflow occurred at the server.', 'RPC_S_ADDRESS_ERROR'],
  nca_s_fault_unspec: [0x1c000012, 'Unspecified fault at the server.', 'RPC_S_CALL_FAILED'],
  nca_s_fault_remote_comm_failure: [0x1c000013, 'The server could not communicate with a further remote server.'],
  nca_s_fault_pipe_empty: [0x1c000014, 'Pipe: no more data.', 'RPC_X_PIPE_EMPTY'],
  nca_s_fault_pipe_closed: [0x1c000015, 'Pipe: the pipe was already closed.', 'RPC_X_PIPE_CLOSED'],
  nca_s_fault_pipe_order: [0x1c000016, 'Pipe: pipes were processed in the wrong order.', 'RPC_X_WRONG_PIPE_ORDER'],
  nca_s_fault_pipe_discipline: [0x1c000017, 'Pipe: pipe discipline error.', 'RPC_X_PIPE_DISCIPLINE_ERROR'],
  nca_s_fault_pipe_comm_error: [0x1c000018, 'Pipe: communication error.', 'RPC_S_COMM_FAILURE'],
  nca_s_fault_pipe_memory: [0x1c000019, 'Pipe: out of memory.', 'RPC_S_OUT_OF_MEMORY'],
  nca_s_fault_context_mismatch: [0x1c00001a, 'The context handle does not match any known context at the server.', 'RPC_X_SS_CONTEXT_MISMATCH'],
  nca_s_fault_remote_no_memory: [0x1c00001b, 'The server ran out of memory.', 'RPC_S_SERVER_OUT_OF_MEMORY'],
  nca_s_invalid_pres_context_id: [0x1c00001c, 'The presentation context identifier is not known to the server.', 'RPC_S_PROTOCOL_ERROR'],
  nca_s_unsupported_authn_level: [0x1c00001d, 'The requested authentication level is not supported.', 'RPC_S_UNSUPPORTED_AUTHN_LEVEL'],
  nca_s_invalid_checksum: [0x1c00001f, 'The checksum of the PDU is invalid.', 'RPC_S_CALL_FAILED_DNE'],
  nca_s_invalid_crc: [0x1c000020, 'The CRC of the PDU is invalid.', 'RPC_S_CALL_FAILED_DNE'],
  nca_s_fault_user_defined: [0x1c000021, 'User-defined fault.'],
  nca_s_fault_tx_open_failed: [0x1c000022, 'A transaction could not be opened.'],
  nca_s_fault_codeset_conv_error: [0x1c000023, 'Code-set conversion error.'],
  nca_s_fault_object_not_found: [0x1c000024, 'The object was not found at the server.'],
  nca_s_fault_no_client_stub: [0x1c000025, 'No client stub is available.'],
  nca_s_comm_failure: [0x1c010001, 'Unable to get a response from the server.', 'RPC_S_COMM_FAILURE'],
  nca_s_op_rng_error: [0x1c010002, 'The operation number is out of range for this interface.', 'RPC_S_PROCNUM_OUT_OF_RANGE'],
  nca_s_unk_if: [0x1c010003, 'The interface is not known to the server.', 'RPC_S_UNKNOWN_IF'],
  nca_s_wrong_boot_time: [0x1c010006, 'The client passed a server boot time that does not match.'],
  nca_s_you_crashed: [0x1c010009, 'A restarted server called back a client.', 'RPC_S_CALL_FAILED'],
  nca_s_proto_error: [0x1c01000b, 'An RPC protocol error occurred.', 'RPC_S_PROTOCOL_ERROR'],
  nca_s_out_args_too_big: [0x1c010013, 'The output arguments are too big.', 'RPC_S_SERVER_OUT_OF_MEMORY'],
  nca_s_server_too_busy: [0x1c010014, 'The server is too busy to handle the call.', 'RPC_S_SERVER_TOO_BUSY'],
  nca_s_fault_string_too_long: [0x1c010016, 'A string argument is longer than its declared maximum.'],
  nca_s_unsupported_type: [0x1c010017, 'The server does not support the requested object type.', 'RPC_S_UNSUPPORTED_TYPE'],
} as const satisfies Record<string, FaultRow>;

export interface RpcFaultInfo extends StatusInfo {
  /** Win32 equivalent when one exists. */
  win32?: number;
}

const FAULTS: readonly RpcFaultInfo[] = Object.entries(FAULT_TABLE).map(([name, row]: [string, FaultRow]) => {
  const e: RpcFaultInfo = { code: row[0] >>> 0, name, message: row[1] };
  if (row[2] !== undefined) e.win32 = WIN32[row[2]];
  return e;
});
const FAULT_BY_CODE = new Map(FAULTS.map((e) => [e.code, e] as const));

/** Fault status name -> value (nca_s_*). */
export const NCA = Object.freeze(Object.fromEntries(FAULTS.map((e) => [e.name, e.code]))) as { readonly [K in keyof typeof FAULT_TABLE]: number };
/** Every fault status row, for tests and tooling. */
export const RPC_FAULT_ENTRIES = FAULTS;

/**
 * FAULT PDU status. Known nca_s_* values come from the table; small values are Win32 codes
 * (Windows puts e.g. 5 or 0x6F7 there) and are named from the Win32 catalogue.
 */
export function rpcFault(code: number): RpcFaultInfo {
  const c = code >>> 0;
  const e = FAULT_BY_CODE.get(c);
  if (e !== undefined) {
    const out: RpcFaultInfo = { code: c, name: e.name, message: e.message };
    if (e.win32 !== undefined) out.win32 = e.win32;
    return out;
  }
  // [MS-RPCE] §3.3.3.5.1: servers must not send 0; Samba does for protocol errors.
  if (c === 0) return { code: 0, name: 'rpc_fault_status_0', message: 'Fault with status 0: unspecified protocol error.', win32: WIN32.RPC_S_PROTOCOL_ERROR };
  if (c < 0x10000) {
    const w = win32(c);
    if (!w.name.startsWith('WIN32_')) return { code: c, name: w.name, message: w.message, win32: c };
  }
  return { code: c, name: `RPC_FAULT_${hex8(c)}`, message: `Unknown DCE/RPC fault status ${hex8(c)}.` };
}

/**
 * Win32 value a Windows client reports for a fault status ([MS-RPCE] §3.1.1.5.5): the mapped code,
 * or the status itself when it is "not mapped" (Win32-valued faults such as 5 or 0x6F7 included).
 */
export function rpcFaultToWin32(code: number): number {
  return rpcFault(code).win32 ?? code >>> 0;
}

// bind_ack p_cont_def_result_t (C706 §12.6.3.1; 3 is [MS-RPCE] §2.2.2.4, whose reason field is a feature bitmask).
const BIND_RESULT_TABLE = {
  acceptance: [0, 'The presentation context was accepted.'],
  user_rejection: [1, 'The presentation context was rejected by the server application.'],
  provider_rejection: [2, 'The presentation context was rejected by the RPC runtime.'],
  negotiate_ack: [3, 'Bind-time feature negotiation acknowledgement.'],
} as const satisfies Record<string, Row>;

// p_provider_reason_t (C706 §12.6.3.1).
const PROVIDER_REASON_TABLE = {
  reason_not_specified: [0, 'No reason specified.'],
  abstract_syntax_not_supported: [1, 'The abstract syntax (interface UUID and version) is not supported.'],
  proposed_transfer_syntaxes_not_supported: [2, 'None of the proposed transfer syntaxes is supported.'],
  local_limit_exceeded: [3, 'A local limit was exceeded.'],
} as const satisfies Record<string, Row>;

// bind_nak reasons spelled as [MS-RPCE] §2.2.2.5 spells them (value 4 is "..._NOT_SPECIFIED" there;
// C706 calls it protocol_version_not_supported). C706-only values are kept in a separate table.
const BIND_NAK_MSRPCE_TABLE = {
  REASON_NOT_SPECIFIED: [0, 'Reason not specified.'],
  TEMPORARY_CONGESTION: [1, 'Temporary congestion (not used; treated like LOCAL_LIMIT_EXCEEDED).'],
  LOCAL_LIMIT_EXCEEDED: [2, 'The server could not complete the request due to lack of resources.'],
  PROTOCOL_VERSION_NOT_SPECIFIED: [4, 'The server detected a protocol error while processing an rpc_bind or rpc_alter_context PDU.'],
  authentication_type_not_recognized: [8, 'The authentication type requested by the client is not recognized by the server.'],
  invalid_checksum: [9, 'The underlying security package detected an unrecoverable error.'],
} as const satisfies Record<string, Row>;

// C706 §12.6.3.1 p_reject_reason_t.
const BIND_NAK_C706_TABLE = {
  reason_not_specified: [0, 'Reason not specified.'],
  temporary_congestion: [1, 'Temporary congestion.'],
  local_limit_exceeded: [2, 'Local limit exceeded.'],
  called_paddr_unknown: [3, 'Called presentation address unknown.'],
  protocol_version_not_supported: [4, 'Protocol version not supported.'],
  default_context_not_supported: [5, 'Default context not supported.'],
  user_data_not_readable: [6, 'User data not readable.'],
  no_psap_available: [7, 'No presentation service access point available.'],
} as const satisfies Record<string, Row>;

// Endpoint mapper statuses (C706 Appendix E, DCE facility values 0x16C9A0CD-0x16C9A0D7).
const EPT_TABLE = {
  ept_s_cant_perform_op: [0x16c9a0cd, 'The endpoint mapper cannot perform the operation.'],
  ept_s_no_memory: [0x16c9a0ce, 'The endpoint mapper is out of memory.'],
  ept_s_database_invalid: [0x16c9a0cf, 'The endpoint database is invalid.'],
  ept_s_cant_create: [0x16c9a0d0, 'The endpoint database cannot be created.'],
  ept_s_cant_access: [0x16c9a0d1, 'The endpoint database cannot be accessed.'],
  ept_s_database_already_open: [0x16c9a0d2, 'The endpoint database is already open by another process.'],
  ept_s_invalid_entry: [0x16c9a0d3, 'The endpoint map entry is invalid.'],
  ept_s_update_failed: [0x16c9a0d4, 'The endpoint database update failed.'],
  ept_s_invalid_context: [0x16c9a0d5, 'The endpoint map lookup context is invalid.'],
  ept_s_not_registered: [0x16c9a0d6, 'No (more) endpoints are registered for this interface in the endpoint map.'],
  ept_s_server_unavailable: [0x16c9a0d7, 'The endpoint mapper server is unavailable.'],
} as const satisfies Record<string, Row>;

const BIND_RESULT_CAT = buildCatalogue(BIND_RESULT_TABLE);
const PROVIDER_REASON_CAT = buildCatalogue(PROVIDER_REASON_TABLE);
const NAK_MS_CAT = buildCatalogue(BIND_NAK_MSRPCE_TABLE);
const NAK_C706_CAT = buildCatalogue(BIND_NAK_C706_TABLE);
const EPT_CAT = buildCatalogue(EPT_TABLE);

/** Presentation-context result name -> value (p_cont_def_result_t, C706 §12.6.3.1). */
export const BIND_RESULT = valuesOf(BIND_RESULT_TABLE);
/** Presentation-context provider reason name -> value (p_provider_reason_t, C706 §12.6.3.1). */
export const BIND_PROVIDER_REASON = valuesOf(PROVIDER_REASON_TABLE);
/** bind_nak reject reason name -> value, with the [MS-RPCE] §2.2.2.5 additions. */
export const BIND_NAK_REASON = valuesOf(BIND_NAK_MSRPCE_TABLE);
/** bind_nak reject reason name -> value as C706 §12.6.3.1 numbers them. */
export const BIND_NAK_REASON_C706 = valuesOf(BIND_NAK_C706_TABLE);
/** Endpoint-mapper status name -> value (ept_s_*, C706 Appendix E). */
export const EPT = valuesOf(EPT_TABLE);
/** Every context result row, for tests and tooling. */
export const BIND_RESULT_ENTRIES = BIND_RESULT_CAT.entries;
/** Every provider reason row, for tests and tooling. */
export const BIND_PROVIDER_REASON_ENTRIES = PROVIDER_REASON_CAT.entries;
/** Every [MS-RPCE] bind_nak reason row, for tests and tooling. */
export const BIND_NAK_REASON_ENTRIES = NAK_MS_CAT.entries;
/** Every C706 bind_nak reason row, for tests and tooling. */
export const BIND_NAK_REASON_C706_ENTRIES = NAK_C706_CAT.entries;
/** Every endpoint-mapper status row, for tests and tooling. */
export const EPT_ENTRIES = EPT_CAT.entries;

function small(cat: ReturnType<typeof buildCatalogue>, n: number, prefix: string, what: string): StatusInfo {
  const v = n >>> 0;
  const e = cat.byCode.get(v);
  if (e !== undefined) return info(e);
  return { code: v, name: `${prefix}_${v}`, message: `Unknown ${what} ${v}.` };
}

/** bind_ack p_result_t.result. */
export function bindResult(n: number): StatusInfo {
  return small(BIND_RESULT_CAT, n, 'bind_result', 'bind_ack context result');
}

/** bind_ack p_result_t.reason (when result is a rejection). */
export function bindProviderReason(n: number): StatusInfo {
  return small(PROVIDER_REASON_CAT, n, 'provider_reason', 'bind_ack provider reason');
}

/**
 * bind_nak provider_reject_reason: [MS-RPCE] §2.2.2.5 names first, C706 §12.6.3.1 names for the
 * values only C706 defines (3, 5, 6, 7).
 */
export function bindNakReason(n: number): StatusInfo {
  const v = n >>> 0;
  const e = NAK_MS_CAT.byCode.get(v) ?? NAK_C706_CAT.byCode.get(v);
  if (e !== undefined) return info(e);
  return { code: v, name: `bind_nak_reason_${v}`, message: `Unknown bind_nak reject reason ${v}.` };
}

/**
 * Endpoint-mapper status (ept_s_*); 0 is success (error_status_ok). Windows servers may return the
 * Win32 forms instead (EPT_S_NOT_REGISTERED 1753, EPT_S_CANT_PERFORM_OP 1752), named from the Win32 table.
 */
export function eptStatus(code: number): StatusInfo {
  const c = code >>> 0;
  if (c === 0) return { code: 0, name: 'error_status_ok', message: 'Success.' };
  const e = EPT_CAT.byCode.get(c);
  if (e !== undefined) return info(e);
  if (c < 0x10000) {
    const w = win32(c);
    if (!w.name.startsWith('WIN32_')) return w;
  }
  return { code: c, name: `EPT_STATUS_${hex8(c)}`, message: `Unknown endpoint mapper status ${hex8(c)}.` };
}
