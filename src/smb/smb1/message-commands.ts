/**
 * SMB1 message commands ([MS-MSRP] §2.2.3; [MS-CIFS] §2.2.4.x): the Messenger's direct delivery
 * path. Requests and responses in both directions (the sender encodes requests and decodes replies;
 * the receiver does the reverse). Names and text are raw OEM bytes here: the messenger layer
 * converts them from and to Unicode.
 */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';
import {
  decodeSmb1Message,
  emptyHeader,
  encodeSmb1Message,
  SMB1Flags,
  SMB1Flags2,
  smb1Status,
  type Smb1Header,
  type Smb1Status,
} from './header.js';

/** [MS-CIFS] §2.2.1.1 buffer format bytes. */
export const BufferFormat = { DATA_BLOCK: 0x01, DIALECT: 0x02, ASCII: 0x04, VARIABLE_BLOCK: 0x05 } as const;

/** [MS-MSRP] §2.2.3.1.1 / §2.2.3.3.1: at most 128 bytes of text per message or block. */
export const MAX_BLOCK_BYTES = 128;
/** [MS-MSRP] §2.2.3: originator and destination are NetBIOS names, at most 15 bytes. */
export const MAX_NAME_BYTES = 15;
/** Upper bound the decoder accepts for a name (peers such as smbclient send long user names). */
export const MAX_DECODED_NAME_BYTES = 255;

export type MessageCommand = 0xd0 | 0xd5 | 0xd6 | 0xd7;

/** The message command codes by name ([MS-MSRP] §2.2.3; [MS-CIFS] §2.2.2.1). */
export const MessageCommandCode = {
  SEND_MESSAGE: 0xd0,
  SEND_START_MB_MESSAGE: 0xd5,
  SEND_END_MB_MESSAGE: 0xd6,
  SEND_TEXT_MB_MESSAGE: 0xd7,
} as const satisfies Record<string, MessageCommand>;

export const MESSAGE_COMMANDS: readonly MessageCommand[] = [0xd0, 0xd5, 0xd6, 0xd7];

export function isMessageCommand(c: number): c is MessageCommand {
  return c === 0xd0 || c === 0xd5 || c === 0xd6 || c === 0xd7;
}

/** 0xD0 SMB_COM_SEND_MESSAGE request ([MS-MSRP] §2.2.3.1.1). */
export interface SendMessageRequest {
  command: 0xd0;
  from: Buffer;
  to: Buffer;
  data: Buffer;
}
/** 0xD5 SMB_COM_SEND_START_MB_MESSAGE request ([MS-MSRP] §2.2.3.2.1). */
export interface StartMbRequest {
  command: 0xd5;
  from: Buffer;
  to: Buffer;
}
/** 0xD7 SMB_COM_SEND_TEXT_MB_MESSAGE request ([MS-MSRP] §2.2.3.3.1). */
export interface TextMbRequest {
  command: 0xd7;
  groupId: number;
  data: Buffer;
}
/** 0xD6 SMB_COM_SEND_END_MB_MESSAGE request ([MS-MSRP] §2.2.3.4.1). */
export interface EndMbRequest {
  command: 0xd6;
  groupId: number;
}
/** A decoded message command request: single-block 0xD0 or one of the multi-block 0xD5/0xD7/0xD6 ([MS-MSRP] §2.2.3). */
export type MessageRequest = SendMessageRequest | StartMbRequest | TextMbRequest | EndMbRequest;

/** A decoded request with the header it came in (the reply echoes PID/MID/TID/UID). */
export interface DecodedMessageRequest {
  header: Smb1Header;
  request: MessageRequest;
}

/** A decoded reply. `groupId` is set only for a 0xD5 reply with WordCount 1 (Samba sends 0). */
export interface MessageResponse {
  header: Smb1Header;
  command: MessageCommand;
  status: Smb1Status;
  groupId: number | null;
}

