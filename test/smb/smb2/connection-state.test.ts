/**
 * Smb2Connection's state is read-only from outside: negotiated values, credits, counters and the
 * session are getters over private parts (credits.ts, session-crypto.ts); invalid options are usage
 * errors (ERROR_INVALID_PARAMETER).
 */
import { describe, expect, it } from 'vitest';
import { Smb2Connection } from '../../../src/smb/smb2/connection.js';
import { Smb2Client } from '../../../src/smb/smb2/client.js';
import type { MessageStream } from '../../../src/transport/message-stream.js';

/** The constructor only keeps the stream; nothing here sends. */
const idle: MessageStream = {
  closed: false,
  send: () => Promise.reject(new Error('not used')),
  receive: () => Promise.reject(new Error('not used')),
  close: () => undefined,
};

const STATE = ['dialect', 'traits', 'negotiateResponse', 'cipher', 'signingAlgorithm', 'serverRequiresSigning', 'credits', 'requestsSent', 'interimResponses', 'session', 'signing', 'encrypting'] as const;

describe('Smb2Connection state', () => {
  it('every piece of state is a getter without a setter, and none is an own field', () => {
    const conn = new Smb2Connection(idle);
    for (const name of STATE) {
      const d = Object.getOwnPropertyDescriptor(Smb2Connection.prototype, name);
      expect(d?.get, name).toBeTypeOf('function');
      expect(d?.set, name).toBeUndefined();
      expect(Object.hasOwn(conn, name), name).toBe(false);
      // ESM is strict: assigning a getter-only property throws.
      expect(() => ((conn as unknown as Record<string, unknown>)[name] = 1), name).toThrow(TypeError);
    }
    expect(conn.credits).toBe(1);
    expect(conn.session).toBeNull();
    expect(conn.dialect).toBe(0x0202);
  });

  it("Smb2Client's info and treeId are getters too (info follows the connection's signing and encryption)", () => {
    for (const name of ['info', 'treeId', 'maxWrite', 'maxRead', 'maxTransact', 'requestsSent']) {
      const d = Object.getOwnPropertyDescriptor(Smb2Client.prototype, name);
      expect(d?.get, name).toBeTypeOf('function');
      expect(d?.set, name).toBeUndefined();
    }
    const client = new Smb2Client(new Smb2Connection(idle), { dialect: '2.1', signing: true, encryption: true, isGuest: false, isAnonymous: false });
    // No session yet: neither signing nor encryption, whatever the snapshot said.
    expect(client.info).toMatchObject({ dialect: '2.1', signing: false, encryption: false });
    expect(client.treeId).toBe(0);
  });

  it('an empty dialect range and encryption below 3.0 are usage errors', () => {
    const usage = { layer: 'usage', code: 87, name: 'ERROR_INVALID_PARAMETER' };
    expect(() => new Smb2Connection(idle, { dialects: { min: 0x0311, max: 0x0300 } })).toThrow(expect.objectContaining(usage));
    expect(() => new Smb2Connection(idle, { dialects: { max: 0x0210 }, requireEncryption: true })).toThrow(expect.objectContaining(usage));
    expect(() => new Smb2Connection(idle, { dialects: { max: 0x0300 }, requireEncryption: true })).not.toThrow();
  });
});
