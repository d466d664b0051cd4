import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CL_FLAGS1, CL_HEADER_LENGTH, CL_PTYPE, clHeader, decodeClHeader, decodeClPdu, encodeClPdu, NCA_STATUS, type ClBody, type ClPdu } from '../../src/rpc/cl-pdu.js';
import { MSGSVCSEND, netrSendMessage } from '../../src/rpc/interfaces/msgsvcsend.js';
import { NetsendError } from '../../src/status/error.js';
import { uuidFromBytes } from '../../src/rpc/uuid.js';
import { CaptureFile } from '../../src/pcap/writer.js';
import { tsharkAvailable } from '../helpers/tshark.js';

const ACT = '11223344-5566-7788-99aa-bbccddeeff00';
const ascii = { encode: (s: string) => Buffer.from(s, 'latin1'), decode: (b: Buffer) => b.toString('latin1') };

/** The NetrSendMessage request of clrpc-mailslot-notes §1.1/§4, flags1 0x20, little-endian. */
function sendRequest(): Buffer {
  const stub = netrSendMessage(ascii).encodeIn({ From: 'ALICE', To: 'BOB', Text: 'hello there' } as never);
  return encodeClPdu({ header: clHeader({ ptype: CL_PTYPE.request, flags1: CL_FLAGS1.IDEMPOTENT, iface: MSGSVCSEND.syntax.uuid, activity: ACT, ifVersion: 1 }), body: { kind: 'stub', stub } });
}

describe('CL PDU header (clrpc-mailslot-notes §1.1)', () => {
  it('encodes the byte layout of the notes', () => {
    const b = sendRequest();
    // vers 4, request, flags1 0x20, flags2 0, drep 10 00 00, serial_hi 0
    expect(b.subarray(0, 8).toString('hex')).toBe('0400200010000000');
    expect(b.subarray(8, 24).equals(Buffer.alloc(16))).toBe(true);
    expect(b.subarray(24, 40).toString('hex')).toBe('f8917b5a00ffd011a9b200c04fb6e6fc');
    expect(b.subarray(40, 56).toString('hex')).toBe('4433221166558877' + '99aabbccddeeff00');
    expect(b.readUInt32LE(56)).toBe(0); // boot
    expect(b.readUInt32LE(60)).toBe(1); // if_vers
    expect(b.readUInt32LE(64)).toBe(0); // seq
    expect(b.readUInt16LE(68)).toBe(0); // opnum
    expect(b.subarray(70, 74).toString('hex')).toBe('ffffffff'); // hints
    expect(b.readUInt16LE(74)).toBe(b.length - 80);
    expect(b.readUInt16LE(76)).toBe(0);
    expect(b[78]).toBe(0);
    expect(b[79]).toBe(0);
    // From: max 6, offset 0, actual 6, "ALICE\0", pad to 4
    expect(b.subarray(80, 96).toString('hex')).toBe('060000000000000006000000414c4943');
  });

  it('decodes a big-endian sender (drep 00 00 00) to the same values', () => {
    const h = clHeader({ ptype: CL_PTYPE.fault, iface: MSGSVCSEND.syntax.uuid, activity: ACT, ifVersion: 1, seq: 0x01020304, serial: 0x0506, opnum: 7, serverBoot: 0xdeadbeef, fragnum: 3 });
    const le = encodeClPdu({ header: h, body: { kind: 'status', status: NCA_STATUS.nca_s_unk_if } });
    const be = encodeClPdu({ header: { ...h, littleEndian: false }, body: { kind: 'status', status: NCA_STATUS.nca_s_unk_if } });
    expect(be[4]).toBe(0x00);
    expect(be.readUInt32BE(64)).toBe(0x01020304);
    expect(be.subarray(40, 44).toString('hex')).toBe('11223344');
    const a = decodeClPdu(le);
    const b = decodeClPdu(be);
    expect({ ...b.header, littleEndian: true }).toEqual(a.header);
    expect(b.body).toEqual({ kind: 'status', status: 0x1c010003 });
  });

  it('refuses bad version, ptype, drep and len with MalformedError', () => {
    const good = sendRequest();
    const bad = (i: number, v: number) => {
      const c = Buffer.from(good);
      c[i] = v;
      return c;
    };
    for (const b of [bad(0, 5), bad(1, 11), bad(4, 0x11 | 0x02), bad(5, 4), good.subarray(0, 79), good.subarray(0, good.length - 1)]) {
      expect(() => decodeClPdu(b)).toThrow(expect.objectContaining({ name: 'MALFORMED' }));
    }
    const len = decodeClHeader(good).len;
    expect(len).toBe(good.length - CL_HEADER_LENGTH);
  });
});

