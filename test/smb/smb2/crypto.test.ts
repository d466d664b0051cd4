import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureMessages } from '../../helpers/fixtures.js';
import { decodeAuthenticate } from '../../../src/auth/ntlm-messages.js';
import { ntHash, ntowfv2 } from '../../../src/auth/ntlm-crypto.js';
import { decodeNegTokenResp } from '../../../src/auth/spnego.js';
import { hmacMd5, sp800108CounterHmacSha256 } from '../../../src/crypto/index.js';
import { rc4 } from '../../../src/crypto/rc4.js';
import { NetsendError } from '../../../src/status/error.js';
import {
  Cipher,
  NonceSequence,
  PREAUTH_INITIAL,
  SigningAlgorithm,
  Smb2Command,
  computeSignature,
  decodeHeader,
  decodeSessionSetupRequest,
  decodeTreeConnectRequest,
  decodeTreeConnectResponse,
  decryptMessage,
  encryptMessage,
  gmacNonce,
  preauthUpdate,
  signMessage,
  verifyMessage,
  type CipherId,
  type SigningAlgorithmId,
} from '../../../src/smb/smb2/index.js';
import { cmacSigner, deriveSmb3Keys, gmacSigner, signMessage as signPerMessage, signMessageKept, verifyMessageKept } from '../../../src/smb/smb2/crypto.js';
import { AesGcmKey } from '../../../src/crypto/gcm.js';
import { AesCmacKey } from '../../../src/crypto/cmac.js';

const FIXTURE_PASSWORD = 'Passw0rd!'; // the harness/capture fixture account, not a secret

/** ExportedSessionKey from the AUTHENTICATE in a SESSION_SETUP request ([MS-NLMP] §3.2.5.1.2, KEY_EXCH). */
function exportedKey(sessionSetupReq: Buffer): Buffer {
  const tok = decodeSessionSetupRequest(sessionSetupReq.subarray(64)).securityBuffer;
  const auth = decodeAuthenticate(decodeNegTokenResp(tok).responseToken!);
  const key = ntowfv2(ntHash(FIXTURE_PASSWORD), auth.user, auth.domain);
  return rc4(hmacMd5(key, auth.ntResponse.subarray(0, 16)), auth.encryptedRandomSessionKey);
}

function chain(msgs: Buffer[]): Buffer {
  return msgs.reduce((h, m) => preauthUpdate(h, m), PREAUTH_INITIAL);
}

describe('SMB 3.1.1 signing KAT from real Samba captures (pre-auth hash, KDF, AES-GMAC)', () => {
  for (const file of ['rpcclient-wkssvc-messagebuffersend.pcap', 'smbclient-open-pipe-msgsvc-smb3.pcap']) {
    it(`${file}: every signed message after session setup verifies; a flipped bit does not`, () => {
      const { client, server } = captureMessages(file);
      // negotiate req/resp, session setup req1/resp1, req2 (the hash stops before the final response)
      const hash = chain([client[0]!, server[0]!, client[1]!, server[1]!, client[2]!]);
      const keys = deriveSmb3Keys(exportedKey(client[2]!), 0x0311, hash, 128);
      const signed = [...client, ...server].filter((m) => m.readUInt32LE(16) & 0x8);
      expect(signed.length).toBeGreaterThanOrEqual(3);
      for (const m of signed) {
        verifyMessage(SigningAlgorithm.AES_GMAC, keys.signingKey, m);
        const bad = Buffer.from(m);
        bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
        expect(() => verifyMessage(SigningAlgorithm.AES_GMAC, keys.signingKey, bad)).toThrow(/signature/);
      }
      // the hash must include the final request: one message less gives a key that fails
      const wrong = deriveSmb3Keys(exportedKey(client[2]!), 0x0311, chain([client[0]!, server[0]!, client[1]!, server[1]!]), 128);
      expect(() => verifyMessage(SigningAlgorithm.AES_GMAC, wrong.signingKey, signed[0]!)).toThrow(NetsendError);
    });
  }
});

