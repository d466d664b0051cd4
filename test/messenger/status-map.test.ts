import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NetsendError, TimeoutError, AbortError, MalformedError } from '../../src/status/error.js';
import { netApiStatusFor, netApiStatusName } from '../../src/messenger/status-map.js';
import { replyStatusError } from '../../src/messenger/send.js';

const err = (layer: NetsendError['layer'], code: number, name = 'X') => new NetsendError(layer, code, name, 'm');

describe('netApiStatusFor (the status-map.ts table)', () => {
  const rows: Array<[string, unknown, number]> = [
    ['success', null, 0],
    ['NBSS 0x82 called name not present', err('nbss', 0x82), 2273],
    ['NBSS 0x80 not listening on called name', err('nbss', 0x80), 2273],
    ['NBSS 0x83 insufficient resources', err('nbss', 0x83), 2136],
    ['NBSS 0x8F unspecified', err('nbss', 0x8f), 2136],
    ['name query failed', err('netbios', 3), 2273],
    ['connection refused', err('socket', 111, 'ECONNREFUSED'), 2136],
    ['timeout', new TimeoutError('connect', 10), 2136],
    ['malformed reply', new MalformedError('reply', 'x'), 2136],
    ['abort', new AbortError('send'), 995],
    ['usage', err('usage', 87), 87],
    ['ERRDOS/71 (message command unset)', replyStatusError({ form: 'dos', errorClass: 1, errorCode: 71 }, 0xd5), 71],
    ['ERRDOS/87', replyStatusError({ form: 'dos', errorClass: 1, errorCode: 87 }, 0xd7), 87],
    ['ERRSRV/ERRpaused', replyStatusError({ form: 'dos', errorClass: 2, errorCode: 81 }, 0xd0), 2281],
    ['ERRSRV/ERRmsgoff', replyStatusError({ form: 'dos', errorClass: 2, errorCode: 82 }, 0xd0), 2273],
    ['ERRSRV/ERRnoroom', replyStatusError({ form: 'dos', errorClass: 2, errorCode: 83 }, 0xd0), 2282],
    ['ERRSRV/ERRerror', replyStatusError({ form: 'dos', errorClass: 2, errorCode: 1 }, 0xd0), 2136],
    ['ERRHRD', replyStatusError({ form: 'dos', errorClass: 3, errorCode: 31 }, 0xd0), 2136],
    ['STATUS_REQUEST_NOT_ACCEPTED', replyStatusError({ form: 'nt', code: 0xc00000d0 }, 0xd5), 71],
    ['STATUS_INVALID_PARAMETER', replyStatusError({ form: 'nt', code: 0xc000000d }, 0xd7), 87],
    ['STATUS_ACCESS_DENIED', replyStatusError({ form: 'nt', code: 0xc0000022 }, 0xd0), 5],
    ['STATUS_NOT_SUPPORTED', replyStatusError({ form: 'nt', code: 0xc00000bb }, 0xd0), 50],
    ['ERRSRV/ERRmsgoff in NT form 0x00520002', replyStatusError({ form: 'nt', code: 0x00520002 }, 0xd0), 2273],
    ['other NTSTATUS', replyStatusError({ form: 'nt', code: 0xc0000001 }, 0xd0), 2136],
    ['win32 passes through', err('win32', 2281), 2281],
    ['not a NetsendError', new Error('x'), 2136],
  ];
  for (const [what, e, expected] of rows) {
    it(`${what} -> ${expected}`, () => expect(netApiStatusFor(e)).toBe(expected));
  }

  it('names the results', () => {
    expect(netApiStatusName(2273)).toBe('NERR_NameNotFound');
    expect(netApiStatusName(71)).toBe('ERROR_REQ_NOT_ACCEP');
    expect(netApiStatusName(2136)).toBe('NERR_NetworkError');
  });

  it('keeps the raw status on the error', () => {
    const e = replyStatusError({ form: 'dos', errorClass: 1, errorCode: 71 }, 0xd5);
    expect(e).toMatchObject({ layer: 'dos', code: 0x10047, name: 'ERRDOS/ERRreqnotaccep' });
    expect(e.message).toContain('0xD5');
  });

  it('is total: any error of any layer maps to a number without throwing (property)', () => {
    const layers = ['ntstatus', 'dos', 'nbss', 'netbios', 'rpc-fault', 'rpc-bind', 'rpc-bind-nak', 'win32', 'ntlm', 'socket', 'protocol', 'timeout', 'abort', 'usage'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...layers), fc.integer({ min: 0, max: 0xffffffff }), (layer, code) => {
        const n = netApiStatusFor(err(layer, code));
        expect(Number.isInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
