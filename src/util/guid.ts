import { NetsendError } from '../status/error.js';

/**
 * 16 bytes of a GUID in wire order (Data1..Data3 little-endian, [MS-DTYP] §2.3.4.2) to its lower-case
 * string form, e.g. ServerGuid in SMB1/SMB2 NEGOTIATE responses.
 */
export function guidFromBytes(b: Uint8Array): string {
  if (b.length !== 16) throw new NetsendError('usage', 0, 'INVALID_UUID', `GUID needs 16 bytes, got ${b.length}`);
  const c = Buffer.from(b);
  c.subarray(0, 4).reverse();
  c.subarray(4, 6).reverse();
  c.subarray(6, 8).reverse();
  const h = c.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
