/** SMB_COM_TREE_CONNECT_ANDX (0x75): [MS-CIFS] §2.2.4.55, [MS-SMB] §2.2.4.7. */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';
import { bytesOffsetFor, writeAndxNone, type Smb1Block, type Smb1BodyParts } from './andx.js';
import { decodeSmbString, encodeSmbString } from './strings.js';

/** Service string meaning "any type of share" ([MS-CIFS] §2.2.4.55.1). */
export const SERVICE_ANY = '?????';

export interface TreeConnectRequest {
  flags: number;
  /** Share-level password; with user-level security a single NUL byte. */
  password: Buffer;
  /** \\HOST\SHARE */
  path: string;
  /** Always OEM. */
  service: string;
}

export function encodeTreeConnectRequest(req: TreeConnectRequest, unicode: boolean): Smb1BodyParts {
  const w = new ByteWriter(8);
  writeAndxNone(w).u16le(req.flags).u16le(req.password.length);
  const base = bytesOffsetFor(8);
  const b = new ByteWriter(128);
  b.bytes(req.password);
  b.bytes(encodeSmbString(req.path, unicode, base + b.length));
  b.bytes(encodeSmbString(req.service, false, 0));
  return { words: w.finish(), bytes: b.finish() };
}

export function decodeTreeConnectRequest(block: Smb1Block, unicode: boolean): TreeConnectRequest {
  if (block.words.length !== 8) throw new MalformedError('TREE_CONNECT request', `WordCount ${block.words.length / 2}`);
  const wr = new ByteReader(block.words, 'TREE_CONNECT request words');
  wr.skip(4);
  const flags = wr.u16le();
  const br = new ByteReader(block.bytes, 'TREE_CONNECT request bytes');
  const password = Buffer.from(br.bytes(wr.u16le(), 'Password'));
  const path = decodeSmbString(br, unicode, block.bytesOffset);
  const service = decodeSmbString(br, false, block.bytesOffset);
  return { flags, password, path, service };
}

export interface TreeConnectResponse {
  optionalSupport: number;
  /** [MS-SMB] extended response (WordCount 7) only. */
  maximalShareAccessRights?: number;
  guestMaximalShareAccessRights?: number;
  service: string;
  nativeFileSystem: string;
}

export function decodeTreeConnectResponse(block: Smb1Block, unicode: boolean): TreeConnectResponse {
  const n = block.words.length;
  if (n !== 6 && n !== 14) throw new MalformedError('TREE_CONNECT response', `WordCount ${n / 2}`);
  const wr = new ByteReader(block.words, 'TREE_CONNECT response words');
  wr.skip(4);
  const out: TreeConnectResponse = { optionalSupport: wr.u16le(), service: '', nativeFileSystem: '' };
  if (n === 14) {
    out.maximalShareAccessRights = wr.u32le();
    out.guestMaximalShareAccessRights = wr.u32le();
  }
  const br = new ByteReader(block.bytes, 'TREE_CONNECT response bytes');
  out.service = decodeSmbString(br, false, block.bytesOffset);
  out.nativeFileSystem = decodeSmbString(br, unicode, block.bytesOffset);
  return out;
}

export function encodeTreeConnectResponse(resp: TreeConnectResponse, unicode: boolean): Smb1BodyParts {
  const w = new ByteWriter(14);
  writeAndxNone(w).u16le(resp.optionalSupport);
  if (resp.maximalShareAccessRights !== undefined) w.u32le(resp.maximalShareAccessRights).u32le(resp.guestMaximalShareAccessRights ?? 0);
  const base = bytesOffsetFor(w.length);
  const b = new ByteWriter(64);
  b.bytes(encodeSmbString(resp.service, false, 0));
  b.bytes(encodeSmbString(resp.nativeFileSystem, unicode, base + b.length));
  return { words: w.finish(), bytes: b.finish() };
}
