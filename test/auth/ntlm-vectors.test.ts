import { describe, expect, it } from 'vitest';
import { md4 } from '../../src/crypto/md4.js';
import {
  NtlmFlags,
  decodeAuthenticate,
  decodeChallenge,
  encodeAuthenticate,
  encodeChallenge,
} from '../../src/auth/ntlm-messages.js';
import { computeNtlmV2, encryptSessionKey, ntHash, ntowfv2, sealKey, signKey } from '../../src/auth/ntlm-crypto.js';
import { NtlmSecurityContext } from '../../src/auth/ntlm-session.js';

// [MS-NLMP] §4.2 "Cryptographic Values for Validation".
const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// §4.2.1 common values
const USER = 'User';
const DOMAIN = 'Domain';
const PASSWORD = 'Password';
const RANDOM_SESSION_KEY = Buffer.alloc(16, 0x55);
const CLIENT_CHALLENGE = Buffer.alloc(8, 0xaa);
const SERVER_CHALLENGE = h('0123456789abcdef');
const TIME = 0n;
const PLAINTEXT = Buffer.from('Plaintext', 'utf16le');

// §4.2.4.3 CHALLENGE_MESSAGE and AUTHENTICATE_MESSAGE
const V2_CHALLENGE = h(`
  4e544c4d53535000020000000c000c00 38000000 33828ae2 0123456789abcdef
  0000000000000000 24002400 44000000 060070170000000f
  530065007200760065007200 02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000`);
const V2_AUTHENTICATE = h(`
  4e544c4d5353500003000000180018006c00000054005400840000000c000c00
  480000000800080054000000100010005c00000010001000d800000035828 8e2
  0501280a0000000f44006f006d00610069006e00550073006500720043004f00
  4d00500055005400450052 0086c35097ac9cec1025 54764a57cccc19aaaaaaaa
  aaaaaaaa68cd0ab851e51c96aabc927bebef6a1c010100000000000000000000
  00000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e00
  01000c005300650072007600650072000000000000000000c5dad2544fc97990
  94ce1ce90bc9d03e`);

describe('[MS-NLMP] §4.2.1/§4.2.2 common values', () => {
  it('NTOWFv1 = MD4(UNICODE(Passwd)) (§4.2.2.1.2)', () => {
    expect(ntHash(PASSWORD).toString('hex')).toBe('a4f49c406510bdcab6824ee7c30fd852');
  });
  it('NTLMv1 SessionBaseKey = MD4(NTOWFv1) (§4.2.2.1.3)', () => {
    expect(md4(ntHash(PASSWORD)).toString('hex')).toBe('d87262b0cde4b1cb7499becccdf10784');
  });
});

