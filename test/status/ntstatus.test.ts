import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  NT,
  NT_STATUS_ENTRIES,
  formatNtStatus,
  isNtError,
  isNtSuccess,
  isNtWarning,
  ntFacility,
  ntSeverity,
  ntStatus,
  ntStatusByName,
} from '../../src/status/index.js';

// Written from the [MS-ERREF] §2.3.1 and [MS-CIFS] §2.2.2.4 tables, not derived from the catalogue.
const SPEC_PAIRS: readonly (readonly [string, number])[] = [
  ['STATUS_SUCCESS', 0x00000000],
  ['STATUS_PENDING', 0x00000103],
  ['STATUS_BUFFER_OVERFLOW', 0x80000005],
  ['STATUS_NO_MORE_FILES', 0x80000006],
  ['STATUS_ACCESS_VIOLATION', 0xc0000005],
  ['STATUS_INVALID_HANDLE', 0xc0000008],
  ['STATUS_INVALID_PARAMETER', 0xc000000d],
  ['STATUS_MORE_PROCESSING_REQUIRED', 0xc0000016],
  ['STATUS_ACCESS_DENIED', 0xc0000022],
  ['STATUS_OBJECT_NAME_NOT_FOUND', 0xc0000034],
  ['STATUS_OBJECT_PATH_NOT_FOUND', 0xc000003a],
  ['STATUS_OBJECT_PATH_SYNTAX_BAD', 0xc000003b],
  ['STATUS_NO_SUCH_USER', 0xc0000064],
  ['STATUS_WRONG_PASSWORD', 0xc000006a],
  ['STATUS_LOGON_FAILURE', 0xc000006d],
  ['STATUS_ACCOUNT_RESTRICTION', 0xc000006e],
  ['STATUS_INVALID_LOGON_HOURS', 0xc000006f],
  ['STATUS_INVALID_WORKSTATION', 0xc0000070],
  ['STATUS_PASSWORD_EXPIRED', 0xc0000071],
  ['STATUS_ACCOUNT_DISABLED', 0xc0000072],
  ['STATUS_INSUFFICIENT_RESOURCES', 0xc000009a],
  ['STATUS_INSTANCE_NOT_AVAILABLE', 0xc00000ab],
  ['STATUS_PIPE_NOT_AVAILABLE', 0xc00000ac],
  ['STATUS_INVALID_PIPE_STATE', 0xc00000ad],
  ['STATUS_PIPE_BUSY', 0xc00000ae],
  ['STATUS_PIPE_DISCONNECTED', 0xc00000b0],
  ['STATUS_PIPE_CLOSING', 0xc00000b1],
  ['STATUS_IO_TIMEOUT', 0xc00000b5],
  ['STATUS_NOT_SUPPORTED', 0xc00000bb],
  ['STATUS_REMOTE_NOT_LISTENING', 0xc00000bc],
  ['STATUS_DUPLICATE_NAME', 0xc00000bd],
  ['STATUS_BAD_NETWORK_PATH', 0xc00000be],
  ['STATUS_NETWORK_NAME_DELETED', 0xc00000c9],
  ['STATUS_NETWORK_ACCESS_DENIED', 0xc00000ca],
  ['STATUS_BAD_NETWORK_NAME', 0xc00000cc],
  ['STATUS_REQUEST_NOT_ACCEPTED', 0xc00000d0],
  ['STATUS_PIPE_EMPTY', 0xc00000d9],
  ['STATUS_INTERNAL_ERROR', 0xc00000e5],
  ['STATUS_CANCELLED', 0xc0000120],
  ['STATUS_FILE_CLOSED', 0xc0000128],
  ['STATUS_PIPE_BROKEN', 0xc000014b],
  ['STATUS_TRUSTED_DOMAIN_FAILURE', 0xc000018c],
  ['STATUS_USER_SESSION_DELETED', 0xc0000203],
  ['STATUS_CONNECTION_RESET', 0xc000020d],
  ['STATUS_PASSWORD_MUST_CHANGE', 0xc0000224],
  ['STATUS_NOT_FOUND', 0xc0000225],
  ['STATUS_ACCOUNT_LOCKED_OUT', 0xc0000234],
  ['STATUS_ENCRYPTION_FAILED', 0xc000028a],
  ['STATUS_DECRYPTION_FAILED', 0xc000028b],
  ['STATUS_NETWORK_SESSION_EXPIRED', 0xc000035c],
  ['STATUS_INVALID_SIGNATURE', 0xc000a000],
  ['RPC_NT_UNKNOWN_IF', 0xc0020012],
  ['RPC_NT_SERVER_UNAVAILABLE', 0xc0020017],
  ['RPC_NT_CALL_FAILED', 0xc002001b],
  ['RPC_NT_PROTOCOL_ERROR', 0xc002001d],
  ['RPC_NT_PROCNUM_OUT_OF_RANGE', 0xc002002e],
  ['EPT_NT_NOT_REGISTERED', 0xc0020036],
  ['RPC_NT_SS_CONTEXT_MISMATCH', 0xc0030005],
  ['RPC_NT_BAD_STUB_DATA', 0xc003000c],
  // [MS-CIFS] §2.2.2.4 DOS errors in NTSTATUS form.
  ['STATUS_INVALID_SMB', 0x00010002],
  ['STATUS_SMB_BAD_TID', 0x00050002],
  ['STATUS_SMB_BAD_COMMAND', 0x00160002],
  ['STATUS_SMB_BAD_UID', 0x005b0002],
  ['STATUS_SMB_BAD_FID', 0x00060001],
];

