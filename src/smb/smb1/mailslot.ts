/**
 * Class-2 mailslot writes: SMB_COM_TRANSACTION (0x25) with the mailslot write subcommand
 * ([MS-MAIL] §2.2.1, [MS-CIFS] §2.2.4.33.1), as carried in NetBIOS datagrams to `\MAILSLOT\MESSNGR`
 * (clrpc-mailslot-notes §5.3), and the Messenger body `From\0To\0Text\0` (§5.4).
 * There is no response: a mailslot write over datagrams is one-way.
 */
import { MalformedError, NetsendError, usageError } from '../../status/error.js';
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { encodeSmb1Header, emptyHeader, SMB1_HEADER_SIZE, SMB1_PROTOCOL, Smb1Command } from './header.js';

/** The Messenger service's mailslot ([MS-MSRP] §2.1.2, clrpc-mailslot-notes §5.4). */
export const MESSENGER_MAILSLOT = '\\MAILSLOT\\MESSNGR';

/** Setup[0] values ([MS-MAIL] §2.2.1): 1 = write. */
export const MAILSLOT_OPCODE_WRITE = 1;
/** Setup[2] values ([MS-MAIL] §2.2.1): 1 first-class (reliable), 2 second-class (unreliable, broadcastable). */
export const MAILSLOT_CLASS = { FIRST: 1, SECOND: 2 } as const;

/** WordCount of a mailslot write: 14 transaction words + 3 setup words ([MS-MAIL] §2.2.1 MUST). */
const MAILSLOT_WORD_COUNT = 17;
/** Offset of the transaction name: header, WordCount, 34 word bytes, ByteCount. */
const NAME_OFFSET = SMB1_HEADER_SIZE + 1 + MAILSLOT_WORD_COUNT * 2 + 2;
/** Longest mailslot name we write or accept (a `\MAILSLOT\` path; [MS-MAIL] §2.2.1 leaves it open, Win32 caps paths at 256). */
export const MAX_MAILSLOT_NAME = 255;

/**
 * Windows' limit on a whole mailslot write over NBT ([MS-MAIL] <2>: 512 bytes, SMB header to data),
 * which leaves 424 data bytes for `\MAILSLOT\MESSNGR` (clrpc-mailslot-notes §5.3).
 */
export const WINDOWS_MAX_MAILSLOT_SMB = 512;

/** One mailslot write (a TRANSACTION with the \MAILSLOT\ name, [MS-MAIL] §2.2.1). */
export interface MailslotWrite {
  /** The mailslot path, e.g. `\MAILSLOT\MESSNGR` (case-insensitive on receipt). */
  name: string;
  data: Buffer;
  /** Setup[1], 0..9; ignored by Windows receivers ([MS-MAIL] <9>). */
  priority: number;
  /** Setup[2]: MAILSLOT_CLASS. */
  mailslotClass: number;
  /** Timeout in ms; ignored by receivers ([MS-MAIL] <8>). */
  timeout: number;
}

function checkName(name: string): Buffer {
  if (name.length === 0 || name.length > MAX_MAILSLOT_NAME || !/^[\x20-\x7e]+$/.test(name)) {
    throw usageError(`mailslot name must be 1..${MAX_MAILSLOT_NAME} printable ASCII characters`);
  }
  return Buffer.from(name, 'latin1');
}

/**
 * Encodes one whole mailslot write as an SMB1 message ([MS-MAIL] §2.2.1, values of §4 example):
 * Flags 0x18 / Flags2 0x0004 / PIDLow 0xFEFF (<3>-<5>), MaxParameterCount 2 (<6>), no parameters,
 * the data 32-bit aligned after the name (DataOffset 88 for MESSNGR), ParameterOffset = DataOffset.
 */
