/**
 * NetBIOS over TCP status values (RFC 1002): NEGATIVE SESSION RESPONSE error codes (§4.3.4) and
 * name-service RCODEs (§4.2.6 onward). RFC 1002 gives the RCODEs symbolic names; the session
 * error codes have only descriptions, so their names here are spelled from those descriptions.
 */
import { buildCatalogue, info, valuesOf, type Row, type StatusInfo } from './table.js';

const NBSS_TABLE = {
  NBSS_NOT_LISTENING_ON_CALLED_NAME: [0x80, 'Not listening on called name.'],
  NBSS_NOT_LISTENING_FOR_CALLING_NAME: [0x81, 'Not listening for calling name.'],
  NBSS_CALLED_NAME_NOT_PRESENT: [0x82, 'Called name not present.'],
  NBSS_INSUFFICIENT_RESOURCES: [0x83, 'Called name present, but insufficient resources.'],
  NBSS_UNSPECIFIED_ERROR: [0x8f, 'Unspecified error.'],
} as const satisfies Record<string, Row>;

const RCODE_TABLE = {
  FMT_ERR: [0x1, 'Format error: the request was invalidly formatted.'],
  SRV_ERR: [0x2, 'Server failure: the name server cannot process the request.'],
  NAM_ERR: [0x3, 'Name error: the name requested does not exist.'],
  IMP_ERR: [0x4, 'Unsupported request error.'],
  RFS_ERR: [0x5, 'Refused error: policy reasons prevent registering or handling this name.'],
  ACT_ERR: [0x6, 'Active error: the name is owned by another node.'],
  CFT_ERR: [0x7, 'Name in conflict: a unique name is owned by more than one node.'],
} as const satisfies Record<string, Row>;

const NBSS_CAT = buildCatalogue(NBSS_TABLE);
const RCODE_CAT = buildCatalogue(RCODE_TABLE);

/** NEGATIVE SESSION RESPONSE error byte values. */
export const NBSS = valuesOf(NBSS_TABLE);
/** Name-service RCODE values. */
export const NB_RCODE = valuesOf(RCODE_TABLE);
/** Every NEGATIVE SESSION RESPONSE row, for tests and tooling. */
export const NBSS_ENTRIES = NBSS_CAT.entries;
/** Every name-service RCODE row, for tests and tooling. */
export const NB_RCODE_ENTRIES = RCODE_CAT.entries;

/** Error byte of a NEGATIVE SESSION RESPONSE (RFC 1002 §4.3.4). */
export function nbssRefusal(byte: number): StatusInfo {
  const b = byte & 0xff;
  const e = NBSS_CAT.byCode.get(b);
  if (e !== undefined) return info(e);
  return { code: b, name: `NBSS_0x${b.toString(16).toUpperCase().padStart(2, '0')}`, message: `Unknown NetBIOS session refusal code 0x${b.toString(16).padStart(2, '0')}.` };
}

/** Name-service RCODE (4 bits, RFC 1002 §4.2.1.1); 0 is success. */
export function netbiosRcode(n: number): StatusInfo {
  const r = n & 0xf;
  if (r === 0) return { code: 0, name: 'NOERROR', message: 'No error.' };
  const e = RCODE_CAT.byCode.get(r);
  if (e !== undefined) return info(e);
  return { code: r, name: `RCODE_${r}`, message: `Unknown NetBIOS name service RCODE ${r}.` };
}