const u16 = fc.nat({ max: 0xffff });
const u32 = fc.nat({ max: 0xffffffff });
const uuidArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => uuidFromBytes(a));
const fackArb = fc.record({ version: fc.nat({ max: 255 }), windowSize: u16, maxTsdu: u32, maxFragSize: u32, serial: u16, selack: fc.array(u32, { maxLength: 4 }) });

const pduArb: fc.Arbitrary<ClPdu> = fc
  .record({
    ptype: fc.nat({ max: 10 }),
    flags1: fc.nat({ max: 255 }),
    flags2: fc.nat({ max: 255 }),
    littleEndian: fc.boolean(),
    charRep: fc.nat({ max: 1 }),
    floatRep: fc.nat({ max: 3 }),
    serial: u16,
    object: uuidArb,
    iface: uuidArb,
    activity: uuidArb,
    serverBoot: u32,
    ifVersion: u32,
    seq: u32,
    opnum: u16,
    ihint: u16,
    ahint: u16,
    fragnum: u16,
    authProto: fc.nat({ max: 255 }),
    stub: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    status: u32,
    fack: fackArb,
    fackOrEmpty: fc.boolean(),
    cancelId: u32,
    accepting: fc.boolean(),
  })
  .map((r) => {
    const { stub, status, fack, fackOrEmpty, cancelId, accepting, ...header } = r;
    let body: ClBody;
    switch (header.ptype) {
      case CL_PTYPE.request:
      case CL_PTYPE.response:
        body = { kind: 'stub', stub };
        break;
      case CL_PTYPE.fault:
      case CL_PTYPE.reject:
        body = { kind: 'status', status };
        break;
      case CL_PTYPE.nocall:
        body = fackOrEmpty ? { kind: 'fack', fack } : { kind: 'empty' };
        break;
      case CL_PTYPE.fack:
        body = { kind: 'fack', fack };
        break;
      case CL_PTYPE.cl_cancel:
        body = fackOrEmpty ? { kind: 'cancel', version: 0, cancelId } : { kind: 'empty' };
        break;
      case CL_PTYPE.cancel_ack:
        body = { kind: 'cancel_ack', version: 0, cancelId, accepting };
        break;
      default:
        body = { kind: 'empty' };
    }
    return { header, body };
  });

