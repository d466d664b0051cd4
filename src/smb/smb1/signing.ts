/**
 * SMB1 message signing ([MS-CIFS] §3.1.4.1, §3.1.5.1): the signature is the first 8 bytes of
 * MD5(SigningSessionKey || SigningChallengeResponse || message), computed with the 32-bit sequence
 * number in the low half of the SecuritySignature field and zeros in the high half.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { MalformedError } from '../../status/error.js';

/** Offset of SecuritySignature in the SMB1 header. */
export const SIGNATURE_OFFSET = 14;

export function computeSmb1Signature(macKey: Buffer, message: Buffer, sequence: number): Buffer {
  if (message.length < 32) throw new MalformedError('SMB1 message', 'too short to sign');
  const copy = Buffer.from(message);
  copy.fill(0, SIGNATURE_OFFSET, SIGNATURE_OFFSET + 8);
  copy.writeUInt32LE(sequence >>> 0, SIGNATURE_OFFSET);
  return createHash('md5').update(macKey).update(copy).digest().subarray(0, 8);
}

/** Writes the signature into `message` in place. */
export function signSmb1Message(macKey: Buffer, message: Buffer, sequence: number): void {
  computeSmb1Signature(macKey, message, sequence).copy(message, SIGNATURE_OFFSET);
}

export function verifySmb1Signature(macKey: Buffer, message: Buffer, sequence: number): boolean {
  if (message.length < 32) return false;
  const expected = computeSmb1Signature(macKey, message, sequence);
  return timingSafeEqual(expected, message.subarray(SIGNATURE_OFFSET, SIGNATURE_OFFSET + 8));
}
