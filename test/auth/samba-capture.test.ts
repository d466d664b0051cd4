import { describe, expect, it } from 'vitest';
import { createNtlmAuthenticator } from '../../src/auth/ntlm.js';
import { AvId, NtlmFlags, decodeAuthenticate, decodeChallenge, describeTargetInfo } from '../../src/auth/ntlm-messages.js';
import { ntHash, ntowfv2 } from '../../src/auth/ntlm-crypto.js';
import { NtlmSecurityContext } from '../../src/auth/ntlm-session.js';
import { OID_NTLMSSP, decodeNegTokenInit, decodeNegTokenResp, encodeMechTypes } from '../../src/auth/spnego.js';
import { hmacMd5 } from '../../src/crypto/aead.js';
import { rc4 } from '../../src/crypto/rc4.js';

// SPNEGO security buffers from ../shared/captures/smbclient-open-pipe-msgsvc-smb3.pcap: smbclient
// against smbd, user alice with the fixture password documented in reference/samba-peer.md.
const FIXTURE_PASSWORD = 'Passw0rd!';
const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const NEGOTIATE_HINT = hex(
  '604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa32a3028a0261b246e6f745f646566696e65645f696e5f5246433431373840706c656173655f69676e6f7265',
);
const T1 = hex(
  '604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa22a04284e544c4d53535000010000001582086200000000280000000000000028000000060100000000000f',
);
const T2 = hex(
  'a1819c308199a0030a0101a10c060a2b06010401823702020aa281830481804e544c4d53535000020000000c000c003800000015828a628acbc7fc673d2ffb00000000000000003c003c0044000000060100000000000f4c004100420053005200560002000c004c004100420053005200560001000c004c0041004200530052005600040000000300040076006d0007000800dcd2526c957cdd0100000000',
);
const T3 = hex(
  'a182019830820194a282017c048201784e544c4d53535000030000001800180058000000d800d8007000000012001200480100000a000a005a0100000400040064010000100010006801000015820862060100000000000fda69bb604e30059c886a50bf47162aea0000000000000000000000000000000000000000000000008b04c95b1e2bf5ea261aa031f831ca660101000000000000dcd2526c957cdd01cf99acf259baff8d0000000002000c004c004100420053005200560001000c004c0041004200530052005600040000000300040076006d0007000800dcd2526c957cdd010600040002000000080030003000000000000000000000000000000096380227dd5762c9c51749b11a4f601923852ff299d5622dac5f5ecce588434c0a0010000000000000000000000000000000000009001c0063006900660073002f003100320037002e0030002e0030002e0031000000000057004f0052004b00470052004f005500500061006c0069006300650056004d009a059957fc78963f67693b3378cf2d14a3120410010000001c1af1ceabbd62a000000000',
);
const T4 = hex('a11b3019a0030a0100a3120410010000009e4a82ed33c7032500000000');

describe('real Samba exchange (smbclient <-> smbd, SMB 3.1.1 session setup)', () => {
  const init = decodeNegTokenInit(T1);
  const r2 = decodeNegTokenResp(T2);
  const r3 = decodeNegTokenResp(T3);
  const r4 = decodeNegTokenResp(T4);
  const chal = decodeChallenge(r2.responseToken!);
  const auth = decodeAuthenticate(r3.responseToken!);
  const key = ntowfv2(ntHash(FIXTURE_PASSWORD), auth.user, auth.domain);
  const ntProof = auth.ntResponse.subarray(0, 16);
  const exported = rc4(hmacMd5(key, ntProof), auth.encryptedRandomSessionKey);

  it('decodes the SMB2 NEGOTIATE hint (NegTokenInit2 with negHints)', () => {
    const hint = decodeNegTokenInit(NEGOTIATE_HINT);
    expect(hint.mechTypes).toEqual([OID_NTLMSSP]);
    expect(hint.hintName).toBe('not_defined_in_RFC4178@please_ignore');
    expect(hint.mechToken).toBeUndefined();
  });

  it('decodes every token and message', () => {
    expect(init.mechTypes).toEqual([OID_NTLMSSP]);
    expect(r2.negState).toBe(1);
    expect(r2.supportedMech).toBe(OID_NTLMSSP);
    expect(chal.targetName).toBe('LABSRV');
    const info = describeTargetInfo(chal.targetInfo);
    expect(info.netbiosComputer).toBe('LABSRV');
    expect(info.dnsDomain).toBe('');
    expect(info.timestamp).toBe(0x01dd7c956c52d2dcn);
    expect(auth.user).toBe('alice');
    expect(auth.domain).toBe('WORKGROUP');
    expect(auth.workstation).toBe('VM');
    expect(auth.mic).toBeDefined();
    expect(r4.negState).toBe(0);
  });

  it("our NTLMv2 math reproduces smbclient's NTProofStr and MIC", () => {
    expect(hmacMd5(key, chal.serverChallenge, auth.ntResponse.subarray(16)).equals(ntProof)).toBe(true);
    const zeroed = Buffer.from(r3.responseToken!);
    zeroed.fill(0, 72, 88);
    expect(hmacMd5(exported, init.mechToken!, r2.responseToken!, zeroed).equals(auth.mic!)).toBe(true);
  });

  it("our mechListMIC equals smbclient's, and smbd's mechListMIC verifies with our server-direction keys", () => {
    const mt = encodeMechTypes([OID_NTLMSSP]);
    expect(mt.equals(init.mechTypesDer)).toBe(true);
    expect(new NtlmSecurityContext(exported, auth.flags, 'client').sign(mt, 0).equals(r3.mechListMIC!)).toBe(true);
    expect(new NtlmSecurityContext(exported, auth.flags, 'server').sign(mt, 0).equals(r4.mechListMIC!)).toBe(true);
  });

  it("the authenticator, given smbclient's random session key, sends the same mechListMIC and accepts smbd's final token", () => {
    const randoms = [Buffer.from(auth.ntResponse.subarray(32, 40)), exported];
    const a = createNtlmAuthenticator(
      { user: 'alice', domain: 'WORKGROUP', password: FIXTURE_PASSWORD, workstation: 'VM' },
      { randomBytes: (n) => { const b = randoms.shift()!; expect(b.length).toBe(n); return b; } },
    );
    a.next(NEGOTIATE_HINT);
    const ours = decodeNegTokenResp(a.next(T2)!);
    expect(ours.mechListMIC!.equals(r3.mechListMIC!)).toBe(true);
    const ourAuth = decodeAuthenticate(ours.responseToken!);
    // smbd would accept our NTProofStr too: same key, same server challenge.
    expect(hmacMd5(key, chal.serverChallenge, ourAuth.ntResponse.subarray(16)).equals(ourAuth.ntResponse.subarray(0, 16))).toBe(true);
    expect(ourAuth.flags & NtlmFlags.KEY_EXCH).toBe(NtlmFlags.KEY_EXCH);
    expect(ourAuth.ntResponse.subarray(16 + 28).includes(Buffer.from([AvId.Flags, 0, 4, 0, 2, 0, 0, 0]))).toBe(true);
    expect(a.next(T4)).toBeNull();
    expect(a.complete).toBe(true);
    expect(a.sessionKey().equals(exported)).toBe(true);
  });
});