describe('NTSTATUS catalogue', () => {
  it.each(SPEC_PAIRS)('%s = spec value', (name, value) => {
    expect(ntStatusByName(name)).toBe(value);
    expect(ntStatus(value).name).toBe(name);
    expect((NT as Record<string, number>)[name]).toBe(value);
  });

  it('holds at least 250 entries', () => {
    expect(NT_STATUS_ENTRIES.length).toBeGreaterThanOrEqual(250);
  });

  it('has no duplicate names and every entry round-trips by name', () => {
    const names = new Set<string>();
    for (const e of NT_STATUS_ENTRIES) {
      expect(names.has(e.name), e.name).toBe(false);
      names.add(e.name);
      expect(ntStatusByName(e.name)).toBe(e.code);
      expect(e.message.length).toBeGreaterThan(0);
      expect(Number.isInteger(e.code) && e.code >= 0 && e.code <= 0xffffffff).toBe(true);
    }
  });

  it('repeats a value only for a declared alias, and number lookups give the primary name', () => {
    const primary = new Map<number, string>();
    for (const e of NT_STATUS_ENTRIES) {
      if (!primary.has(e.code)) {
        expect(e.alias, `${e.name} is first for its value`).toBe(false);
        primary.set(e.code, e.name);
      } else {
        expect(e.alias, `${e.name} repeats ${primary.get(e.code)}`).toBe(true);
      }
    }
    for (const [code, name] of primary) expect(ntStatus(code).name).toBe(name);
    expect(ntStatus(0).name).toBe('STATUS_SUCCESS');
    expect(ntStatusByName('STATUS_WAIT_0')).toBe(0);
    expect(ntStatus(0x80).name).toBe('STATUS_ABANDONED');
  });

  it('does not carry the debugger codes that collide with SMB meanings', () => {
    expect(ntStatusByName('DBG_CONTINUE')).toBeUndefined();
    expect(ntStatus(0x00010002).name).toBe('STATUS_INVALID_SMB');
  });

  it('formats as NAME (0xHEX)', () => {
    expect(formatNtStatus(0xc000006d)).toBe('STATUS_LOGON_FAILURE (0xC000006D)');
    expect(formatNtStatus(-1073741715)).toBe('STATUS_LOGON_FAILURE (0xC000006D)');
    expect(formatNtStatus(0xc0ffee01)).toBe('NTSTATUS_0xC0FFEE01 (0xC0FFEE01)');
  });

  it('classifies severity from the top two bits', () => {
    expect(ntSeverity(0)).toBe('success');
    expect(ntSeverity(0x40000000)).toBe('informational');
    expect(ntSeverity(0x80000005)).toBe('warning');
    expect(ntSeverity(0xc000006d)).toBe('error');
    expect(isNtError(0xc000006d)).toBe(true);
    expect(isNtError(0x80000005)).toBe(false);
    expect(isNtWarning(0x80000005)).toBe(true);
    expect(isNtSuccess(0x00000103)).toBe(true);
    expect(isNtSuccess(0xc0000016)).toBe(false);
    expect(ntFacility(0xc0020012)).toBe(2);
    expect(ntFacility(0xc003000c)).toBe(3);
  });

  it('synthesizes names and messages for unknown codes', () => {
    const s = ntStatus(0xc0ffee01);
    expect(s).toEqual({ code: 0xc0ffee01, name: 'NTSTATUS_0xC0FFEE01', message: expect.stringContaining('severity error') });
    expect(s.message).not.toContain('customer-defined');
    expect(s.message).toContain('facility 0xFF');
    expect(ntStatus(0xe0001234).message).toContain('customer-defined');
    expect(ntStatus(0x8abc0000).message).toContain('severity warning');
    expect(ntStatusByName('NTSTATUS_0xC0FFEE01')).toBeUndefined();
    expect(ntStatusByName('STATUS_NOT_A_REAL_STATUS')).toBeUndefined();
  });

  it('explains unknown codes in the MS-CIFS DOS-in-NTSTATUS form', () => {
    // ERRSRV/ERRmsgoff (82) written as (82 << 16) | 2.
    expect(ntStatus(0x00520002).message).toContain('ERRSRV/ERRmsgoff');
    expect(ntStatus(0x00470001).message).toContain('ERRDOS/ERRreqnotaccep');
  });

  it('property: every u32 gives a StatusInfo with a non-empty name and message', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (code) => {
        const s = ntStatus(code);
        return s.code === code && s.name.length > 0 && s.message.length > 0 && formatNtStatus(code).startsWith(s.name);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: negative int32 views give the same answer as the u32', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (v) => {
        expect(ntStatus(v)).toEqual(ntStatus(v >>> 0));
      }),
    );
  });

  it('property: isNtError / isNtWarning / isNtSuccess partition the severities', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (code) => {
        const flags = [isNtError(code), isNtWarning(code), isNtSuccess(code)].filter(Boolean).length;
        return flags === 1;
      }),
    );
  });
});
