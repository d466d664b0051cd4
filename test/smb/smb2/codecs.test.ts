import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { captureMessages } from '../../helpers/fixtures.js';
import { MalformedError, NetsendError } from '../../../src/status/error.js';
import {
  Smb2Command,
  decodeHeader,
  encodeHeader,
  decodeTransformHeader,
  encodeTransformHeader,
  decodeNegotiateRequest,
  encodeNegotiateRequest,
  decodeNegotiateResponse,
  encodeNegotiateResponse,
  decodePreauthCaps,
  encodePreauthCaps,
  decodeIdList,
  encodeIdList,
  decodeSessionSetupRequest,
  encodeSessionSetupRequest,
  decodeSessionSetupResponse,
  encodeSessionSetupResponse,
  decodeTreeConnectRequest,
  encodeTreeConnectRequest,
  decodeTreeConnectResponse,
  encodeTreeConnectResponse,
  decodeCreateRequest,
  encodeCreateRequest,
  decodeCreateResponse,
  encodeCreateResponse,
  decodeCloseRequest,
  encodeCloseRequest,
  decodeCloseResponse,
  encodeCloseResponse,
  decodeReadRequest,
  encodeReadRequest,
  decodeReadResponse,
  encodeReadResponse,
  decodeWriteRequest,
  encodeWriteRequest,
  decodeWriteResponse,
  encodeWriteResponse,
  decodeIoctlRequest,
  encodeIoctlRequest,
  decodeIoctlResponse,
  encodeIoctlResponse,
  decodeValidateNegotiateInfoRequest,
  encodeValidateNegotiateInfoRequest,
  decodeValidateNegotiateInfoResponse,
  encodeValidateNegotiateInfoResponse,
  decodeErrorResponse,
  encodeErrorResponse,
  decodeEmpty4,
  encodeEmpty4,
  FSCTL_PIPE_TRANSCEIVE,
  NegotiateContextType,
  type Smb2Header,
} from '../../../src/smb/smb2/index.js';

// Provenance: both captures are real smbclient/rpcclient <-> Samba smbd sessions, dialect 3.1.1
// (fixtures/captures, copied from ../shared/captures). Messages are the Direct TCP payloads.
const RPC = captureMessages('rpcclient-wkssvc-messagebuffersend.pcap');
const MSG = captureMessages('smbclient-open-pipe-msgsvc-smb3.pcap');
const body = (m: Buffer): Buffer => m.subarray(64);
const byCommand = (list: Buffer[], cmd: number): Buffer[] => list.filter((m) => m.readUInt16LE(12) === cmd);

function expectMalformedOrNetsend(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NetsendError);
    return;
  }
}

