/**
 * Teardown commands: SMB_COM_CLOSE (0x04, [MS-CIFS] §2.2.4.5), SMB_COM_TREE_DISCONNECT (0x71, §2.2.4.51),
 * SMB_COM_LOGOFF_ANDX (0x74, §2.2.4.54). Their responses carry no fields beyond the status.
 */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';
import { writeAndxNone, type Smb1Block, type Smb1BodyParts } from './andx.js';

export interface CloseRequest {
  fid: number;
  /** UTIME; 0 or 0xFFFFFFFF = leave unchanged. */
  lastTimeModified: number;
}

export function encodeCloseRequest(req: CloseRequest): Smb1BodyParts {
  return { words: new ByteWriter(6).u16le(req.fid).u32le(req.lastTimeModified).finish(), bytes: Buffer.alloc(0) };
}

export function decodeCloseRequest(block: Smb1Block): CloseRequest {
  if (block.words.length !== 6) throw new MalformedError('CLOSE request', `WordCount ${block.words.length / 2}`);
  const r = new ByteReader(block.words, 'CLOSE request');
  return { fid: r.u16le(), lastTimeModified: r.u32le() };
}

export function encodeTreeDisconnectRequest(): Smb1BodyParts {
  return { words: Buffer.alloc(0), bytes: Buffer.alloc(0) };
}

export function encodeLogoffRequest(): Smb1BodyParts {
  return { words: writeAndxNone(new ByteWriter(4)).finish(), bytes: Buffer.alloc(0) };
}

/** Checks an empty (WordCount 0) or LOGOFF_ANDX (WordCount 2) response shape. */
export function checkEmptyResponse(block: Smb1Block, what: string, allowAndx = false): void {
  if (block.words.length === 0 || (allowAndx && block.words.length === 4)) return;
  throw new MalformedError(what, `WordCount ${block.words.length / 2}`);
}
