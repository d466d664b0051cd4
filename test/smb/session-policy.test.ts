/**
 * Security defaults of session setup against real Samba, with a man in the middle (the tamper proxy of
 * test/smb/smb1/tamper-proxy.ts) where the attack needs one:
 * - a logon with credentials that comes back as a guest session (forged by the proxy, or genuine: an
 *   unknown user with `map to guest = bad user`) is refused unless allowGuest (issue 11 item 1);
 * - a credentialed SMB1 session must be signed unless allowUnsigned;
 * - NEGOTIATE sizes below the protocol minimum are refused before they multiply requests (item 8).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { connectSmb2, type DialectRevision, type Smb2ConnectOptions } from '../../src/smb/smb2/index.js';
import { connectSmb1 } from '../../src/smb/smb1/client.js';
import { connectSmbTransport } from '../../src/transport/nbss.js';
import { NetsendError } from '../../src/status/error.js';
import { sendViaWorkstation, workstationInfo, remoteNetApiStatusFor } from '../../src/messenger/remote.js';
import { netMessageBufferSend } from '../../src/messenger/api.js';
import { main } from '../../src/cli/main.js';
import { startTamperProxy, type TamperProxy } from './smb1/tamper-proxy.js';
import { directTcpMessages } from './smb2/interop-helpers.js';
import { expectBindAck, WKSSVC_BIND } from './smb1/wkssvc-bind.js';

const SMB2_SESSION_SETUP = 0x0001;
const SMB2_NEGOTIATE = 0x0000;
const SMB2_FLAGS_SIGNED = 0x8;
const SMB1_SESSION_SETUP_ANDX = 0x73;
const SMB1_NEGOTIATE = 0x72;

function isSmb2(msg: Buffer): boolean {
  return msg.length >= 64 && msg[0] === 0xfe && msg.toString('latin1', 1, 4) === 'SMB';
}
function isSmb1(msg: Buffer): boolean {
  return msg.length >= 33 && msg[0] === 0xff && msg.toString('latin1', 1, 4) === 'SMB';
}

/** The final (STATUS_SUCCESS) SMB2 SESSION_SETUP response becomes a guest session with no signature. */
function forgeSmb2Guest(msg: Buffer): boolean {
  if (!isSmb2(msg) || msg.readUInt16LE(12) !== SMB2_SESSION_SETUP || msg.readUInt32LE(8) !== 0 || msg.length < 68) return false;
  msg.writeUInt32LE(msg.readUInt32LE(16) & ~SMB2_FLAGS_SIGNED, 16);
  msg.fill(0, 48, 64); // Signature
  msg.writeUInt16LE(msg.readUInt16LE(66) | 0x0001, 66); // SessionFlags: SMB2_SESSION_FLAG_IS_GUEST ([MS-SMB2] §2.2.6)
  return true;
}

/** Only the signature of the final SMB2 SESSION_SETUP response is stripped. */
function stripSmb2FinalSignature(msg: Buffer): boolean {
  if (!isSmb2(msg) || msg.readUInt16LE(12) !== SMB2_SESSION_SETUP || msg.readUInt32LE(8) !== 0) return false;
  msg.writeUInt32LE(msg.readUInt32LE(16) & ~SMB2_FLAGS_SIGNED, 16);
  msg.fill(0, 48, 64);
  return true;
}

/** The final SMB1 SESSION_SETUP_ANDX reply: signature zeroed and, with `guest`, Action bit 0 set ([MS-CIFS] §2.2.4.53.2). */
function forgeSmb1Final(guest: boolean): (msg: Buffer) => boolean {
  return (msg) => {
    if (!isSmb1(msg) || msg[4] !== SMB1_SESSION_SETUP_ANDX || msg.readUInt32LE(5) !== 0 || msg.length < 39) return false;
    msg.fill(0, 14, 22); // SecuritySignature
    if (guest) msg.writeUInt16LE(msg.readUInt16LE(37) | 0x0001, 37); // WordCount 32, AndX 33..36, Action 37
    return true;
  };
}