describe('SMB2 header ([MS-SMB2] §2.2.1)', () => {
  it('decodes and re-encodes every header in the captures byte for byte', () => {
    for (const m of [...RPC.client, ...RPC.server, ...MSG.client, ...MSG.server]) {
      const h = decodeHeader(m);
      expect(encodeHeader(h).equals(m.subarray(0, 64))).toBe(true);
    }
  });

  it('reads the fields of the rpcclient IOCTL response (capture frame 17)', () => {
    const ioctl = byCommand(RPC.server, Smb2Command.IOCTL)[0]!;
    const h = decodeHeader(ioctl);
    expect(h.command).toBe(Smb2Command.IOCTL);
    expect(h.status).toBe(0);
    expect(h.messageId).toBe(5n);
    expect(h.flags & 0x9).toBe(0x9); // SERVER_TO_REDIR | SIGNED
    expect(h.treeId).toBe(decodeHeader(byCommand(RPC.server, Smb2Command.TREE_CONNECT)[0]!).treeId);
    expect(h.sessionId).not.toBe(0n);
  });

  it('encodes the async form with AsyncId in place of TreeId ([MS-SMB2] §2.2.1.1)', () => {
    const h: Smb2Header = {
      creditCharge: 1,
      status: 0x103,
      command: Smb2Command.IOCTL,
      credits: 1,
      flags: 0x3,
      nextCommand: 0,
      messageId: 7n,
      asyncId: 0x1122334455667788n,
      treeId: 0,
      sessionId: 9n,
      signature: Buffer.alloc(16),
    };
    const b = encodeHeader(h);
    expect(b.readBigUInt64LE(32)).toBe(0x1122334455667788n);
    expect(decodeHeader(b)).toEqual(h);
  });

  const header = fc.record({
    creditCharge: fc.integer({ min: 0, max: 0xffff }),
    status: fc.integer({ min: 0, max: 0xffffffff }),
    command: fc.integer({ min: 0, max: 0x12 }),
    credits: fc.integer({ min: 0, max: 0xffff }),
    flags: fc.integer({ min: 0, max: 0xffffffff }).map((f) => (f & ~0x2) >>> 0),
    nextCommand: fc.integer({ min: 0, max: 0xffffffff }),
    messageId: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
    treeId: fc.integer({ min: 0, max: 0xffffffff }),
    sessionId: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
    signature: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
  });
  it('round-trips any sync header', () => {
    fc.assert(fc.property(header, (h) => {
      expect(decodeHeader(encodeHeader(h))).toEqual(h);
    }));
  });
  it('fuzz: random or truncated headers throw MalformedError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (a) => {
        expectMalformedOrNetsend(() => decodeHeader(Buffer.from(a)));
      }),
    );
    const good = RPC.server[0]!;
    for (let n = 0; n < 64; n++) expect(() => decodeHeader(good.subarray(0, n))).toThrow(MalformedError);
  });
});

describe('TRANSFORM header ([MS-SMB2] §2.2.41)', () => {
  const th = fc.record({
    signature: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
    nonce: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
    originalMessageSize: fc.integer({ min: 0, max: 0xffffffff }),
    flags: fc.integer({ min: 0, max: 0xffff }),
    sessionId: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
  });
  it('is 52 bytes starting FD "SMB" and round-trips', () => {
    fc.assert(
      fc.property(th, (t) => {
        const b = encodeTransformHeader(t);
        expect(b.length).toBe(52);
        expect(b.subarray(0, 4).toString('hex')).toBe('fd534d42');
        expect(decodeTransformHeader(b)).toEqual(t);
      }),
    );
  });
  it('fuzz', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (a) => {
        expectMalformedOrNetsend(() => decodeTransformHeader(Buffer.from(a)));
      }),
    );
  });
});

/** Every codec: capture vectors where we have them, round trip, fuzz. */
interface Codec<T> {
  name: string;
  encode: (m: T) => Buffer;
  decode: (b: Buffer) => T;
  arb: fc.Arbitrary<T>;
  vectors?: Buffer[];
  /** Whether our encoding of a captured body is expected to be byte-identical. */
  exact?: boolean;
}

const buf = (max = 64): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const buf16 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a));
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
const name = fc.string({ maxLength: 40 }).map((s) => s.replace(/[\ud800-\udfff]/g, 'x'));

const ctx = fc.record({ type: u16, data: buf(40) });

