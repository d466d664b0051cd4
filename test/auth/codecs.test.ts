import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteReader } from '../../src/util/bytes.js';
import { MalformedError, NetsendError } from '../../src/status/error.js';
import { TAG, children, ctxTag, decodeEnumerated, decodeOid, decodeOne, encodeEnumerated, encodeOid, readTlv, tlv, DER_MAX_DEPTH } from '../../src/auth/der.js';
import {
  OID_KRB5,
  OID_NTLMSSP,
  decodeNegTokenInit,
  decodeNegTokenResp,
  encodeNegTokenInit,
  encodeNegTokenResp,
} from '../../src/auth/spnego.js';
import {
  NtlmFlags,
  decodeAuthenticate,
  decodeChallenge,
  decodeNegotiate,
  encodeAuthenticate,
  encodeAvPairs,
  encodeChallenge,
  encodeNegotiate,
  parseAvPairs,
} from '../../src/auth/ntlm-messages.js';
import { createNtlmAuthenticator } from '../../src/auth/ntlm.js';

/** Runs `f` and insists that any failure is a NetsendError (MalformedError included). */
function onlyNetsendErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof NetsendError)) throw new Error(`non-NetsendError thrown: ${String(e)}`);
  }
}

const oidArb = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.nat({ max: 2 ** 40 }), { maxLength: 8 }))
  .map(([a, b, rest]) => [a, b, ...rest].join('.'));
const bytes = (max = 300) => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));

