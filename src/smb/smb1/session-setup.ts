/**
 * SMB_COM_SESSION_SETUP_ANDX (0x73): [MS-SMB] §2.2.4.6 (extended security, WordCount 12 / 4) and
 * [MS-CIFS] §2.2.4.53 (challenge/response form, WordCount 13 / 3).
 */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError } from '../../status/error.js';
import { bytesOffsetFor, writeAndxNone, type Smb1Block, type Smb1BodyParts } from './andx.js';
import { decodeSmbString, encodeSmbString } from './strings.js';

/** [MS-CIFS] §2.2.4.53.2 Action bits. */
export const SessionAction = { GUEST: 0x0001, USE_LANMAN_KEY: 0x0002 } as const;

interface SessionSetupCommon {
  maxBufferSize: number;
  maxMpxCount: number;
  vcNumber: number;
  /** Echo of the server's NEGOTIATE SessionKey (a VC identifier, not a key). */
  vcSessionKey: number;
  capabilities: number;
  nativeOs: string;
  nativeLanMan: string;
}

export interface SessionSetupExtendedRequest extends SessionSetupCommon {
  kind: 'extended';
  securityBlob: Buffer;
}

export interface SessionSetupChallengeRequest extends SessionSetupCommon {
  kind: 'challenge';
  /** LM / LMv2 response ("OEMPassword"). */
  oemPassword: Buffer;
  /** NTLM / NTLMv2 response ("UnicodePassword"). */
  unicodePassword: Buffer;
  accountName: string;
  primaryDomain: string;
}

export type SessionSetupRequest = SessionSetupExtendedRequest | SessionSetupChallengeRequest;

export function encodeSessionSetupRequest(req: SessionSetupRequest, unicode: boolean): Smb1BodyParts {
  const w = new ByteWriter(32);
  writeAndxNone(w).u16le(req.maxBufferSize).u16le(req.maxMpxCount).u16le(req.vcNumber).u32le(req.vcSessionKey);
  const b = new ByteWriter(256);
  if (req.kind === 'extended') {
    if (req.securityBlob.length > 0xffff) throw new MalformedError('SESSION_SETUP request', 'security blob too long');
    w.u16le(req.securityBlob.length).u32le(0).u32le(req.capabilities);
    const base = bytesOffsetFor(24);
    b.bytes(req.securityBlob);
    for (const s of [req.nativeOs, req.nativeLanMan]) b.bytes(encodeSmbString(s, unicode, base + b.length));
  } else {
    w.u16le(req.oemPassword.length).u16le(req.unicodePassword.length).u32le(0).u32le(req.capabilities);
    const base = bytesOffsetFor(26);
    b.bytes(req.oemPassword).bytes(req.unicodePassword);
    for (const s of [req.accountName, req.primaryDomain, req.nativeOs, req.nativeLanMan]) b.bytes(encodeSmbString(s, unicode, base + b.length));
  }
  return { words: w.finish(), bytes: b.finish() };
}

export function decodeSessionSetupRequest(block: Smb1Block, unicode: boolean): SessionSetupRequest {
  const wr = new ByteReader(block.words, 'SESSION_SETUP request words');
  if (block.words.length !== 24 && block.words.length !== 26) throw new MalformedError('SESSION_SETUP request', `WordCount ${block.words.length / 2}`);
  wr.skip(4);
  const common = { maxBufferSize: wr.u16le(), maxMpxCount: wr.u16le(), vcNumber: wr.u16le(), vcSessionKey: wr.u32le() };
  const br = new ByteReader(block.bytes, 'SESSION_SETUP request bytes');
  if (block.words.length === 24) {
    const blobLength = wr.u16le();
    wr.skip(4);
    const capabilities = wr.u32le();
    const securityBlob = Buffer.from(br.bytes(blobLength, 'SecurityBlob'));
    const nativeOs = decodeSmbString(br, unicode, block.bytesOffset);
    const nativeLanMan = decodeSmbString(br, unicode, block.bytesOffset);
    return { kind: 'extended', ...common, capabilities, securityBlob, nativeOs, nativeLanMan };
  }
  const oemLength = wr.u16le();
  const uniLength = wr.u16le();
  wr.skip(4);
  const capabilities = wr.u32le();
  const oemPassword = Buffer.from(br.bytes(oemLength, 'OEMPassword'));
  const unicodePassword = Buffer.from(br.bytes(uniLength, 'UnicodePassword'));
  const accountName = decodeSmbString(br, unicode, block.bytesOffset);
  const primaryDomain = decodeSmbString(br, unicode, block.bytesOffset);
  const nativeOs = decodeSmbString(br, unicode, block.bytesOffset);
  const nativeLanMan = decodeSmbString(br, unicode, block.bytesOffset);
  return { kind: 'challenge', ...common, capabilities, oemPassword, unicodePassword, accountName, primaryDomain, nativeOs, nativeLanMan };
}

export interface SessionSetupResponse {
  action: number;
  /** Present in the extended form only (empty otherwise). */
  securityBlob: Buffer;
  nativeOs: string;
  nativeLanMan: string;
  primaryDomain: string;
  extended: boolean;
}

/**
 * Decodes the reply block. An error reply with WordCount 0 yields empty fields (the status carries the
 * meaning). Strings are best-effort: servers differ in which of them they send.
 */
export function decodeSessionSetupResponse(block: Smb1Block, unicode: boolean): SessionSetupResponse {
  const out: SessionSetupResponse = { action: 0, securityBlob: Buffer.alloc(0), nativeOs: '', nativeLanMan: '', primaryDomain: '', extended: false };
  if (block.words.length === 0) return out;
  const wr = new ByteReader(block.words, 'SESSION_SETUP response words');
  if (block.words.length !== 8 && block.words.length !== 6) throw new MalformedError('SESSION_SETUP response', `WordCount ${block.words.length / 2}`);
  wr.skip(4);
  out.action = wr.u16le();
  const br = new ByteReader(block.bytes, 'SESSION_SETUP response bytes');
  if (block.words.length === 8) {
    out.extended = true;
    out.securityBlob = Buffer.from(br.bytes(wr.u16le(), 'SecurityBlob'));
  }
  out.nativeOs = decodeSmbString(br, unicode, block.bytesOffset);
  out.nativeLanMan = decodeSmbString(br, unicode, block.bytesOffset);
  out.primaryDomain = decodeSmbString(br, unicode, block.bytesOffset);
  return out;
}

export function encodeSessionSetupResponse(resp: SessionSetupResponse, unicode: boolean): Smb1BodyParts {
  const w = new ByteWriter(8);
  writeAndxNone(w).u16le(resp.action);
  if (resp.extended) w.u16le(resp.securityBlob.length);
  const base = bytesOffsetFor(w.length);
  const b = new ByteWriter(128);
  if (resp.extended) b.bytes(resp.securityBlob);
  for (const s of [resp.nativeOs, resp.nativeLanMan, resp.primaryDomain]) b.bytes(encodeSmbString(s, unicode, base + b.length));
  return { words: w.finish(), bytes: b.finish() };
}