/** MaxTransactSize, MaxReadSize and MaxWriteSize of every SMB2 NEGOTIATE response become `size` (offsets 92/96/100). */
function shrinkSmb2Sizes(size: number): (msg: Buffer) => boolean {
  return (msg) => {
    if (!isSmb2(msg) || msg.readUInt16LE(12) !== SMB2_NEGOTIATE || msg.readUInt32LE(8) !== 0 || msg.length < 104) return false;
    msg.writeUInt32LE(size, 92);
    msg.writeUInt32LE(size, 96);
    msg.writeUInt32LE(size, 100);
    return true;
  };
}

/** MaxBufferSize of the SMB1 NEGOTIATE reply (NT LM 0.12 form: WordCount 17, MaxBufferSize at offset 40). */
function shrinkSmb1MaxBuffer(size: number): (msg: Buffer) => boolean {
  return (msg) => {
    if (!isSmb1(msg) || msg[4] !== SMB1_NEGOTIATE || msg[32] !== 17 || msg.length < 44) return false;
    msg.writeUInt32LE(size, 40);
    return true;
  };
}

function cliIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, stdin: Readable.from([]) } };
}

describe.runIf(interopEnabled())('session setup security defaults against Samba (NT1..SMB3, signing auto, map to guest = bad user)', () => {
  // 'server signing = auto' makes Samba offer SMB1 signing (its SMB1 default offers none: SecurityMode 0x3).
  const samba = useSamba({ global: { 'server signing': 'auto' } });
  const proxies: TamperProxy[] = [];
  const proxy = async (tamper: (msg: Buffer) => boolean): Promise<TamperProxy> => {
    const p = await startTamperProxy({ host: samba.host, port: 445 }, tamper);
    proxies.push(p);
    return p;
  };
  const creds = (): { user: string; password: string; domain: string } => ({ user: samba.user.name, password: samba.user.password, domain: samba.workgroup });
  const guestCreds = { user: 'nosuchuser', password: 'whatever' };
  const smb2Opts = (p: TamperProxy, max: DialectRevision): Smb2ConnectOptions => ({
    host: p.host, port: p.port, serverName: samba.host, credentials: creds(), dialects: { min: 0x0202, max }, timeoutMs: 5000,
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
  });

  describe('SMB2: a forged IS_GUEST with the signature stripped is refused', () => {
    for (const [max, name] of [[0x0210, '2.1'], [0x0300, '3.0'], [0x0311, '3.1.1']] as const) {
      it(`SMB ${name}: STATUS_SMB_GUEST_LOGON_BLOCKED, nothing after SESSION_SETUP is sent`, async () => {
        const p = await proxy(forgeSmb2Guest);
        const err = await connectSmb2(smb2Opts(p, max)).catch((e: unknown) => e);
        expect(p.tampered).toBe(1);
        expect(err).toBeInstanceOf(NetsendError);
        expect(err).toMatchObject({ layer: 'protocol', name: 'STATUS_SMB_GUEST_LOGON_BLOCKED', code: 0xc05d0002 });
        expect((err as Error).message).toMatch(/allowGuest \(--allow-guest\)/);
        // NEGOTIATE and the SESSION_SETUP legs only: no TREE_CONNECT went out on the hijacked session.
        const sent = directTcpMessages(p.clientBytes()[0]!).map((m) => m.readUInt16LE(12));
        expect(sent.every((c) => c === SMB2_NEGOTIATE || c === SMB2_SESSION_SETUP)).toBe(true);
      });
    }

    it('SMB 3.0 with allowGuest and client-required signing: the keyless session is still refused (SMB2_NO_SESSION_KEY)', async () => {
      const p = await proxy(forgeSmb2Guest);
      const err = await connectSmb2({ ...smb2Opts(p, 0x0300), allowGuest: true, requireSigning: true }).catch((e: unknown) => e);
      expect(err).toMatchObject({ layer: 'protocol', name: 'SMB2_NO_SESSION_KEY' });
    });

    it('SMB 2.1 with signing required: a final SESSION_SETUP stripped of its signature is STATUS_INVALID_SIGNATURE', async () => {
      const p = await proxy(stripSmb2FinalSignature);
      const err = await connectSmb2({ ...smb2Opts(p, 0x0210), requireSigning: true }).catch((e: unknown) => e);
      expect(p.tampered).toBe(1);
      expect(err).toMatchObject({ layer: 'protocol', name: 'STATUS_INVALID_SIGNATURE' });
    });
  });

  describe('SMB2: a genuine guest session (unknown user mapped to guest)', () => {
    it('is refused by default for a logon with credentials', async () => {
      const err = await connectSmb2({ host: samba.host, credentials: guestCreds, timeoutMs: 5000 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ layer: 'protocol', name: 'STATUS_SMB_GUEST_LOGON_BLOCKED' });
    });

    it('is accepted with allowGuest (unsigned, isGuest) and reaches wkssvc', async () => {
      const c = await connectSmb2({ host: samba.host, credentials: guestCreds, allowGuest: true, timeoutMs: 5000 });
      try {
        expect(c.info.isGuest).toBe(true);
        expect(c.info.signing).toBe(false);
        const pipe = await c.openPipe('wkssvc');
        expect((await pipe.transact(WKSSVC_BIND, 4280)).data[2]).toBe(12); // bind_ack
      } finally {
        await c.close();
      }
    });

    it('an explicitly anonymous logon is not affected (null session, no option needed)', async () => {
      const c = await connectSmb2({ host: samba.host, credentials: { user: '', anonymous: true }, timeoutMs: 5000 });
      try {
        expect(c.info.isAnonymous).toBe(true);
      } finally {
        await c.close();
      }
    });
  });

  describe('SMB1', () => {
    const smb1Via = async (p: TamperProxy | null, extra: Partial<Parameters<typeof connectSmb1>[0]> = {}) => {
      const stream = await connectSmbTransport({ host: p ? '127.0.0.1' : samba.host, port: p ? p.port : 445, timeoutMs: 5000 });
      try {
        return await connectSmb1({ stream, host: samba.host, credentials: creds(), timeoutMs: 5000, ...extra });
      } catch (e) {
        stream.close();
        throw e;
      }
    };

    it('a credentialed session is signed by default when the server offers signing', async () => {
      const c = await smb1Via(null);
      try {
        expect(c.info.signing).toBe(true);
        const pipe = await c.openPipe('wkssvc');
        expectBindAck((await pipe.transact(WKSSVC_BIND, 4280)).data);
      } finally {
        await c.close();
      }
    });

    it('a forged guest bit with the signature stripped: STATUS_SMB_GUEST_LOGON_BLOCKED', async () => {
      const p = await proxy(forgeSmb1Final(true));
      const err = await smb1Via(p).catch((e: unknown) => e);
      expect(p.tampered).toBe(1);
      expect(err).toMatchObject({ layer: 'protocol', name: 'STATUS_SMB_GUEST_LOGON_BLOCKED' });
    });

    it('the signature stripped alone: SIGNING_UNAVAILABLE naming allowUnsigned; with allowUnsigned the session goes on unsigned', async () => {
      const p = await proxy(forgeSmb1Final(false));
      const err = await smb1Via(p).catch((e: unknown) => e);
      expect(p.tampered).toBe(1);
      expect(err).toMatchObject({ layer: 'protocol', name: 'SIGNING_UNAVAILABLE' });
      expect((err as Error).message).toMatch(/allowUnsigned \(--allow-unsigned\)/);
      const c = await smb1Via(p, { allowUnsigned: true });
      try {
        expect(c.info.signing).toBe(false);
      } finally {
        c.abort();
      }
    });

    it('a genuine guest session: refused by default, accepted with allowGuest (unsigned)', async () => {
      const err = await smb1Via(null, { credentials: guestCreds }).catch((e: unknown) => e);
      expect(err).toMatchObject({ layer: 'protocol', name: 'STATUS_SMB_GUEST_LOGON_BLOCKED' });
      const c = await smb1Via(null, { credentials: guestCreds, allowGuest: true });
      try {
        expect(c.info.isGuest).toBe(true);
        expect(c.info.signing).toBe(false);
        const pipe = await c.openPipe('wkssvc');
        expectBindAck((await pipe.transact(WKSSVC_BIND, 4280)).data);
      } finally {
        await c.close();
      }
    });
  });

  describe('the remote send path and the CLI map the refusal', () => {
    it('sendViaWorkstation through the forging proxy: NET_API_STATUS 1272 ERROR_SMB_GUEST_LOGON_BLOCKED, status on the protocol layer', async () => {
      const p = await proxy(forgeSmb2Guest);
      const r = await sendViaWorkstation({ server: '127.0.0.1', port: p.port, credentials: creds(), to: 'BOB', text: 'hijacked?', timeoutMs: 5000 });
      expect(p.tampered).toBe(1);
      expect(r.ok).toBe(false);
      expect(r.netApiStatus).toBe(1272);
      expect(r.status).toMatchObject({ layer: 'protocol', name: 'STATUS_SMB_GUEST_LOGON_BLOCKED' });
      expect(samba.messages()).toEqual([]);
    });

    it('netMessageBufferSend with a server name returns 1272 for a genuine guest session, and proceeds with allowGuest', async () => {
      const status = await netMessageBufferSend(samba.host, 'BOB', null, 'hello', { remote: { credentials: guestCreds }, timeoutMs: 5000 });
      expect(status).toBe(1272);
      const allowed = await netMessageBufferSend(samba.host, 'BOB', null, 'hello', { remote: { credentials: guestCreds, allowGuest: true }, timeoutMs: 5000 });
      expect(allowed).toBe(1745); // RPC_S_PROCNUM_OUT_OF_RANGE: the call reached Samba's wkssvc, which lacks opnum 12
    });

    it('the mapping itself: only this protocol-layer name becomes 1272', () => {
      const e = new NetsendError('protocol', 0xc05d0002, 'STATUS_SMB_GUEST_LOGON_BLOCKED', 'x');
      expect(remoteNetApiStatusFor(e, 'connect')).toBe(1272);
      expect(remoteNetApiStatusFor(new NetsendError('protocol', 0, 'SIGNING_UNAVAILABLE', 'x'), 'connect')).toBe(1726);
    });

    it('CLI: send --server with an unknown user exits 1 naming STATUS_SMB_GUEST_LOGON_BLOCKED (NET_API_STATUS 1272); --allow-guest reaches the RPC call', async () => {
      const t = cliIo();
      expect(await main(['--server', samba.host, '-U', 'nosuchuser%whatever', 'BOB', 'hello'], t.io)).toBe(1);
      expect(t.err.join('')).toMatch(/STATUS_SMB_GUEST_LOGON_BLOCKED \(0xC05D0002\): .*--allow-guest.* → NET_API_STATUS 1272 /);
      const tj = cliIo();
      expect(await main(['--server', samba.host, '-U', 'nosuchuser%whatever', '--json', 'BOB', 'hello'], tj.io)).toBe(1);
      const line = JSON.parse(tj.out.join('').trim()) as { ok: boolean; netApiStatus: number; netApiStatusName: string; status: { layer: string; name: string } };
      expect(line).toMatchObject({ ok: false, netApiStatus: 1272, netApiStatusName: 'ERROR_SMB_GUEST_LOGON_BLOCKED', status: { layer: 'protocol', name: 'STATUS_SMB_GUEST_LOGON_BLOCKED' } });
      const t2 = cliIo();
      const code = await main(['--server', samba.host, '-U', 'nosuchuser%whatever', '--allow-guest', '--json', 'BOB', 'hello'], t2.io);
      const line2 = JSON.parse(t2.out.join('').trim()) as unknown;
      // The guest session is set up and the call reaches wkssvc, which Samba 4.17 answers for opnum 12 with
      // nca_s_op_rng_error, as it does for an authenticated user (test/cli/remote.test.ts).
      expect(code).toBe(1);
      expect(line2).toMatchObject({ dialect: '3.1.1', signing: false, status: { layer: 'rpc-fault', name: 'nca_s_op_rng_error' } });
    });

    it('CLI: info through the forging proxy exits 1 with the protocol-layer name (--json)', async () => {
      const p = await proxy(forgeSmb2Guest);
      const t = cliIo();
      expect(await main(['info', '--server', '127.0.0.1', '--port', String(p.port), '-U', `${samba.user.name}%${samba.user.password}`, '--json'], t.io)).toBe(1);
      const line = JSON.parse(t.out.join('').trim()) as { ok: boolean; status: { layer: string; name: string } };
      expect(line.ok).toBe(false);
      expect(line.status).toMatchObject({ layer: 'protocol', name: 'STATUS_SMB_GUEST_LOGON_BLOCKED' });
    });
  });

  describe('NEGOTIATE sizes below the protocol minimum (amplification)', () => {
    for (const [max, name] of [['2.1', '2.1'], ['3.0', '3.0']] as const) {
      it(`SMB ${name}: MaxTransact/Read/WriteSize 1 is STATUS_INVALID_NETWORK_RESPONSE after the NEGOTIATE exchange`, async () => {
        const p = await proxy(shrinkSmb2Sizes(1));
        const err = await workstationInfo({ server: '127.0.0.1', port: p.port, credentials: creds(), smbMax: max, timeoutMs: 5000 }).catch((e: unknown) => e);
        expect(p.tampered).toBeGreaterThanOrEqual(1);
        expect(err).toMatchObject({ layer: 'protocol', name: 'STATUS_INVALID_NETWORK_RESPONSE' });
        expect((err as Error).message).toMatch(/below the minimum of 65536/);
        // The multi-protocol NEGOTIATE and the SMB2 NEGOTIATE: nothing more.
        expect(directTcpMessages(p.clientBytes()[0]!).length).toBeLessThanOrEqual(2);
      });
    }

    it('SMB2: 65535 is refused, 65536 (the minimum itself) works', async () => {
      const low = await proxy(shrinkSmb2Sizes(65535));
      await expect(workstationInfo({ server: '127.0.0.1', port: low.port, credentials: creds(), smbMax: '2.1', timeoutMs: 5000 })).rejects.toMatchObject({ name: 'STATUS_INVALID_NETWORK_RESPONSE' });
      const ok = await proxy(shrinkSmb2Sizes(65536));
      const r = await workstationInfo({ server: '127.0.0.1', port: ok.port, credentials: creds(), smbMax: '2.1', timeoutMs: 5000 });
      expect(r.result.status).toBe(0);
    });

    it('SMB1: MaxBufferSize 64 is STATUS_INVALID_NETWORK_RESPONSE after one request', async () => {
      const p = await proxy(shrinkSmb1MaxBuffer(64));
      const err = await workstationInfo({ server: '127.0.0.1', port: p.port, credentials: creds(), dialect: 'smb1', timeoutMs: 5000 }).catch((e: unknown) => e);
      expect(p.tampered).toBe(1);
      expect(err).toMatchObject({ layer: 'protocol', name: 'STATUS_INVALID_NETWORK_RESPONSE' });
      expect((err as Error).message).toMatch(/below the minimum of 1024/);
      expect(directTcpMessages(p.clientBytes()[0]!).length).toBe(1);
    });
  });
});

