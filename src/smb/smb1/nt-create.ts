/** SMB_COM_NT_CREATE_ANDX (0xA2): [MS-CIFS] §2.2.4.64 (WordCount 24 request, 34 response). */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';
import { bytesOffsetFor, writeAndxNone, type Smb1Block, type Smb1BodyParts } from './andx.js';
import { decodeSmbString, encodeSmbString } from './strings.js';

/** Access and options a named-pipe open uses ([MS-CIFS] §2.2.4.64.1; [MS-WKST] §2.1: a pipe opened at impersonation level). */
export const PIPE_DESIRED_ACCESS = 0x0002019f;
export const FILE_SHARE_READ_WRITE = 0x00000003;
export const FILE_OPEN = 0x00000001;
export const SECURITY_IMPERSONATION = 0x00000002;
/** [MS-CIFS] §2.2.4.64.2 ResourceType. */
export const FileType = { DISK: 0x0000, BYTE_MODE_PIPE: 0x0001, MESSAGE_MODE_PIPE: 0x0002, PRINTER: 0x0003 } as const;

export interface NtCreateRequest {
  flags: number;
  rootDirectoryFid: number;
  desiredAccess: number;
  allocationSize: bigint;
  extFileAttributes: number;
  shareAccess: number;
  createDisposition: number;
  createOptions: number;
  impersonationLevel: number;
  securityFlags: number;
  fileName: string;
}

export function encodeNtCreateRequest(req: NtCreateRequest, unicode: boolean): Smb1BodyParts {
  const name = encodeSmbString(req.fileName, unicode, bytesOffsetFor(48));
  const padded = unicode && name.length % 2 === 1; // leading pad byte present
  const nameLength = name.length - (padded ? 1 : 0);
  const w = new ByteWriter(48);
  writeAndxNone(w).u8(0).u16le(nameLength).u32le(req.flags).u32le(req.rootDirectoryFid).u32le(req.desiredAccess);
  w.u64le(req.allocationSize).u32le(req.extFileAttributes).u32le(req.shareAccess).u32le(req.createDisposition);
  w.u32le(req.createOptions).u32le(req.impersonationLevel).u8(req.securityFlags);
  return { words: w.finish(), bytes: name };
}

export function decodeNtCreateRequest(block: Smb1Block, unicode: boolean): NtCreateRequest {
  if (block.words.length !== 48) throw new MalformedError('NT_CREATE request', `WordCount ${block.words.length / 2}`);
  const wr = new ByteReader(block.words, 'NT_CREATE request words');
  wr.skip(5);
  wr.u16le(); // NameLength: the terminated string in the bytes is authoritative
  const req = {
    flags: wr.u32le(), rootDirectoryFid: wr.u32le(), desiredAccess: wr.u32le(), allocationSize: wr.u64le(),
    extFileAttributes: wr.u32le(), shareAccess: wr.u32le(), createDisposition: wr.u32le(), createOptions: wr.u32le(),
    impersonationLevel: wr.u32le(), securityFlags: wr.u8(),
  };
  const fileName = decodeSmbString(new ByteReader(block.bytes, 'NT_CREATE request bytes'), unicode, block.bytesOffset);
  return { ...req, fileName };
}

export interface NtCreateResponse {
  oplockLevel: number;
  fid: number;
  createDisposition: number;
  createTime: bigint;
  lastAccessTime: bigint;
  lastWriteTime: bigint;
  lastChangeTime: bigint;
  extFileAttributes: number;
  allocationSize: bigint;
  endOfFile: bigint;
  resourceType: number;
  nmPipeStatus: number;
  directory: boolean;
}

/** Accepts the 34-word response and longer ([MS-SMB] §2.2.4.9.2 extended) forms; extra words are ignored. */
export function decodeNtCreateResponse(block: Smb1Block): NtCreateResponse {
  if (block.words.length < 68) throw new MalformedError('NT_CREATE response', `WordCount ${block.words.length / 2}`);
  const wr = new ByteReader(block.words, 'NT_CREATE response words');
  wr.skip(4);
  return {
    oplockLevel: wr.u8(), fid: wr.u16le(), createDisposition: wr.u32le(), createTime: wr.u64le(), lastAccessTime: wr.u64le(),
    lastWriteTime: wr.u64le(), lastChangeTime: wr.u64le(), extFileAttributes: wr.u32le(), allocationSize: wr.u64le(),
    endOfFile: wr.u64le(), resourceType: wr.u16le(), nmPipeStatus: wr.u16le(), directory: wr.u8() !== 0,
  };
}

export function encodeNtCreateResponse(resp: NtCreateResponse): Smb1BodyParts {
  const w = new ByteWriter(68);
  writeAndxNone(w).u8(resp.oplockLevel).u16le(resp.fid).u32le(resp.createDisposition).u64le(resp.createTime);
  w.u64le(resp.lastAccessTime).u64le(resp.lastWriteTime).u64le(resp.lastChangeTime).u32le(resp.extFileAttributes);
  w.u64le(resp.allocationSize).u64le(resp.endOfFile).u16le(resp.resourceType).u16le(resp.nmPipeStatus).u8(resp.directory ? 1 : 0);
  return { words: w.finish(), bytes: Buffer.alloc(0) };
}
