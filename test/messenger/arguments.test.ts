import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dgram from 'node:dgram';
import fc from 'fast-check';
import { netMessageBufferSend } from '../../src/messenger/api.js';
import { lookupLmhosts, resolveMessengerName } from '../../src/messenger/resolve.js';

// The Win32 contract for a caller's mistakes: 87 before any traffic, never 2136.
describe('netMessageBufferSend argument contract', () => {
  const noNetwork = () => {
    const calls: string[] = [];
    const options = {
      resolve: async (n: string) => {
        calls.push(`resolve ${n}`);
        return '127.0.0.1';
      },
      remoteSend: async () => {
        calls.push('remote');
        return 0;
      },
    };
    return { calls, options };
  };
  const bad: Array<[string, unknown[]]> = [
    ['null msgName', [null, null, 'A', 'text']],
    ['undefined msgName', [null, undefined, 'A', 'text']],
    ['numeric msgName', [null, 42, 'A', 'text']],
    ['empty msgName', [null, '', 'A', 'text']],
    ['blank msgName', [null, '   ', 'A', 'text']],
    ['null text', [null, 'BOB', 'A', null]],
    ['numeric text', [null, 'BOB', 'A', 7]],
    ['empty text', [null, 'BOB', 'A', '']],
    ['object from', [null, 'BOB', {}, 'text']],
    ['numeric server', [5, 'BOB', 'A', 'text']],
    ['empty text, remote', ['SRV', 'BOB', 'A', '']],
  ];
  for (const [what, args] of bad) {
    it(`${what} -> 87 ERROR_INVALID_PARAMETER, nothing resolved or sent`, async () => {
      const { calls, options } = noNetwork();
      const f = netMessageBufferSend as unknown as (...a: unknown[]) => Promise<number>;
      expect(await f(...args, options)).toBe(87);
      expect(calls).toEqual([]);
    });
  }
  it('a text over the 652-byte limit or a 16-byte name is 87 too (checked after encoding)', async () => {
    const { options } = noNetwork();
    expect(await netMessageBufferSend(null, 'BOB', 'A', 'x'.repeat(653), options)).toBe(87);
    expect(await netMessageBufferSend(null, 'SIXTEEN-BYTES-XX', 'A', 'x', options)).toBe(87);
  });
  it('property: any non-string text never yields 2136', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer(), fc.constant(null), fc.constant(undefined), fc.object(), fc.boolean()), async (text) => {
        const { options } = noNetwork();
        const f = netMessageBufferSend as unknown as (...a: unknown[]) => Promise<number>;
        expect(await f(null, 'BOB', 'A', text, options)).toBe(87);
      }),
      { numRuns: 50 },
    );
  });
});

describe('LMHOSTS lookup', () => {
  const text = [
    '# comment line',
    '192.0.2.7   BOB',
    '192.0.2.8   CAROL#20    #PRE',
    '192.0.2.9   CAROL#03',
    '192.0.2.10  "DAVE"  #DOM:LAB',
    'not-an-address EVE',
    '192.0.2.11',
  ].join('\r\n');
  it('finds a name in any case, honours the #03 suffix, skips comments and junk', () => {
    expect(lookupLmhosts(text, 'bob')).toBe('192.0.2.7');
    expect(lookupLmhosts(text, 'CAROL')).toBe('192.0.2.9');
    expect(lookupLmhosts(text, 'dave')).toBe('192.0.2.10');
    expect(lookupLmhosts(text, 'EVE')).toBeNull();
    expect(lookupLmhosts(text, 'NOBODY')).toBeNull();
  });
  it('property: never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 20 }), (t, n) => {
      const r = lookupLmhosts(t, n);
      expect(r === null || typeof r === 'string').toBe(true);
    }));
  });
});

describe('resolution order: LMHOSTS, NetBIOS name query, DNS', () => {
  // A silent NetBIOS name server: the query goes unanswered, so only the fallbacks can answer.
  async function silentNameServer(): Promise<{ address: string; port: number; close(): void }> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return { address: '127.0.0.1', port: s.address().port, close: () => s.close() };
  }
  it('LMHOSTS answers before any query; DNS answers `localhost` when the query finds no owner; dns:false keeps NAME_NOT_FOUND', async () => {
    const ns = await silentNameServer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmhosts-'));
    const file = path.join(dir, 'lmhosts');
    fs.writeFileSync(file, '127.0.0.9 LABPC\n');
    try {
      const base = { wins: ns.address, nsPort: ns.port, timeoutMs: 400 };
      expect(await resolveMessengerName('labpc', { ...base, lmhosts: file })).toBe('127.0.0.9');
      expect(await resolveMessengerName('localhost', { ...base, lmhosts: file })).toBe('127.0.0.1');
      await expect(resolveMessengerName('localhost', { ...base, dns: false })).rejects.toMatchObject({ layer: 'netbios' });
      await expect(resolveMessengerName('nohost.invalid', base)).rejects.toMatchObject({ layer: 'netbios', message: expect.stringContaining('no DNS or hosts-file entry') });
      await expect(resolveMessengerName('labpc', { ...base, lmhosts: path.join(dir, 'missing') })).rejects.toMatchObject({ layer: 'usage', code: 87 });
    } finally {
      ns.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
