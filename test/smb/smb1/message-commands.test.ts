import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NetsendError } from '../../../src/status/error.js';
import {
  decodeMessageRequest,
  decodeMessageResponse,
  encodeMessageRequest,
  encodeMessageResponse,
  dosStatusField,
  type MessageRequest,
} from '../../../src/smb/smb1/message-commands.js';
import { emptyHeader } from '../../../src/smb/smb1/header.js';
import { replyStatusError } from '../../../src/messenger/send.js';
import { netApiStatusFor } from '../../../src/messenger/status-map.js';
import { captureMessages } from '../../helpers/fixtures.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('SMB1 message command codecs: vectors', () => {
  it('encodes the protocol-notes §2.3 example ALICE -> BOB "hi" byte for byte', () => {
    const msg = encodeMessageRequest({ command: 0xd0, from: Buffer.from('ALICE'), to: Buffer.from('BOB'), data: Buffer.from('hi') });
    // 32-byte header (all zero but protocol and command), WordCount 0, ByteCount 0x11, then the bytes.
    const expected = Buffer.concat([
      hex('ff534d42 d0 00000000 00 0000 0000 0000000000000000 0000 0000 0000 0000 0000'),
      hex('00 1100 04414c49434500 04424f4200 01 0200 6869'),
    ]);
    expect(msg).toEqual(expected);
    expect(msg.length).toBe(52);
    expect(decodeMessageRequest(msg).request).toEqual({ command: 0xd0, from: Buffer.from('ALICE'), to: Buffer.from('BOB'), data: Buffer.from('hi') });
  });

  // Provenance: ../shared/captures (copied to fixtures/captures), recorded from smbclient 4.17.12 against smbd.
  it('matches smbclient -M requests (port 139) byte for byte and decodes Samba replies', () => {
    const { client, server } = captureMessages('smbclient-M-port139.pcap');
    expect(client).toHaveLength(3);
    const decoded = client.map((m) => decodeMessageRequest(m));
    expect(decoded.map((d) => d.request)).toEqual([
      { command: 0xd5, from: Buffer.from('root'), to: Buffer.from('LABSRV') },
      { command: 0xd7, groupId: 0, data: Buffer.from('Hello from lab test 3a port 139\r\n') },
      { command: 0xd6, groupId: 0 },
    ]);
    // smbclient sets a PID; everything else in the header is zero as [MS-MSRP] §2.2.3 says.
    for (const [i, d] of decoded.entries()) {
      expect(encodeMessageRequest(d.request, { pidLow: d.header.pidLow })).toEqual(client[i]);
    }
    for (const [i, reply] of server.entries()) {
      const r = decodeMessageResponse(reply, decoded[i]!.request.command);
      expect(r.status).toEqual({ form: 'nt', code: 0 });
      expect(r.groupId).toBeNull(); // Samba answers D5 with WordCount 0
    }
  });

  it('matches smbclient -M over port 445 and the raw multi-block capture', () => {
    for (const name of ['smbclient-M-port445.pcap', 'raw-SMBsendstrt-multiblock-port445.pcap']) {
      const { client, server } = captureMessages(name);
      expect(client.length).toBeGreaterThanOrEqual(3);
      for (const m of client) {
        const d = decodeMessageRequest(m);
        expect(encodeMessageRequest(d.request, { pidLow: d.header.pidLow, mid: d.header.mid, pidHigh: d.header.pidHigh, flags: d.header.flags, flags2: d.header.flags2, tid: d.header.tid, uid: d.header.uid })).toEqual(m);
      }
      expect(client.map((m) => decodeMessageRequest(m).request.command)).toEqual([0xd5, ...Array(client.length - 2).fill(0xd7), 0xd6]);
      for (const reply of server) expect(decodeMessageResponse(reply).header.status).toBe(0);
    }
  });

  it('shows smbclient sending raw UTF-8 (what our cp850 encoding fixes)', () => {
    const { client } = captureMessages('smbclient-M-port139-nonascii.pcap');
    const d7 = decodeMessageRequest(client[1]!).request;
    expect(d7.command).toBe(0xd7);
    if (d7.command === 0xd7) expect(d7.data.toString('utf8')).toBe('Grüße € café\r\n');
  });

  it('decodes the single-block 0xD0 sent after NEGOTIATE', () => {
    const { client, server } = captureMessages('raw-SMBsends-0xD0-with-negotiate-port139.pcap');
    const d = decodeMessageRequest(client[1]!);
    expect(d.request).toEqual({ command: 0xd0, from: Buffer.from('PROBE'), to: Buffer.from('LABSRV'), data: Buffer.from('Single-block SMBsends after NEGOTIATE') });
    expect(encodeMessageRequest(d.request, { pidLow: d.header.pidLow, mid: d.header.mid })).toEqual(client[1]);
    expect(decodeMessageResponse(server[1]!, 0xd0).status).toEqual({ form: 'nt', code: 0 });
  });

  it('shows Samba answering a 0xD0 sent before NEGOTIATE with nothing (it closes the connection)', () => {
    const { client, server } = captureMessages('raw-SMBsends-0xD0-without-negotiate-port445.pcap');
    const d = decodeMessageRequest(client[0]!);
    expect(d.request.command).toBe(0xd0);
    expect(encodeMessageRequest(d.request, { pidLow: d.header.pidLow, mid: d.header.mid })).toEqual(client[0]);
    expect(server).toHaveLength(0);
  });

  it('maps the "message command unset" refusal (ERRDOS/71) to ERROR_REQ_NOT_ACCEP', () => {
    const { server } = captureMessages('smbclient-M-port139-no-message-command.pcap');
    const r = decodeMessageResponse(server[0]!, 0xd5);
    expect(r.status).toEqual({ form: 'dos', errorClass: 1, errorCode: 71 });
    const err = replyStatusError(r.status, 0xd5);
    expect(err).toMatchObject({ layer: 'dos', code: 0x10047, name: 'ERRDOS/ERRreqnotaccep' });
    expect(netApiStatusFor(err)).toBe(71);
  });

  it('accepts a D5 reply with WordCount 1 (MS-MSRP) and 0 (Samba)', () => {
    const req = emptyHeader(0xd5);
    expect(decodeMessageResponse(encodeMessageResponse(req, { groupId: 0x1234 }), 0xd5).groupId).toBe(0x1234);
    expect(decodeMessageResponse(encodeMessageResponse(req), 0xd5).groupId).toBeNull();
  });

  it('rejects bad requests with MalformedError', () => {
    const good = encodeMessageRequest({ command: 0xd5, from: Buffer.from('A'), to: Buffer.from('B') });
    const badFormat = Buffer.from(good);
    badFormat[35] = 0x02; // first buffer format
    expect(() => decodeMessageRequest(badFormat)).toThrow(NetsendError);
    expect(() => encodeMessageRequest({ command: 0xd0, from: Buffer.from('A'), to: Buffer.from('B'), data: Buffer.alloc(129) })).toThrow(NetsendError);
    expect(() => encodeMessageRequest({ command: 0xd5, from: Buffer.alloc(16, 0x41), to: Buffer.from('B') })).toThrow(NetsendError);
    expect(() => decodeMessageResponse(good)).toThrow(NetsendError); // a request is not a reply
  });
});

