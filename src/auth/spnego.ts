import { MalformedError, NetsendError } from '../status/error.js';
import {
  TAG,
  children,
  ctxTag,
  decodeEnumerated,
  decodeOid,
  decodeOne,
  encodeEnumerated,
  encodeOid,
  tlv,
  type DerTlv,
} from './der.js';

/** SPNEGO tokens, RFC 4178 §4.2 and [MS-SPNG] §2.2. */

export const OID_SPNEGO = '1.3.6.1.5.5.2';
/** NTLMSSP mechanism OID ([MS-NLMP] §1.9), the only mechanism this client speaks. */
export const OID_NTLMSSP = '1.3.6.1.4.1.311.2.2.10';
/** Kerberos V5 mechanism OID (RFC 4121); recognised in a server's list, never used. */
export const OID_KRB5 = '1.2.840.113554.1.2.2';
/** Microsoft's legacy Kerberos OID ([MS-SPNG] §3.1.5.1); recognised in a server's list, never used. */
export const OID_MS_KRB5 = '1.2.840.48018.1.2.2';
/** NEGOEX mechanism OID ([MS-NEGOEX] §1.9); recognised in a server's list, never used. */
export const OID_NEGOEX = '1.3.6.1.4.1.311.2.2.30';

/** negState, RFC 4178 §4.2.2. */
export const NegState = {
  acceptCompleted: 0,
  acceptIncomplete: 1,
  reject: 2,
  requestMic: 3,
} as const;

/** A parsed NegTokenInit ([MS-SPNG] §2.2.1, RFC 4178 §4.2.1): the mechanisms a peer offers. */
export interface NegTokenInit {
  mechTypes: string[];
  mechToken?: Buffer;
  mechListMIC?: Buffer;
  /** [MS-SPNG] §2.2.1 NegTokenInit2 negHints.hintName (servers send "not_defined_in_RFC4178@please_ignore"). */
  hintName?: string;
  /** DER encoding of the MechTypeList, the input to the mechListMIC. */
  mechTypesDer: Buffer;
}

/** A parsed NegTokenResp (RFC 4178 §4.2.2): the state of the negotiation and the inner mechanism's token. */
export interface NegTokenResp {
  negState?: number;
  supportedMech?: string;
  responseToken?: Buffer;
  mechListMIC?: Buffer;
}

const WHAT = 'SPNEGO token';

/** DER MechTypeList (SEQUENCE OF OID): the bytes the mechListMIC covers (RFC 4178 §5). */
export function encodeMechTypes(mechs: string[]): Buffer {
  return tlv(TAG.SEQUENCE, ...mechs.map(encodeOid));
}

/** InitialContextToken: [APPLICATION 0] { thisMech = SPNEGO, [0] NegTokenInit }. */
export function encodeNegTokenInit(m: { mechTypes: string[]; mechToken?: Buffer; mechListMIC?: Buffer }): Buffer {
  const fields: Buffer[] = [tlv(ctxTag(0), encodeMechTypes(m.mechTypes))];
  if (m.mechToken) fields.push(tlv(ctxTag(2), tlv(TAG.OCTET_STRING, m.mechToken)));
  if (m.mechListMIC) fields.push(tlv(ctxTag(3), tlv(TAG.OCTET_STRING, m.mechListMIC)));
  return tlv(TAG.APPLICATION_0, encodeOid(OID_SPNEGO), tlv(ctxTag(0), tlv(TAG.SEQUENCE, ...fields)));
}

/** NegTokenResp as a subsequent token: [1] NegTokenResp, without the APPLICATION wrapper. */
export function encodeNegTokenResp(m: NegTokenResp): Buffer {
  const fields: Buffer[] = [];
  if (m.negState !== undefined) fields.push(tlv(ctxTag(0), encodeEnumerated(m.negState)));
  if (m.supportedMech) fields.push(tlv(ctxTag(1), encodeOid(m.supportedMech)));
  if (m.responseToken) fields.push(tlv(ctxTag(2), tlv(TAG.OCTET_STRING, m.responseToken)));
  if (m.mechListMIC) fields.push(tlv(ctxTag(3), tlv(TAG.OCTET_STRING, m.mechListMIC)));
  return tlv(ctxTag(1), tlv(TAG.SEQUENCE, ...fields));
}

function explicit(t: DerTlv, innerTag: number): DerTlv {
  return decodeOne(t.value, innerTag);
}

