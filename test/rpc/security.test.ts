/**
 * RPC per-fragment protection ([MS-RPCE] §3.3.1.5.2.2) with NTLMSSP keys on both ends: the client's
 * RpcSecurity against a server-side NtlmSecurityContext holding the same exported session key.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NtlmSecurityContext } from '../../src/auth/ntlm-session.js';
import { NtlmFlags } from '../../src/auth/ntlm-messages.js';
import type { SecurityContext } from '../../src/auth/security-context.js';
import { AUTH_LEVEL, AUTH_TYPE, RpcSecurity, RpcVerifierError } from '../../src/rpc/security.js';
import { decodePdu, encodePdu, SEC_TRAILER_LENGTH } from '../../src/rpc/pdu.js';
import { NetsendError } from '../../src/status/error.js';
import { onlyNetsendErrors } from '../helpers/oracle.js';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const FLAGS = (NtlmFlags.EXTENDED_SESSIONSECURITY | NtlmFlags.KEY_EXCH | NtlmFlags.NEGOTIATE_128 | NtlmFlags.SIGN | NtlmFlags.SEAL) >>> 0;

function clientContext(): SecurityContext {
  const n = new NtlmSecurityContext(KEY, FLAGS, 'client');
  return {
    mechanism: 'ntlmssp',
    complete: true,
    expectsServerToken: false,
    signatureLength: 16,
    next: () => null,
    sessionKey: () => KEY,
    sign: (m) => n.sign(m),
    verify: (m, s) => n.verify(m, s),
    seal: (p, s) => n.seal(p, s),
    unseal: (c, sig, s) => n.unseal(c, sig, s),
  };
}

/** What a server does to a response fragment: sign or seal it with the server-to-client keys. */
function serverResponse(server: NtlmSecurityContext, level: number, callId: number, stub: Buffer): Buffer {
  const pdu = encodePdu({ type: 'response', callId, allocHint: stub.length, contextId: 0, cancelCount: 0, stub, auth: { authType: AUTH_TYPE.ntlmssp, authLevel: level, authPadLength: 0, authContextId: 1, token: Buffer.alloc(16) } });
  const sigAt = pdu.length - 16;
  const trailerAt = sigAt - SEC_TRAILER_LENGTH;
  if (level === AUTH_LEVEL.privacy) {
    const { sealed, signature } = server.seal(Buffer.from(pdu.subarray(24, trailerAt)), () => pdu.subarray(0, sigAt));
    sealed.copy(pdu, 24);
    signature.copy(pdu, sigAt);
  } else {
    server.sign(pdu.subarray(0, sigAt)).copy(pdu, sigAt);
  }
  return pdu;
}

describe('RpcSecurity', () => {
  for (const level of ['integrity', 'privacy'] as const) {
    it(`${level}: requests verify at the server, responses verify at the client, in sequence`, () => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 5 }), (stubs) => {
          const sec = new RpcSecurity({ level, context: clientContext() });
          const server = new NtlmSecurityContext(KEY, FLAGS, 'server');
          stubs.forEach((a, i) => {
            const stub = Buffer.from(a);
            const req = sec.protect(encodePdu({ type: 'request', callId: i + 1, allocHint: stub.length, contextId: 0, opnum: 0, stub, auth: sec.requestVerifier()! }));
            const sigAt = req.length - 16;
            const pad = req[sigAt - SEC_TRAILER_LENGTH + 2]!;
            expect((stub.length + pad) % 16).toBe(0);
            if (level === 'privacy') {
              expect(req.subarray(24, 24 + stub.length).equals(stub) && stub.length > 8).toBe(false);
              const plain = server.unseal(Buffer.from(req.subarray(24, sigAt - SEC_TRAILER_LENGTH)), req.subarray(sigAt), (p) => {
                const c = Buffer.from(req.subarray(0, sigAt));
                p.copy(c, 24);
                return c;
              });
              expect(plain.subarray(0, stub.length).equals(stub)).toBe(true);
            } else {
              server.verify(req.subarray(0, sigAt), req.subarray(sigAt));
            }
            const resp = serverResponse(server, AUTH_LEVEL[level], i + 1, stub);
            const p = decodePdu(sec.unprotect(resp, 0));
            expect(p.type === 'response' && p.stub.equals(stub)).toBe(true);
          });
        }),
        { numRuns: 30 },
      );
    });

    it(`${level}: one flipped bit anywhere in a response is SEC_E_MESSAGE_ALTERED (or malformed in the header)`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (a, at, bit) => {
          const sec = new RpcSecurity({ level, context: clientContext() });
          const server = new NtlmSecurityContext(KEY, FLAGS, 'server');
          const resp = serverResponse(server, AUTH_LEVEL[level], 7, Buffer.from(a));
          const i = at % resp.length;
          // PTYPE (octet 2) is checked by the caller: a response turned into another type is RPC_UNEXPECTED_PDU.
          fc.pre(i !== 2);
          resp[i] = resp[i]! ^ (1 << bit);
          let err: unknown;
          try {
            sec.unprotect(resp, 0);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(NetsendError);
          if (i >= 16 && i !== 8 && i !== 9) expect(err).toBeInstanceOf(RpcVerifierError);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('a response without a verifier on a protected association is RPC_VERIFIER_MISSING; an unsigned fault passes', () => {
    const sec = new RpcSecurity({ level: 'privacy', context: clientContext() });
    expect(() => sec.unprotect(encodePdu({ type: 'response', callId: 1, allocHint: 0, contextId: 0, cancelCount: 0, stub: Buffer.alloc(8) }), 0)).toThrow(
      expect.objectContaining({ name: 'RPC_VERIFIER_MISSING' }),
    );
    const fault = encodePdu({ type: 'fault', callId: 1, allocHint: 0, contextId: 0, cancelCount: 0, faultFlags: 0, status: 0x1c010002, stub: Buffer.alloc(0) });
    expect(sec.unprotect(fault, 0)).toBe(fault);
  });

  it('fragment overhead is the sec_trailer plus the signature; connect level adds nothing', () => {
    expect(new RpcSecurity({ level: 'integrity', context: clientContext() }).fragmentOverhead).toBe(SEC_TRAILER_LENGTH + 16);
    expect(new RpcSecurity({ level: 'connect', context: clientContext() }).fragmentOverhead).toBe(0);
  });

  it('random input throws NetsendError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 120 }), (a) => {
        const b = Buffer.from(a);
        b[0] = 5;
        b[1] = 0;
        b[2] = 2;
        b.writeUInt16LE(b.length, 8);
        const sec = new RpcSecurity({ level: 'privacy', context: clientContext() });
        onlyNetsendErrors(() => sec.unprotect(b, 0));
      }),
    );
  });
});