const codecs: Codec<any>[] = [
  {
    name: 'NEGOTIATE request (§2.2.3)',
    encode: encodeNegotiateRequest,
    decode: decodeNegotiateRequest,
    arb: fc
      .record({ securityMode: u16, capabilities: u32, clientGuid: buf16, dialects: fc.array(u16, { minLength: 1, maxLength: 6 }), contexts: fc.array(ctx, { maxLength: 4 }) })
      .map((m) => (m.dialects.includes(0x0311) ? m : { ...m, contexts: [] })),
    vectors: [body(RPC.client[0]!), body(MSG.client[0]!)],
    exact: true,
  },
  {
    name: 'NEGOTIATE response (§2.2.4)',
    encode: encodeNegotiateResponse,
    decode: decodeNegotiateResponse,
    arb: fc
      .record({
        securityMode: u16,
        dialect: fc.constantFrom(0x0202, 0x0210, 0x0300, 0x0302, 0x0311),
        serverGuid: buf16,
        capabilities: u32,
        maxTransactSize: u32,
        maxReadSize: u32,
        maxWriteSize: u32,
        systemTime: u64,
        serverStartTime: u64,
        securityBuffer: buf(80),
        contexts: fc.array(ctx, { maxLength: 4 }),
      })
      .map((m) => (m.dialect === 0x0311 ? m : { ...m, contexts: [] })),
    vectors: [body(RPC.server[0]!), body(MSG.server[0]!)],
    exact: true,
  },
  { name: 'PREAUTH_INTEGRITY_CAPABILITIES (§2.2.3.1.1)', encode: encodePreauthCaps, decode: decodePreauthCaps, arb: fc.record({ hashAlgorithms: fc.array(u16, { minLength: 1, maxLength: 4 }), salt: buf(40) }) },
  { name: 'cipher/signing id list (§2.2.3.1.2, §2.2.3.1.7)', encode: encodeIdList, decode: (b) => decodeIdList(b, 'ids'), arb: fc.array(u16, { minLength: 1, maxLength: 6 }) },
  {
    name: 'SESSION_SETUP request (§2.2.5)',
    encode: encodeSessionSetupRequest,
    decode: decodeSessionSetupRequest,
    arb: fc.record({ flags: u8, securityMode: u8, capabilities: u32, previousSessionId: u64, securityBuffer: buf(100) }),
    vectors: byCommand(RPC.client, 1).map(body),
    exact: true,
  },
  {
    name: 'SESSION_SETUP response (§2.2.6)',
    encode: encodeSessionSetupResponse,
    decode: decodeSessionSetupResponse,
    arb: fc.record({ sessionFlags: u16, securityBuffer: buf(100) }),
    vectors: byCommand(RPC.server, 1).map(body),
    exact: true,
  },
  {
    name: 'TREE_CONNECT request (§2.2.9)',
    encode: encodeTreeConnectRequest,
    decode: decodeTreeConnectRequest,
    arb: fc.record({ flags: u16, path: name }),
    vectors: byCommand(RPC.client, 3).map(body),
    exact: true,
  },
  {
    name: 'TREE_CONNECT response (§2.2.10)',
    encode: encodeTreeConnectResponse,
    decode: decodeTreeConnectResponse,
    arb: fc.record({ shareType: u8, shareFlags: u32, capabilities: u32, maximalAccess: u32 }),
    vectors: byCommand(RPC.server, 3).map(body),
    exact: true,
  },
  {
    name: 'CREATE request (§2.2.13)',
    encode: encodeCreateRequest,
    decode: decodeCreateRequest,
    arb: fc.record({
      requestedOplockLevel: u8,
      impersonationLevel: u32,
      desiredAccess: u32,
      fileAttributes: u32,
      shareAccess: u32,
      createDisposition: u32,
      createOptions: u32,
      name,
    }),
    vectors: byCommand(RPC.client, 5).map(body),
    exact: true,
  },
  {
    name: 'CREATE response (§2.2.14)',
    encode: encodeCreateResponse,
    decode: decodeCreateResponse,
    arb: fc.record({
      oplockLevel: u8,
      flags: u8,
      createAction: u32,
      creationTime: u64,
      lastAccessTime: u64,
      lastWriteTime: u64,
      changeTime: u64,
      allocationSize: u64,
      endOfFile: u64,
      fileAttributes: u32,
      fileId: buf16,
      createContexts: buf(40),
    }),
    vectors: byCommand(RPC.server, 5).map(body),
    exact: true,
  },
  { name: 'CLOSE request (§2.2.15)', encode: encodeCloseRequest, decode: decodeCloseRequest, arb: fc.record({ flags: u16, fileId: buf16 }), vectors: byCommand(RPC.client, 6).map(body), exact: true },
  {
    name: 'CLOSE response (§2.2.16)',
    encode: encodeCloseResponse,
    decode: decodeCloseResponse,
    arb: fc.record({ flags: u16, creationTime: u64, lastAccessTime: u64, lastWriteTime: u64, changeTime: u64, allocationSize: u64, endOfFile: u64, fileAttributes: u32 }),
    vectors: byCommand(RPC.server, 6).map(body),
    exact: true,
  },
  {
    name: 'READ request (§2.2.19)',
    encode: encodeReadRequest,
    decode: decodeReadRequest,
    arb: fc.record({ flags: u8, length: u32, offset: u64, fileId: buf16, minimumCount: u32, remainingBytes: u32 }),
  },
  { name: 'READ response (§2.2.20)', encode: encodeReadResponse, decode: decodeReadResponse, arb: fc.record({ dataRemaining: u32, data: buf(100) }) },
  {
    name: 'WRITE request (§2.2.21)',
    encode: encodeWriteRequest,
    decode: decodeWriteRequest,
    arb: fc.record({ offset: u64, fileId: buf16, remainingBytes: u32, flags: u32, data: buf(100) }),
  },
  { name: 'WRITE response (§2.2.22)', encode: encodeWriteResponse, decode: decodeWriteResponse, arb: fc.record({ count: u32, remaining: u32 }) },
  {
    name: 'IOCTL request (§2.2.31)',
    encode: encodeIoctlRequest,
    decode: decodeIoctlRequest,
    arb: fc.record({ ctlCode: u32, fileId: buf16, input: buf(100), maxInputResponse: u32, maxOutputResponse: u32, flags: u32 }),
    vectors: byCommand(RPC.client, 11).map(body),
    exact: true,
  },
  {
    name: 'IOCTL response (§2.2.32)',
    encode: encodeIoctlResponse,
    decode: decodeIoctlResponse,
    arb: fc.record({ ctlCode: u32, fileId: buf16, input: buf(40), output: buf(100), flags: u32 }),
    vectors: byCommand(RPC.server, 11).map(body),
    exact: true,
  },
  {
    name: 'VALIDATE_NEGOTIATE_INFO request (§2.2.31.4)',
    encode: encodeValidateNegotiateInfoRequest,
    decode: decodeValidateNegotiateInfoRequest,
    arb: fc.record({ capabilities: u32, guid: buf16, securityMode: u16, dialects: fc.array(u16, { maxLength: 6 }) }),
  },
  {
    name: 'VALIDATE_NEGOTIATE_INFO response (§2.2.32.6)',
    encode: encodeValidateNegotiateInfoResponse,
    decode: decodeValidateNegotiateInfoResponse,
    arb: fc.record({ capabilities: u32, guid: buf16, securityMode: u16, dialect: u16 }),
  },
  {
    name: 'ERROR response (§2.2.2)',
    encode: encodeErrorResponse,
    decode: decodeErrorResponse,
    arb: fc.record({ errorContextCount: u8, errorData: buf(40) }),
    vectors: MSG.server.filter((m) => m.readUInt32LE(8) === 0xc0000034).map(body),
    exact: true,
  },
  {
    name: 'LOGOFF / TREE_DISCONNECT / ECHO (§2.2.7, §2.2.11, §2.2.28)',
    encode: () => encodeEmpty4(),
    decode: (b) => decodeEmpty4(b, 'empty4'),
    arb: fc.constant(undefined),
    vectors: [...byCommand(RPC.client, 4), ...byCommand(RPC.server, 4)].map(body),
    exact: true,
  },
];