const name = fc.uint8Array({ minLength: 1, maxLength: 15 }).filter((b) => !b.includes(0)).map((b) => Buffer.from(b));
const data = fc.uint8Array({ maxLength: 128 }).map((b) => Buffer.from(b));
const gid = fc.integer({ min: 0, max: 0xffff });
const request: fc.Arbitrary<MessageRequest> = fc.oneof(
  fc.record({ command: fc.constant(0xd0 as const), from: name, to: name, data }),
  fc.record({ command: fc.constant(0xd5 as const), from: name, to: name }),
  fc.record({ command: fc.constant(0xd7 as const), groupId: gid, data }),
  fc.record({ command: fc.constant(0xd6 as const), groupId: gid }),
);

describe('SMB1 message command codecs: properties', () => {
  it('request round trip', () => {
    fc.assert(
      fc.property(request, fc.integer({ min: 0, max: 0xffff }), (req, mid) => {
        const d = decodeMessageRequest(encodeMessageRequest(req, { mid }));
        expect(d.request).toEqual(req);
        expect(d.header.mid).toBe(mid);
      }),
    );
  });

  it('response round trip (NT and DOS forms, group id)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0xd0, 0xd5, 0xd6, 0xd7),
        fc.boolean(),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.option(gid, { nil: undefined }),
        (command, nt, cls, code, groupId) => {
          const status = nt ? 0xc0000000 + code : dosStatusField(cls, code);
          const init = { status, ntStatus: nt, ...(command === 0xd5 && groupId !== undefined ? { groupId } : {}) };
          const r = decodeMessageResponse(encodeMessageResponse(emptyHeader(command), init), command as 0xd0);
          expect(r.command).toBe(command);
          expect(r.status).toEqual(nt ? { form: 'nt', code: status >>> 0 } : { form: 'dos', errorClass: cls, errorCode: code });
        },
      ),
    );
  });

  it('every truncation of a valid request throws NetsendError', () => {
    fc.assert(
      fc.property(request, fc.nat(), (req, cut) => {
        const buf = encodeMessageRequest(req);
        const at = cut % buf.length;
        expect(() => decodeMessageRequest(buf.subarray(0, at))).toThrow(NetsendError);
      }),
    );
  });

  it('random bytes never throw anything but NetsendError', () => {
    const prefix = fc.constantFrom(Buffer.alloc(0), hex('ff534d42d0'), hex('ff534d42d5'), hex('ff534d42d7'), hex('ff534d42d6'));
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 120 }), (p, tail) => {
        const buf = Buffer.concat([p, Buffer.from(tail)]);
        for (const f of [() => decodeMessageRequest(buf), () => decodeMessageResponse(buf)]) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(NetsendError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('random mutations of valid messages never throw anything but NetsendError', () => {
    fc.assert(
      fc.property(request, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (req, muts) => {
        const buf = Buffer.from(encodeMessageRequest(req));
        for (const [at, v] of muts) buf[at % buf.length] = v;
        try {
          decodeMessageRequest(buf);
        } catch (e) {
          expect(e).toBeInstanceOf(NetsendError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
