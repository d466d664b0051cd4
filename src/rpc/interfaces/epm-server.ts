/**
 * The server side of ept_map (C706 Appendix O; clrpc-mailslot-notes §3.2–§3.5), enough for a receiver to
 * say where its own interfaces listen: decode the request stub, encode the response stub.
 */
import { MalformedError } from '../../status/error.js';
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { uuidFromBytes, NIL_UUID } from '../uuid.js';
import { CONTEXT_HANDLE_LENGTH, EPT_S_NOT_REGISTERED, parseTower, type Tower } from './epm.js';

export interface EptMapRequest {
  object: string;
  tower: Tower | null;
  entryHandle: Buffer;
  maxTowers: number;
}

/** Tower octets are small (75 bytes for a 5-floor IP tower); anything much larger is hostile. */
const MAX_TOWER = 1024;

/** ept_map [in]: object (full pointer, may be NULL), map_tower (full pointer), entry_handle, max_towers. */
export function decodeEptMapRequest(stub: Buffer): EptMapRequest {
  const r = new ByteReader(stub, 'ept_map request');
  let object = NIL_UUID;
  if (r.u32le() !== 0) object = uuidFromBytes(r.bytes(16, 'object'));
  let tower: Tower | null = null;
  if (r.u32le() !== 0) {
    const max = r.u32le();
    const len = r.u32le();
    if (len !== max || len > MAX_TOWER) throw new MalformedError('ept_map request', `tower max ${max} length ${len}`);
    tower = parseTower(r.bytes(len, 'tower'));
    r.align(4);
  }
  const entryHandle = Buffer.from(r.bytes(CONTEXT_HANDLE_LENGTH, 'entry_handle'));
  const maxTowers = r.u32le();
  if (maxTowers > 500) throw new MalformedError('ept_map request', `max_towers ${maxTowers} beyond range(0,500)`);
  return { object, tower, entryHandle, maxTowers };
}

/** ept_map [out]: entry_handle (nil: no more), num_towers, towers[] conformant-varying of full pointers, status. */
export function encodeEptMapResponse(towers: Buffer[], maxTowers: number, status: number = towers.length === 0 ? EPT_S_NOT_REGISTERED : 0): Buffer {
  const n = Math.min(towers.length, maxTowers);
  const w = new ByteWriter(128);
  w.zeros(CONTEXT_HANDLE_LENGTH).u32le(n);
  w.u32le(maxTowers).u32le(0).u32le(n);
  for (let i = 0; i < n; i++) w.u32le(3 + i);
  for (let i = 0; i < n; i++) {
    const t = towers[i]!;
    w.u32le(t.length).u32le(t.length).bytes(t).align(4);
  }
  w.u32le(status);
  return w.finish();
}