describe('SMB 3.1.1 encryption KAT from smbclient <-> smbd sessions (fixtures/smbclient-encrypted-311.json)', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const fx = JSON.parse(fs.readFileSync(path.join(here, 'fixtures', 'smbclient-encrypted-311.json'), 'utf8')) as {
    sessions: Record<string, { client: string[]; server: string[] }>;
  };
  const ids: Record<string, CipherId> = { 'aes-128-gcm': Cipher.AES_128_GCM, 'aes-128-ccm': Cipher.AES_128_CCM, 'aes-256-gcm': Cipher.AES_256_GCM, 'aes-256-ccm': Cipher.AES_256_CCM };
  for (const [alg, s] of Object.entries(fx.sessions)) {
    it(`${alg}: decrypts the peer's TREE_CONNECT request and response with our keys`, () => {
      const c = s.client.map((h) => Buffer.from(h, 'hex'));
      const sv = s.server.map((h) => Buffer.from(h, 'hex'));
      const cipher = ids[alg]!;
      const bits = cipher === Cipher.AES_256_CCM || cipher === Cipher.AES_256_GCM ? 256 : 128;
      const hash = chain([c[0]!, sv[0]!, c[1]!, sv[1]!, c[2]!]);
      const keys = deriveSmb3Keys(exportedKey(c[2]!), 0x0311, hash, bits);
      expect(c[3]!.subarray(0, 4).toString('hex')).toBe('fd534d42');
      const req = decryptMessage(cipher, keys.encryptionKey, c[3]!).plain;
      expect(decodeHeader(req).command).toBe(Smb2Command.TREE_CONNECT);
      expect(decodeTreeConnectRequest(req.subarray(64)).path).toMatch(/\\IPC\$$/);
      const resp = decryptMessage(cipher, keys.decryptionKey, sv[3]!).plain;
      expect(decodeHeader(resp).command).toBe(Smb2Command.TREE_CONNECT);
      expect(decodeTreeConnectResponse(resp.subarray(64)).shareType).toBe(2);
      // Wrong direction key, or the "SMBC2SEncryptionKey" label, must not decrypt.
      expect(() => decryptMessage(cipher, keys.decryptionKey, c[3]!)).toThrow(expect.objectContaining({ name: 'SMB2_DECRYPTION_FAILED' }));
      const otherLabel = sp800108CounterHmacSha256(exportedKey(c[2]!), Buffer.from('SMBC2SEncryptionKey\0', 'latin1'), hash, bits);
      expect(() => decryptMessage(cipher, otherLabel, c[3]!)).toThrow(NetsendError);
    });
  }
});

describe('signing ([MS-SMB2] §3.1.4.1)', () => {
  const algs: [SigningAlgorithmId, number][] = [
    [SigningAlgorithm.HMAC_SHA256, 16],
    [SigningAlgorithm.AES_CMAC, 16],
    [SigningAlgorithm.AES_GMAC, 16],
  ];
  const msg = fc.uint8Array({ minLength: 64, maxLength: 300 }).map((a) => {
    const b = Buffer.from(a);
    Buffer.from([0xfe, 0x53, 0x4d, 0x42]).copy(b);
    return b;
  });
  for (const [alg, klen] of algs) {
    it(`alg ${alg}: sign then verify; any single-byte change is rejected with STATUS_INVALID_SIGNATURE`, () => {
      fc.assert(
        fc.property(msg, fc.uint8Array({ minLength: klen, maxLength: klen }), fc.nat(), (m, k, at) => {
          const key = Buffer.from(k);
          signMessage(alg, key, m);
          expect(m.readUInt32LE(16) & 8).toBe(8);
          verifyMessage(alg, key, m);
          const bad = Buffer.from(m);
          const i = at % bad.length;
          bad[i] = bad[i]! ^ 0x80;
          try {
            verifyMessage(alg, key, bad);
            // every byte, the signature field included, is covered
            expect.unreachable(`byte ${i} is not covered`);
          } catch (e) {
            expect((e as NetsendError).name).toBe('STATUS_INVALID_SIGNATURE');
            expect((e as NetsendError).layer).toBe('protocol');
          }
        }),
      );
    });
  }
  it('computing a signature leaves the message as it was (the field is zeroed only while hashing), and ignores the field', () => {
    fc.assert(
      fc.property(msg, fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.constantFrom(...algs.map(([a]) => a)), (m, k, alg) => {
        const key = Buffer.from(k);
        const before = Buffer.from(m);
        const sig = computeSignature(alg, key, m);
        expect(m.equals(before)).toBe(true);
        const zeroed = Buffer.from(m);
        zeroed.fill(0, 48, 64);
        expect(computeSignature(alg, key, zeroed).equals(sig)).toBe(true);
      }),
    );
  });
  it('HMAC-SHA256 signature is the first 16 bytes of HMAC over the zero-signature message', async () => {
    const { createHmac } = await import('node:crypto');
    const m = Buffer.alloc(100, 7);
    m.fill(0, 48, 64);
    const key = Buffer.alloc(16, 3);
    expect(computeSignature(0, key, m)).toEqual(createHmac('sha256', key).update(m).digest().subarray(0, 16));
  });
  it('AES-GMAC nonce: MessageId, then bit 0 for server-sent and bit 1 for CANCEL requests', () => {
    const m = Buffer.alloc(64);
    m.writeBigUInt64LE(0x0102030405060708n, 24);
    expect(gmacNonce(m).toString('hex')).toBe('080706050403020100000000');
    m.writeUInt32LE(1, 16);
    expect(gmacNonce(m).toString('hex')).toBe('080706050403020101000000');
    m.writeUInt32LE(0, 16);
    m.writeUInt16LE(0x0c, 12);
    expect(gmacNonce(m).toString('hex')).toBe('080706050403020102000000');
  });
});

