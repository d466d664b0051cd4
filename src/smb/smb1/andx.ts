/**
 * SMB1 messages as a chain of command blocks ([MS-CIFS] §2.2.3.4 batched messages, AndX).
 * Every AndX block starts with AndXCommand u8, AndXReserved u8, AndXOffset u16; the offset is relative to
 * the start of the SMB header. Hostile chains are refused: an offset must point past the end of the
 * current block and inside the message, and a chain has at most MAX_ANDX_CHAIN blocks.
 */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';
import { decodeSmb1Header, encodeSmb1Header, SMB1_HEADER_SIZE, Smb1Command, type Smb1Header } from './header.js';

export const ANDX_NONE = 0xff;
export const MAX_ANDX_CHAIN = 8;

/** Commands whose parameter words begin with the AndX header ([MS-CIFS] §2.2.4). */
export const ANDX_COMMANDS: ReadonlySet<number> = new Set([
  0x24, // LOCKING_ANDX
  Smb1Command.OPEN_ANDX,
  Smb1Command.READ_ANDX,
  Smb1Command.WRITE_ANDX,
  Smb1Command.SESSION_SETUP_ANDX,
  Smb1Command.LOGOFF_ANDX,
  Smb1Command.TREE_CONNECT_ANDX,
  Smb1Command.NT_CREATE_ANDX,
]);

/** One command's parameter and data blocks, with absolute offsets (from the SMB header) for alignment rules. */
export interface Smb1Block {
  command: number;
  words: Buffer;
  bytes: Buffer;
  /** Offset of the first parameter word. */
  wordsOffset: number;
  /** Offset of the first data byte. */
  bytesOffset: number;
}

export interface Smb1Parsed {
  header: Smb1Header;
  /** The whole message (header first), for offset-based fields and signatures. */
  raw: Buffer;
  /** At least one block. An error reply cut off after the header has one empty block. */
  blocks: Smb1Block[];
}

function readBlock(r: ByteReader, command: number): Smb1Block {
  const wordCount = r.u8();
  const wordsOffset = r.offset;
  const words = r.bytes(wordCount * 2, 'parameter words');
  const byteCount = r.u16le();
  const bytesOffset = r.offset;
  const bytes = r.bytes(byteCount, 'data bytes');
  return { command, words, bytes, wordsOffset, bytesOffset };
}

/** Parses a whole SMB1 message and follows its AndX chain safely. */
export function parseSmb1(raw: Buffer): Smb1Parsed {
  const r = new ByteReader(raw, 'SMB1 message');
  const header = decodeSmb1Header(r);
  if (r.remaining === 0) {
    return { header, raw, blocks: [{ command: header.command, words: Buffer.alloc(0), bytes: Buffer.alloc(0), wordsOffset: SMB1_HEADER_SIZE, bytesOffset: SMB1_HEADER_SIZE }] };
  }
  const blocks: Smb1Block[] = [];
  let command = header.command;
  for (;;) {
    const block = readBlock(r, command);
    blocks.push(block);
    if (!ANDX_COMMANDS.has(command) || block.words.length < 4) break;
    const next = block.words[0]!;
    if (next === ANDX_NONE) break;
    const offset = block.words.readUInt16LE(2);
    const blockEnd = block.bytesOffset + block.bytes.length;
    if (offset < blockEnd) throw new MalformedError('SMB1 AndX chain', `AndXOffset ${offset} does not move past ${blockEnd}`);
    if (offset >= raw.length) throw new MalformedError('SMB1 AndX chain', `AndXOffset ${offset} past the end (${raw.length})`);
    if (blocks.length >= MAX_ANDX_CHAIN) throw new MalformedError('SMB1 AndX chain', `more than ${MAX_ANDX_CHAIN} commands`);
    r.seek(offset);
    command = next;
  }
  return { header, raw, blocks };
}

/** Writes the AndX header of a block that ends the chain. */
export function writeAndxNone(w: ByteWriter): ByteWriter {
  return w.u8(ANDX_NONE).u8(0).u16le(0);
}

/** Offset of the data bytes of a single-command message whose parameter words are `wordsLength` long. */
export function bytesOffsetFor(wordsLength: number): number {
  return SMB1_HEADER_SIZE + 1 + wordsLength + 2;
}

/** Body parts of one command, as produced by the codecs. */
export interface Smb1BodyParts {
  words: Buffer;
  bytes: Buffer;
}

/**
 * Encodes a message with a chain of blocks (the first block's command is the header's). AndX headers in
 * the words are rewritten to link the blocks. Used by tests and by test servers.
 */
export function encodeSmb1Chain(header: Smb1Header, blocks: Array<{ command: number } & Smb1BodyParts>): Buffer {
  if (blocks.length === 0 || blocks[0]!.command !== header.command) throw new MalformedError('SMB1 AndX chain', 'first block must match the header');
  const w = encodeSmb1Header(header, new ByteWriter(128));
  const wordsAt: number[] = [];
  const blockAt: number[] = [];
  for (const [i, b] of blocks.entries()) {
    if (i < blocks.length - 1 && !(ANDX_COMMANDS.has(b.command) && b.words.length >= 4)) {
      throw new MalformedError('SMB1 AndX chain', `command 0x${b.command.toString(16)} cannot be followed`);
    }
    blockAt.push(w.length);
    w.u8(b.words.length / 2);
    wordsAt.push(w.length);
    w.bytes(b.words).u16le(b.bytes.length).bytes(b.bytes);
  }
  const out = w.finish();
  for (const [i, b] of blocks.entries()) {
    if (!ANDX_COMMANDS.has(b.command) || b.words.length < 4) continue;
    const at = wordsAt[i]!;
    const next = blocks[i + 1];
    out[at] = next ? next.command : ANDX_NONE;
    out[at + 1] = 0;
    out.writeUInt16LE(next ? blockAt[i + 1]! : 0, at + 2);
  }
  return out;
}
