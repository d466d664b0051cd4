import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { createNtlmAuthenticator, type NtlmOptions } from '../../src/auth/ntlm.js';
import { ntHash } from '../../src/auth/ntlm-crypto.js';
import type { Credentials } from '../../src/auth/types.js';
import { hmacSha256 } from '../../src/crypto/aead.js';

/**
 * The authenticator against a real smbd, through a deliberately tiny in-test SMB 2.1 client
 * (NEGOTIATE + SESSION_SETUP only, [MS-SMB2] §2.2.3-§2.2.6), so that a failure here points at
 * src/auth rather than at the SMB layer. Samba verifies our NTLMv2 response, MIC and mechListMIC; the
 * authenticator verifies Samba's mechListMIC; the signed final response checks the session key.
 */

const STATUS_SUCCESS = 0;
const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
const STATUS_LOGON_FAILURE = 0xc000006d;

class TinySmb2 {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private msgId = 0n;
  sessionId = 0n;
  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static connect(host: string): Promise<TinySmb2> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port: 445 }, () => resolve(new TinySmb2(s)));
      s.once('error', reject);
    });
  }

  close(): void {
    this.sock.destroy();
  }

  private async readFrame(): Promise<Buffer> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (this.buf.length >= 4) {
        const len = this.buf.readUInt32BE(0) & 0xffffff;
        if (this.buf.length >= 4 + len) {
          const f = this.buf.subarray(4, 4 + len);
          this.buf = this.buf.subarray(4 + len);
          return Buffer.from(f);
        }
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for smbd');
      await new Promise<void>((res) => {
        const t = setTimeout(res, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  async request(command: number, body: Buffer): Promise<{ status: number; msg: Buffer; body: Buffer }> {
    const h = Buffer.alloc(64);
    h.write('\xfeSMB', 0, 'latin1');
    h.writeUInt16LE(64, 4);
    h.writeUInt16LE(command, 12);
    h.writeUInt16LE(1, 14); // CreditRequest
    h.writeBigUInt64LE(this.msgId++, 24);
    h.writeBigUInt64LE(this.sessionId, 40);
    const msg = Buffer.concat([h, body]);
    const nb = Buffer.alloc(4);
    nb.writeUInt32BE(msg.length, 0);
    this.sock.write(Buffer.concat([nb, msg]));
    const resp = await this.readFrame();
    return { status: resp.readUInt32LE(8), msg: resp, body: resp.subarray(64) };
  }

  /** NEGOTIATE for 2.0.2/2.1 with signing required; returns the SPNEGO hint. */
  async negotiate(): Promise<Buffer> {
    const b = Buffer.alloc(36 + 4);
    b.writeUInt16LE(36, 0);
    b.writeUInt16LE(2, 2); // DialectCount
    b.writeUInt16LE(0x0002, 4); // SIGNING_REQUIRED
    randomBytes(16).copy(b, 12);
    b.writeUInt16LE(0x0202, 36);
    b.writeUInt16LE(0x0210, 38);
    const r = await this.request(0, b);
    expect(r.status).toBe(STATUS_SUCCESS);
    const off = r.body.readUInt16LE(56);
    const len = r.body.readUInt16LE(58);
    return r.msg.subarray(off, off + len);
  }

  sessionSetup(token: Buffer): Promise<{ status: number; msg: Buffer; body: Buffer }> {
    const b = Buffer.alloc(24);
    b.writeUInt16LE(25, 0);
    b[3] = 0x02; // SecurityMode: signing required
    b.writeUInt16LE(64 + 24, 12);
    b.writeUInt16LE(token.length, 14);
    return this.request(1, Buffer.concat([b, token]));
  }
}

async function login(host: string, creds: Credentials, opts: NtlmOptions = {}) {
  const smb = await TinySmb2.connect(host);
  try {
    const auth = createNtlmAuthenticator(creds, opts);
    let token = auth.next(await smb.negotiate());
    for (let round = 0; round < 4; round++) {
      const r = await smb.sessionSetup(token!);
      smb.sessionId = r.msg.readBigUInt64LE(40);
      const off = r.body.readUInt16LE(4);
      const len = r.body.readUInt16LE(6);
      const secBuf = r.msg.subarray(off, off + len);
      if (r.status === STATUS_MORE_PROCESSING_REQUIRED) {
        token = auth.next(secBuf);
        continue;
      }
      if (r.status !== STATUS_SUCCESS) return { status: r.status, auth };
      auth.next(secBuf);
      return { status: r.status, auth, final: r.msg, sessionFlags: r.body.readUInt16LE(2) };
    }
    throw new Error('too many SESSION_SETUP rounds');
  } finally {
    smb.close();
  }
}

/** [MS-SMB2] §3.1.4.1 for 2.x: HMAC-SHA256(SessionKey, message with a zero signature)[0..15]. */
function smb2SignatureOk(sessionKey: Buffer, msg: Buffer): boolean {
  const m = Buffer.from(msg);
  const sig = Buffer.from(m.subarray(48, 64));
  m.fill(0, 48, 64);
  return hmacSha256(sessionKey, m).subarray(0, 16).equals(sig);
}

describe.runIf(interopEnabled())('NTLMv2/SPNEGO authenticator vs Samba smbd (SMB 2.1 session setup)', () => {
  const samba = useSamba({ global: { 'server max protocol': 'SMB2_10' } });

  it('user + password + workgroup: accepted, mechListMIC verified, final response signed with our session key', async () => {
    const r = await login(samba.host, { user: samba.user.name, password: samba.user.password, domain: samba.workgroup, workstation: 'NSTEST' }, { targetName: `cifs/${samba.host}` });
    expect(r.status).toBe(STATUS_SUCCESS);
    expect(r.auth.complete).toBe(true);
    expect(r.final!.readUInt32LE(16) & 0x8).toBe(0x8);
    expect(smb2SignatureOk(r.auth.sessionKey(), r.final!)).toBe(true);
  });

  it('pass-the-hash with an empty domain is accepted', async () => {
    const r = await login(samba.host, { user: samba.user.name, ntHash: ntHash(samba.user.password) });
    expect(r.status).toBe(STATUS_SUCCESS);
    expect(smb2SignatureOk(r.auth.sessionKey(), r.final!)).toBe(true);
  });

  it('a wrong password gets STATUS_LOGON_FAILURE', async () => {
    const r = await login(samba.host, { user: samba.user.name, password: samba.user.password + 'x', domain: samba.workgroup });
    expect(r.status >>> 0).toBe(STATUS_LOGON_FAILURE);
  });

  it('anonymous (null session) is accepted, with a zero session key', async () => {
    const r = await login(samba.host, { user: '', anonymous: true });
    expect(r.status).toBe(STATUS_SUCCESS);
    // Not mapped to guest (map to guest = Never): smbd accepted the null session itself. smbd does not
    // sign anonymous sessions, so there is no signature to check the (zero) key against.
    expect(r.sessionFlags! & 0x1).toBe(0); // SMB2_SESSION_FLAG_IS_GUEST
    expect(r.auth.sessionKey().equals(Buffer.alloc(16))).toBe(true);
  });
});
