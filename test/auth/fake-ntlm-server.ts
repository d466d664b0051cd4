/**
 * A minimal NTLMv2 + SPNEGO *server* computation for tests: it issues a CHALLENGE and verifies what a
 * real server would ([MS-NLMP] §3.2.5.1.2): NTProofStr, the session key exchange, the MIC, and the
 * SPNEGO mechListMIC. Written from the spec, independent of the client's state machine.
 */
import { createHash, createHmac } from 'node:crypto';
import { md4 } from '../../src/crypto/md4.js';
import { rc4 } from '../../src/crypto/rc4.js';
import {
  AvFlags,
  AvId,
  NtlmFlags,
  decodeAuthenticate,
  decodeNegotiate,
  encodeAvPairs,
  encodeChallenge,
  parseAvPairs,
  type AuthenticateMessage,
} from '../../src/auth/ntlm-messages.js';
import { OID_NTLMSSP, decodeNegTokenInit, decodeNegTokenResp, encodeMechTypes, encodeNegTokenResp } from '../../src/auth/spnego.js';

const hmac = (k: Buffer, ...d: Buffer[]): Buffer => {
  const x = createHmac('md5', k);
  for (const b of d) x.update(b);
  return x.digest();
};
const md5 = (...d: Buffer[]): Buffer => {
  const x = createHash('md5');
  for (const b of d) x.update(b);
  return x.digest();
};

export interface ServerOptions {
  password?: string;
  ntHashValue?: Buffer;
  user: string;
  domain: string;
  flags?: number;
  timestamp?: bigint | null;
  serverChallenge?: Buffer;
}

export interface ServerVerdict {
  ntProofOk: boolean;
  micPresent: boolean;
  micOk: boolean;
  exportedSessionKey: Buffer;
  auth: AuthenticateMessage;
  clientAvPairs: Array<{ id: number; value: Buffer }>;
}

export class FakeNtlmServer {
  readonly opts: ServerOptions;
  readonly serverChallenge: Buffer;
  negotiateMsg?: Buffer;
  challengeMsg?: Buffer;
  verdict?: ServerVerdict;

  constructor(opts: ServerOptions) {
    this.opts = opts;
    this.serverChallenge = opts.serverChallenge ?? Buffer.from('0123456789abcdef', 'hex');
  }

  targetInfo(): Buffer {
    const u = (s: string): Buffer => Buffer.from(s, 'utf16le');
    const pairs: Array<{ id: number; value: Buffer }> = [
      { id: AvId.NbDomainName, value: u('SAMBA') },
      { id: AvId.NbComputerName, value: u('FILESRV') },
      { id: AvId.DnsDomainName, value: u('samba.test') },
      { id: AvId.DnsComputerName, value: u('filesrv.samba.test') },
    ];
    if (this.opts.timestamp !== null) {
      const ts = Buffer.alloc(8);
      ts.writeBigUInt64LE(this.opts.timestamp ?? 0x01d9_0000_1234_5678n);
      pairs.push({ id: AvId.Timestamp, value: ts });
    }
    return encodeAvPairs(pairs);
  }

  /** Raw NTLMSSP: NEGOTIATE in, CHALLENGE out. */
  challenge(negotiate: Buffer): Buffer {
    this.negotiateMsg = negotiate;
    const neg = decodeNegotiate(negotiate);
    const want =
      this.opts.flags ??
      (NtlmFlags.UNICODE | NtlmFlags.REQUEST_TARGET | NtlmFlags.SIGN | NtlmFlags.SEAL | NtlmFlags.NTLM | NtlmFlags.ALWAYS_SIGN |
        NtlmFlags.TARGET_TYPE_SERVER | NtlmFlags.EXTENDED_SESSIONSECURITY | NtlmFlags.TARGET_INFO | NtlmFlags.VERSION |
        NtlmFlags.NEGOTIATE_128 | NtlmFlags.KEY_EXCH | NtlmFlags.NEGOTIATE_56);
    const flags = ((want & (neg.flags | NtlmFlags.TARGET_TYPE_SERVER | NtlmFlags.TARGET_INFO)) | NtlmFlags.TARGET_TYPE_SERVER) >>> 0;
    this.challengeMsg = encodeChallenge({
      flags,
      serverChallenge: this.serverChallenge,
      targetName: 'SAMBA',
      targetInfoRaw: this.targetInfo(),
    });
    return this.challengeMsg;
  }

