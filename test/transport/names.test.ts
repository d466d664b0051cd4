import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NetsendError } from '../../src/status/error.js';
import { ByteReader } from '../../src/util/bytes.js';
import {
  decodeFirstLevel,
  decodeName,
  encodeFirstLevel,
  encodeName,
  formatNetbiosName,
  nameTo16,
  netbiosName,
  parseNetbiosName,
  readName,
  WILDCARD_NAME,
  type NetbiosName,
} from '../../src/transport/names.js';

describe('NetBIOS names', () => {
  it('encodes the pinned vector BOB<03> (protocol-notes §2.1)', () => {
    const wire = encodeName(netbiosName('bob', 0x03));
    expect(wire.toString('hex')).toBe(Buffer.concat([Buffer.from([0x20]), Buffer.from('ECEPEC' + 'CA'.repeat(12) + 'AD'), Buffer.from([0])]).toString('hex'));
    expect(decodeName(wire)).toEqual({ name: 'BOB', suffix: 3 });
  });

  it('encodes the NBSTAT wildcard as * padded with NULs (CKAAAA...)', () => {
    const wire = encodeName(WILDCARD_NAME);
    expect(wire.subarray(1, 33).toString('latin1')).toBe('CK' + 'AA'.repeat(15));
    expect(decodeName(wire)).toEqual({ name: '*', suffix: 0 });
  });

  it('first-level letters match the names smbclient -M sent in a real capture', () => {
    // smbclient-M-port139.pcap: session request called LABSRV<03>, calling SENDERPC<00>
    expect(encodeFirstLevel(nameTo16(netbiosName('LABSRV', 3))).toString('latin1')).toBe('EMEBECFDFCFGCACACACACACACACACAAD');
    expect(encodeFirstLevel(nameTo16(netbiosName('senderpc', 0))).toString('latin1')).toBe('FDEFEOEEEFFCFAEDCACACACACACACAAA');
  });

  it('validates user input', () => {
    const bad = ['', 'A'.repeat(16), 'A\\B', 'A*B', 'A?', 'A\x01', ' LEAD', 'CAFÉ'];
    for (const b of bad) {
      const e = (() => {
        try {
          netbiosName(b, 0);
        } catch (err) {
          return err;
        }
        return null;
      })();
      expect(e, b).toBeInstanceOf(NetsendError);
      expect((e as NetsendError).layer).toBe('usage');
    }
    expect(() => netbiosName('A', 256)).toThrow(NetsendError);
    expect(() => netbiosName('A', 0, 'bad..scope')).toThrow(NetsendError);
    expect(() => netbiosName('A', 0, 'x'.repeat(64))).toThrow(NetsendError);
    expect(netbiosName('a'.repeat(15), 0x20).name).toBe('A'.repeat(15));
    // OEM bytes pass through; only ASCII letters are upper-cased.
    expect(netbiosName(Buffer.from([0x82, 0x61]), 3).name).toBe('\x82A');
  });

  it('parses NAME<xx> notation', () => {
    expect(parseNetbiosName('bob<03>')).toEqual({ name: 'BOB', suffix: 3 });
    expect(parseNetbiosName('srv', 0x20)).toEqual({ name: 'SRV', suffix: 0x20 });
    expect(formatNetbiosName({ name: '\x01\x02__MSBROWSE__\x02', suffix: 1 })).toBe('\\x01\\x02__MSBROWSE__\\x02<01>');
  });

  it('keeps scopes', () => {
    const n = netbiosName('HOST', 0x20, 'corp.example');
    const wire = encodeName(n);
    expect(wire.length).toBe(34 + 5 + 8);
    expect(decodeName(wire)).toEqual(n);
  });

  it('follows a compression pointer and resumes after it', () => {
    const q = encodeName(netbiosName('HOST', 0x20));
    const msg = Buffer.concat([Buffer.alloc(12), q, Buffer.from([0xc0, 12, 0xaa])]);
    const r = new ByteReader(msg, 'test', 12 + q.length);
    expect(readName(r, { pointers: true })).toEqual({ name: 'HOST', suffix: 0x20 });
    expect(r.offset).toBe(12 + q.length + 2);
  });

  it('refuses pointer loops, pointers out of range and pointers where none are allowed', () => {
    const loop = Buffer.from([0xc0, 0x00]);
    expect(() => readName(new ByteReader(loop, 't'), { pointers: true })).toThrow(/too many compression pointers/);
    const twoLoop = Buffer.from([0xc0, 0x02, 0xc0, 0x00]);
    expect(() => readName(new ByteReader(twoLoop, 't'), { pointers: true })).toThrow(/too many/);
    expect(() => readName(new ByteReader(Buffer.from([0xc0, 0x40]), 't'), { pointers: true })).toThrow(/outside/);
    expect(() => readName(new ByteReader(Buffer.from([0xc0, 0x00]), 't'))).toThrow(/compression pointer/);
    expect(() => decodeName(Buffer.from([0x40, 0]))).toThrow(/reserved label/);
    expect(() => decodeName(Buffer.from([0x04, 0x41, 0x41, 0x41, 0x41, 0]))).toThrow(/expected 32/);
    expect(() => decodeFirstLevel(Buffer.from('AQ'))).toThrow(/first-level/);
  });

  const nameArb: fc.Arbitrary<NetbiosName> = fc
    .record({
      bytes: fc.uint8Array({ minLength: 1, maxLength: 15 }).map((a) => Buffer.from(a.map((b) => (b < 0x21 || b === 0x7f || '\\/:*?"<>|'.includes(String.fromCharCode(b)) ? 0x41 : b)))),
      suffix: fc.integer({ min: 0, max: 255 }),
      scope: fc.option(fc.array(fc.stringMatching(/^[a-z0-9-]{1,20}$/), { minLength: 1, maxLength: 4 }).map((l) => l.join('.')), { nil: undefined }),
    })
    .map(({ bytes, suffix, scope }) => netbiosName(bytes, suffix, scope));

  it('round-trips any valid name (property)', () => {
    fc.assert(
      fc.property(nameArb, (n) => {
        expect(decodeName(encodeName(n))).toEqual(n);
      }),
    );
  });

  it('random or truncated bytes only ever throw NetsendError (fuzz)', () => {
    const check = (buf: Buffer, pointers: boolean): void => {
      try {
        readName(new ByteReader(buf, 'fuzz'), { pointers });
      } catch (e) {
        if (!(e instanceof NetsendError)) throw e;
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (a, p) => check(Buffer.from(a), p)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(nameArb, fc.nat(), (n, cut) => {
        const wire = encodeName(n);
        const t = wire.subarray(0, cut % wire.length);
        expect(() => decodeName(t)).toThrow(NetsendError);
      }),
    );
  });
});
