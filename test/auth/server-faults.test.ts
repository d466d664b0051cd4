/**
 * A fault in what the server sent is the server's (layer 'protocol' or 'ntlm', CLI exit 1), never a
 * usage error (exit 2) as if the caller had erred (issue 11 item 7a). The caller's own mistakes
 * (a malformed hash) stay usage errors.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createNtlmAuthenticator, ntlmV2ChallengeResponse } from '../../src/auth/ntlm.js';
import { AvId, NtlmFlags, encodeAvPairs, encodeChallenge } from '../../src/auth/ntlm-messages.js';
import { OID_NTLMSSP, encodeNegTokenResp } from '../../src/auth/spnego.js';

const creds = { user: 'alice', domain: 'LAB', password: 'Secr3t-for-tests' };

/** A CHALLENGE whose TargetInfo holds one MsvAvNbComputerName of `n` bytes. */
function challengeWithTargetInfo(n: number): Buffer {
  return encodeChallenge({
    flags: NtlmFlags.UNICODE | NtlmFlags.NTLM | NtlmFlags.TARGET_INFO | NtlmFlags.EXTENDED_SESSIONSECURITY,
    serverChallenge: Buffer.alloc(8, 1),
    targetName: 'SRV',
    targetInfoRaw: encodeAvPairs([{ id: AvId.NbComputerName, value: Buffer.alloc(n, 0x41) }]),
  });
}

describe('server faults during NTLM', () => {
  it('an SMB1 challenge that is not 8 bytes is a protocol error naming the length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 }).filter((n) => n !== 8), (n) => {
        expect(() => ntlmV2ChallengeResponse(creds, Buffer.alloc(n))).toThrow(
          expect.objectContaining({ layer: 'protocol', name: 'NTLM_BAD_CHALLENGE', message: expect.stringContaining(`challenge is ${n} bytes`) }),
        );
      }),
    );
    expect(ntlmV2ChallengeResponse(creds, Buffer.alloc(8)).ntResponse.length).toBeGreaterThan(16);
  });

  it('a TargetInfo too long to echo in AUTHENTICATE (16-bit field lengths) is the server\'s fault', () => {
    const ch = challengeWithTargetInfo(65_520);
    const raw = createNtlmAuthenticator(creds, { spnego: false });
    raw.next();
    expect(() => raw.next(ch)).toThrow(expect.objectContaining({ layer: 'ntlm', name: 'NTLM_BAD_SERVER_TOKEN', message: expect.stringContaining('longer than 65535') }));
    const wrapped = createNtlmAuthenticator(creds);
    wrapped.next();
    expect(() => wrapped.next(encodeNegTokenResp({ negState: 1, supportedMech: OID_NTLMSSP, responseToken: ch }))).toThrow(
      expect.objectContaining({ layer: 'ntlm', name: 'NTLM_BAD_SERVER_TOKEN' }),
    );
    // A large TargetInfo that still fits is answered.
    const ok = createNtlmAuthenticator(creds, { spnego: false });
    ok.next();
    expect(ok.next(challengeWithTargetInfo(60_000))!.length).toBeGreaterThan(60_000);
  });

  it('the caller\'s malformed NT hash stays a usage error', () => {
    const auth = createNtlmAuthenticator({ user: 'a', ntHash: Buffer.alloc(3) }, { spnego: false });
    auth.next();
    expect(() => auth.next(challengeWithTargetInfo(16))).toThrow(expect.objectContaining({ layer: 'usage', name: 'NTLM_BAD_HASH' }));
  });
});
