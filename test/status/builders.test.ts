import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  NetsendError,
  bindNakError,
  bindRejectError,
  dosStatusError,
  nbssError,
  netbiosError,
  ntStatusError,
  rpcFaultError,
  win32Error,
} from '../../src/status/index.js';

describe('error builders', () => {
  it('ntStatusError reads "context: NAME (0xHEX): message"', () => {
    const e = ntStatusError(0xc000006d, 'session setup');
    expect(e).toBeInstanceOf(NetsendError);
    expect(e.layer).toBe('ntstatus');
    expect(e.code).toBe(0xc000006d);
    expect(e.name).toBe('STATUS_LOGON_FAILURE');
    expect(e.message).toBe(
      'session setup: STATUS_LOGON_FAILURE (0xC000006D): The attempted logon is invalid. This is either due to a bad username or authentication information.',
    );
    expect(e.label.toUpperCase()).toBe('STATUS_LOGON_FAILURE (0XC000006D)');
    expect(ntStatusError(0xc0000022).message.startsWith('STATUS_ACCESS_DENIED (0xC0000022): ')).toBe(true);
    expect(ntStatusError(0xc0ffee01).name).toBe('NTSTATUS_0xC0FFEE01');
  });

  it('dosStatusError packs class and code', () => {
    const e = dosStatusError(1, 71, 'message start');
    expect(e.layer).toBe('dos');
    expect(e.code).toBe(0x00010047);
    expect(e.name).toBe('ERRDOS/ERRreqnotaccep');
    expect(e.message.startsWith('message start: ERRDOS/ERRreqnotaccep (0x00010047): ')).toBe(true);
  });

  it('nbssError and netbiosError', () => {
    const e = nbssError(0x82, '\\\\HOST<03>');
    expect(e).toMatchObject({ layer: 'nbss', code: 0x82, name: 'NBSS_CALLED_NAME_NOT_PRESENT' });
    expect(e.message).toBe('\\\\HOST<03>: NBSS_CALLED_NAME_NOT_PRESENT (0x82): Called name not present.');
    expect(netbiosError(3)).toMatchObject({ layer: 'netbios', code: 3, name: 'NAM_ERR' });
  });

  it('rpcFaultError', () => {
    const e = rpcFaultError(0x1c010002, 'NetrMessageBufferSend');
    expect(e).toMatchObject({ layer: 'rpc-fault', code: 0x1c010002, name: 'nca_s_op_rng_error' });
    expect(e.message).toContain('NetrMessageBufferSend: nca_s_op_rng_error (0x1C010002): ');
    expect(rpcFaultError(5).name).toBe('ERROR_ACCESS_DENIED');
  });

  it('bindNakError and bindRejectError', () => {
    expect(bindNakError(4)).toMatchObject({ layer: 'rpc-bind-nak', code: 4, name: 'PROTOCOL_VERSION_NOT_SPECIFIED' });
    const r = bindRejectError(2, 1, 'bind msgsvc');
    expect(r).toMatchObject({ layer: 'rpc-bind', code: 1, name: 'abstract_syntax_not_supported' });
    expect(r.message).toContain('provider_rejection');
    expect(r.message.startsWith('bind msgsvc: abstract_syntax_not_supported (1): ')).toBe(true);
  });

  it('win32Error', () => {
    const e = win32Error(2273, 'NetMessageBufferSend');
    expect(e).toMatchObject({ layer: 'win32', code: 2273, name: 'NERR_NameNotFound' });
    expect(e.message).toBe('NetMessageBufferSend: NERR_NameNotFound (2273): The message alias could not be found on the network.');
  });

  it('empty context is left out', () => {
    expect(win32Error(5, '').message).toBe('ERROR_ACCESS_DENIED (5): Access is denied.');
  });

  it('property: builders never throw and always name the error', () => {
    const ctx = fc.option(fc.string(), { nil: undefined });
    fc.assert(
      fc.property(fc.integer(), fc.integer(), ctx, (a, b, c) => {
        const errors = [
          ntStatusError(a, c),
          dosStatusError(a, b, c),
          nbssError(a, c),
          netbiosError(a, c),
          rpcFaultError(a, c),
          bindNakError(a, c),
          bindRejectError(a, b, c),
          win32Error(a, c),
        ];
        return errors.every((e) => e instanceof NetsendError && e.name.length > 0 && e.message.includes(e.name));
      }),
    );
  });
});
