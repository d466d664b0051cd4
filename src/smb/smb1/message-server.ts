/**
 * The receiving side of the SMB1 message commands ([MS-MSRP] §3.2.4.5): one request frame in, a
 * typed event out, and the reply frames. A NEGOTIATE is answered here ("NT LM 0.12", so that a 0xD0
 * sent after it works); a message command comes back as an event whose reply (accept or one of the
 * refusals below) the caller picks: who may send what is the receiver's policy, not the wire's.
 */
import { MalformedError } from '../../status/error.js';
import { DOS, DOS_CLASS } from '../../status/dos.js';
import { NT } from '../../status/ntstatus.js';
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { decodeSmb1Header, decodeSmb1Message, encodeSmb1Message, Smb1Command, SMB1Flags, SMB1Flags2, type Smb1Header } from './header.js';
import { decodeMessageRequest, dosStatusField, encodeMessageResponse, isMessageCommand, type MessageRequest } from './message-commands.js';
import { DIALECT_NT_LM_012, decodeNegotiateRequestDialects } from './negotiate.js';

/** Why a message command is refused; each has an NTSTATUS and a DOS form. */
export type MessageRefusal = 'invalid-parameter' | 'not-supported' | 'name-not-here' | 'no-room' | 'rate-limited';

/** DOS (class, code) as the 32-bit status field, and as NTSTATUS ([MS-CIFS] §2.2.2.4 STATUS_SMB_* form when there is no NT equivalent). */
function statusPair(errClass: number, errCode: number, nt?: number): { nt: number; dos: number } {
  return { nt: nt ?? (((errCode << 16) | errClass) >>> 0), dos: dosStatusField(errClass, errCode) };
}

/** The refusals, in both forms. */
const REFUSALS: Record<MessageRefusal, { nt: number; dos: number }> = {
  'invalid-parameter': statusPair(DOS_CLASS.ERRDOS, DOS.ERRDOS.ERRinvalidparam, NT.STATUS_INVALID_PARAMETER),
  'not-supported': statusPair(DOS_CLASS.ERRDOS, DOS.ERRDOS.ERRbadfunc, NT.STATUS_NOT_SUPPORTED),
  'name-not-here': statusPair(DOS_CLASS.ERRSRV, DOS.ERRSRV.ERRmsgoff),
  'no-room': statusPair(DOS_CLASS.ERRSRV, DOS.ERRSRV.ERRnoroom), // [MS-MSRP] §3.2.4.5 SMB_ERR_NO_ROOM
  // [MS-CIFS] §2.2.2.4: ERRSRV/ERRnoresource, NT form STATUS_REQUEST_NOT_ACCEPTED: "no resources
  // currently available for this request" is what an over-rate message gets.
  'rate-limited': statusPair(DOS_CLASS.ERRSRV, DOS.ERRSRV.ERRnoresource, NT.STATUS_REQUEST_NOT_ACCEPTED),
};

/** A message command to decide on, with the replies that answer it in the form the peer asked for. */
export interface MessageCommandEvent {
  kind: 'message';
  request: MessageRequest;
  /** Success reply; `groupId` only for 0xD5 ([MS-MSRP] §2.2.3.2.2). */
  accept(groupId?: number): Buffer;
  /** Error reply that refuses the message, with the status the refusal maps to. */
  refuse(why: MessageRefusal): Buffer;
}

/**
 * What one request frame asks for:
 * - 'message': a message command (see MessageCommandEvent);
 * - 'reply': answered without the caller (NEGOTIATE, an unsupported command, a malformed message
 *   command); `error` is the parse failure worth reporting, if any;
 * - 'drop': not an SMB1 request at all (no parseable header, or a reply): close the connection.
 */
export type MessageServerEvent = MessageCommandEvent | { kind: 'reply'; reply: Buffer; error?: unknown } | { kind: 'drop'; error: unknown };

/** Decodes one request frame of a message server into an event. Never throws. */
export function decodeMessageServerRequest(msg: Buffer): MessageServerEvent {
  let header: Smb1Header;
  try {
    header = decodeSmb1Header(new ByteReader(msg, 'SMB1 request'));
  } catch (e) {
    return { kind: 'drop', error: e };
  }
  if (header.flags & SMB1Flags.REPLY) return { kind: 'drop', error: new MalformedError('SMB1 request', 'reply flag set') };
  const nt = (header.flags2 & SMB1Flags2.NT_STATUS) !== 0;
  const refuse = (why: MessageRefusal): Buffer => errorReply(header, why, nt);

  if (header.command === Smb1Command.NEGOTIATE) return { kind: 'reply', reply: negotiateReply(msg, header) };
  if (!isMessageCommand(header.command)) return { kind: 'reply', reply: refuse('not-supported') };
  let request: MessageRequest;
  try {
    request = decodeMessageRequest(msg).request;
  } catch (e) {
    return { kind: 'reply', reply: refuse('invalid-parameter'), error: e };
  }
  return {
    kind: 'message',
    request,
    accept: (groupId) => encodeMessageResponse(header, { ntStatus: nt, ...(groupId === undefined ? {} : { groupId }) }),
    refuse,
  };
}

function errorReply(request: Smb1Header, why: MessageRefusal, nt: boolean): Buffer {
  const status = nt ? REFUSALS[why].nt : REFUSALS[why].dos;
  return encodeSmb1Message(
    { ...request, signature: Buffer.alloc(8), status, flags: SMB1Flags.REPLY, flags2: nt ? SMB1Flags2.NT_STATUS : 0 },
    Buffer.alloc(0),
    Buffer.alloc(0),
  );
}

/**
 * [MS-CIFS] §2.2.4.52: pick "NT LM 0.12" from the dialect list and answer with the 17-word
 * NT LM response (share-level security, no challenge, CAP_STATUS32), or DialectIndex 0xFFFF.
 */
function negotiateReply(msg: Buffer, header: Smb1Header): Buffer {
  const nt = (header.flags2 & SMB1Flags2.NT_STATUS) !== 0;
  let index = 0xffff;
  try {
    const dialects = decodeNegotiateRequestDialects(decodeSmb1Message(msg));
    index = dialects.indexOf(DIALECT_NT_LM_012);
    if (index < 0) index = 0xffff;
  } catch {
    return errorReply(header, 'invalid-parameter', nt);
  }
  const h: Smb1Header = { ...header, signature: Buffer.alloc(8), status: 0, flags: SMB1Flags.REPLY | SMB1Flags.CASE_INSENSITIVE | SMB1Flags.CANONICALIZED_PATHS, flags2: SMB1Flags2.NT_STATUS | SMB1Flags2.LONG_NAMES };
  if (index === 0xffff) return encodeSmb1Message(h, Buffer.from([0xff, 0xff]), Buffer.alloc(0));
  const filetime = BigInt(Date.now()) * 10_000n + 116_444_736_000_000_000n;
  const words = new ByteWriter(34)
    .u16le(index)
    .u8(0) // SecurityMode: share level, plaintext (no authentication is ever asked for)
    .u16le(1) // MaxMpxCount
    .u16le(1) // MaxNumberVcs
    .u32le(4356) // MaxBufferSize
    .u32le(4356) // MaxRawSize
    .u32le(0) // SessionKey
    .u32le(0x40) // Capabilities: CAP_STATUS32
    .u64le(filetime)
    .u16le(0) // ServerTimeZone
    .u8(0) // ChallengeLength
    .finish();
  return encodeSmb1Message(h, words, Buffer.from('\0', 'latin1'));
}
