import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSmb1Message, emptyHeader, encodeSmb1Message, Smb1Command, SMB1Flags2 } from '../../../src/smb/smb1/header.js';
import {
  Capabilities,
  classifyNegotiateReply,
  decodeNegotiateRequestDialects,
  decodeNegotiateResponse,
  encodeNegotiateRequest,
  encodeNegotiateResponseBody,
  type NegotiateResponse,
} from '../../../src/smb/smb1/negotiate.js';
import { NetsendError } from '../../../src/status/error.js';

// smbclient-open-pipe-msgsvc-smb1.pcap frames 4 and 6 (NBSS header stripped).
const CAP_REQ = Buffer.from(
  'ff534d4272000000001843c80000000000000000000000000000feff00000000001b00024e54204c414e4d414e20312e3000024e54204c4d20302e313200',
  'hex',
);
const CAP_RESP = Buffer.from(
  'ff534d4272000000008843c80000000000000000000000000000feff0000000011000007320001000441000000000100682f0000fcf38080a7dda570957cdd010000005a006c616273727600000000000000000000604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa32a3028a0261b246e6f745f646566696e65645f696e5f5246433431373840706c656173655f69676e6f7265',
  'hex',
);

describe('SMB1 NEGOTIATE codec', () => {
  it('decodes the dialects of a captured smbclient request', () => {
    expect(decodeNegotiateRequestDialects(decodeSmb1Message(CAP_REQ))).toEqual(['NT LANMAN 1.0', 'NT LM 0.12']);
  });

  it('encodes a request byte-identical in body to smbclient for the same dialects and flags', () => {
    const ours = encodeNegotiateRequest(['NT LANMAN 1.0', 'NT LM 0.12'], { flags2: 0xc843, pid: 0xfeff });
    expect(ours.subarray(32)).toEqual(CAP_REQ.subarray(32));
    expect(ours.readUInt16LE(10)).toBe(0xc843);
  });

  it('decodes the captured Samba extended-security response', () => {
    const r = decodeNegotiateResponse(decodeSmb1Message(CAP_RESP));
    expect(r.kind).toBe('extended');
    if (r.kind !== 'extended') return;
    expect(r.dialectIndex).toBe(0); // Samba picked "NT LANMAN 1.0" (an alias of NT LM 0.12)
    expect(r.securityMode).toBe(0x07);
    expect(r.maxMpxCount).toBe(50);
    expect(r.maxBufferSize).toBe(16644);
    expect(r.capabilities).toBe(0x8080f3fc);
    expect(r.capabilities & Capabilities.EXTENDED_SECURITY).not.toBe(0);
    expect(r.capabilities & Capabilities.UNICODE).not.toBe(0);
    expect(r.serverGuid.length).toBe(16);
    expect(r.securityBlob[0]).toBe(0x60); // GSS-API InitialContextToken
  });

  it('decodes a non-extended challenge response with Unicode names', () => {
    const resp: NegotiateResponse = {
      kind: 'challenge', dialectIndex: 0, securityMode: 3, maxMpxCount: 50, maxNumberVcs: 1, maxBufferSize: 16644,
      maxRawSize: 65536, vcSessionKey: 0, capabilities: Capabilities.UNICODE | Capabilities.STATUS32, systemTime: 1n,
      serverTimeZone: -60, challenge: Buffer.from('0102030405060708', 'hex'), domainName: 'WORKGROUP', serverName: 'SRV',
    };
    const { words, bytes } = encodeNegotiateResponseBody(resp, true);
    const h = emptyHeader(Smb1Command.NEGOTIATE);
    h.flags2 = SMB1Flags2.UNICODE;
    expect(decodeNegotiateResponse(decodeSmb1Message(encodeSmb1Message(h, words, bytes)))).toEqual(resp);
  });

  it('reports DialectIndex 0xFFFF as none', () => {
    const h = emptyHeader(Smb1Command.NEGOTIATE);
    const r = decodeNegotiateResponse(decodeSmb1Message(encodeSmb1Message(h, Buffer.from([0xff, 0xff]), Buffer.alloc(0))));
    expect(r).toEqual({ kind: 'none', dialectIndex: 0xffff });
  });

  it('recognises an SMB2 reply to a multi-protocol negotiate', () => {
    const smb2 = Buffer.concat([Buffer.from([0xfe, 0x53, 0x4d, 0x42]), Buffer.alloc(60)]);
    expect(classifyNegotiateReply(smb2).protocol).toBe('smb2');
    expect(classifyNegotiateReply(CAP_RESP).protocol).toBe('smb1');
  });

  it('round-trips random responses (property)', () => {
    const common = {
      dialectIndex: fc.integer({ min: 0, max: 0xfffe }), securityMode: fc.integer({ min: 0, max: 255 }),
      maxMpxCount: fc.integer({ min: 0, max: 0xffff }), maxNumberVcs: fc.integer({ min: 0, max: 0xffff }),
      maxBufferSize: fc.nat(), maxRawSize: fc.nat(), vcSessionKey: fc.nat(),
      systemTime: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), serverTimeZone: fc.integer({ min: -32768, max: 32767 }),
    };
    const name = fc.string({ unit: fc.constantFrom(...'ABCXYZ-_09ÄéŁ'.split('')), maxLength: 15 });
    const ext = fc.record({ kind: fc.constant('extended' as const), ...common, capabilities: fc.nat().map((c) => (c | Capabilities.EXTENDED_SECURITY) >>> 0),
      serverGuid: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b)), securityBlob: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) });
    const chal = fc.record({ kind: fc.constant('challenge' as const), ...common, capabilities: fc.nat().map((c) => (c & ~Capabilities.EXTENDED_SECURITY) >>> 0),
      challenge: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b)), domainName: name, serverName: name });
    fc.assert(fc.property(fc.oneof(ext, chal), fc.boolean(), (resp, unicode) => {
      if (!unicode && resp.kind === 'challenge' && /[^\x00-\xff]/.test(resp.domainName + resp.serverName)) return;
      const { words, bytes } = encodeNegotiateResponseBody(resp, unicode);
      const h = emptyHeader(Smb1Command.NEGOTIATE);
      h.flags2 = unicode ? SMB1Flags2.UNICODE : 0;
      expect(decodeNegotiateResponse(decodeSmb1Message(encodeSmb1Message(h, words, bytes)))).toEqual(resp);
    }));
  });

  it('round-trips dialect lists (property)', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: fc.constantFrom(...' .0123456789?ABLMNST'.split('')) }), { minLength: 1, maxLength: 8 }), (ds) => {
      expect(decodeNegotiateRequestDialects(decodeSmb1Message(encodeNegotiateRequest(ds)))).toEqual(ds);
    }));
  });

  it('fuzz: random and truncated input throws NetsendError only', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(CAP_RESP.length), fc.integer({ min: 0, max: 255 }), fc.nat(CAP_RESP.length - 1), (rnd, cut, val, pos) => {
      const inputs = [Buffer.from(rnd), CAP_RESP.subarray(0, cut), Buffer.from(CAP_RESP).fill(val, pos, pos + 1)];
      for (const input of inputs) {
        try {
          classifyNegotiateReply(input);
        } catch (e) {
          expect(e).toBeInstanceOf(NetsendError);
        }
      }
    }));
  });
});