export function encodeMailslotWrite(m: Partial<MailslotWrite> & Pick<MailslotWrite, 'data'>): Buffer {
  const name = checkName(m.name ?? MESSENGER_MAILSLOT);
  const priority = m.priority ?? 0;
  const mailslotClass = m.mailslotClass ?? MAILSLOT_CLASS.SECOND;
  const timeout = m.timeout ?? 0;
  if (!Number.isInteger(priority) || priority < 0 || priority > 0xffff) throw usageError(`mailslot priority ${priority}`);
  if (!Number.isInteger(mailslotClass) || mailslotClass < 0 || mailslotClass > 0xffff) throw usageError(`mailslot class ${mailslotClass}`);
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > 0xffffffff) throw usageError(`mailslot timeout ${timeout}`);
  const afterName = NAME_OFFSET + name.length + 1;
  const dataOffset = (afterName + 3) & ~3;
  const total = dataOffset + m.data.length;
  if (total > 0xffff) throw new NetsendError('usage', 0, 'EMSGSIZE', `mailslot write of ${total} bytes does not fit one SMB`);
  const header = { ...emptyHeader(Smb1Command.TRANSACTION), flags: 0x18, flags2: 0x0004, pidLow: 0xfeff };
  const w = encodeSmb1Header(header, new ByteWriter(total));
  w.u8(MAILSLOT_WORD_COUNT);
  w.u16le(0).u16le(m.data.length).u16le(2).u16le(0); // TotalParameterCount, TotalDataCount, MaxParameterCount, MaxDataCount
  w.u8(0).u8(0).u16le(0).u32le(timeout).u16le(0); // MaxSetupCount, Reserved, Flags, Timeout, Reserved2
  w.u16le(0).u16le(dataOffset).u16le(m.data.length).u16le(dataOffset); // ParameterCount, ParameterOffset, DataCount, DataOffset
  w.u8(3).u8(0).u16le(MAILSLOT_OPCODE_WRITE).u16le(priority).u16le(mailslotClass);
  w.u16le(total - NAME_OFFSET); // ByteCount: name, padding and data
  w.bytes(name).u8(0);
  w.bytes(Buffer.alloc(dataOffset - afterName));
  w.bytes(m.data);
  return w.finish();
}

/**
 * Decodes a mailslot write ([MS-MAIL] §3.2.5.1): FF 'SMB', command 0x25, WordCount 17, SetupCount 3,
 * opcode 1, no secondary transaction; data found by DataOffset/DataCount from the SMB start (Samba
 * writes 87, Windows 88), bounds-checked, and never overlapping the name. ByteCount is not trusted
 * (Windows ignores it, <11>) beyond the buffer itself.
 */
export function decodeMailslotWrite(buf: Buffer): MailslotWrite {
  const what = 'mailslot write';
  const r = new ByteReader(buf, what);
  const proto = r.bytes(4, 'protocol');
  if (!proto.equals(SMB1_PROTOCOL)) throw new MalformedError(what, `protocol id ${proto.toString('hex')}`);
  const command = r.u8();
  if (command !== Smb1Command.TRANSACTION) throw new MalformedError(what, `command 0x${command.toString(16)}, expected 0x25`);
  r.seek(SMB1_HEADER_SIZE);
  const wordCount = r.u8();
  if (wordCount !== MAILSLOT_WORD_COUNT) throw new MalformedError(what, `WordCount ${wordCount}, expected 17`);
  const totalParameterCount = r.u16le();
  const totalDataCount = r.u16le();
  r.skip(2 + 2 + 1 + 1 + 2); // MaxParameterCount, MaxDataCount, MaxSetupCount, Reserved, Flags
  const timeout = r.u32le();
  r.skip(2);
  const parameterCount = r.u16le();
  r.skip(2); // ParameterOffset: no parameters in a mailslot write
  const dataCount = r.u16le();
  const dataOffset = r.u16le();
  const setupCount = r.u8();
  r.skip(1);
  if (setupCount !== 3) throw new MalformedError(what, `SetupCount ${setupCount}, expected 3`);
  const opcode = r.u16le();
  const priority = r.u16le();
  const mailslotClass = r.u16le();
  if (opcode !== MAILSLOT_OPCODE_WRITE) throw new MalformedError(what, `opcode ${opcode}, expected 1 (write)`);
  if (totalParameterCount !== 0 || parameterCount !== 0) throw new MalformedError(what, 'carries parameters');
  if (totalDataCount !== dataCount) throw new MalformedError(what, `TotalDataCount ${totalDataCount} vs DataCount ${dataCount} (mailslot writes have no secondaries)`);
  r.skip(2); // ByteCount
  const nameBytes = r.cstring(Math.min(r.remaining, MAX_MAILSLOT_NAME + 1));
  if (nameBytes.length === 0) throw new MalformedError(what, 'empty mailslot name');
  const nameEnd = r.offset;
  if (dataOffset < nameEnd) throw new MalformedError(what, `DataOffset ${dataOffset} inside the name (ends at ${nameEnd})`);
  if (dataOffset + dataCount > buf.length) throw new MalformedError(what, `${dataCount} data bytes at offset ${dataOffset} past the end of ${buf.length}`);
  const name = nameBytes.toString('latin1');
  return { name, data: Buffer.from(buf.subarray(dataOffset, dataOffset + dataCount)), priority, mailslotClass, timeout };
}