  /** Raw NTLMSSP: AUTHENTICATE in; verifies everything a server checks. */
  authenticate(authMsg: Buffer): ServerVerdict {
    const auth = decodeAuthenticate(authMsg);
    const nt = this.opts.ntHashValue ?? md4(Buffer.from(this.opts.password ?? '', 'utf16le'));
    const key = hmac(nt, Buffer.from(auth.user.toUpperCase() + auth.domain, 'utf16le'));
    const ntProof = auth.ntResponse.subarray(0, 16);
    const temp = auth.ntResponse.subarray(16);
    const ntProofOk = auth.ntResponse.length > 16 && hmac(key, this.serverChallenge, temp).equals(ntProof);
    const sessionBaseKey = hmac(key, ntProof);
    const exportedSessionKey =
      auth.flags & NtlmFlags.KEY_EXCH ? rc4(sessionBaseKey, auth.encryptedRandomSessionKey) : sessionBaseKey;
    const clientAvPairs = temp.length > 28 ? parseAvPairs(temp.subarray(28)) : [];
    const avFlags = clientAvPairs.find((p) => p.id === AvId.Flags)?.value.readUInt32LE(0) ?? 0;
    const micPresent = (avFlags & AvFlags.MIC_PRESENT) !== 0;
    let micOk = false;
    if (micPresent && auth.mic) {
      const zeroed = Buffer.from(authMsg);
      zeroed.fill(0, 72, 88);
      micOk = hmac(exportedSessionKey, this.negotiateMsg!, this.challengeMsg!, zeroed).equals(auth.mic);
    }
    this.verdict = { ntProofOk, micPresent, micOk, exportedSessionKey, auth, clientAvPairs };
    return this.verdict;
  }

  /** NTLMSSP signature ([MS-NLMP] §3.4.4.2) computed from scratch: direction 'c2s' or 's2c', fresh RC4 handle. */
  static signature(exportedSessionKey: Buffer, flags: number, dir: 'c2s' | 's2c', seq: number, msg: Buffer): Buffer {
    const d = dir === 'c2s' ? 'client-to-server' : 'server-to-client';
    const signKey = md5(exportedSessionKey, Buffer.from(`session key to ${d} signing key magic constant\0`, 'latin1'));
    const sealKey = md5(exportedSessionKey, Buffer.from(`session key to ${d} sealing key magic constant\0`, 'latin1'));
    const s = Buffer.alloc(4);
    s.writeUInt32LE(seq);
    let cksum = hmac(signKey, s, msg).subarray(0, 8);
    if (flags & NtlmFlags.KEY_EXCH) cksum = rc4(sealKey, cksum);
    return Buffer.concat([Buffer.from([1, 0, 0, 0]), cksum, s]);
  }

  // --- SPNEGO wrappers ---

  spnegoChallenge(token: Buffer): Buffer {
    const init = decodeNegTokenInit(token);
    if (!init.mechTypes.includes(OID_NTLMSSP) || !init.mechToken) throw new Error('client did not offer NTLMSSP');
    const chal = this.challenge(init.mechToken);
    return encodeNegTokenResp({ negState: 1, supportedMech: OID_NTLMSSP, responseToken: chal });
  }

  /** Verifies AUTHENTICATE and the client's mechListMIC; returns the accept-completed token with ours. */
  spnegoAccept(token: Buffer, opts: { tamperMic?: boolean; omitMic?: boolean } = {}): { verdict: ServerVerdict; clientMechListMicOk: boolean; reply: Buffer } {
    const resp = decodeNegTokenResp(token);
    const verdict = this.authenticate(resp.responseToken!);
    const mechTypes = encodeMechTypes([OID_NTLMSSP]);
    const flags = verdict.auth.flags;
    const want = FakeNtlmServer.signature(verdict.exportedSessionKey, flags, 'c2s', 0, mechTypes);
    const clientMechListMicOk = resp.mechListMIC !== undefined && resp.mechListMIC.equals(want);
    const ours = FakeNtlmServer.signature(verdict.exportedSessionKey, flags, 's2c', 0, mechTypes);
    if (opts.tamperMic) ours[5]! ^= 1;
    const reply = encodeNegTokenResp(opts.omitMic ? { negState: 0 } : { negState: 0, mechListMIC: ours });
    return { verdict, clientMechListMicOk, reply };
  }
}
