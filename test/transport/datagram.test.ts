import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MalformedError, NetsendError } from '../../src/status/error.js';
import { CaptureFile } from '../../src/pcap/writer.js';
import { netbiosName, type NetbiosName } from '../../src/transport/names.js';
import { decodeDatagram, directDatagram, DGM_ERROR, DGM_TYPE, encodeDatagram, sendDatagram, type NetbiosDatagram } from '../../src/transport/datagram.js';
import dgram from 'node:dgram';
import { tsharkAvailable, tsharkDecode } from '../helpers/tshark.js';

/** A \MAILSLOT\MESSNGR write laid out as in clrpc-mailslot-notes §5.3 (DataOffset 88, one pad byte). */
function messngrWrite(body: Buffer): Buffer {
  const name = Buffer.from('\\MAILSLOT\\MESSNGR\0', 'latin1');
  const smb = Buffer.alloc(88 + body.length);
  smb.write('\xffSMB', 0, 'latin1');
  smb[4] = 0x25;
  smb[9] = 0x18;
  smb.writeUInt16LE(0x0004, 10);
  smb.writeUInt16LE(0xfeff, 26);
  smb[32] = 17; // WordCount
  smb.writeUInt16LE(body.length, 35); // TotalDataCount
  smb.writeUInt16LE(2, 37); // MaxParameterCount as Windows sends it
  smb.writeUInt16LE(88, 53); // ParameterOffset
  smb.writeUInt16LE(body.length, 55); // DataCount
  smb.writeUInt16LE(88, 57); // DataOffset
  smb[59] = 3; // SetupCount
  smb.writeUInt16LE(1, 61); // mailslot write
  smb.writeUInt16LE(0, 63);
  smb.writeUInt16LE(2, 65); // class 2
  smb.writeUInt16LE(name.length + 1 + body.length, 67);
  name.copy(smb, 69);
  body.copy(smb, 88);
  return smb;
}

