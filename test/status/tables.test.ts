import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BIND_NAK_REASON,
  BIND_NAK_REASON_C706,
  BIND_NAK_REASON_C706_ENTRIES,
  BIND_NAK_REASON_ENTRIES,
  BIND_PROVIDER_REASON,
  BIND_PROVIDER_REASON_ENTRIES,
  BIND_RESULT,
  BIND_RESULT_ENTRIES,
  DOS,
  DOS_CLASS,
  DOS_ENTRIES,
  EPT,
  EPT_ENTRIES,
  NB_RCODE,
  NB_RCODE_ENTRIES,
  NBSS,
  NBSS_ENTRIES,
  NCA,
  NERR,
  NERR_ENTRIES,
  RPC_FAULT_ENTRIES,
  WIN32,
  WIN32_ENTRIES,
  bindNakReason,
  bindProviderReason,
  bindResult,
  dosClassName,
  dosError,
  dosErrorByName,
  eptStatus,
  nbssRefusal,
  netbiosRcode,
  ntStatus,
  packDos,
  rpcFault,
  rpcFaultToWin32,
  unpackDos,
  win32,
  win32ByName,
  type CatalogueEntry,
  type StatusInfo,
} from '../../src/status/index.js';

/** Names unique; values repeat only on rows marked alias (for tables that have alias marks). */
function checkTable(entries: readonly (StatusInfo & { alias?: boolean })[]): void {
  const names = new Set<string>();
  const codes = new Set<number>();
  for (const e of entries) {
    expect(names.has(e.name), `duplicate name ${e.name}`).toBe(false);
    names.add(e.name);
    expect(e.message.length, e.name).toBeGreaterThan(0);
    if (codes.has(e.code)) expect(e.alias, `${e.name} repeats a value without an alias mark`).toBe(true);
    else expect(e.alias ?? false, `${e.name} is marked alias but is first for its value`).toBe(false);
    codes.add(e.code);
  }
}

