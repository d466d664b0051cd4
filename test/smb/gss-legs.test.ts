/**
 * runGssLegs (src/smb/gss-legs.ts), the one SESSION_SETUP leg loop of SMB1 and SMB 2/3. The real
 * NTLMSSP/SPNEGO exchange against Samba runs through it in test/smb/smb1/interop-*.test.ts and
 * test/smb/smb2/interop*.test.ts; here a context that needs a given number of legs plays against
 * servers Samba cannot be made to be (early success, endless "more processing").
 */
import { describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/auth/types.js';
import { runGssLegs, type GssLegReply } from '../../src/smb/gss-legs.js';

/** A context that sends `tokens` tokens, each after one server token, and completes on the server's final token. */
function legContext(tokens: number): Authenticator & { seen: (Buffer | undefined)[] } {
  let sent = 0;
  let done = false;
  const seen: (Buffer | undefined)[] = [];
  return {
    mechanism: 'spnego',
    seen,
    get complete() {
      return done;
    },
    next(serverToken?: Buffer): Buffer | null {
      seen.push(serverToken);
      if (sent < tokens) return Buffer.from([++sent]);
      if (serverToken?.toString() === 'final') done = true;
      return null;
    },
    sessionKey: () => Buffer.alloc(16),
  };
}

/** A server that answers "more" `more` times, then success with the token 'final'. */
function server(more: number): { sendLeg: (token: Buffer, leg: number) => Promise<GssLegReply>; got: number[] } {
  const got: number[] = [];
  return {
    got,
    sendLeg: async (token, leg) => {
      expect(leg).toBe(got.length);
      got.push(token[0]!);
      return leg < more ? { more: true, token: Buffer.from(`c${leg}`) } : { more: false, token: Buffer.from('final') };
    },
  };
}

const opts = { maxLegs: 6, what: 'test session setup' };

describe('runGssLegs', () => {
  it('feeds tokens both ways until the server accepts and the context completes', async () => {
    const auth = legContext(3);
    const s = server(2);
    await runGssLegs(auth, s.sendLeg, { ...opts, hint: Buffer.alloc(0) });
    expect(s.got).toEqual([1, 2, 3]);
    // An empty NEGOTIATE hint is no hint; then each server token in order, the final one last.
    expect(auth.seen.map((t) => t?.toString())).toEqual([undefined, 'c0', 'c1', 'final']);
    expect(auth.complete).toBe(true);
  });

  it('passes a NEGOTIATE hint to the first call', async () => {
    const auth = legContext(1);
    await runGssLegs(auth, server(0).sendLeg, { ...opts, hint: Buffer.from('hint') });
    expect(auth.seen[0]?.toString()).toBe('hint');
  });

  it('refuses success while the context still wants to send (NTLM_UNEXPECTED_TOKEN)', async () => {
    await expect(runGssLegs(legContext(3), server(0).sendLeg, opts)).rejects.toMatchObject({ layer: 'ntlm', name: 'NTLM_UNEXPECTED_TOKEN' });
  });

  it('refuses success the context cannot complete on (NTLM_INCOMPLETE)', async () => {
    const s = server(0);
    const sendLeg = async (t: Buffer, leg: number): Promise<GssLegReply> => ({ ...(await s.sendLeg(t, leg)), token: Buffer.alloc(0) });
    await expect(runGssLegs(legContext(1), sendLeg, opts)).rejects.toMatchObject({ layer: 'ntlm', name: 'NTLM_INCOMPLETE' });
  });

  it('refuses a server that wants another leg after the context is done (NTLM_NO_TOKEN)', async () => {
    await expect(runGssLegs(legContext(2), server(5).sendLeg, opts)).rejects.toMatchObject({ layer: 'ntlm', name: 'NTLM_NO_TOKEN' });
  });

  it('refuses a context with no first token (NTLM_NO_TOKEN) and sends nothing', async () => {
    const s = server(0);
    await expect(runGssLegs(legContext(0), s.sendLeg, opts)).rejects.toMatchObject({ name: 'NTLM_NO_TOKEN' });
    expect(s.got).toEqual([]);
  });

  it('stops a server that keeps asking for more after maxLegs legs (SMB_TOO_MANY_LEGS)', async () => {
    const s = server(1000);
    await expect(runGssLegs(legContext(1000), s.sendLeg, opts)).rejects.toMatchObject({ layer: 'protocol', name: 'SMB_TOO_MANY_LEGS' });
    expect(s.got.length).toBe(6);
  });
});