describe.runIf(interopEnabled())("Samba 4.17's non-extended NTLMv2 logon under each SMB1 signing setting", () => {
  // 'raw NTLMv2 auth = yes' admits the non-extended (challenge/response) logon; Samba never signs it.
  // With 'auto' or 'mandatory' (SMB1 signing offered) it is refused by default: interop-samba.test.ts and
  // interop-signing.test.ts. With Samba's default (SMB1 SecurityMode 0x3, no signing offered) it is
  // unsigned by the server's choice and needs no option, as with any SMB1 server without signing.
  const samba = useSamba({ global: { 'raw NTLMv2 auth': 'yes' } });

  it('server signing default: the server offers no SMB1 signing, the session is unsigned without any option; requireSigning refuses it', async () => {
    const stream = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000 });
    const c = await connectSmb1({ stream, host: samba.host, extendedSecurity: false, credentials: { user: samba.user.name, password: samba.user.password }, timeoutMs: 5000 });
    try {
      expect(c.info.signing).toBe(false);
      const pipe = await c.openPipe('wkssvc');
      expectBindAck((await pipe.transact(WKSSVC_BIND, 4280)).data);
    } finally {
      await c.close();
    }
    const stream2 = await connectSmbTransport({ host: samba.host, port: 445, timeoutMs: 5000 });
    const err = await connectSmb1({ stream: stream2, host: samba.host, extendedSecurity: false, requireSigning: true, credentials: { user: samba.user.name, password: samba.user.password }, timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ layer: 'protocol', name: 'SIGNING_UNAVAILABLE' });
  });
});