describe('NetBIOS datagram codec (RFC 1002 §4.4)', () => {
  const src = netbiosName('SENDER', 3);
  const wg = netbiosName('WORKGROUP', 0);

  it('lays out a DIRECT_GROUP datagram as Windows sends it (flags 0x0E, DGM_LENGTH = names + data)', () => {
    const data = Buffer.from('WIN98USER\0WORKGROUP\0HELLO WORLD\0', 'latin1');
    const wire = directDatagram({ group: true, id: 0x1234, sourceIp: '10.0.0.7', source: src, destination: wg, data });
    expect(wire.subarray(0, 14).toString('hex')).toBe('110e12340a000007008a' + (68 + data.length).toString(16).padStart(4, '0') + '0000');
    // clrpc-mailslot-notes §5.2: WORKGROUP<00>
    expect(wire.subarray(48, 82).toString('hex')).toBe('20 46 48 45 50 46 43 45 4c 45 48 46 43 45 50 46 46 46 41 43 41 43 41 43 41 43 41 43 41 43 41 41 41 00'.replace(/ /g, ''));
    const d = decodeDatagram(wire);
    expect(d).toMatchObject({ type: DGM_TYPE.DIRECT_GROUP, id: 0x1234, sourceIp: '10.0.0.7', sourcePort: 138, nodeType: 3, first: true, more: false, packetOffset: 0 });
    if (d.type !== DGM_TYPE.DIRECT_GROUP) throw new Error('type');
    expect(d.destination).toEqual(wg);
    expect(d.data).toEqual(data);
  });

  it('encodes error and query datagrams', () => {
    const err = encodeDatagram({ type: DGM_TYPE.ERROR, id: 1, sourceIp: '1.2.3.4', sourcePort: 138, nodeType: 0, errorCode: DGM_ERROR.DESTINATION_NAME_NOT_PRESENT });
    expect(err.toString('hex')).toBe('1300000101020304008a82');
    expect(decodeDatagram(err)).toMatchObject({ type: DGM_TYPE.ERROR, errorCode: 0x82 });
    const q = encodeDatagram({ type: DGM_TYPE.QUERY_REQUEST, id: 2, sourceIp: '1.2.3.4', sourcePort: 138, nodeType: 1, destination: wg });
    expect(q.length).toBe(10 + 34);
    expect(decodeDatagram(q)).toMatchObject({ type: DGM_TYPE.QUERY_REQUEST, nodeType: 1, destination: wg });
  });

  it('rejects bad input', () => {
    const wire = directDatagram({ id: 1, sourceIp: '10.0.0.7', source: src, destination: wg, data: Buffer.from('x') });
    const longer = Buffer.from(wire);
    longer.writeUInt16BE(500, 10);
    expect(() => decodeDatagram(longer)).toThrow(MalformedError);
    const badType = Buffer.from(wire);
    badType[0] = 0x17;
    expect(() => decodeDatagram(badType)).toThrow(/unknown MSG_TYPE/);
    const badFlags = Buffer.from(wire);
    badFlags[1] = badFlags[1]! | 0x40;
    expect(() => decodeDatagram(badFlags)).toThrow(/reserved flag/);
    expect(() => directDatagram({ id: 1, sourceIp: '::1', source: src, destination: wg, data: Buffer.alloc(0) })).toThrow(NetsendError);
  });

  const nameArb: fc.Arbitrary<NetbiosName> = fc
    .tuple(fc.stringMatching(/^[A-Z0-9_-]{1,15}$/), fc.integer({ min: 0, max: 255 }))
    .map(([n, s]) => netbiosName(n, s));
  const headerArb = fc.record({ id: fc.integer({ min: 0, max: 0xffff }), sourceIp: fc.ipV4(), sourcePort: fc.integer({ min: 0, max: 0xffff }), nodeType: fc.integer({ min: 0, max: 3 }) });
  const datagramArb: fc.Arbitrary<NetbiosDatagram> = fc.oneof(
    fc
      .tuple(headerArb, fc.constantFrom(DGM_TYPE.DIRECT_UNIQUE, DGM_TYPE.DIRECT_GROUP, DGM_TYPE.BROADCAST), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 0xffff }), nameArb, nameArb, fc.uint8Array({ maxLength: 500 }))
      .map(([h, type, first, more, packetOffset, source, destination, data]) => ({ ...h, type, first, more, packetOffset, source, destination, data: Buffer.from(data) })),
    headerArb.chain((h) => fc.integer({ min: 0, max: 255 }).map((errorCode) => ({ ...h, type: DGM_TYPE.ERROR, errorCode }))),
    fc
      .tuple(headerArb, fc.constantFrom(DGM_TYPE.QUERY_REQUEST, DGM_TYPE.POSITIVE_QUERY_RESPONSE, DGM_TYPE.NEGATIVE_QUERY_RESPONSE), nameArb)
      .map(([h, type, destination]) => ({ ...h, type, destination })),
  );

  it('round-trips every datagram kind (property)', () => {
    fc.assert(
      fc.property(datagramArb, (d) => {
        expect(decodeDatagram(encodeDatagram(d))).toEqual(d);
      }),
    );
  });

  it('random or truncated bytes only throw NetsendError (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (a) => {
        try {
          decodeDatagram(Buffer.from(a));
        } catch (e) {
          if (!(e instanceof NetsendError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(datagramArb, fc.nat(), (d, cut) => {
        const wire = encodeDatagram(d);
        expect(() => decodeDatagram(wire.subarray(0, cut % wire.length))).toThrow(NetsendError);
      }),
    );
  });

  it('sendDatagram delivers one datagram over UDP', async () => {
    const rx = dgram.createSocket('udp4');
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
    try {
      const got = new Promise<Buffer>((r) => rx.once('message', (m) => r(m)));
      const wire = directDatagram({ id: 5, sourceIp: '127.0.0.1', source: src, destination: netbiosName('RECV', 3), data: Buffer.from('x') });
      await sendDatagram(wire, { address: '127.0.0.1', port: rx.address().port, timeoutMs: 2000 });
      const d = decodeDatagram(await got);
      expect(d).toMatchObject({ type: DGM_TYPE.DIRECT_UNIQUE, id: 5, destination: { name: 'RECV', suffix: 3 } });
      await expect(sendDatagram(wire, { address: 'localhost' })).rejects.toMatchObject({ layer: 'usage' });
    } finally {
      rx.close();
    }
  });

  it.runIf(tsharkAvailable())('tshark decodes our MESSNGR datagram as NBDGM + mailslot without errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-dgm-'));
    try {
      const file = path.join(dir, 'dgm.pcap');
      const cap = new CaptureFile(file);
      const body = Buffer.from('SENDER\0WORKGROUP\0hello\0', 'latin1');
      const wire = directDatagram({ group: true, id: 77, sourceIp: '10.9.8.7', source: src, destination: wg, data: messngrWrite(body) });
      cap.addUdp({ address: '10.9.8.7', port: 138 }, { address: '10.9.8.255', port: 138 }, wire);
      cap.close();
      const res = await tsharkDecode(file);
      expect(res.expertErrors).toEqual([]);
      expect(res.text).toContain('Message Type: Direct_group datagram');
      expect(res.text).toContain('Destination name: WORKGROUP<00>');
      expect(res.text).toContain('\\MAILSLOT\\MESSNGR');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
