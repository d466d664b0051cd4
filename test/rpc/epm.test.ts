/** Endpoint mapper stubs and towers: vectors from real samba-dcerpcd replies, round trips, fuzz. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildTower, decodeEptLookup, decodeEptMap, encodeEptLookup, encodeEptMap, parseTower, towerBinding } from '../../src/rpc/interfaces/epm.js';
import { WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import { NDR20, uuidFromBytes } from '../../src/rpc/uuid.js';
import { onlyNetsendErrors } from '../helpers/oracle.js';

// Response stubs samba-dcerpcd 4.17 sent on 127.77.177.108 (ept_map wkssvc over TCP, max_towers 4;
// ept_lookup max_ents 2 from a null handle).
const SAMBA_MAP =
  '000000000000000000000000000000000000000001000000040000000000000001000000030000004b0000004b000000050013000d98d0ff6b12a11036983346c3f87e345a01000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b020000000100070200c00001000904007f4db16c0000000000';
const SAMBA_LOOKUP =
  '00000000fdc4c76b2119e140820c4a53e02eadac02000000020000000000000002000000000000000000000000000000000000000100000000000000090000006576656e746c6f6700000000000000000000000000000000000000000200000000000000070000006e747376637300005500000055000000050013000ddc3f27822ae3c3183f78827929dc23ea00000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b0200000001000f0f005c706970655c6576656e746c6f67000100110100000000005300000053000000050013000d404e9f8d3da0ce118f6908003e30051b01000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b0200000001000f0d005c706970655c6e7473766373000100110100000000000000';

describe('endpoint mapper', () => {
  it('decodes Samba\'s ept_map reply: wkssvc on TCP 49152 at 127.77.177.108', () => {
    const r = decodeEptMap(Buffer.from(SAMBA_MAP, 'hex'), 4);
    expect(r.status).toBe(0);
    expect(r.towers).toHaveLength(1);
    expect(r.towers[0]).toMatchObject({ protseq: 'ncacn_ip_tcp', endpoint: '49152', host: '127.77.177.108', interface: WKSSVC.syntax, transferSyntax: NDR20 });
    expect(towerBinding(r.towers[0]!)).toBe('ncacn_ip_tcp:127.77.177.108[49152]');
  });

  it("decodes Samba's ept_lookup page: two named-pipe entries and a live entry handle", () => {
    const r = decodeEptLookup(Buffer.from(SAMBA_LOOKUP, 'hex'), 2);
    expect(r.status).toBe(0);
    expect(r.entryHandle.subarray(4).equals(Buffer.alloc(16))).toBe(false);
    expect(r.entries.map((e) => [e.annotation, e.tower && towerBinding(e.tower), e.tower?.interface.uuid])).toEqual([
      ['eventlog', 'ncacn_np:[\\pipe\\eventlog]', '82273fdc-e32a-18c3-3f78-827929dc23ea'],
      ['ntsvcs', 'ncacn_np:[\\pipe\\ntsvcs]', '8d9f4e40-a03d-11ce-8f69-08003e30051b'],
    ]);
  });

  it('builds the map tower Samba answered (the request tower is what its reply echoes, port and address zero)', () => {
    const reply = parseTower(buildTower({ interface: WKSSVC.syntax, protseq: 'ncacn_ip_tcp' }));
    expect(reply).toMatchObject({ protseq: 'ncacn_ip_tcp', endpoint: '0', host: '0.0.0.0', interface: WKSSVC.syntax });
    // The request stub: object pointer + nil uuid, tower pointer, conformance, length, 75-octet tower, handle, max.
    const stub = encodeEptMap(buildTower({ interface: WKSSVC.syntax, protseq: 'ncacn_ip_tcp' }), 4);
    expect(stub.length).toBe(4 + 16 + 4 + 8 + 75 + 1 + 20 + 4);
    expect(encodeEptLookup(10).length).toBe(4 + 4 + 4 + 4 + 20 + 4);
  });

  const syn = fc.record({ uuid: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => uuidFromBytes(a)), major: fc.nat({ max: 0xffff }), minor: fc.nat({ max: 0xffff }) });
  it('towers round-trip for ncacn_ip_tcp, ncadg_ip_udp and ncacn_np', () => {
    fc.assert(
      fc.property(
        syn,
        fc.constantFrom('ncacn_ip_tcp' as const, 'ncadg_ip_udp' as const, 'ncacn_np' as const),
        fc.nat({ max: 65535 }),
        fc.ipV4(),
        fc.stringMatching(/^[A-Za-z0-9_]{1,15}$/),
        (iface, protseq, port, ip, name) => {
          const np = protseq === 'ncacn_np';
          const t = parseTower(buildTower({ interface: iface, protseq, endpoint: np ? `\\pipe\\${name}` : port, host: np ? name : ip }));
          expect(t).toMatchObject({ interface: iface, transferSyntax: NDR20, protseq, endpoint: np ? `\\pipe\\${name}` : String(port), host: np ? name : ip });
        },
      ),
    );
  });

  it('random or truncated replies and towers throw NetsendError only', () => {
    const real = [Buffer.from(SAMBA_MAP, 'hex'), Buffer.from(SAMBA_LOOKUP, 'hex')];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat({ max: 255 }), (a, cut, flip) => {
        const b = Buffer.from(a);
        onlyNetsendErrors(() => decodeEptMap(b, 4));
        onlyNetsendErrors(() => decodeEptLookup(b, 100));
        onlyNetsendErrors(() => parseTower(b));
        for (const r of real) {
          onlyNetsendErrors(() => decodeEptMap(r.subarray(0, cut % r.length), 4));
          onlyNetsendErrors(() => decodeEptLookup(r.subarray(0, cut % r.length), 2));
          const m = Buffer.from(r);
          m[cut % m.length] = m[cut % m.length]! ^ flip;
          onlyNetsendErrors(() => decodeEptMap(m, 4));
          onlyNetsendErrors(() => decodeEptLookup(m, 2));
        }
      }),
    );
  });
});