describe('encryption ([MS-SMB2] §3.1.4.3)', () => {
  const ciphers: [CipherId, number, number][] = [
    [Cipher.AES_128_CCM, 16, 11],
    [Cipher.AES_128_GCM, 16, 12],
    [Cipher.AES_256_CCM, 32, 11],
    [Cipher.AES_256_GCM, 32, 12],
  ];
  for (const [cipher, klen, nlen] of ciphers) {
    it(`cipher ${cipher}: round trip, tampering anywhere is rejected, nonce padding is zero`, () => {
      const seq = new NonceSequence(cipher);
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 64, maxLength: 300 }), fc.uint8Array({ minLength: klen, maxLength: klen }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.nat(), (p, k, sid, at) => {
          const key = Buffer.from(k);
          const plain = Buffer.from(p);
          const nonce = seq.next();
          expect(nonce.subarray(nlen).equals(Buffer.alloc(16 - nlen))).toBe(true);
          const wire = encryptMessage(cipher, key, nonce, sid, plain);
          expect(wire.subarray(0, 4).toString('hex')).toBe('fd534d42');
          expect(wire.length).toBe(52 + plain.length);
          const d = decryptMessage(cipher, key, wire);
          expect(d.plain.equals(plain)).toBe(true);
          expect(d.sessionId).toBe(sid);
          const bad = Buffer.from(wire);
          const i = 4 + (at % (bad.length - 4));
          bad[i] = bad[i]! ^ 1;
          expect(() => decryptMessage(cipher, key, bad)).toThrow(NetsendError);
        }),
      );
    });
  }
  it('NonceSequence never repeats a nonce', () => {
    for (const c of [Cipher.AES_128_CCM, Cipher.AES_128_GCM] as CipherId[]) {
      const s = new NonceSequence(c);
      const seen = new Set<string>();
      for (let i = 0; i < 5000; i++) seen.add(s.next().toString('hex'));
      expect(seen.size).toBe(5000);
    }
  });
  it('fuzz: random TRANSFORM messages throw NetsendError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (a) => {
        const b = Buffer.from(a);
        if (b.length >= 4) Buffer.from([0xfd, 0x53, 0x4d, 0x42]).copy(b);
        expect(() => decryptMessage(Cipher.AES_128_GCM, Buffer.alloc(16), b)).toThrow(NetsendError);
      }),
    );
  });
});

describe('pre-auth integrity hash ([MS-SMB2] §3.2.5.2)', () => {
  it('chains SHA-512 from 64 zero bytes', async () => {
    const { createHash } = await import('node:crypto');
    const a = Buffer.from('negotiate request');
    const h1 = preauthUpdate(PREAUTH_INITIAL, a);
    expect(h1).toEqual(createHash('sha512').update(Buffer.alloc(64)).update(a).digest());
    expect(h1.length).toBe(64);
  });
});

describe('signing with a session-kept key (crypto/gcm.ts, crypto/cmac.ts)', () => {
  it('gives the signature signMessage gives, for AES-GMAC and AES-CMAC, over one key object reused; a flipped bit fails verification (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.array(fc.uint8Array({ minLength: 64, maxLength: 300 }), { minLength: 1, maxLength: 5 }), fc.nat(), (k, msgs, flip) => {
        const key = Buffer.from(k);
        const kept = [
          [2, gmacSigner(new AesGcmKey(key))],
          [1, cmacSigner(new AesCmacKey(key))],
        ] as const;
        for (const m of msgs) {
          for (const [alg, signer] of kept) {
            const a = Buffer.from(m);
            a.writeUInt32LE(0x424d53fe, 0);
            const b = Buffer.from(a);
            signPerMessage(alg, key, a);
            signMessageKept(signer, b);
            expect(b.equals(a)).toBe(true);
            expect(() => verifyMessageKept(signer, b)).not.toThrow();
            const bit = flip % (b.length * 8);
            b[bit >> 3] = b[bit >> 3]! ^ (1 << (bit & 7));
            expect(() => verifyMessageKept(signer, b)).toThrow(NetsendError);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
