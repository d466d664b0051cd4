/**
 * The \MAILSLOT\MESSNGR write ([MS-MAIL] §2.2.1, clrpc-mailslot-notes §5.3-§5.4), datagram
 * fragmentation and reassembly (RFC 1002 §4.4.1), and what tshark makes of our datagrams (§6).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MalformedError, NetsendError } from '../../src/status/error.js';
import { CaptureFile } from '../../src/pcap/writer.js';
import { netbiosName } from '../../src/transport/names.js';
import { decodeDatagram, DGM_TYPE, fragmentDatagram, MAX_DATAGRAM_SIZE, type DataDatagram } from '../../src/transport/datagram.js';
import { DatagramReassembler } from '../../src/transport/datagram-reassembly.js';
import { decodeMailslotWrite, decodeMessengerBody, encodeMailslotWrite, encodeMessengerBody, isMailslot, MESSENGER_MAILSLOT } from '../../src/smb/smb1/mailslot.js';
import { tsharkAvailable, tsharkDecode } from '../helpers/tshark.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('mailslot write codec ([MS-MAIL] §2.2.1)', () => {
  // The Win98 `net send` body recorded by ClassicStack (clrpc-mailslot-notes §5.4), 32 bytes.
  const win98Body = Buffer.from('WIN98USER\0WORKGROUP\0HELLO WORLD\0', 'latin1');

  it('lays out every field at the offsets of the notes (§5.3), data at 88 after one pad byte', () => {
    const smb = encodeMailslotWrite({ data: win98Body });
    expect(smb.length).toBe(88 + 32);
    expect(smb.subarray(0, 33)).toEqual(hex('ff534d42 25 00000000 18 0400 0000 0000000000000000 0000 0000 fffe 0000 0000 11'));
    // TotalParam 0, TotalData 32, MaxParam 2, MaxData 0, MaxSetup 0, Rsvd, Flags 0, Timeout 0, Rsvd2,
    // ParamCount 0, ParamOffset 88, DataCount 32, DataOffset 88, SetupCount 3, Rsvd3, setup {1, 0, 2}, ByteCount 19+32.
    expect(smb.subarray(33, 69)).toEqual(hex('0000 2000 0200 0000 00 00 0000 00000000 0000 0000 5800 2000 5800 03 00 0100 0000 0200 3300'));
    expect(smb.subarray(69, 88)).toEqual(Buffer.from('\\MAILSLOT\\MESSNGR\0\0', 'latin1'));
    expect(smb.subarray(88)).toEqual(win98Body);
    const m = decodeMailslotWrite(smb);
    expect(m).toEqual({ name: MESSENGER_MAILSLOT, data: win98Body, priority: 0, mailslotClass: 2, timeout: 0 });
    expect(decodeMessengerBody(m.data)).toEqual({ from: Buffer.from('WIN98USER'), to: Buffer.from('WORKGROUP'), text: Buffer.from('HELLO WORLD') });
  });

  it("accepts Samba's unpadded layout (DataOffset 87, priority 1) and case-insensitive names", () => {
    const smb = encodeMailslotWrite({ data: win98Body, priority: 1 });
    // Re-lay it as nmbd does: no pad byte, DataOffset = 70 + strlen(name) = 87.
    const samba = Buffer.concat([smb.subarray(0, 87), win98Body]);
    samba.writeUInt16LE(87, 57);
    samba.writeUInt16LE(0, 53);
    samba.writeUInt16LE(18 + 32, 67);
    const m = decodeMailslotWrite(samba);
    expect(m.data).toEqual(win98Body);
    expect(m.priority).toBe(1);
    expect(isMailslot('\\mailslot\\messngr')).toBe(true);
    expect(isMailslot('\\MAILSLOT\\BROWSE')).toBe(false);
  });

  it('refuses what MS-MAIL §3.2.5.1 says to discard', () => {
    const good = encodeMailslotWrite({ data: win98Body });
    const mutate = (f: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(good);
      f(b);
      return b;
    };
    expect(() => decodeMailslotWrite(mutate((b) => (b[0] = 0xfe)))).toThrow(/protocol id/);
    expect(() => decodeMailslotWrite(mutate((b) => (b[4] = 0x32)))).toThrow(/command/);
    expect(() => decodeMailslotWrite(mutate((b) => (b[32] = 16)))).toThrow(/WordCount/);
    expect(() => decodeMailslotWrite(mutate((b) => (b[59] = 2)))).toThrow(/SetupCount/);
    expect(() => decodeMailslotWrite(mutate((b) => b.writeUInt16LE(2, 61)))).toThrow(/opcode/);
    expect(() => decodeMailslotWrite(mutate((b) => b.writeUInt16LE(33, 35)))).toThrow(/TotalDataCount/);
    expect(() => decodeMailslotWrite(mutate((b) => b.writeUInt16LE(80, 57)))).toThrow(/inside the name/);
    expect(() => decodeMailslotWrite(mutate((b) => b.writeUInt16LE(89, 57)))).toThrow(/past the end/);
    expect(() => decodeMailslotWrite(mutate((b) => b.fill(0x41, 69, 88)))).toThrow(MalformedError);
    expect(() => decodeMessengerBody(Buffer.from('A\0B'))).toThrow(/To not NUL-terminated/);
    expect(() => decodeMessengerBody(Buffer.from('A\0B\0C\0junk'))).toThrow(/after Text/);
    expect(() => decodeMessengerBody(Buffer.from(`${'A'.repeat(300)}\0B\0C\0`))).toThrow(/over 255/);
    expect(decodeMessengerBody(Buffer.from('A\0B\0no final NUL')).text.toString()).toBe('no final NUL');
    expect(() => encodeMessengerBody({ from: Buffer.from('A'), to: Buffer.from('B\0'), text: Buffer.from('x') })).toThrow(NetsendError);
    expect(() => encodeMailslotWrite({ name: '', data: win98Body })).toThrow(NetsendError);
  });

  const oem = fc.uint8Array({ minLength: 0, maxLength: 40 }).map((a) => Buffer.from(a.map((b) => b || 1)));
  const bodyArb = fc.record({ from: oem, to: oem, text: fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a.map((b) => b || 0x20))) });

  it('round-trips mailslot writes and MESSNGR bodies (property)', () => {
    fc.assert(
      fc.property(bodyArb, fc.integer({ min: 0, max: 9 }), fc.constantFrom(1, 2), fc.nat(), fc.stringMatching(/^\\MAILSLOT\\[A-Z0-9\\]{1,40}$/), (b, priority, mailslotClass, timeout, name) => {
        const data = encodeMessengerBody(b);
        const smb = encodeMailslotWrite({ name, data, priority, mailslotClass, timeout });
        expect(smb.readUInt16LE(57) % 4).toBe(0);
        expect(decodeMailslotWrite(smb)).toEqual({ name, data, priority, mailslotClass, timeout });
        expect(decodeMessengerBody(data)).toEqual(b);
      }),
    );
  });

  it('random, mutated or truncated input only throws NetsendError (fuzz)', () => {
    const good = encodeMailslotWrite({ data: win98Body });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (a) => {
        for (const f of [decodeMailslotWrite, decodeMessengerBody]) {
          try {
            f(Buffer.from(a));
          } catch (e) {
            if (!(e instanceof NetsendError)) throw e;
          }
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (edits, cut) => {
        const b = Buffer.from(good);
        for (const [i, v] of edits) b[i] = v;
        try {
          decodeMailslotWrite(b.subarray(0, cut % (b.length + 1)));
        } catch (e) {
          if (!(e instanceof NetsendError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('datagram fragmentation and reassembly (RFC 1002 §4.4.1)', () => {
  const source = netbiosName('ALICE', 3);
  const destination = netbiosName('WORKGROUP', 0);
  const base = { type: DGM_TYPE.DIRECT_GROUP, id: 0x4242, sourceIp: '10.1.2.3', source, destination } as const;

  it('keeps a body that fits in one datagram, and splits a larger one with F, M and PACKET_OFFSET', () => {
    expect(fragmentDatagram({ ...base, data: Buffer.alloc(494) })).toHaveLength(1);
    const data = Buffer.from(Array.from({ length: 1200 }, (_, i) => i & 0xff));
    const frags = fragmentDatagram({ ...base, data }).map((f) => decodeDatagram(f) as DataDatagram);
    expect(frags.map((f) => [f.first, f.more, f.packetOffset, f.data.length])).toEqual([
      [true, true, 0, 494],
      [false, true, 494, 494],
      [false, false, 988, 212],
    ]);
    for (const f of fragmentDatagram({ ...base, data })) expect(f.length).toBeLessThanOrEqual(MAX_DATAGRAM_SIZE);
    // Flags on the wire: H node (0x0C) + F + M = 0x0F, then 0x0D, then 0x0C.
    expect(fragmentDatagram({ ...base, data }).map((f) => f[1])).toEqual([0x0f, 0x0d, 0x0c]);
  });

  it('reassembles fragments in any order (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4000 }), fc.integer({ min: 100, max: 700 }), fc.integer({ min: 0, max: 1000 }), (a, size, seed) => {
        const frags = fragmentDatagram({ ...base, data: Buffer.from(a) }, size).map((f) => decodeDatagram(f) as DataDatagram);
        const order = frags.map((f, i) => ({ f, k: (i * 7919 + seed) % 1009 })).sort((x, y) => x.k - y.k).map((x) => x.f);
        const r = new DatagramReassembler({ maxFragments: 64 });
        const out = order.map((f) => r.push(f, '10.1.2.3', 0));
        const done = out.filter((x) => x !== null);
        expect(done).toHaveLength(1);
        expect(out[out.length - 1]).not.toBeNull();
        expect(done[0]!.data).toEqual(Buffer.from(a));
        expect(done[0]).toMatchObject({ first: true, more: false, packetOffset: 0, source, destination });
        expect(r.size).toBe(0);
      }),
    );
  });

  it('bounds pending datagrams per source and in all, and expires stale ones', () => {
    const r = new DatagramReassembler({ maxPendingPerSource: 2, maxPendingTotal: 3, timeoutMs: 1000 });
    const firstOf = (id: number): DataDatagram => decodeDatagram(fragmentDatagram({ ...base, id, data: Buffer.alloc(1000) })[0]!) as DataDatagram;
    for (let id = 1; id <= 5; id++) expect(r.push(firstOf(id), '10.0.0.1', 0)).toBeNull();
    expect(r.pendingFrom('10.0.0.1')).toBe(2);
    expect(r.drops.evicted).toBe(3);
    for (let id = 1; id <= 3; id++) r.push(firstOf(id), `10.0.0.${id + 1}`, 10);
    expect(r.size).toBe(3);
    expect(r.pendingFrom('10.0.0.1')).toBe(0);
    r.sweep(1010);
    expect(r.size).toBe(0);
    expect(r.drops.expired).toBe(3);
  });

  it('drops overlapping, oversized, duplicated and headless fragment sets', () => {
    const data = Buffer.alloc(1500, 7);
    const frags = fragmentDatagram({ ...base, data }).map((f) => decodeDatagram(f) as DataDatagram);
    const small = new DatagramReassembler({ maxBytes: 1000 });
    for (const f of frags) expect(small.push(f, 'a', 0)).toBeNull();
    // The third fragment passes 1000 bytes (set discarded); the fourth starts a headless set that would too.
    expect(small.drops['too-large']).toBe(2);
    expect(small.size).toBe(0);
    const r = new DatagramReassembler();
    expect(r.push(frags[0]!, 'a', 0)).toBeNull();
    expect(r.push(frags[0]!, 'a', 0)).toBeNull();
    expect(r.drops.duplicate).toBe(1);
    const overlapping = { ...frags[1]!, packetOffset: frags[1]!.packetOffset - 10 };
    r.push(frags[0]!, 'b', 0);
    r.push(overlapping, 'b', 0);
    r.push(frags[2]!, 'b', 0);
    expect(r.push(frags[3]!, 'b', 0)).toBeNull();
    const headless = new DatagramReassembler();
    for (const f of frags.slice(1)) expect(headless.push(f, 'c', 0)).toBeNull();
    expect(headless.size).toBe(1);
    const other = { ...frags[1]!, destination: netbiosName('OTHER', 0) };
    const mixed = new DatagramReassembler();
    mixed.push(frags[0]!, 'd', 0);
    expect(mixed.push(other, 'd', 0)).toBeNull();
    expect(mixed.drops.mismatch).toBe(1);
  });

  it('random fragment streams never throw and never exceed the bounds (fuzz)', () => {
    const fragArb = fc.record({
      id: fc.integer({ min: 0, max: 3 }),
      first: fc.boolean(),
      more: fc.boolean(),
      packetOffset: fc.integer({ min: 0, max: 3000 }),
      len: fc.integer({ min: 0, max: 600 }),
      from: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    });
    fc.assert(
      fc.property(fc.array(fragArb, { maxLength: 60 }), (list) => {
        const r = new DatagramReassembler({ maxPendingPerSource: 2, maxPendingTotal: 5, maxBytes: 2000 });
        list.forEach((x, t) => {
          const d: DataDatagram = { ...base, sourcePort: 138, nodeType: 3, id: x.id, first: x.first, more: x.more, packetOffset: x.packetOffset, data: Buffer.alloc(x.len) };
          const out = r.push(d, x.from, t);
          if (out) expect(out.data.length).toBeLessThanOrEqual(2000);
          expect(r.size).toBeLessThanOrEqual(5);
          for (const s of ['a', 'b', 'c', 'd', 'e']) expect(r.pendingFrom(s)).toBeLessThanOrEqual(2);
        });
      }),
    );
  });
});

describe.runIf(tsharkAvailable())('tshark -V on our MESSNGR datagrams (clrpc-mailslot-notes §6)', () => {
  it('decodes NetBIOS datagram → SMB → Mailslot → MESSNGR body with no Malformed, fragments included', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-mailslot-'));
    try {
      const file = path.join(dir, 'messngr.pcap');
      const cap = new CaptureFile(file);
      const sender = { address: '10.9.8.7', port: 138 };
      const bcast = { address: '10.9.8.255', port: 138 };
      const short = encodeMessengerBody({ from: Buffer.from('ALICE'), to: Buffer.from('WORKGROUP'), text: Buffer.from('hello from netsend') });
      for (const f of fragmentDatagram({ type: DGM_TYPE.DIRECT_GROUP, id: 1, sourceIp: sender.address, source: netbiosName('ALICE', 3), destination: netbiosName('WORKGROUP', 0), data: encodeMailslotWrite({ data: short }) })) cap.addUdp(sender, bcast, f);
      for (const f of fragmentDatagram({ type: DGM_TYPE.DIRECT_UNIQUE, id: 2, sourceIp: sender.address, source: netbiosName('ALICE', 3), destination: netbiosName('BOB', 3), data: encodeMailslotWrite({ data: short }) })) cap.addUdp(sender, { address: '10.9.8.9', port: 138 }, f);
      const long = encodeMessengerBody({ from: Buffer.from('ALICE'), to: Buffer.from('WORKGROUP'), text: Buffer.from('y'.repeat(700)) });
      const longFrags = fragmentDatagram({ type: DGM_TYPE.DIRECT_GROUP, id: 3, sourceIp: sender.address, source: netbiosName('ALICE', 3), destination: netbiosName('WORKGROUP', 0), data: encodeMailslotWrite({ data: long }) });
      for (const f of longFrags) cap.addUdp(sender, bcast, f);
      cap.close();
      // Whole datagrams (F set, M clear) and continuation fragments: no complaint at all.
      const whole = await tsharkDecode(file, { display: '!(nbdgm.first == 1 && nbdgm.next == 1)' });
      expect(whole.expertErrors).toEqual([]);
      expect(whole.text).not.toMatch(/Malformed/);
      expect(whole.text).toContain('Message Type: Direct_group datagram');
      expect(whole.text).toContain('Message Type: Direct_unique datagram');
      expect(whole.text).toContain('Destination name: WORKGROUP<00>');
      expect(whole.text).toContain('Destination name: BOB<03>');
      expect(whole.text).toContain('Source name: ALICE<03>');
      expect(whole.text).toContain('Transaction Name: \\MAILSLOT\\MESSNGR');
      expect(whole.text).toContain('Class: Unreliable & Broadcast (2)');
      expect(whole.text).toContain('Data Offset: 88');
      // The MESSNGR body has no dissector (§6.1): it is the Data field, From\0To\0Text\0.
      expect(whole.text).toContain(`Data: ${Buffer.from('ALICE\0WORKGROUP\0hello from netsend\0').toString('hex')}`);
      expect(whole.text).toContain('Packet offset: 494 bytes');
      // tshark 4.0 has no NBDGM reassembly: it dissects a first fragment's SMB as if whole and so
      // reports the missing tail as malformed at the SMB Mailslot layer, and nothing else.
      expect(longFrags.length).toBe(2);
      const first = await tsharkDecode(file, { display: 'nbdgm.first == 1 && nbdgm.next == 1' });
      expect(first.text).toContain('More fragments follow: Yes');
      expect(first.text).toContain('Datagram length: 562 bytes');
      expect(first.text).toContain('Mailslot Name: \\MAILSLOT\\MESSNGR');
      expect(first.expertErrors.every((l) => /Malformed/.test(l))).toBe(true);
      expect(first.text).toMatch(/\[Malformed Packet: SMB Mailslot\]/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