describe('DER', () => {
  it('known encodings: OIDs, lengths, ENUMERATED', () => {
    expect(encodeOid(OID_NTLMSSP).toString('hex')).toBe('060a2b06010401823702020a');
    expect(encodeOid('1.2.840.113554.1.2.2').toString('hex')).toBe('06092a864886f712010202');
    expect(tlv(TAG.OCTET_STRING, Buffer.alloc(200)).subarray(0, 3).toString('hex')).toBe('0481c8');
    expect(tlv(TAG.OCTET_STRING, Buffer.alloc(300)).subarray(0, 4).toString('hex')).toBe('0482012c');
    expect(encodeEnumerated(1).toString('hex')).toBe('0a0101');
    expect(encodeEnumerated(200).toString('hex')).toBe('0a0200c8');
  });

  it('rejects indefinite lengths, lengths past the end, long tags, truncated OIDs', () => {
    expect(() => decodeOne(Buffer.from('3080', 'hex'))).toThrow(MalformedError);
    expect(() => decodeOne(Buffer.from('3005020100', 'hex'))).toThrow(MalformedError);
    expect(() => decodeOne(Buffer.from('1f0100', 'hex'))).toThrow(MalformedError);
    expect(() => decodeOne(Buffer.from('3085ffffffffff', 'hex'))).toThrow(MalformedError);
    expect(() => decodeOid(Buffer.from('2b86', 'hex'))).toThrow(MalformedError);
    expect(() => decodeOid(Buffer.alloc(0))).toThrow(MalformedError);
    expect(() => decodeOne(Buffer.from('0400ff', 'hex'))).toThrow(MalformedError); // trailing byte
  });

  it('bounds nesting depth', () => {
    expect(() => children(Buffer.alloc(0), DER_MAX_DEPTH + 1)).toThrow(MalformedError);
  });

  it('property: OID round trip', () => {
    fc.assert(fc.property(oidArb, (oid) => { expect(decodeOid(decodeOne(encodeOid(oid), TAG.OID).value)).toBe(oid); }));
  });

  it('property: TLV round trip for any tag and content length (short and long form)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xfe }).filter((t) => (t & 0x1f) !== 0x1f), bytes(70000), (tag, content) => {
        const t = decodeOne(tlv(tag, content));
        expect(t.tag).toBe(tag);
        expect(t.value.equals(content)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('property: ENUMERATED round trip', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (v) => { expect(decodeEnumerated(decodeOne(encodeEnumerated(v)).value)).toBe(v); }));
  });

  it('fuzz: random bytes only ever throw MalformedError', () => {
    fc.assert(
      fc.property(bytes(64), (b) => {
        try {
          const r = new ByteReader(b, 'DER');
          while (r.remaining) children(readTlv(r).value);
        } catch (e) {
          expect(e).toBeInstanceOf(MalformedError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('SPNEGO', () => {
  const mechsArb = fc.array(fc.constantFrom(OID_NTLMSSP, OID_KRB5, '1.2.840.48018.1.2.2', '1.3.6.1.4.1.311.2.2.30'), { minLength: 1, maxLength: 4 });

  it('NegTokenInit with an NTLMSSP mechToken has the expected framing', () => {
    const t = encodeNegTokenInit({ mechTypes: [OID_NTLMSSP], mechToken: Buffer.from('abcd', 'hex') });
    // 60 len { OID spnego, a0 { 30 { a0 { 30 { OID ntlmssp } }, a2 { 04 02 abcd } } } }
    expect(t.toString('hex')).toBe('602206062b0601050502a0183016a00e300c060a2b06010401823702020aa2040402abcd');
  });

  it('property: NegTokenInit round trip', () => {
    fc.assert(
      fc.property(mechsArb, fc.option(bytes(), { nil: undefined }), fc.option(bytes(40), { nil: undefined }), (mechTypes, mechToken, mechListMIC) => {
        const m: Parameters<typeof encodeNegTokenInit>[0] = { mechTypes };
        if (mechToken) m.mechToken = mechToken;
        if (mechListMIC) m.mechListMIC = mechListMIC;
        const d = decodeNegTokenInit(encodeNegTokenInit(m));
        expect(d.mechTypes).toEqual(mechTypes);
        expect(d.mechToken?.toString('hex')).toBe(mechToken?.toString('hex'));
        expect(d.mechListMIC?.toString('hex')).toBe(mechListMIC?.toString('hex'));
      }),
    );
  });

  it('property: NegTokenResp round trip', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        fc.option(fc.constantFrom(OID_NTLMSSP, OID_KRB5), { nil: undefined }),
        fc.option(bytes(), { nil: undefined }),
        fc.option(bytes(20), { nil: undefined }),
        (negState, supportedMech, responseToken, mechListMIC) => {
          const m = { negState, supportedMech, responseToken, mechListMIC };
          const d = decodeNegTokenResp(encodeNegTokenResp(m));
          expect(d.negState).toBe(negState);
          expect(d.supportedMech).toBe(supportedMech);
          expect(d.responseToken?.toString('hex')).toBe(responseToken?.toString('hex'));
          expect(d.mechListMIC?.toString('hex')).toBe(mechListMIC?.toString('hex'));
        },
      ),
    );
  });

  it('rejects out-of-order or repeated fields, wrong inner mech, and bad negState', () => {
    const resp = (...f: Buffer[]) => tlv(ctxTag(1), tlv(TAG.SEQUENCE, ...f));
    const ns = (v: number) => tlv(ctxTag(0), encodeEnumerated(v));
    expect(() => decodeNegTokenResp(resp(ns(0), ns(1)))).toThrow(MalformedError);
    expect(() => decodeNegTokenResp(resp(ns(7)))).toThrow(MalformedError);
    expect(() => decodeNegTokenResp(resp(tlv(ctxTag(2), tlv(TAG.OCTET_STRING, Buffer.alloc(1))), ns(0)))).toThrow(MalformedError);
    const wrongMech = tlv(TAG.APPLICATION_0, encodeOid(OID_KRB5), tlv(ctxTag(0), tlv(TAG.SEQUENCE)));
    expect(() => decodeNegTokenInit(wrongMech)).toThrow(MalformedError);
  });

  it('fuzz: random and mutated tokens only throw MalformedError', () => {
    const valid = encodeNegTokenResp({ negState: 1, supportedMech: OID_NTLMSSP, responseToken: Buffer.alloc(40, 7), mechListMIC: Buffer.alloc(16) });
    const validInit = encodeNegTokenInit({ mechTypes: [OID_KRB5, OID_NTLMSSP], mechToken: Buffer.alloc(40, 1) });
    fc.assert(
      fc.property(fc.constantFrom(valid, validInit), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), bytes(80), (base, muts, cut, rnd) => {
        const m = Buffer.from(base);
        for (const [p, v] of muts) m[p % m.length] = v;
        for (const input of [m, m.subarray(0, cut % (m.length + 1)), rnd]) {
          for (const dec of [decodeNegTokenResp, decodeNegTokenInit]) {
            try {
              dec(input);
            } catch (e) {
              expect(e).toBeInstanceOf(MalformedError);
            }
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('NTLMSSP messages', () => {
  const str = fc.string({ maxLength: 20 });
  const avArb = fc.array(
    fc.record({ id: fc.integer({ min: 1, max: 0xffff }), value: bytes(40) }),
    { maxLength: 8 },
  );

  it('NEGOTIATE carries our flags and VERSION', () => {
    const m = encodeNegotiate({ flags: 0xe2088297 });
    expect(m.length).toBe(40);
    expect(decodeNegotiate(m).flags >>> 0).toBe(0xe2088297);
  });

  it('property: NEGOTIATE round trip', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.string({ maxLength: 15 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x')), (flags, domain) => {
        const d = decodeNegotiate(encodeNegotiate({ flags, domain }));
        expect(d.flags >>> 0).toBe(flags >>> 0);
        expect(d.domain ?? '').toBe(domain);
      }),
    );
  });

  it('property: AV pair list round trip', () => {
    fc.assert(fc.property(avArb, (pairs) => { expect(parseAvPairs(encodeAvPairs(pairs))).toEqual(pairs); }));
  });

  it('property: CHALLENGE round trip', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.uint8Array({ minLength: 8, maxLength: 8 }), str, avArb, (f, sc, targetName, pairs) => {
        const flags = (f | NtlmFlags.UNICODE) >>> 0;
        const targetInfoRaw = encodeAvPairs(pairs);
        const d = decodeChallenge(encodeChallenge({ flags, serverChallenge: Buffer.from(sc), targetName, targetInfoRaw }));
        expect(d.flags >>> 0).toBe(flags);
        expect(d.serverChallenge.equals(Buffer.from(sc))).toBe(true);
        expect(d.targetName).toBe(targetName);
        expect(d.targetInfo).toEqual(pairs);
      }),
    );
  });

  it('property: AUTHENTICATE round trip, with and without MIC', () => {
    fc.assert(
      fc.property(str, str, str, bytes(24), bytes(200), fc.boolean(), fc.boolean(), (user, domain, workstation, lm, nt, withKey, withMic) => {
        const m = {
          flags: (NtlmFlags.UNICODE | NtlmFlags.VERSION) >>> 0,
          lmResponse: lm,
          ntResponse: nt,
          user,
          domain,
          workstation,
          encryptedRandomSessionKey: withKey ? Buffer.alloc(16, 3) : Buffer.alloc(0),
          ...(withMic ? { mic: Buffer.alloc(16, 9) } : {}),
        };
        const enc = encodeAuthenticate(m);
        const d = decodeAuthenticate(enc);
        expect(d.user).toBe(user);
        expect(d.domain).toBe(domain);
        expect(d.workstation).toBe(workstation);
        expect(d.lmResponse.equals(lm)).toBe(true);
        expect(d.ntResponse.equals(nt)).toBe(true);
        expect(d.encryptedRandomSessionKey.length).toBe(withKey ? 16 : 0);
        // With every payload field empty the MIC cannot be located; otherwise it must round-trip.
        if (withMic && enc.length > 88) expect(d.mic?.equals(Buffer.alloc(16, 9))).toBe(true);
      }),
    );
  });

  it('CHALLENGE with an offset past the end or into the header is MalformedError', () => {
    const good = encodeChallenge({ flags: NtlmFlags.UNICODE | NtlmFlags.TARGET_INFO, serverChallenge: Buffer.alloc(8), targetName: 'S', targetInfoRaw: encodeAvPairs([]) });
    const past = Buffer.from(good);
    past.writeUInt32LE(5000, 16);
    expect(() => decodeChallenge(past)).toThrow(MalformedError);
    const intoHeader = Buffer.from(good);
    intoHeader.writeUInt32LE(8, 44);
    expect(() => decodeChallenge(intoHeader)).toThrow(MalformedError);
    expect(() => decodeChallenge(good.subarray(0, 20))).toThrow(MalformedError);
    const wrongType = Buffer.from(good);
    wrongType[8] = 3;
    expect(() => decodeChallenge(wrongType)).toThrow(MalformedError);
  });

  it('fuzz: mutated/truncated/random CHALLENGE and AUTHENTICATE only throw MalformedError/NetsendError', () => {
    const chal = encodeChallenge({
      flags: 0xe28a8235,
      serverChallenge: Buffer.alloc(8, 1),
      targetName: 'SRV',
      targetInfoRaw: encodeAvPairs([
        { id: 2, value: Buffer.from('D', 'utf16le') },
        { id: 7, value: Buffer.alloc(8) },
        { id: 6, value: Buffer.alloc(4) },
      ]),
    });
    const auth = encodeAuthenticate({ flags: 0xe2888235, lmResponse: Buffer.alloc(24), ntResponse: Buffer.alloc(60, 1), user: 'u', domain: 'd', workstation: 'w', encryptedRandomSessionKey: Buffer.alloc(16), mic: Buffer.alloc(16) });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), bytes(120), (muts, cut, rnd) => {
        for (const base of [chal, auth]) {
          const m = Buffer.from(base);
          for (const [p, v] of muts) m[p % m.length] = v;
          for (const input of [m, m.subarray(0, cut % (m.length + 1)), Buffer.concat([base.subarray(0, 12), rnd])]) {
            onlyNetsendErrors(() => decodeChallenge(input));
            onlyNetsendErrors(() => decodeAuthenticate(input));
            onlyNetsendErrors(() => decodeNegotiate(input));
            onlyNetsendErrors(() => parseAvPairs(input));
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('fuzz: the authenticator turns any bad server token into a NetsendError (layer ntlm)', () => {
    const chal = encodeChallenge({ flags: 0xe28a8235, serverChallenge: Buffer.alloc(8, 1), targetName: 'SRV', targetInfoRaw: encodeAvPairs([{ id: 7, value: Buffer.alloc(8) }]) });
    const tok = encodeNegTokenResp({ negState: 1, supportedMech: OID_NTLMSSP, responseToken: chal });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.boolean(), (muts, spnego) => {
        const base = spnego ? tok : chal;
        const m = Buffer.from(base);
        for (const [p, v] of muts) m[p % m.length] = v;
        const a = createNtlmAuthenticator({ user: 'u', password: 'p' }, { spnego });
        a.next();
        try {
          a.next(m);
        } catch (e) {
          expect(e).toBeInstanceOf(NetsendError);
          expect((e as NetsendError).layer).toBe('ntlm');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('DER OID limits', () => {
  it('refuses an OID longer than DER_MAX_OID_BYTES with MalformedError', async () => {
    const { decodeOid, DER_MAX_OID_BYTES } = await import('../../src/auth/der.js');
    const { MalformedError } = await import('../../src/status/error.js');
    expect(decodeOid(Buffer.from('2b0601040182370202 0a'.replace(' ', ''), 'hex'))).toBe('1.3.6.1.4.1.311.2.2.10');
    expect(() => decodeOid(Buffer.alloc(DER_MAX_OID_BYTES + 1, 0x01))).toThrow(MalformedError);
  });
});