/** Context-tagged fields of a SEQUENCE, strictly increasing and each at most once. */
function taggedFields(seq: DerTlv, maxTag: number): Map<number, DerTlv> {
  const out = new Map<number, DerTlv>();
  let last = -1;
  for (const c of children(seq.value, 2)) {
    const n = c.tag - 0xa0;
    if (n < 0 || n > maxTag) throw new MalformedError(WHAT, `unexpected tag 0x${c.tag.toString(16)} in SEQUENCE`);
    if (n <= last) throw new MalformedError(WHAT, `field [${n}] out of order or repeated`);
    last = n;
    out.set(n, c);
  }
  return out;
}

/**
 * Decodes an InitialContextToken carrying NegTokenInit or NegTokenInit2 (the SMB2 NEGOTIATE hint,
 * [MS-SMB2] §3.3.5.4 / [MS-SPNG] §3.2.5.2). Accepts the [APPLICATION 0] form and a bare [0] form.
 */
export function decodeNegTokenInit(buf: Buffer): NegTokenInit {
  let top = decodeOne(buf);
  if (top.tag === TAG.APPLICATION_0) {
    const parts = children(top.value, 1);
    if (parts.length !== 2 || parts[0]!.tag !== TAG.OID) throw new MalformedError(WHAT, 'InitialContextToken needs thisMech and one inner token');
    const mech = decodeOid(parts[0]!.value);
    if (mech !== OID_SPNEGO) throw new MalformedError(WHAT, `thisMech ${mech} is not SPNEGO`);
    top = parts[1]!;
  }
  if (top.tag !== ctxTag(0)) throw new MalformedError(WHAT, `expected negTokenInit [0], got tag 0x${top.tag.toString(16)}`);
  const seq = explicit(top, TAG.SEQUENCE);
  // NegTokenInit has [0]..[3]; NegTokenInit2 has negHints at [3] and mechListMIC at [4].
  const f = taggedFields(seq, 4);
  const mt = f.get(0);
  if (!mt) throw new MalformedError(WHAT, 'NegTokenInit without mechTypes');
  const mechSeq = explicit(mt, TAG.SEQUENCE);
  const mechTypes = children(mechSeq.value, 3).map((o) => {
    if (o.tag !== TAG.OID) throw new MalformedError(WHAT, 'mechTypes entry is not an OID');
    return decodeOid(o.value);
  });
  const out: NegTokenInit = { mechTypes, mechTypesDer: Buffer.from(mechSeq.raw) };
  const tok = f.get(2);
  if (tok) out.mechToken = Buffer.from(explicit(tok, TAG.OCTET_STRING).value);
  const f3 = f.get(3);
  if (f3) {
    const inner = decodeOne(f3.value);
    if (inner.tag === TAG.OCTET_STRING) out.mechListMIC = Buffer.from(inner.value);
    else if (inner.tag === TAG.SEQUENCE) {
      const hints = taggedFields(inner, 1);
      const hn = hints.get(0);
      if (hn) out.hintName = explicit(hn, TAG.GENERAL_STRING).value.toString('latin1');
    } else throw new MalformedError(WHAT, 'NegTokenInit field [3] is neither mechListMIC nor negHints');
  }
  const f4 = f.get(4);
  if (f4) out.mechListMIC = Buffer.from(explicit(f4, TAG.OCTET_STRING).value);
  return out;
}

/** Decodes a subsequent token: [1] NegTokenResp. */
export function decodeNegTokenResp(buf: Buffer): NegTokenResp {
  const top = decodeOne(buf);
  if (top.tag !== ctxTag(1)) throw new MalformedError(WHAT, `expected negTokenResp [1], got tag 0x${top.tag.toString(16)}`);
  const seq = explicit(top, TAG.SEQUENCE);
  const f = taggedFields(seq, 3);
  const out: NegTokenResp = {};
  const ns = f.get(0);
  if (ns) {
    const v = decodeEnumerated(explicit(ns, TAG.ENUMERATED).value);
    if (v < 0 || v > 3) throw new MalformedError(WHAT, `negState ${v} out of range`);
    out.negState = v;
  }
  const sm = f.get(1);
  if (sm) out.supportedMech = decodeOid(explicit(sm, TAG.OID).value);
  const rt = f.get(2);
  if (rt) out.responseToken = Buffer.from(explicit(rt, TAG.OCTET_STRING).value);
  const mic = f.get(3);
  if (mic) out.mechListMIC = Buffer.from(explicit(mic, TAG.OCTET_STRING).value);
  return out;
}

/** Throws NetsendError layer 'ntlm' when the server rejected the negotiation. */
export function checkNotRejected(resp: NegTokenResp): void {
  if (resp.negState === NegState.reject) {
    throw new NetsendError('ntlm', NegState.reject, 'SPNEGO_REJECT', 'the server rejected SPNEGO negotiation (negState reject)');
  }
}