function checkName(name: Buffer, what: string): void {
  if (name.length === 0) throw new MalformedError(what, 'empty name');
  if (name.length > MAX_NAME_BYTES) throw new MalformedError(what, `name is ${name.length} bytes, limit ${MAX_NAME_BYTES}`);
  if (name.includes(0)) throw new MalformedError(what, 'name contains NUL');
}

function checkData(data: Buffer, what: string): void {
  if (data.length > MAX_BLOCK_BYTES) throw new MalformedError(what, `text is ${data.length} bytes, limit ${MAX_BLOCK_BYTES} per block`);
}

function checkGroupId(groupId: number, what: string): void {
  if (!Number.isInteger(groupId) || groupId < 0 || groupId > 0xffff) throw new MalformedError(what, `group id ${groupId}`);
}

function u16Words(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeUInt16LE(v, i * 2));
  return b;
}

/** [MS-MSRP] §2.2.3: "All other fields in the SMB header MUST be set to 0x00"; callers may override (tests, peers). */
function requestHeader(command: number, override?: Partial<Smb1Header>): Smb1Header {
  return { ...emptyHeader(command), ...override, command };
}

function writeNames(w: ByteWriter, from: Buffer, to: Buffer): void {
  w.u8(BufferFormat.ASCII).bytes(from).u8(0);
  w.u8(BufferFormat.ASCII).bytes(to).u8(0);
}

export function encodeMessageRequest(req: MessageRequest, header?: Partial<Smb1Header>): Buffer {
  const what = `SMB1 0x${req.command.toString(16)} request`;
  const h = requestHeader(req.command, header);
  const w = new ByteWriter(64);
  switch (req.command) {
    case 0xd0:
      checkName(req.from, what);
      checkName(req.to, what);
      checkData(req.data, what);
      writeNames(w, req.from, req.to);
      w.u8(BufferFormat.DATA_BLOCK).u16le(req.data.length).bytes(req.data);
      return encodeSmb1Message(h, Buffer.alloc(0), w.finish());
    case 0xd5:
      checkName(req.from, what);
      checkName(req.to, what);
      writeNames(w, req.from, req.to);
      return encodeSmb1Message(h, Buffer.alloc(0), w.finish());
    case 0xd7:
      checkGroupId(req.groupId, what);
      checkData(req.data, what);
      w.u8(BufferFormat.DATA_BLOCK).u16le(req.data.length).bytes(req.data);
      return encodeSmb1Message(h, u16Words(req.groupId), w.finish());
    case 0xd6:
      checkGroupId(req.groupId, what);
      return encodeSmb1Message(h, u16Words(req.groupId), Buffer.alloc(0));
  }
}

function readName(r: ByteReader, field: string): Buffer {
  const fmt = r.u8();
  if (fmt !== BufferFormat.ASCII) throw new MalformedError(r.what, `${field} buffer format 0x${fmt.toString(16)}, expected 0x04`);
  const name = Buffer.from(r.cstring(MAX_DECODED_NAME_BYTES));
  if (name.length === 0) throw new MalformedError(r.what, `empty ${field}`);
  return name;
}

function readData(r: ByteReader): Buffer {
  const fmt = r.u8();
  // [MS-MSRP] §3.2.4.5 lists \001 and \005 as data buffer formats.
  if (fmt !== BufferFormat.DATA_BLOCK && fmt !== BufferFormat.VARIABLE_BLOCK) {
    throw new MalformedError(r.what, `data buffer format 0x${fmt.toString(16)}, expected 0x01`);
  }
  const len = r.u16le();
  return Buffer.from(r.bytes(len, 'message data'));
}

function expectWordCount(words: Buffer, n: number, what: string): void {
  if (words.length !== n * 2) throw new MalformedError(what, `WordCount ${words.length / 2}, expected ${n}`);
}

/**
 * Decodes a message-command request (receiver side). Trailing bytes after the last field within
 * ByteCount are tolerated (MS-MSRP's "null-terminated" text), but every field must fit.
 */
