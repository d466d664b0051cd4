import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeHeader, decodePdu, encodePdu, PFC, type Pdu } from '../../src/rpc/pdu.js';
import { bindTimeFeatureSyntax, bindTimeFeatures, NDR20, uuidFromBytes, uuidToBytes } from '../../src/rpc/uuid.js';
import { WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import { MSGSVC } from '../../src/rpc/interfaces/msgsvc.js';
import { MSGSVCSEND } from '../../src/rpc/interfaces/msgsvcsend.js';
import { NetsendError } from '../../src/status/error.js';
import { CAP_GETINFO, CAP_MBS, hex, SAMBA_BIND_NAK } from './fixtures.js';

describe('UUIDs and syntaxes', () => {
  it('marshal as protocol-notes §7.1 lists', () => {
    expect(uuidToBytes(WKSSVC.syntax.uuid).toString('hex')).toBe('98d0ff6b12a11036983346c3f87e345a');
    expect(uuidToBytes(NDR20.uuid).toString('hex')).toBe('045d888aeb1cc9119fe808002b104860');
    expect(uuidToBytes(MSGSVCSEND.syntax.uuid).toString('hex')).toBe('f8917b5a00ffd011a9b200c04fb6e6fc');
    expect(uuidToBytes(MSGSVC.syntax.uuid).toString('hex')).toBe('03d7fd17271834' + '4e79d424a55c53bb37');
  });

  it('round-trip string <-> bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (a) => {
        expect(uuidToBytes(uuidFromBytes(a)).equals(Buffer.from(a))).toBe(true);
      }),
    );
    expect(() => uuidToBytes('not-a-uuid')).toThrow(NetsendError);
  });

  it('bind-time feature negotiation syntax carries the bits in its last 8 octets', () => {
    const s = bindTimeFeatureSyntax(3);
    expect(s.uuid).toBe('6cb71c2c-9812-4540-0300-000000000000');
    expect(bindTimeFeatures(s)).toBe(3);
    expect(bindTimeFeatures(NDR20)).toBeUndefined();
  });
});

describe('PDUs against rpcclient/Samba captures', () => {
  it('bind (72 bytes) decodes and re-encodes byte for byte', () => {
    const p = decodePdu(hex(CAP_MBS.bind));
    expect(p).toMatchObject({ type: 'bind', callId: 1, flags: 3, maxXmitFrag: 4280, maxRecvFrag: 4280, assocGroupId: 0 });
    if (p.type !== 'bind') throw new Error();
    expect(p.contexts).toEqual([{ contextId: 0, abstractSyntax: WKSSVC.syntax, transferSyntaxes: [NDR20] }]);
    expect(encodePdu(p).toString('hex')).toBe(CAP_MBS.bind);
  });

  it('bind_ack with sec_addr \\pipe\\wkssvc and acceptance', () => {
    const p = decodePdu(hex(CAP_MBS.bindAck));
    expect(p).toMatchObject({ type: 'bind_ack', callId: 1, maxXmitFrag: 4280, maxRecvFrag: 4280, assocGroupId: 0xb85f, secAddr: '\\pipe\\wkssvc' });
    if (p.type !== 'bind_ack') throw new Error();
    expect(p.results).toEqual([{ result: 0, reason: 0, transferSyntax: NDR20 }]);
    expect(encodePdu(p).toString('hex')).toBe(CAP_MBS.bindAck);
  });

  it('fault nca_s_op_rng_error (32 bytes)', () => {
    const p = decodePdu(hex(CAP_MBS.fault));
    expect(p).toMatchObject({ type: 'fault', callId: 2, contextId: 0, status: 0x1c010002, faultFlags: 0, allocHint: 0x18 });
    expect(encodePdu(p).toString('hex')).toBe(CAP_MBS.fault);
  });

  it('request and response re-encode byte for byte', () => {
    for (const h of [CAP_MBS.request, CAP_GETINFO.request100, CAP_GETINFO.response100, CAP_GETINFO.response101, CAP_GETINFO.response102Denied]) {
      expect(encodePdu(decodePdu(hex(h))).toString('hex')).toBe(h);
    }
  });

  it('object UUID flag carries 16 octets before the stub', () => {
    const p = encodePdu({ type: 'request', callId: 9, allocHint: 1, contextId: 2, opnum: 3, object: WKSSVC.syntax.uuid, stub: Buffer.from([7]) });
    expect(p[3]! & PFC.OBJECT_UUID).toBe(PFC.OBJECT_UUID);
    expect(p.length).toBe(24 + 16 + 1);
    expect(decodePdu(p)).toMatchObject({ object: WKSSVC.syntax.uuid, stub: Buffer.from([7]) });
  });

  it('bind_nak with versions and signature', () => {
    const sig = uuidToBytes('90740320-fad0-11d3-82d7-009027b130ab'); // extended error info signature, [MS-RPCE] §2.2.1.1.2
    const b = encodePdu({ type: 'bind_nak', callId: 1, reason: 4, versions: [{ major: 5, minor: 0 }], signature: sig });
    // [MS-RPCE] §2.2.2.9: Signature right after the versions, present when frag_length has room.
    expect(b.subarray(16).toString('hex')).toBe('0400' + '01' + '0500' + sig.toString('hex'));
    expect(decodePdu(b)).toMatchObject({ type: 'bind_nak', reason: 4, versions: [{ major: 5, minor: 0 }], signature: sig });
  });

  it('decodes Samba\'s real bind_nak PDUs (padded, no signature)', () => {
    expect(decodePdu(hex(SAMBA_BIND_NAK.minorVersion2))).toEqual({ type: 'bind_nak', flags: 3, callId: 1, reason: 4, versions: [{ major: 5, minor: 0 }] });
    expect(decodePdu(hex(SAMBA_BIND_NAK.bindTwice))).toMatchObject({ type: 'bind_nak', reason: 0 });
  });

  it('parses a sec_trailer and checks auth_length', () => {
    const auth = { authType: 10, authLevel: 6, authPadLength: 0, authContextId: 0, token: Buffer.alloc(16, 1) };
    const b = encodePdu({ type: 'request', callId: 3, allocHint: 5, contextId: 0, opnum: 1, stub: Buffer.alloc(5, 2), auth });
    const p = decodePdu(b);
    if (p.type !== 'request') throw new Error();
    expect(p.stub).toEqual(Buffer.alloc(5, 2));
    expect(p.auth).toMatchObject({ authType: 10, authLevel: 6, authPadLength: 11, token: Buffer.alloc(16, 1) });
    const lying = Buffer.from(b);
    lying.writeUInt16LE(200, 10);
    expect(() => decodePdu(lying)).toThrow(NetsendError);
  });

  it('rejects bad versions, types, drep and frag_length', () => {
    const good = hex(CAP_MBS.fault);
    const mut = (at: number, v: number): Buffer => {
      const b = Buffer.from(good);
      b[at] = v;
      return b;
    };
    expect(() => decodePdu(mut(0, 4))).toThrow(/rpc_vers/);
    expect(() => decodePdu(mut(2, 99))).toThrow(/PTYPE/);
    expect(() => decodePdu(mut(4, 0x00))).toThrow(expect.objectContaining({ name: 'RPC_UNSUPPORTED_DREP' }));
    expect(() => decodePdu(mut(8, 40))).toThrow(/frag_length/);
    expect(() => decodeHeader(good.subarray(0, 10))).toThrow(NetsendError);
  });
});

