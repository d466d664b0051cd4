import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatStringBinding, parseStringBinding, type StringBinding } from '../../src/rpc/binding.js';
import { NetsendError } from '../../src/status/error.js';

describe('string bindings (C706 Appendix I, [MS-RPCE] §2.1)', () => {
  it('parses the common forms', () => {
    expect(parseStringBinding('ncacn_np:HOST[\\pipe\\wkssvc]')).toEqual({ protseq: 'ncacn_np', networkAddress: 'HOST', endpoint: '\\pipe\\wkssvc', options: [] });
    expect(parseStringBinding('ncacn_ip_tcp:10.0.0.1[135]')).toEqual({ protseq: 'ncacn_ip_tcp', networkAddress: '10.0.0.1', endpoint: '135', options: [] });
    expect(parseStringBinding('ncadg_ip_udp:HOST[1026]')).toMatchObject({ protseq: 'ncadg_ip_udp', endpoint: '1026' });
    expect(parseStringBinding('ncacn_np:HOST[\\pipe\\wkssvc,opt,Security=Impersonation Dynamic False]')).toEqual({
      protseq: 'ncacn_np',
      networkAddress: 'HOST',
      endpoint: '\\pipe\\wkssvc',
      options: [{ name: 'opt' }, { name: 'Security', value: 'Impersonation Dynamic False' }],
    });
    expect(parseStringBinding('6BFFD098-A112-3610-9833-46C3F87E345A@ncacn_np:HOST[\\pipe\\wkssvc]')).toMatchObject({ object: '6bffd098-a112-3610-9833-46c3f87e345a' });
    expect(parseStringBinding('ncalrpc:')).toEqual({ protseq: 'ncalrpc', networkAddress: '', options: [] });
    expect(parseStringBinding('ncacn_np:HOST[endpoint=\\pipe\\x]')).toMatchObject({ endpoint: '\\pipe\\x' });
    expect(parseStringBinding('ncacn_ip_tcp:fe80::1[135]')).toMatchObject({ networkAddress: 'fe80::1', endpoint: '135' });
  });

  it('formats', () => {
    expect(formatStringBinding({ protseq: 'ncacn_np', networkAddress: 'HOST', endpoint: '\\pipe\\wkssvc', options: [] })).toBe('ncacn_np:HOST[\\pipe\\wkssvc]');
    expect(formatStringBinding({ protseq: 'ncacn_np', networkAddress: 'H', options: [{ name: 'print' }] })).toBe('ncacn_np:H[,print]');
    expect(formatStringBinding({ object: '6bffd098-a112-3610-9833-46c3f87e345a', protseq: 'ncacn_ip_tcp', networkAddress: 'h', options: [] })).toBe('6bffd098-a112-3610-9833-46c3f87e345a@ncacn_ip_tcp:h');
  });

  it('rejects malformed bindings with a usage error', () => {
    for (const bad of ['', 'HOST', 'nope@ncacn_np:H', 'ncacn_np:H[\\pipe\\x', 'ncacn_np:H]', '1bad:H', 'ncacn_np:H[a[b]]', 'ncacn_np:H[x,=v]']) {
      expect(() => parseStringBinding(bad), bad).toThrow(NetsendError);
    }
  });

  it('format/parse round trip', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9_.\\-]{1,12}$/);
    const arb: fc.Arbitrary<StringBinding> = fc.record(
      {
        object: fc.uuid().map((u) => u.toLowerCase()),
        protseq: fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/),
        networkAddress: fc.stringMatching(/^[A-Za-z0-9.:-]{0,15}$/),
        endpoint: word,
        options: fc.array(fc.record({ name: word.filter((w) => w.toLowerCase() !== 'endpoint'), value: word }, { requiredKeys: ['name'] }), { maxLength: 3 }),
      },
      { requiredKeys: ['protseq', 'networkAddress', 'options'] },
    );
    fc.assert(
      fc.property(arb, (b) => {
        expect(parseStringBinding(formatStringBinding(b))).toEqual(b);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        try {
          formatStringBinding(parseStringBinding(s));
        } catch (e) {
          if (!(e instanceof NetsendError)) throw e;
        }
      }),
    );
  });
});