describe('Win32 and NERR', () => {
  // [MS-ERREF] §2.2 values (protocol-notes §4.1/§4.2 list the messaging ones).
  const SPEC: readonly (readonly [string, number])[] = [
    ['ERROR_SUCCESS', 0],
    ['ERROR_FILE_NOT_FOUND', 2],
    ['ERROR_PATH_NOT_FOUND', 3],
    ['ERROR_ACCESS_DENIED', 5],
    ['ERROR_NOT_ENOUGH_MEMORY', 8],
    ['ERROR_NOT_SUPPORTED', 50],
    ['ERROR_BAD_NETPATH', 53],
    ['ERROR_NETNAME_DELETED', 64],
    ['ERROR_BAD_NET_NAME', 67],
    ['ERROR_REQ_NOT_ACCEP', 71],
    ['ERROR_INVALID_PARAMETER', 87],
    ['ERROR_INVALID_NAME', 123],
    ['ERROR_INVALID_LEVEL', 124],
    ['ERROR_PIPE_BUSY', 231],
    ['ERROR_MORE_DATA', 234],
    ['ERROR_SERVICE_NOT_ACTIVE', 1062],
    ['ERROR_SESSION_CREDENTIAL_CONFLICT', 1219],
    ['ERROR_LOGON_FAILURE', 1326],
    ['ERROR_ACCOUNT_DISABLED', 1331],
    ['ERROR_LOGON_TYPE_NOT_GRANTED', 1385],
    ['RPC_S_UNKNOWN_IF', 1717],
    ['RPC_S_SERVER_UNAVAILABLE', 1722],
    ['RPC_S_PROCNUM_OUT_OF_RANGE', 1745],
    ['EPT_S_NOT_REGISTERED', 1753],
    ['RPC_X_BAD_STUB_DATA', 1783],
    ['RPC_S_COMM_FAILURE', 1820],
    ['RPC_S_SEC_PKG_ERROR', 1825],
    ['NERR_BufTooSmall', 2123],
    ['NERR_NetworkError', 2136],
    ['NERR_WkstaInconsistentState', 2137],
    ['NERR_WkstaNotStarted', 2138],
    ['NERR_UserNotFound', 2221],
    ['NERR_NoComputerName', 2270],
    ['NERR_NameNotFound', 2273],
    ['NERR_PausedRemote', 2281],
    ['NERR_BadReceive', 2282],
    ['NERR_DuplicateName', 2297],
    ['NERR_MultipleNets', 2300],
    ['NERR_NetNameNotFound', 2310],
  ];
  it.each(SPEC)('%s = %i', (name, value) => {
    expect(win32ByName(name)).toBe(value);
    if (value !== 0) expect(win32(value).name).toBe(name);
  });

  it('keeps the tables well-formed', () => {
    checkTable(WIN32_ENTRIES);
    checkTable(NERR_ENTRIES);
    expect(WIN32_ENTRIES.length + NERR_ENTRIES.length).toBeGreaterThan(400);
    for (const e of NERR_ENTRIES) {
      expect(e.name.startsWith('NERR_')).toBe(true);
      if (e.code !== 0) expect(e.code >= 2100 && e.code <= 2999, e.name).toBe(true);
    }
    for (const e of WIN32_ENTRIES) expect(e.name.startsWith('NERR_')).toBe(false);
  });

  it('covers every messaging NERR from 2270 to 2300 that MS-ERREF defines', () => {
    const defined = [2270, 2271, 2272, 2273, 2274, 2275, 2276, 2277, 2278, 2279, 2280, 2281, 2282, 2283, 2284, 2285, 2286, 2287, 2288, 2289, 2294, 2295, 2297, 2298, 2299, 2300];
    for (const n of defined) expect(win32(n).name.startsWith('NERR_'), String(n)).toBe(true);
  });

  it('round-trips every entry by name', () => {
    for (const e of [...WIN32_ENTRIES, ...NERR_ENTRIES]) {
      expect((e.name.startsWith('NERR_') ? NERR : WIN32)[e.name as never]).toBe(e.code);
      expect(win32ByName(e.name)).toBe(e.code);
    }
  });

  it('reports 0 as ERROR_SUCCESS and aliases by their primary name', () => {
    expect(win32(0).name).toBe('ERROR_SUCCESS');
    expect(NERR.NERR_Success).toBe(0);
    expect(WIN32.RPC_S_ACCESS_DENIED).toBe(5);
    expect(win32(5).name).toBe('ERROR_ACCESS_DENIED');
  });

  it('synthesizes unknown codes', () => {
    expect(win32(4294967295)).toEqual({ code: 4294967295, name: 'WIN32_4294967295', message: expect.stringContaining('Unknown') });
    expect(win32(-1).code).toBe(0xffffffff);
  });
});

