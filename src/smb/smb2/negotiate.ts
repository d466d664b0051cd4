/**
 * The client's side of NEGOTIATE ([MS-SMB2] §3.2.4.2.2.2, §3.2.5.2): the 3.1.1 negotiate contexts it
 * offers, and the checks on the server's response that decide dialect, cipher and signing algorithm.
 * Pure functions: the connection keeps the result.
 */
import { randomBytes } from 'node:crypto';
import { NetsendError } from '../../status/error.js';
import { NT } from '../../status/index.js';
import { Capabilities, Cipher, HashAlgorithm, NegotiateContextType, type CipherId, type DialectRevision, type SigningAlgorithmId } from './constants.js';
import { SMB2_DEFAULTS } from './defaults.js';
import { dialectTraits } from './dialects.js';
import { decodeIdList, decodePreauthCaps, encodeIdList, encodePreauthCaps, type NegotiateContext, type NegotiateResponse } from './messages.js';

/**
 * Smallest MaxTransactSize / MaxReadSize / MaxWriteSize accepted: [MS-SMB2] §3.2.5.2 says the client
 * SHOULD disconnect below 65536, and every SMB2 server must offer at least that much (2.0.2 servers
 * offer exactly 65536). Tiny sizes would split one RPC call into hundreds of 1-byte reads.
 */
export const SMB2_MIN_IO_SIZE = 65536;

/** What a NEGOTIATE response settled. */
export interface NegotiatedSecurity {
  dialect: DialectRevision;
  cipher: CipherId | null;
  signingAlgorithm: SigningAlgorithmId;
}

function protocolError(name: string, message: string): NetsendError {
  return new NetsendError('protocol', 0, name, message);
}

/** The contexts a NEGOTIATE offering 3.1.1 carries: pre-auth integrity (SHA-512, fresh salt), ciphers, signing algorithms ([MS-SMB2] §2.2.3.1). */
export function negotiateContexts(ciphers: readonly CipherId[], signingAlgorithms: readonly SigningAlgorithmId[]): NegotiateContext[] {
  return [
    {
      type: NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES,
      data: encodePreauthCaps({ hashAlgorithms: [HashAlgorithm.SHA_512], salt: randomBytes(SMB2_DEFAULTS.preauthSaltLength) }),
    },
    { type: NegotiateContextType.ENCRYPTION_CAPABILITIES, data: encodeIdList([...ciphers]) },
    { type: NegotiateContextType.SIGNING_CAPABILITIES, data: encodeIdList([...signingAlgorithms]) },
  ];
}

/**
 * Checks a NEGOTIATE response for a dialect the client offered ([MS-SMB2] §3.2.5.2): the sizes, and on
 * 3.1.1 exactly one SHA-512 pre-auth context and a cipher / signing algorithm from the offered lists.
 */
export function checkNegotiateResponse(n: NegotiateResponse, ciphers: readonly CipherId[], signingAlgorithms: readonly SigningAlgorithmId[]): NegotiatedSecurity {
  for (const [field, size] of [['MaxTransactSize', n.maxTransactSize], ['MaxReadSize', n.maxReadSize], ['MaxWriteSize', n.maxWriteSize]] as const) {
    if (size < SMB2_MIN_IO_SIZE) {
      throw new NetsendError('protocol', NT.STATUS_INVALID_NETWORK_RESPONSE, 'STATUS_INVALID_NETWORK_RESPONSE', `SMB2 negotiate: the server offers ${field} ${size}, below the minimum of ${SMB2_MIN_IO_SIZE} bytes ([MS-SMB2] §3.2.5.2)`);
    }
  }
  const dialect = n.dialect as DialectRevision;
  const traits = dialectTraits(dialect);
  let cipher: CipherId | null = null;
  let signing: SigningAlgorithmId = traits.defaultSigning;
  if (traits.cipher === 'capability' && n.capabilities & Capabilities.ENCRYPTION) cipher = Cipher.AES_128_CCM;
  if (traits.preauthIntegrity) {
    let preauth = 0;
    for (const c of n.contexts) {
      switch (c.type) {
        case NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES: {
          const p = decodePreauthCaps(c.data);
          if (p.hashAlgorithms.length !== 1 || p.hashAlgorithms[0] !== HashAlgorithm.SHA_512) {
            throw protocolError('SMB2_BAD_NEGOTIATE_CONTEXT', 'server did not select SHA-512 for pre-auth integrity');
          }
          preauth++;
          break;
        }
        case NegotiateContextType.ENCRYPTION_CAPABILITIES: {
          if (traits.cipher !== 'negotiate-context') break;
          const ids = decodeIdList(c.data, 'ENCRYPTION_CAPABILITIES');
          const id = ids[0]!;
          if (ids.length !== 1 || (id !== 0 && !ciphers.includes(id as CipherId))) {
            throw protocolError('SMB2_BAD_NEGOTIATE_CONTEXT', `server selected cipher list [${ids.join(',')}]`);
          }
          cipher = id === 0 ? null : (id as CipherId);
          break;
        }
        case NegotiateContextType.SIGNING_CAPABILITIES: {
          if (!traits.signingContext) break;
          const ids = decodeIdList(c.data, 'SIGNING_CAPABILITIES');
          const id = ids[0]!;
          if (ids.length !== 1 || !signingAlgorithms.includes(id as SigningAlgorithmId)) {
            throw protocolError('SMB2_BAD_NEGOTIATE_CONTEXT', `server selected signing algorithm list [${ids.join(',')}]`);
          }
          signing = id as SigningAlgorithmId;
          break;
        }
        default:
          break; // contexts we did not offer or do not use are ignored ([MS-SMB2] §3.2.5.2)
      }
    }
    if (preauth !== 1) throw protocolError('SMB2_BAD_NEGOTIATE_CONTEXT', `expected one PREAUTH_INTEGRITY context, got ${preauth}`);
  }
  return { dialect, cipher, signingAlgorithm: signing };
}

