/**
 * The status catalogue: number <-> symbolic name <-> message for every status layer the library
 * meets (NTSTATUS, SMB1 DOS errors, NetBIOS, DCE/RPC, Win32/NERR), the mappings between them,
 * and builders for NetsendError.
 */
export * from './error.js';
export { type StatusInfo, type CatalogueEntry } from './table.js';
export {
  NT,
  NT_STATUS_ENTRIES,
  type NtStatusName,
  type NtSeverity,
  ntStatus,
  ntStatusByName,
  formatNtStatus,
  ntSeverity,
  ntFacility,
  isNtError,
  isNtWarning,
  isNtSuccess,
} from './ntstatus.js';
export { WIN32, NERR, WIN32_ENTRIES, NERR_ENTRIES, type Win32Name, type NerrName, win32, win32ByName } from './win32.js';
export { DOS, DOS_CLASS, DOS_ENTRIES, type DosErrorInfo, type DosClassName, dosError, dosErrorByName, dosClassName, packDos, unpackDos } from './dos.js';
export { NBSS, NB_RCODE, NBSS_ENTRIES, NB_RCODE_ENTRIES, nbssRefusal, netbiosRcode } from './netbios.js';
export {
  NCA,
  EPT,
  BIND_RESULT,
  BIND_PROVIDER_REASON,
  BIND_NAK_REASON,
  BIND_NAK_REASON_C706,
  RPC_FAULT_ENTRIES,
  EPT_ENTRIES,
  BIND_RESULT_ENTRIES,
  BIND_PROVIDER_REASON_ENTRIES,
  BIND_NAK_REASON_ENTRIES,
  BIND_NAK_REASON_C706_ENTRIES,
  type RpcFaultInfo,
  rpcFault,
  rpcFaultToWin32,
  bindResult,
  bindProviderReason,
  bindNakReason,
  eptStatus,
} from './rpc.js';
export { ntStatusToWin32, NT_TO_WIN32_ENTRIES, WIN32_UNMAPPED } from './map.js';
export {
  ntStatusError,
  dosStatusError,
  nbssError,
  netbiosError,
  rpcFaultError,
  bindNakError,
  bindRejectError,
  win32Error,
} from './builders.js';
export { HRESULT, HRESULT_ENTRIES, FACILITY_WIN32, hresult, hresultFromWin32, isHresultFailure } from './hresult.js';