describe('SMB1 DOS errors', () => {
  it('packs class and code as (class << 16) | code', () => {
    expect(packDos(DOS_CLASS.ERRDOS, 71)).toBe(0x00010047);
    expect(packDos(0xff, 0xffff)).toBe(0x00ffffff);
    expect(unpackDos(0x00020051)).toEqual({ errClass: 2, errCode: 0x51 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0xffff }), (c, e) => {
        expect(unpackDos(packDos(c, e))).toEqual({ errClass: c, errCode: e });
      }),
    );
  });

  // [MS-CIFS] §2.2.2.4 / per-command tables, and protocol-notes §4.5 for ERRSRV 81-87.
  const SPEC: readonly (readonly [number, number, string, number | undefined])[] = [
    [1, 0x0001, 'ERRDOS/ERRbadfunc', 0xc0000002],
    [1, 0x0002, 'ERRDOS/ERRbadfile', 0xc0000034],
    [1, 0x0005, 'ERRDOS/ERRnoaccess', 0xc0000022],
    [1, 0x0032, 'ERRDOS/ERRunsup', 0xc00000bb],
    [1, 0x0047, 'ERRDOS/ERRreqnotaccep', 0xc00000d0],
    [1, 0x0057, 'ERRDOS/ERRinvalidparam', 0xc000000d],
    [1, 0x00e6, 'ERRDOS/ERRbadpipe', 0xc00000ad],
    [1, 0x00e7, 'ERRDOS/ERRpipebusy', 0xc00000ae],
    [1, 0x00ea, 'ERRDOS/ERRmoredata', 0x80000005],
    [2, 0x0001, 'ERRSRV/ERRerror', 0x00010002],
    [2, 0x0002, 'ERRSRV/ERRbadpw', 0xc000006a],
    [2, 0x0005, 'ERRSRV/ERRinvtid', 0xc00000c9],
    [2, 0x0006, 'ERRSRV/ERRinvnetname', 0xc00000cc],
    [2, 0x0016, 'ERRSRV/ERRbadcmd', 0x00160002],
    [2, 0x0051, 'ERRSRV/ERRpaused', undefined],
    [2, 0x0052, 'ERRSRV/ERRmsgoff', undefined],
    [2, 0x0053, 'ERRSRV/ERRnoroom', undefined],
    [2, 0x0057, 'ERRSRV/ERRrmuns', undefined],
    [2, 0x005b, 'ERRSRV/ERRbaduid', 0x005b0002],
    [2, 0xffff, 'ERRSRV/ERRnosupport', 0xffff0002],
    [3, 0x0027, 'ERRHRD/ERRdiskfull', 0xc000007f],
  ];
  it.each(SPEC)('class %i code %i is %s', (cls, code, name, nt) => {
    const d = dosError(cls, code);
    expect(d.name).toBe(name);
    expect(d.code).toBe(packDos(cls, code));
    expect(d.ntStatus).toBe(nt);
    expect(dosErrorByName(name)).toBe(packDos(cls, code));
  });

  it('names within a class are unique and typed consts match the table', () => {
    checkTable(DOS_ENTRIES);
    expect(DOS.ERRDOS.ERRbadpipe).toBe(0xe6);
    expect(DOS.ERRSRV.ERRbadpath).toBe(3);
    expect(DOS.ERRDOS.ERRbadpath).toBe(3);
    for (const e of DOS_ENTRIES) {
      const [cls, name] = e.name.split('/') as [keyof typeof DOS, string];
      expect((DOS[cls] as Record<string, number>)[name]).toBe(e.errCode);
    }
  });

  it('every NTSTATUS equivalent is a named catalogue entry', () => {
    for (const e of DOS_ENTRIES) {
      if (e.ntStatus === undefined) continue;
      expect(ntStatus(e.ntStatus).name.startsWith('NTSTATUS_'), `${e.name} -> 0x${e.ntStatus.toString(16)}`).toBe(false);
    }
  });

  it('names classes and synthesizes unknown pairs', () => {
    expect(dosClassName(1)).toBe('ERRDOS');
    expect(dosClassName(0xff)).toBe('ERRCMD');
    expect(dosClassName(0x42)).toBe('ERRCLASS_0x42');
    expect(dosError(0, 0)).toMatchObject({ name: 'SUCCESS', ntStatus: 0 });
    const u = dosError(1, 0x1234);
    expect(u.name).toBe('ERRDOS/ERR_0x1234');
    expect(u.ntStatus).toBeUndefined();
    expect(dosError(0xff, 1).name).toBe('ERRCMD/ERR_0x0001');
  });

  it('property: any class/code pair gives a named entry', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (c, e) => {
        const d = dosError(c, e);
        return d.name.length > 0 && d.message.length > 0 && d.code === packDos(c & 0xff, e & 0xffff);
      }),
    );
  });
});