for (const c of codecs) {
  describe(c.name, () => {
    if (c.vectors) {
      it(`decodes ${c.vectors.length} captured bodies${c.exact ? ' and re-encodes them byte for byte' : ''}`, () => {
        expect(c.vectors!.length).toBeGreaterThan(0);
        for (const v of c.vectors!) {
          const m = c.decode(v);
          if (c.exact) expect(c.encode(m).toString('hex')).toBe(v.toString('hex'));
        }
      });
    }
    it('round-trips (property)', () => {
      fc.assert(
        fc.property(c.arb, (m) => {
          expect(c.decode(c.encode(m))).toEqual(m);
        }),
      );
    });
    it('fuzz: random bytes and truncations throw NetsendError only, never hang', () => {
      fc.assert(
        fc.property(buf(200), (b) => {
          expectMalformedOrNetsend(() => c.decode(b));
        }),
      );
      fc.assert(
        fc.property(c.arb, fc.nat(), (m, cut) => {
          const b = c.encode(m);
          expectMalformedOrNetsend(() => c.decode(b.subarray(0, cut % (b.length + 1))));
        }),
      );
      // A mutated byte anywhere: decode either succeeds or throws a NetsendError.
      fc.assert(
        fc.property(c.arb, fc.nat(), u8, (m, at, v) => {
          const b = Buffer.from(c.encode(m));
          if (b.length) b[at % b.length] = v;
          expectMalformedOrNetsend(() => c.decode(b));
        }),
      );
    });
  });
}