describe('CL PDU properties', () => {
  it('round-trips every packet type in both byte orders', () => {
    fc.assert(
      fc.property(pduArb, (p) => {
        const d = decodeClPdu(encodeClPdu(p));
        expect(d.header).toEqual(p.header);
        if (p.body.kind === 'stub' && d.body.kind === 'stub') expect(Buffer.from(d.body.stub).equals(p.body.stub)).toBe(true);
        else expect(d.body).toEqual(p.body);
      }),
      { numRuns: 500 },
    );
  });

  it('mutated or truncated datagrams decode or throw NetsendError, nothing else', () => {
    fc.assert(
      fc.property(pduArb, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }), fc.nat(), (p, flips, cut) => {
        const b = Buffer.from(encodeClPdu(p));
        for (const [i, v] of flips) b[i % b.length] = v;
        const t = b.subarray(0, cut % (b.length + 1));
        for (const x of [b, t]) {
          try {
            decodeClPdu(x);
          } catch (e) {
            expect(e).toBeInstanceOf(NetsendError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

function tshark(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('tshark', args, { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );
}

describe.runIf(tsharkAvailable())('tshark decodes our CL PDUs (notes §6)', () => {
  it('every packet type dissects as DCERPC with no Malformed; NetrSendMessage shows From/To/Text', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clpdu-'));
    const file = path.join(dir, 'cl.pcap');
    const cap = new CaptureFile(file);
    const c = { address: '127.0.0.1', port: 40000 };
    const s = { address: '127.0.0.2', port: 1026 };
    cap.addUdp(c, s, sendRequest());
    const base = clHeader({ ptype: 0, iface: MSGSVCSEND.syntax.uuid, activity: ACT, ifVersion: 1, serverBoot: 0x5f000000 });
    const bodies: [number, ClBody][] = [
      [CL_PTYPE.response, { kind: 'stub', stub: Buffer.alloc(4) }],
      [CL_PTYPE.ping, { kind: 'empty' }],
      [CL_PTYPE.working, { kind: 'empty' }],
      [CL_PTYPE.nocall, { kind: 'empty' }],
      [CL_PTYPE.nocall, { kind: 'fack', fack: { version: 1, windowSize: 24, maxTsdu: 1464, maxFragSize: 1464, serial: 1, selack: [0] } }],
      [CL_PTYPE.fack, { kind: 'fack', fack: { version: 1, windowSize: 24, maxTsdu: 1464, maxFragSize: 1464, serial: 2, selack: [0] } }],
      [CL_PTYPE.reject, { kind: 'status', status: NCA_STATUS.nca_s_unk_if }],
      [CL_PTYPE.fault, { kind: 'status', status: NCA_STATUS.nca_s_fault_ndr }],
      [CL_PTYPE.ack, { kind: 'empty' }],
      [CL_PTYPE.cl_cancel, { kind: 'cancel', version: 0, cancelId: 1 }],
      [CL_PTYPE.cancel_ack, { kind: 'cancel_ack', version: 0, cancelId: 1, accepting: true }],
    ];
    for (const [i, [ptype, body]] of bodies.entries()) {
      const toServer = ptype === CL_PTYPE.ping || ptype === CL_PTYPE.ack || ptype === CL_PTYPE.cl_cancel;
      const pkt = encodeClPdu({ header: { ...base, ptype, serial: i + 1 }, body });
      if (toServer) cap.addUdp(c, s, pkt);
      else cap.addUdp(s, c, pkt);
    }
    cap.close();
    const out = await tshark(['-r', file, '-V', '--disable-protocol', 'adwin_config', '-o', 'udp.try_heuristic_first:TRUE']);
    expect(out).not.toMatch(/Malformed|\[Expert Info \(Error/);
    const frames = out.split(/\nFrame \d+:/).length;
    expect(frames).toBe(bodies.length + 1);
    expect((out.match(/DCE\/RPC|Distributed Computing Environment/g) ?? []).length).toBeGreaterThanOrEqual(bodies.length + 1);
    const fields = await tshark(['-r', file, '--disable-protocol', 'adwin_config', '-o', 'udp.try_heuristic_first:TRUE', '-T', 'fields', '-e', 'dcerpc.pkt_type', '-e', 'messenger.server', '-e', 'messenger.client', '-e', 'messenger.message', '-e', 'dcerpc.dg_status']);
    const rows = fields.trim().split('\n').map((l) => l.split('\t'));
    expect(rows.map((r) => Number(r[0]))).toEqual([0, ...bodies.map(([p]) => p)]);
    expect(rows[0]!.slice(1, 4)).toEqual(['ALICE', 'BOB', 'hello there']);
    expect(rows.find((r) => r[0] === '6')![4]).toBe('0x1c010003');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