describe('NetBIOS', () => {
  it('names the RFC 1002 §4.3.4 session refusal codes', () => {
    expect(nbssRefusal(0x80).name).toBe('NBSS_NOT_LISTENING_ON_CALLED_NAME');
    expect(nbssRefusal(0x81).name).toBe('NBSS_NOT_LISTENING_FOR_CALLING_NAME');
    expect(nbssRefusal(0x82).name).toBe('NBSS_CALLED_NAME_NOT_PRESENT');
    expect(nbssRefusal(0x83).message).toContain('insufficient resources');
    expect(nbssRefusal(0x8f).name).toBe('NBSS_UNSPECIFIED_ERROR');
    expect(nbssRefusal(0x90)).toMatchObject({ code: 0x90, name: 'NBSS_0x90' });
    expect(NBSS.NBSS_CALLED_NAME_NOT_PRESENT).toBe(0x82);
    checkTable(NBSS_ENTRIES);
  });

  it('names the RFC 1002 name service RCODEs', () => {
    const expected = ['FMT_ERR', 'SRV_ERR', 'NAM_ERR', 'IMP_ERR', 'RFS_ERR', 'ACT_ERR', 'CFT_ERR'];
    expected.forEach((n, i) => expect(netbiosRcode(i + 1).name).toBe(n));
    expect(netbiosRcode(0).name).toBe('NOERROR');
    expect(netbiosRcode(9).name).toBe('RCODE_9');
    expect(NB_RCODE.CFT_ERR).toBe(7);
    checkTable(NB_RCODE_ENTRIES);
  });

  it('property: any byte / number is named', () => {
    fc.assert(fc.property(fc.integer(), (n) => nbssRefusal(n).name.length > 0 && netbiosRcode(n).name.length > 0));
  });
});