describe('captured field values', () => {
  it('rpcclient NEGOTIATE offers 2.0.2..3.1.1 with PREAUTH, ENCRYPTION, ... contexts', () => {
    const n = decodeNegotiateRequest(body(RPC.client[0]!));
    expect(n.dialects).toEqual([0x0202, 0x0210, 0x0300, 0x0302, 0x0311]);
    expect(n.contexts[0]!.type).toBe(NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES);
    expect(decodePreauthCaps(n.contexts[0]!.data).hashAlgorithms).toEqual([1]);
  });
  it('Samba picks 3.1.1 with SHA-512 and one cipher and AES-GMAC signing', () => {
    const r = decodeNegotiateResponse(body(RPC.server[0]!));
    expect(r.dialect).toBe(0x0311);
    const enc = r.contexts.find((c) => c.type === NegotiateContextType.ENCRYPTION_CAPABILITIES)!;
    expect(decodeIdList(enc.data, 'enc').length).toBe(1);
    const sig = r.contexts.find((c) => c.type === NegotiateContextType.SIGNING_CAPABILITIES)!;
    expect(decodeIdList(sig.data, 'sig')).toEqual([2]);
  });
  it('rpcclient pipe CREATE uses wkssvc, Impersonation, 0x0002019F (Samba; we send 0x0012019F), read|write, FILE_OPEN', () => {
    const c = decodeCreateRequest(body(byCommand(RPC.client, 5)[0]!));
    expect(c).toMatchObject({ name: 'wkssvc', impersonationLevel: 2, desiredAccess: 0x0002019f, shareAccess: 3, createDisposition: 1 });
  });
  it('rpcclient transceives the 72-byte wkssvc bind with FSCTL_PIPE_TRANSCEIVE', () => {
    const io = decodeIoctlRequest(body(byCommand(RPC.client, 11)[0]!));
    expect(io.ctlCode).toBe(FSCTL_PIPE_TRANSCEIVE);
    expect(io.flags).toBe(1);
    expect(io.input.length).toBe(72);
    expect(io.maxOutputResponse).toBe(4280);
    const out = decodeIoctlResponse(body(byCommand(RPC.server, 11)[0]!)).output;
    expect(out[2]).toBe(12);
  });
});

describe('encodeTransceive (a pipe transact from its template)', () => {
  it('equals encodeIoctlRequest for FSCTL_PIPE_TRANSCEIVE with the same fields (property)', async () => {
    const { encodeIoctlRequest, encodeTransceive, transceiveTemplate } = await import('../../../src/smb/smb2/messages.js');
    const { FSCTL_PIPE_TRANSCEIVE, IOCTL_IS_FSCTL } = await import('../../../src/smb/smb2/constants.js');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 0xffffffff }), (id, bytes, max) => {
        const fileId = Buffer.from(id);
        const input = Buffer.from(bytes);
        const expected = encodeIoctlRequest({ ctlCode: FSCTL_PIPE_TRANSCEIVE, fileId, input, maxInputResponse: 0, maxOutputResponse: max, flags: IOCTL_IS_FSCTL });
        expect(encodeTransceive(transceiveTemplate(fileId), input, max).equals(expected)).toBe(true);
      }),
    );
  });
});