/** Case-insensitive mailslot path comparison ([MS-MAIL] §2.2.1: names are case-insensitive). */
export function isMailslot(name: string, wanted: string = MESSENGER_MAILSLOT): boolean {
  return name.toUpperCase() === wanted.toUpperCase();
}

/** The Messenger mailslot body: three OEM strings, no type byte (clrpc-mailslot-notes §5.4). */
export interface MessengerBody {
  from: Buffer;
  to: Buffer;
  text: Buffer;
}

/** Encodes the \MAILSLOT\MESSNGR body: From, To and Text, each NUL-terminated; a NUL inside one is a usage error. */
export function encodeMessengerBody(b: MessengerBody): Buffer {
  for (const [field, v] of [['From', b.from], ['To', b.to], ['Text', b.text]] as const) {
    if (v.includes(0)) throw usageError(`MESSNGR ${field} contains NUL`);
  }
  return Buffer.concat([b.from, Buffer.of(0), b.to, Buffer.of(0), b.text, Buffer.of(0)]);
}

/** Bounds on a received messenger body, so a datagram cannot claim more than a popup shows. */
export interface MessengerBodyLimits {
  /** Longest From and To accepted, in bytes (default 255). */
  maxNameBytes?: number;
  /** Longest Text accepted, in bytes (default 4096). */
  maxTextBytes?: number;
}

/**
 * Splits `From\0To\0Text\0`. A missing final NUL is tolerated (senders differ, §5.6 step 5);
 * anything but NUL padding after the third string, a missing field, or an over-long field is malformed.
 */
export function decodeMessengerBody(data: Buffer, limits: MessengerBodyLimits = {}): MessengerBody {
  const maxName = limits.maxNameBytes ?? 255;
  const maxText = limits.maxTextBytes ?? 4096;
  const r = new ByteReader(data, 'MESSNGR body');
  const field = (name: string, max: number, last: boolean): Buffer => {
    const end = data.indexOf(0, r.offset);
    if (end < 0 && !last) throw new MalformedError('MESSNGR body', `${name} not NUL-terminated`);
    const len = (end < 0 ? data.length : end) - r.offset;
    if (len > max) throw new MalformedError('MESSNGR body', `${name} of ${len} bytes is over ${max}`);
    const v = Buffer.from(r.bytes(len, name));
    if (end >= 0) r.skip(1);
    return v;
  };
  const from = field('From', maxName, false);
  const to = field('To', maxName, false);
  const text = field('Text', maxText, true);
  const rest = r.rest();
  if (rest.some((b) => b !== 0)) throw new MalformedError('MESSNGR body', `${rest.length} bytes after Text`);
  return { from, to, text };
}