describe('[MS-NLMP] §4.2.4 NTLMv2', () => {
  const key = ntowfv2(ntHash(PASSWORD), USER, DOMAIN);
  const challenge = decodeChallenge(V2_CHALLENGE);
  const r = computeNtlmV2(key, SERVER_CHALLENGE, CLIENT_CHALLENGE, TIME, challenge.targetInfoRaw);

  it('NTOWFv2 (§4.2.4.1.1)', () => {
    expect(key.toString('hex')).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
  });
  it('the CHALLENGE message parses to the spec values (§4.2.4.3)', () => {
    expect(challenge.flags >>> 0).toBe(0xe28a8233);
    expect(challenge.serverChallenge.equals(SERVER_CHALLENGE)).toBe(true);
    expect(challenge.targetName).toBe('Server');
    expect(challenge.targetInfo.map((p) => [p.id, p.value.toString('utf16le')])).toEqual([
      [2, 'Domain'],
      [1, 'Server'],
    ]);
    expect(challenge.version).toEqual({ major: 6, minor: 0, build: 6000, revision: 15 });
    // and it re-encodes byte for byte
    expect(encodeChallenge(challenge).equals(V2_CHALLENGE)).toBe(true);
  });
  it('SessionBaseKey (§4.2.4.1.2)', () => {
    expect(r.sessionBaseKey.toString('hex')).toBe('8de40ccadbc14a82f15cb0ad0de95ca3');
  });
  it('temp (§4.2.4.1.3) is what follows NTProofStr in the NT response', () => {
    expect(r.ntChallengeResponse.subarray(16).toString('hex')).toBe(
      '0101000000000000' + '0000000000000000' + 'aaaaaaaaaaaaaaaa' + '00000000' +
        '02000c0044006f006d00610069006e00' + '01000c00530065007200760065007200' + '00000000' + '00000000',
    );
  });
  it('LMv2 response (§4.2.4.2.1)', () => {
    expect(r.lmChallengeResponse.toString('hex')).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
  });
  it('NTLMv2 response NTProofStr (§4.2.4.2.2)', () => {
    expect(r.ntProofStr.toString('hex')).toBe('68cd0ab851e51c96aabc927bebef6a1c');
  });
  it('EncryptedRandomSessionKey = RC4K(KeyExchangeKey = SessionBaseKey, RandomSessionKey) (§4.2.4.2.3)', () => {
    expect(encryptSessionKey(r.sessionBaseKey, RANDOM_SESSION_KEY).toString('hex')).toBe('c5dad2544fc9799094ce1ce90bc9d03e');
  });
  it('AUTHENTICATE_MESSAGE bytes (§4.2.4.3)', () => {
    const msg = encodeAuthenticate({
      flags: 0xe2888235,
      lmResponse: r.lmChallengeResponse,
      ntResponse: r.ntChallengeResponse,
      domain: DOMAIN,
      user: USER,
      workstation: 'COMPUTER',
      encryptedRandomSessionKey: encryptSessionKey(r.sessionBaseKey, RANDOM_SESSION_KEY),
      version: { major: 5, minor: 1, build: 2600, revision: 15 },
    });
    expect(msg.toString('hex')).toBe(V2_AUTHENTICATE.toString('hex'));
    const back = decodeAuthenticate(msg);
    expect(back.user).toBe(USER);
    expect(back.domain).toBe(DOMAIN);
    expect(back.workstation).toBe('COMPUTER');
    expect(back.mic).toBeUndefined();
    expect(back.ntResponse.equals(r.ntChallengeResponse)).toBe(true);
  });
  it('SEALKEY and SIGNKEY, client to server (§4.2.4.4)', () => {
    expect(sealKey(0xe2888235, RANDOM_SESSION_KEY, 'client').toString('hex')).toBe('59f600973cc4960a25480a7c196e4c58');
    expect(signKey(RANDOM_SESSION_KEY, 'client').toString('hex')).toBe('4788dc861b4782f35d43fd98fe1a2d39');
  });
  it('GSS_WrapEx: sealed data and signature (§4.2.4.4)', () => {
    const ctx = new NtlmSecurityContext(RANDOM_SESSION_KEY, 0xe2888235, 'client');
    const { sealed, signature } = ctx.seal(PLAINTEXT, undefined, 0);
    expect(sealed.toString('hex')).toBe('54e50165bf1936dc996020c1811b0f06fb5f');
    expect(signature.toString('hex')).toBe('010000007fb38ec5c55d497600000000');
    // The server side unseals it.
    const server = new NtlmSecurityContext(RANDOM_SESSION_KEY, 0xe2888235, 'server');
    expect(server.unseal(sealed, signature).equals(PLAINTEXT)).toBe(true);
  });
});

describe('[MS-NLMP] §4.2.3.4 GSS_WrapEx with ESS, 56-bit seal key and no KEY_EXCH', () => {
  // NTLMv1 with client challenge: the session-security path is the same as NTLMv2's; the exported
  // key is the KeyExchangeKey (§4.2.3.1.3) because KEY_EXCH is not negotiated.
  const KXKEY = h('eb93429a8bd952f8b89c55b87f475edc');
  const FLAGS = 0x820a8233;
  it('SEALKEY from the 56-bit key and SIGNKEY', () => {
    expect(sealKey(FLAGS, KXKEY, 'client').toString('hex')).toBe('04dd7f014d8504d265a25cc86a3a7c06');
    expect(signKey(KXKEY, 'client').toString('hex')).toBe('60e799be5c72fc92922ae8ebe961fb8d');
  });
  it('sealed data and (not RC4-encrypted) checksum', () => {
    const ctx = new NtlmSecurityContext(KXKEY, FLAGS, 'client');
    const { sealed, signature } = ctx.seal(PLAINTEXT);
    expect(sealed.toString('hex')).toBe('a02372f6530273f3aa1eb90190ce5200c99d');
    expect(signature.toString('hex')).toBe('01000000ff2aeb52f681793a00000000');
  });
  it('NEGOTIATE flags in the example decode to what the spec lists', () => {
    expect(FLAGS & NtlmFlags.KEY_EXCH).toBe(0);
    expect((FLAGS & NtlmFlags.NEGOTIATE_56) >>> 0).toBe(NtlmFlags.NEGOTIATE_56);
  });
});