describe('DCE/RPC', () => {
  // C706 Appendix E values; Win32 names from [MS-RPCE] §3.1.1.5.5 with [MS-ERREF] values.
  const SPEC: readonly (readonly [string, number, number | undefined])[] = [
    ['nca_s_fault_int_div_by_zero', 0x1c000001, 1767],
    ['nca_s_fault_invalid_tag', 0x1c000006, 1733],
    ['nca_s_fault_invalid_bound', 0x1c000007, 1734],
    ['nca_s_fault_cancel', 0x1c00000d, 1818],
    ['nca_s_fault_unspec', 0x1c000012, 1726],
    ['nca_s_fault_remote_comm_failure', 0x1c000013, undefined],
    ['nca_s_fault_context_mismatch', 0x1c00001a, 6],
    ['nca_s_fault_remote_no_memory', 0x1c00001b, 1130],
    ['nca_s_invalid_pres_context_id', 0x1c00001c, 1728],
    ['nca_s_unsupported_authn_level', 0x1c00001d, 1821],
    ['nca_s_fault_no_client_stub', 0x1c000025, undefined],
    ['nca_s_comm_failure', 0x1c010001, 1820],
    ['nca_s_op_rng_error', 0x1c010002, 1745],
    ['nca_s_unk_if', 0x1c010003, 1717],
    ['nca_s_wrong_boot_time', 0x1c010006, undefined],
    ['nca_s_proto_error', 0x1c01000b, 1728],
    ['nca_s_server_too_busy', 0x1c010014, 1723],
    ['nca_s_unsupported_type', 0x1c010017, 1732],
  ];
  it.each(SPEC)('%s = 0x%s', (name, code, w) => {
    const f = rpcFault(code);
    expect(f.name).toBe(name);
    expect(f.win32).toBe(w);
    expect((NCA as Record<string, number>)[name]).toBe(code);
    expect(rpcFaultToWin32(code)).toBe(w ?? code);
  });

  it('names Win32-valued fault statuses from the Win32 table', () => {
    expect(rpcFault(5)).toMatchObject({ name: 'ERROR_ACCESS_DENIED', win32: 5 });
    expect(rpcFault(0x6f7)).toMatchObject({ name: 'RPC_X_BAD_STUB_DATA', win32: 1783 });
    expect(rpcFault(0x6ba).name).toBe('RPC_S_SERVER_UNAVAILABLE');
    expect(rpcFault(0x721).name).toBe('RPC_S_SEC_PKG_ERROR');
    expect(rpcFaultToWin32(0x6f7)).toBe(0x6f7);
    expect(rpcFault(0)).toMatchObject({ code: 0, win32: 1728 });
    expect(rpcFault(0x1c0000ff).name).toBe('RPC_FAULT_0x1C0000FF');
    expect(rpcFault(0xfffe).name).toBe('RPC_FAULT_0x0000FFFE');
  });

  it('keeps fault names unique and values distinct', () => {
    checkTable(RPC_FAULT_ENTRIES);
    expect(RPC_FAULT_ENTRIES.length).toBeGreaterThanOrEqual(40);
    for (const e of RPC_FAULT_ENTRIES) expect(e.name.startsWith('nca_s_')).toBe(true);
  });

  it('names bind_ack results and provider reasons (C706 §12.6.3.1)', () => {
    expect(bindResult(0).name).toBe('acceptance');
    expect(bindResult(1).name).toBe('user_rejection');
    expect(bindResult(2).name).toBe('provider_rejection');
    expect(bindResult(3).name).toBe('negotiate_ack');
    expect(bindResult(4).name).toBe('bind_result_4');
    expect(bindProviderReason(1).name).toBe('abstract_syntax_not_supported');
    expect(bindProviderReason(2).name).toBe('proposed_transfer_syntaxes_not_supported');
    expect(bindProviderReason(3).name).toBe('local_limit_exceeded');
    expect(BIND_RESULT.provider_rejection).toBe(2);
    expect(BIND_PROVIDER_REASON.abstract_syntax_not_supported).toBe(1);
    checkTable(BIND_RESULT_ENTRIES);
    checkTable(BIND_PROVIDER_REASON_ENTRIES);
  });

  it('keeps the MS-RPCE and C706 bind_nak enums apart', () => {
    expect(bindNakReason(0).name).toBe('REASON_NOT_SPECIFIED');
    expect(bindNakReason(2).name).toBe('LOCAL_LIMIT_EXCEEDED');
    expect(bindNakReason(4).name).toBe('PROTOCOL_VERSION_NOT_SPECIFIED');
    expect(bindNakReason(8).name).toBe('authentication_type_not_recognized');
    expect(bindNakReason(9).name).toBe('invalid_checksum');
    // C706-only values fall back to the C706 names.
    expect(bindNakReason(3).name).toBe('called_paddr_unknown');
    expect(bindNakReason(7).name).toBe('no_psap_available');
    expect(bindNakReason(10).name).toBe('bind_nak_reason_10');
    expect(BIND_NAK_REASON.invalid_checksum).toBe(9);
    expect(BIND_NAK_REASON_C706.protocol_version_not_supported).toBe(4);
    expect(BIND_NAK_REASON_C706.default_context_not_supported).toBe(5);
    expect('called_paddr_unknown' in BIND_NAK_REASON).toBe(false);
    expect('authentication_type_not_recognized' in BIND_NAK_REASON_C706).toBe(false);
    expect('invalid_checksum' in BIND_NAK_REASON_C706).toBe(false);
    checkTable(BIND_NAK_REASON_ENTRIES);
    checkTable(BIND_NAK_REASON_C706_ENTRIES);
  });

  it('names endpoint-mapper statuses', () => {
    expect(eptStatus(0x16c9a0d6).name).toBe('ept_s_not_registered');
    expect(EPT.ept_s_not_registered).toBe(0x16c9a0d6);
    expect(eptStatus(0).name).toBe('error_status_ok');
    expect(eptStatus(1753).name).toBe('EPT_S_NOT_REGISTERED');
    expect(eptStatus(0x16c9a0ff).name).toBe('EPT_STATUS_0x16C9A0FF');
    checkTable(EPT_ENTRIES);
  });

  it('property: any u32 fault / ept status gives a named entry', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (c) => {
        const f = rpcFault(c);
        const e = eptStatus(c);
        return f.name.length > 0 && f.message.length > 0 && e.name.length > 0 && f.code === c && rpcFaultToWin32(c) >= 0;
      }),
    );
  });

  it('property: small-number lookups never fail', () => {
    fc.assert(
      fc.property(fc.integer(), (n) =>
        [bindResult(n), bindProviderReason(n), bindNakReason(n)].every((s: StatusInfo) => s.name.length > 0),
      ),
    );
  });
});

// Keep the exported entry type honest.
const _typed: readonly CatalogueEntry[] = WIN32_ENTRIES;
void _typed;
