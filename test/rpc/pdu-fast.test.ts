/** The warm-call request encoder (encodePlainRequest) writes the bytes encodePdu writes for the same request. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodePdu, encodePdu, encodePlainRequest, PFC } from '../../src/rpc/pdu.js';
import { NetsendError } from '../../src/status/error.js';

describe('encodePlainRequest', () => {
  it('equals encodePdu for a request without object UUID or verifier (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(PFC.FIRST_FRAG | PFC.LAST_FRAG, PFC.FIRST_FRAG, PFC.LAST_FRAG, 0),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffff }),
        fc.nat({ max: 0xffff }),
        fc.uint8Array({ maxLength: 300 }),
        (flags, callId, allocHint, contextId, opnum, bytes) => {
          const stub = Buffer.from(bytes);
          const fast = encodePlainRequest(flags, callId, allocHint, contextId, opnum, stub);
          expect(fast.equals(encodePdu({ type: 'request', flags, callId, allocHint, contextId, opnum, stub }))).toBe(true);
          expect(decodePdu(fast)).toMatchObject({ type: 'request', flags, callId, allocHint, contextId, opnum, stub });
        },
      ),
    );
  });

  it('refuses a stub that cannot fit frag_length', () => {
    expect(() => encodePlainRequest(3, 1, 0, 0, 0, Buffer.alloc(0x10000))).toThrow(NetsendError);
  });
});
