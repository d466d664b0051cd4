/**
 * Large protected calls against Samba: srvsvc NetrShareEnum over 400 shares (a response of many
 * fragments) at auth none, integrity and privacy over ncacn_ip_tcp and ncacn_np must give the same
 * stub byte for byte; a second interface on an authenticated association (alter_context); and
 * tshark, given the password, decrypts our sealed PDUs without a Malformed frame.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopEnabled, startSamba, type SambaInstance } from '../harness/samba.js';
import { DCERPCD_GLOBAL, startDcerpcd, type Dcerpcd } from '../harness/dcerpcd.js';
import { tsharkAvailable, tsharkDecode } from '../helpers/tshark.js';
import { openRpc } from '../../src/rpc/factory.js';
import { decodeShareEnum, encodeShareEnum, netrShareEnum, NetrShareEnum, SRVSVC } from '../../src/rpc/interfaces/srvsvc.js';
import { decodeWkstaGetInfo, encodeMessageBufferSend, encodeWkstaGetInfo, WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import { decodeHeader, NP_MAX_FRAG } from '../../src/rpc/pdu.js';
import { TCP_MAX_FRAG } from '../../src/rpc/tcp.js';
import { CaptureFile } from '../../src/pcap/writer.js';

const EXTRA_SHARES = 400;

describe.runIf(interopEnabled())('protected multi-fragment calls against Samba (400 shares)', () => {
  let samba: SambaInstance;
  let dcerpcd: Dcerpcd;
  beforeAll(async () => {
    samba = await startSamba({ global: { ...DCERPCD_GLOBAL } });
    const sections: string[] = [];
    for (let i = 0; i < EXTRA_SHARES; i++) sections.push(`[s${i}]\n  path = ${path.join(samba.dir, 'share')}\n  comment = remark of share ${i}, long enough to need many fragments\n`);
    fs.appendFileSync(samba.confPath, sections.join(''));
    dcerpcd = await startDcerpcd(samba);
  }, 60_000);
  afterAll(async () => {
    await dcerpcd?.stop();
    await samba?.stop();
  });

  const creds = () => ({ user: samba.user.name, password: samba.user.password, domain: samba.workgroup });

  it('NetrShareEnum level 1: the same reassembled stub at every level and auth type, over tcp and np', async () => {
    const stubs: [string, Buffer][] = [];
    for (const binding of [`ncacn_ip_tcp:${samba.host}`, `ncacn_np:${samba.host}[\\pipe\\srvsvc]`]) {
      for (const [level, type] of [['none', 'ntlmssp'], ['integrity', 'ntlmssp'], ['privacy', 'ntlmssp'], ['privacy', 'spnego']] as const) {
        const rpc = await openRpc(binding, SRVSVC, { credentials: creds(), authLevel: level, authType: type, timeoutMs: 15_000 });
        try {
          const stub = await rpc.call(NetrShareEnum.opnum, encodeShareEnum(1, { serverName: samba.host }));
          expect(stub.length).toBeGreaterThan(4 * rpc.bind.maxRecvFrag);
          stubs.push([`${binding} ${level} ${type}`, stub]);
        } finally {
          await rpc.close();
        }
      }
    }
    const r = decodeShareEnum(stubs[0]![1], 1);
    expect(r.shares.length).toBe(EXTRA_SHARES + 2);
    expect(r.shares.find((s) => s.name === 's399')).toMatchObject({ remark: 'remark of share 399, long enough to need many fragments' });
    for (const [what, s] of stubs) expect(s.equals(stubs[0]![1]), what).toBe(true);
  }, 60_000);

  it('a request above max_xmit_frag at privacy: every fragment fits, carries its own verifier, pads only at the end', async () => {
    for (const [binding, size] of [[`ncacn_ip_tcp:${samba.host}`, TCP_MAX_FRAG], [`ncacn_np:${samba.host}`, NP_MAX_FRAG]] as const) {
      const rpc = await openRpc(binding, WKSSVC, { credentials: creds(), authLevel: 'privacy', timeoutMs: 15_000 });
      const sent: Buffer[] = [];
      const inner = rpc.client.transport;
      const origWrite = inner.write.bind(inner);
      const origTransact = inner.transact.bind(inner);
      // TCP's transact is write + read: record each PDU once.
      const record = (d: Buffer) => {
        if (!sent.some((x) => x.equals(d))) sent.push(Buffer.from(d));
      };
      inner.write = (d, o) => (record(d), origWrite(d, o));
      inner.transact = (d, m, o) => (record(d), origTransact(d, m, o));
      try {
        const stub = encodeMessageBufferSend('BOB', 'z'.repeat(7000), { serverName: samba.host });
        await expect(rpc.call(12, stub)).rejects.toMatchObject({ name: 'nca_s_op_rng_error' });
        expect(rpc.bind.maxXmitFrag).toBe(size);
        expect(sent.length).toBe(Math.ceil(stub.length / Math.floor((size - 24 - 8 - 16) / 16) / 16));
        sent.forEach((f, i) => {
          const h = decodeHeader(f.subarray(0, 16));
          expect(h.fragLength).toBeLessThanOrEqual(size);
          expect(h.authLength).toBe(16);
          expect(h.flags & 3).toBe((i === 0 ? 1 : 0) | (i === sent.length - 1 ? 2 : 0));
          const pad = f[f.length - 16 - 8 + 2]!;
          if (i < sent.length - 1) expect(pad).toBe(0);
          // The stub bytes are sealed: the UTF-16 'z' run must not show.
          expect(f.includes(Buffer.from('zzzz', 'utf16le'))).toBe(false);
        });
      } finally {
        await rpc.close();
      }
    }
  }, 60_000);

  it('a second interface on an authenticated association: alter_context to srvsvc after wkssvc, at privacy', async () => {
    const rpc = await openRpc(`ncacn_ip_tcp:${samba.host}`, WKSSVC, { credentials: creds(), authLevel: 'privacy', timeoutMs: 15_000 });
    try {
      expect(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(null, 100)), 100).status).toBe(0);
      const srv = await rpc.client.bind(SRVSVC);
      const shares = await netrShareEnum(rpc.client, 1, { serverName: samba.host, contextId: srv.contextId });
      expect(shares.shares.length).toBe(EXTRA_SHARES + 2);
      // The first context still works on the same security context.
      expect(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(null, 100), { contextId: 0 }), 100).status).toBe(0);
    } finally {
      await rpc.close();
    }
  }, 60_000);

  it.runIf(tsharkAvailable())('tshark with the password decrypts our sealed requests and Samba\'s replies, no Malformed', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-rpcauth-')), 'sealed.pcap');
    const capture = new CaptureFile(file);
    for (const spnego of [false, true]) {
      const rpc = await openRpc(`ncacn_ip_tcp:${samba.host}[seal${spnego ? ',spnego' : ''}]`, WKSSVC, { credentials: creds(), tap: capture.tap(), timeoutMs: 15_000 });
      expect(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(samba.host, 100)), 100).status).toBe(0);
      await rpc.close();
    }
    capture.close();
    const port = dcerpcd.listeningPorts().map((p) => p.port);
    const d = await tsharkDecode(file, { prefs: [`ntlmssp.nt_password:${samba.user.password}`], decodeAs: port.map((p) => `tcp.port==${p},dcerpc`) });
    expect(d.expertErrors).toEqual([]);
    // Both associations (NTLMSSP, SPNEGO) decrypt: each request shows the server name we sealed, each
    // reply the info level 100 Samba sealed.
    const count = (needle: string) => d.text.split(needle).length - 1;
    expect(count('Auth level: Packet privacy (6)')).toBeGreaterThanOrEqual(4);
    expect(count(`Pointer to Server Name (uint16): ${samba.host}`)).toBe(2);
    expect(count('Platform Id: PLATFORM_ID_NT (500)')).toBe(2);
    expect(count(`Server Name: ${samba.netbiosName}`)).toBe(2);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }, 60_000);
});
