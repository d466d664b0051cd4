import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildTower, decodeEptMap, encodeEptMap, EPT_S_NOT_REGISTERED, parseTower } from '../../src/rpc/interfaces/epm.js';
import { decodeEptMapRequest, encodeEptMapResponse } from '../../src/rpc/interfaces/epm-server.js';
import { MSGSVCSEND } from '../../src/rpc/interfaces/msgsvcsend.js';
import { NetsendError } from '../../src/status/error.js';

describe('ept_map server side (clrpc-mailslot-notes §3.3–§3.5)', () => {
  it('the ncadg_ip_udp query tower is the 75 bytes of the notes, and the request decodes', () => {
    const tower = buildTower({ interface: MSGSVCSEND.syntax, protseq: 'ncadg_ip_udp' });
    // Byte for byte as clrpc-mailslot-notes §3.3 lists the tower.
    expect(tower.toString('hex')).toBe(Buffer.from('05 00 13 00 0d f8 91 7b 5a 00 ff d0 11 a9 b2 00 c0 4f b6 e6 fc 01 00 02 00 00 00 13 00 0d 04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60 02 00 02 00 00 00 01 00 0a 02 00 00 00 01 00 08 02 00 00 00 01 00 09 04 00 00 00 00 00'.replace(/ /g, ''), 'hex').toString('hex'));
    expect(tower.length).toBe(75);
    const stub = encodeEptMap(tower, 4);
    // ptr 1 + nil uuid, ptr 2, conformance 75, length 75, tower, pad, handle, max_towers
    expect(stub.length).toBe(4 + 16 + 4 + 4 + 4 + 75 + 1 + 20 + 4);
    const req = decodeEptMapRequest(stub);
    expect(req).toMatchObject({ maxTowers: 4, tower: { protseq: 'ncadg_ip_udp', interface: MSGSVCSEND.syntax } });
  });

  it('the response our receiver sends decodes with the client decoder: port and IP, or not registered', () => {
    const t = buildTower({ interface: MSGSVCSEND.syntax, protseq: 'ncadg_ip_udp', endpoint: 1026, host: '10.1.2.3' });
    const out = decodeEptMap(encodeEptMapResponse([t], 4), 4);
    expect(out.status).toBe(0);
    expect(out.towers[0]).toMatchObject({ protseq: 'ncadg_ip_udp', endpoint: '1026', host: '10.1.2.3' });
    const none = decodeEptMap(encodeEptMapResponse([], 4), 4);
    expect(none).toMatchObject({ status: EPT_S_NOT_REGISTERED, towers: [] });
  });

  it('a NULL object pointer is accepted; hostile requests throw NetsendError only', () => {
    const stub = encodeEptMap(buildTower({ interface: MSGSVCSEND.syntax, protseq: 'ncadg_ip_udp' }), 1);
    const nullObject = Buffer.concat([Buffer.alloc(4), stub.subarray(20)]);
    expect(decodeEptMapRequest(nullObject).tower?.protseq).toBe('ncadg_ip_udp');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 5 }), fc.nat(), (flips, cut) => {
        const b = Buffer.from(stub);
        for (const [i, v] of flips) b[i % b.length] = v;
        for (const x of [b, b.subarray(0, cut % (b.length + 1))]) {
          try {
            decodeEptMapRequest(x);
          } catch (e) {
            expect(e).toBeInstanceOf(NetsendError);
          }
        }
      }),
      { numRuns: 1000 },
    );
    expect(() => parseTower(Buffer.alloc(2))).toThrow(NetsendError);
  });
});