const syn = fc.record({ uuid: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => uuidFromBytes(a)), major: fc.nat({ max: 0xffff }), minor: fc.nat({ max: 0xffff }) });
const u16 = fc.nat({ max: 0xffff });
const u32 = fc.nat({ max: 0xffffffff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const pduArb: fc.Arbitrary<Pdu> = fc.oneof(
  fc.record({
    type: fc.constantFrom('bind' as const, 'alter_context' as const),
    flags: fc.nat({ max: 255 }),
    callId: u32,
    maxXmitFrag: u16,
    maxRecvFrag: u16,
    assocGroupId: u32,
    contexts: fc.array(fc.record({ contextId: u16, abstractSyntax: syn, transferSyntaxes: fc.array(syn, { minLength: 1, maxLength: 3 }) }), { maxLength: 3 }),
  }),
  fc.record({
    type: fc.constantFrom('bind_ack' as const, 'alter_context_resp' as const),
    flags: fc.nat({ max: 255 }),
    callId: u32,
    maxXmitFrag: u16,
    maxRecvFrag: u16,
    assocGroupId: u32,
    secAddr: fc.stringMatching(/^[\\a-zA-Z0-9]{0,20}$/),
    results: fc.array(fc.record({ result: u16, reason: u16, transferSyntax: syn }), { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('bind_nak' as const), flags: fc.nat({ max: 255 }), callId: u32, reason: u16, versions: fc.array(fc.record({ major: fc.nat({ max: 255 }), minor: fc.nat({ max: 255 }) }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('request' as const), flags: fc.nat({ max: 0x7f }), callId: u32, allocHint: u32, contextId: u16, opnum: u16, stub: bytes(64) }),
  fc.record({ type: fc.constant('response' as const), flags: fc.nat({ max: 255 }), callId: u32, allocHint: u32, contextId: u16, cancelCount: fc.nat({ max: 255 }), stub: bytes(64) }),
  fc.record({ type: fc.constant('fault' as const), flags: fc.nat({ max: 255 }), callId: u32, allocHint: u32, contextId: u16, cancelCount: fc.nat({ max: 255 }), faultFlags: fc.nat({ max: 255 }), status: u32, stub: bytes(16) }),
  fc.record({ type: fc.constantFrom('auth3' as const, 'shutdown' as const, 'co_cancel' as const, 'orphaned' as const), flags: fc.nat({ max: 255 }), callId: u32 }),
);

describe('PDU properties', () => {
  it('round-trips every PDU type', () => {
    fc.assert(
      fc.property(pduArb, (p) => {
        expect(decodePdu(encodePdu(p))).toEqual(p);
      }),
      { numRuns: 500 },
    );
  });

  it('random, truncated and mutated PDUs throw NetsendError or decode', () => {
    const only = (b: Buffer): void => {
      try {
        decodePdu(b);
      } catch (e) {
        if (!(e instanceof NetsendError)) throw e;
      }
    };
    fc.assert(
      fc.property(bytes(200), (b) => {
        if (b.length >= 16) {
          b[0] = 5;
          b[1] = 0;
          b[4] = 0x10;
          b[5] = 0;
          b.writeUInt16LE(b.length, 8);
        }
        only(b);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(pduArb, fc.nat(), fc.nat({ max: 255 }), (p, at, x) => {
        const b = encodePdu(p);
        const cut = at % b.length;
        expect(() => decodePdu(b.subarray(0, cut))).toThrow(NetsendError);
        const m = Buffer.from(b);
        m[cut] = m[cut]! ^ x;
        only(m);
      }),
      { numRuns: 500 },
    );
  });
});