export function decodeMessageRequest(buf: Buffer): DecodedMessageRequest {
  const msg = decodeSmb1Message(buf);
  const { header, body } = msg;
  const what = `SMB1 0x${header.command.toString(16)} request`;
  if (header.flags & SMB1Flags.REPLY) throw new MalformedError(what, 'reply flag set on a request');
  const r = new ByteReader(body.bytes, what);
  switch (header.command) {
    case 0xd0: {
      expectWordCount(body.words, 0, what);
      const from = readName(r, 'originator');
      const to = readName(r, 'destination');
      const data = readData(r);
      return { header, request: { command: 0xd0, from, to, data } };
    }
    case 0xd5: {
      expectWordCount(body.words, 0, what);
      const from = readName(r, 'originator');
      const to = readName(r, 'destination');
      return { header, request: { command: 0xd5, from, to } };
    }
    case 0xd7: {
      expectWordCount(body.words, 1, what);
      const groupId = body.words.readUInt16LE(0);
      const data = readData(r);
      return { header, request: { command: 0xd7, groupId, data } };
    }
    case 0xd6: {
      expectWordCount(body.words, 1, what);
      return { header, request: { command: 0xd6, groupId: body.words.readUInt16LE(0) } };
    }
    default:
      throw new MalformedError(what, `not a message command`);
  }
}

export interface MessageResponseInit {
  /** Raw 32-bit status: an NTSTATUS when `ntStatus`, else DOS form (class | code << 16). */
  status?: number;
  /** Set Flags2.NT_STATUS (the peer asked for it). */
  ntStatus?: boolean;
  /** Only for a 0xD5 reply: WordCount 1 with the group id ([MS-MSRP] §2.2.3.2.2). */
  groupId?: number;
}

/** DOS-form status field: ErrorClass u8, Reserved u8, ErrorCode u16 ([MS-CIFS] §2.2.3.1). */
export function dosStatusField(errorClass: number, errorCode: number): number {
  return ((errorCode & 0xffff) << 16 | (errorClass & 0xff)) >>> 0;
}

/** Encodes a reply to `request` (receiver side), echoing TID/PID/UID/MID. */
export function encodeMessageResponse(request: Smb1Header, init: MessageResponseInit = {}): Buffer {
  const header: Smb1Header = {
    ...request,
    signature: Buffer.alloc(8),
    status: init.status ?? 0,
    flags: SMB1Flags.REPLY,
    flags2: init.ntStatus ? SMB1Flags2.NT_STATUS : 0,
  };
  const words = init.groupId === undefined ? Buffer.alloc(0) : u16Words(init.groupId);
  if (init.groupId !== undefined) checkGroupId(init.groupId, 'SMB1 message reply');
  return encodeSmb1Message(header, words, Buffer.alloc(0));
}

/**
 * Decodes a reply to a message command (sender side). Accepts WordCount 0 or 1 for 0xD5 (Samba
 * sends 0, [MS-MSRP] §2.2.3.2.2 says 1) and error replies of any shape.
 */
export function decodeMessageResponse(buf: Buffer, expected?: MessageCommand): MessageResponse {
  const { header, body } = decodeSmb1Message(buf);
  const what = `SMB1 0x${header.command.toString(16)} reply`;
  if (!isMessageCommand(header.command)) throw new MalformedError(what, 'not a message command');
  if (expected !== undefined && header.command !== expected) {
    throw new MalformedError(what, `answers command 0x${header.command.toString(16)}, expected 0x${expected.toString(16)}`);
  }
  if (!(header.flags & SMB1Flags.REPLY)) throw new MalformedError(what, 'reply flag not set');
  const status = smb1Status(header);
  let groupId: number | null = null;
  if (header.status >>> 0 === 0) {
    if (header.command === 0xd5) {
      if (body.words.length !== 0 && body.words.length !== 2) throw new MalformedError(what, `WordCount ${body.words.length / 2}`);
      if (body.words.length === 2) groupId = body.words.readUInt16LE(0);
    } else if (body.words.length !== 0) {
      throw new MalformedError(what, `WordCount ${body.words.length / 2}, expected 0`);
    }
  }
  return { header, command: header.command, status, groupId };
}

