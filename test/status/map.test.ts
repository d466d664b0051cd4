import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NT, NT_TO_WIN32_ENTRIES, WIN32, WIN32_UNMAPPED, ntStatus, ntStatusToWin32, win32 } from '../../src/status/index.js';

describe('NTSTATUS -> Win32', () => {
  // The correspondences the brief and protocol-notes §4.1/§4.5 rely on, written as numbers.
  const PAIRS: readonly (readonly [number, number])[] = [
    [0x00000000, 0],
    [0xc000006d, 1326], // LOGON_FAILURE
    [0xc000006e, 1327], // ACCOUNT_RESTRICTION
    [0xc000006f, 1328],
    [0xc0000070, 1329],
    [0xc0000071, 1330],
    [0xc0000072, 1331], // ACCOUNT_DISABLED
    [0xc0000022, 5], // ACCESS_DENIED
    [0xc0000034, 2], // OBJECT_NAME_NOT_FOUND
    [0xc000003a, 3], // OBJECT_PATH_NOT_FOUND
    [0xc00000cc, 67], // BAD_NETWORK_NAME
    [0xc00000be, 53], // BAD_NETWORK_PATH
    [0xc00000c9, 64], // NETWORK_NAME_DELETED
    [0xc00000d0, 71], // REQUEST_NOT_ACCEPTED
    [0xc000000d, 87], // INVALID_PARAMETER
    [0xc00000bb, 50], // NOT_SUPPORTED
    [0xc00000ac, 231], // PIPE_NOT_AVAILABLE
    [0xc00000ae, 231], // PIPE_BUSY
    [0xc00000ad, 230], // INVALID_PIPE_STATE
    [0xc00000b0, 233], // PIPE_DISCONNECTED
    [0xc000014b, 109], // PIPE_BROKEN
    [0x80000005, 234], // BUFFER_OVERFLOW
    [0xc0000017, 8], // NO_MEMORY
    [0xc0000224, 1907], // PASSWORD_MUST_CHANGE
    [0xc0000234, 1909], // ACCOUNT_LOCKED_OUT
    [0xc0000064, 1317], // NO_SUCH_USER
    [0xc000006a, 86], // WRONG_PASSWORD
    [0xc0000120, 995], // CANCELLED
    [0xc000020d, 64], // CONNECTION_RESET
    [0xc0000236, 1225], // CONNECTION_REFUSED
    [0xc0000225, 1168], // NOT_FOUND
    // RPC_NT_x -> RPC_S_x / RPC_X_x by name.
    [0xc0020012, 1717], // RPC_NT_UNKNOWN_IF
    [0xc0020017, 1722], // RPC_NT_SERVER_UNAVAILABLE
    [0xc002002e, 1745], // RPC_NT_PROCNUM_OUT_OF_RANGE
    [0xc003000c, 1783], // RPC_NT_BAD_STUB_DATA
    [0xc0020036, 1753], // EPT_NT_NOT_REGISTERED
  ];
  it.each(PAIRS)('0x%s -> %i', (nt, w) => {
    expect(ntStatusToWin32(nt)).toBe(w);
  });

  it('every mapped pair names a catalogued NTSTATUS and a catalogued Win32 code', () => {
    expect(NT_TO_WIN32_ENTRIES.length).toBeGreaterThan(150);
    for (const [nt, w] of NT_TO_WIN32_ENTRIES) {
      expect(ntStatus(nt).name.startsWith('NTSTATUS_'), nt.toString(16)).toBe(false);
      expect(win32(w).name.startsWith('WIN32_'), `${ntStatus(nt).name} -> ${w}`).toBe(false);
    }
  });

  it('typed consts agree with the mapping', () => {
    expect(ntStatusToWin32(NT.STATUS_LOGON_FAILURE)).toBe(WIN32.ERROR_LOGON_FAILURE);
  });

  it('handles unmapped and FACILITY_WIN32 codes', () => {
    expect(ntStatusToWin32(0xc0ffee01)).toBe(WIN32_UNMAPPED);
    expect(WIN32_UNMAPPED).toBe(317);
    expect(ntStatusToWin32(0xc0070005)).toBe(5);
    expect(ntStatusToWin32(0x80070057)).toBe(87);
    expect(ntStatusToWin32(0x40001234)).toBe(0);
  });

  it('maps SMB1 DOS errors written in NTSTATUS form, never to success', () => {
    expect(ntStatusToWin32(0x00470001)).toBe(71); // ERRDOS/ERRreqnotaccep
    expect(ntStatusToWin32(0x00060001)).toBe(6); // STATUS_SMB_BAD_FID = ERRDOS/ERRbadfid
    expect(ntStatusToWin32(0x00270003)).toBe(39); // ERRHRD/ERRdiskfull
    expect(ntStatusToWin32(0x00050002)).toBe(64); // ERRSRV/ERRinvtid -> NETWORK_NAME_DELETED
    expect(ntStatusToWin32(0x00020002)).toBe(86); // ERRSRV/ERRbadpw -> WRONG_PASSWORD
    expect(ntStatusToWin32(0x00010002)).toBe(317); // ERRSRV/ERRerror: no NT error equivalent
    expect(ntStatusToWin32(0x00520002)).toBe(317); // ERRSRV/ERRmsgoff: none specified
  });

  it('property: always a u32, never throws', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0xffffffff }), (c) => {
        const w = ntStatusToWin32(c);
        return Number.isInteger(w) && w >= 0 && w <= 0xffffffff && w === ntStatusToWin32(c >>> 0);
      }),
    );
  });
});
