/**
 * The GSS leg loop of SESSION_SETUP, the same for SMB1 extended security ([MS-CIFS] §3.2.4.2.4,
 * [MS-SMB] §3.2.4.2.4) and SMB 2/3 ([MS-SMB2] §3.2.4.2.3): the client context produces a token, the
 * server answers with a token and "more processing required" or success, until the context is
 * complete (RFC 2743 §2.2.1 GSS_Init_sec_context). Each family supplies how one leg goes on the wire.
 */
import type { Authenticator } from '../auth/types.js';
import { NetsendError } from '../status/error.js';

/** The server's answer to one leg. */
export interface GssLegReply {
  /** STATUS_MORE_PROCESSING_REQUIRED: the server wants another token. */
  more: boolean;
  /** The server's security blob (may be empty). */
  token: Buffer;
}

export interface GssLegOptions {
  /** Refuse a server that keeps asking for more after this many legs. */
  maxLegs: number;
  /** Prefix of error messages, e.g. "SMB2 session setup". */
  what: string;
  /** A token the server offered before the first leg (the NEGOTIATE response's SPNEGO hint). */
  hint?: Buffer;
}

/**
 * Drives `auth` through the legs: `sendLeg` sends one token and returns the server's answer (it
 * throws on any status other than more-processing or success). Returns once the server accepted
 * and the context is complete; the last server token (SPNEGO's mechListMIC) is checked by `auth`.
 */
export async function runGssLegs(auth: Authenticator, sendLeg: (token: Buffer, leg: number) => Promise<GssLegReply>, o: GssLegOptions): Promise<void> {
  let token = auth.next(o.hint && o.hint.length > 0 ? o.hint : undefined);
  if (!token) throw new NetsendError('ntlm', 0, 'NTLM_NO_TOKEN', `${o.what}: authenticator produced no initial token`);
  for (let leg = 0; leg < o.maxLegs; leg++) {
    const reply = await sendLeg(token, leg);
    if (reply.more) {
      const next = auth.next(reply.token);
      if (!next) throw new NetsendError('ntlm', 0, 'NTLM_NO_TOKEN', `${o.what}: server wants another leg but the authenticator is done`);
      token = next;
      continue;
    }
    // A server that says success before the context is complete (e.g. to the NEGOTIATE leg) is refused.
    if (!auth.complete || reply.token.length > 0) {
      if (auth.next(reply.token.length > 0 ? reply.token : undefined) !== null) {
        throw new NetsendError('ntlm', 0, 'NTLM_UNEXPECTED_TOKEN', `${o.what}: authenticator wants to send after the server accepted`);
      }
    }
    if (!auth.complete) throw new NetsendError('ntlm', 0, 'NTLM_INCOMPLETE', `${o.what}: server accepted a session the authenticator did not complete`);
    return;
  }
  throw new NetsendError('protocol', 0, 'SMB_TOO_MANY_LEGS', `${o.what}: not finished within ${o.maxLegs} legs`);
}
