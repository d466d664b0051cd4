import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { guidFromBytes } from '../../src/util/guid.js';
import { uuidFromBytes, uuidToBytes } from '../../src/rpc/uuid.js';
import { NetsendError } from '../../src/status/error.js';

describe('guidFromBytes ([MS-DTYP] §2.3.4.2 wire order)', () => {
  it('formats Data1..Data3 little-endian, Data4 as is', () => {
    const wire = Buffer.from('40fc296b47ca6710b31d00dd010662da', 'hex');
    expect(guidFromBytes(wire)).toBe('6b29fc40-ca47-1067-b31d-00dd010662da');
  });
  it('agrees with the RPC layer and round-trips through uuidToBytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const s = guidFromBytes(b);
        expect(s).toBe(uuidFromBytes(b));
        expect(uuidToBytes(s)).toEqual(Buffer.from(b));
      }),
    );
  });
  it('refuses anything but 16 bytes', () => {
    expect(() => guidFromBytes(Buffer.alloc(15))).toThrow(NetsendError);
  });
});
