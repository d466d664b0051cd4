/**
 * SMB status errors in either SMB1 form read the same through src/smb/errors.ts, so the messenger's
 * NET_API_STATUS table needs no DOS/NT branching of its own.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dosStatusError, ntStatusError, NetsendError, DOS, DOS_CLASS, NT, ntStatusToWin32 } from '../../src/status/index.js';
import { isPipeMissing, isSmbStatusError, smbDosForm, smbStatusToWin32 } from '../../src/smb/index.js';
import { remoteNetApiStatusFor, netApiStatusFor } from '../../src/messenger/status-map.js';

describe('smb/errors.ts', () => {
  it('smbDosForm reads a DOS error and the STATUS_SMB_* NT form alike, and nothing else', () => {
    expect(smbDosForm(dosStatusError(DOS_CLASS.ERRSRV, DOS.ERRSRV.ERRmsgoff))).toEqual({ errorClass: 2, errorCode: 82 });
    expect(smbDosForm(ntStatusError(0x00520002))).toEqual({ errorClass: 2, errorCode: 82 });
    expect(smbDosForm(ntStatusError(0x00470001))).toEqual({ errorClass: 1, errorCode: 71 });
    expect(smbDosForm(ntStatusError(NT.STATUS_ACCESS_DENIED))).toBeNull();
    expect(smbDosForm(new NetsendError('socket', 0, 'ECONNRESET', 'x'))).toBeNull();
  });

  it('smbStatusToWin32: ERRDOS codes are Win32 codes, other classes go through their NTSTATUS', () => {
    expect(smbStatusToWin32(dosStatusError(DOS_CLASS.ERRDOS, DOS.ERRDOS.ERRnoaccess))).toBe(5);
    expect(smbStatusToWin32(dosStatusError(DOS_CLASS.ERRSRV, DOS.ERRSRV.ERRbadpw))).toBe(ntStatusToWin32(0xc000006a));
    expect(smbStatusToWin32(dosStatusError(DOS_CLASS.ERRSRV, DOS.ERRSRV.ERRmsgoff))).toBeUndefined();
    expect(smbStatusToWin32(ntStatusError(NT.STATUS_LOGON_FAILURE))).toBe(1326);
    expect(smbStatusToWin32(new NetsendError('timeout', 0, 'TIMEOUT', 'x'))).toBeUndefined();
  });

  it('isPipeMissing: no such pipe in either form', () => {
    for (const nt of [NT.STATUS_OBJECT_NAME_NOT_FOUND, NT.STATUS_PIPE_NOT_AVAILABLE, NT.STATUS_BAD_NETWORK_NAME]) expect(isPipeMissing(ntStatusError(nt))).toBe(true);
    for (const code of [DOS.ERRDOS.ERRbadfile, DOS.ERRDOS.ERRbadpipe, DOS.ERRDOS.ERRpipebusy]) expect(isPipeMissing(dosStatusError(DOS_CLASS.ERRDOS, code))).toBe(true);
    expect(isPipeMissing(ntStatusError(NT.STATUS_ACCESS_DENIED))).toBe(false);
    expect(isPipeMissing(dosStatusError(DOS_CLASS.ERRSRV, 2))).toBe(false);
    expect(isSmbStatusError(dosStatusError(1, 5))).toBe(true);
    expect(isSmbStatusError(new NetsendError('rpc-fault', 5, 'x', 'x'))).toBe(false);
  });
});

describe('NET_API_STATUS of SMB status errors (status-map.ts, both columns)', () => {
  it('remote: a missing pipe is RPC_S_SERVER_UNAVAILABLE in either form, only while opening the pipe', () => {
    expect(remoteNetApiStatusFor(dosStatusError(DOS_CLASS.ERRDOS, DOS.ERRDOS.ERRbadpipe), 'pipe')).toBe(1722);
    expect(remoteNetApiStatusFor(ntStatusError(NT.STATUS_OBJECT_NAME_NOT_FOUND), 'pipe')).toBe(1722);
    expect(remoteNetApiStatusFor(dosStatusError(DOS_CLASS.ERRDOS, DOS.ERRDOS.ERRbadfile), 'call')).toBe(2);
    expect(remoteNetApiStatusFor(dosStatusError(DOS_CLASS.ERRSRV, DOS.ERRSRV.ERRmsgoff), 'call')).toBe(2136);
  });

  it('direct: an ERRSRV error means the same in the DOS and the NT form (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 0xff }), (cls, code) => {
        expect(netApiStatusFor(ntStatusError(((code << 16) | cls) >>> 0))).toBe(netApiStatusFor(dosStatusError(cls, code)));
      }),
    );
  });
});
