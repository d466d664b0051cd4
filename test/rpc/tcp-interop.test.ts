/**
 * ncacn_ip_tcp and the endpoint mapper against Samba's own samba-dcerpcd (started by this test on the
 * instance's 127.77.x.y address): string bindings through openRpc, NetrWkstaGetInfo at connect,
 * integrity and privacy with NTLMSSP and SPNEGO, ept_map / ept_lookup checked against `ss -ltnp` and
 * rpcclient's epmlookup, a tamper proxy, and a wrong password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { interopEnabled, startSamba, type SambaInstance } from '../harness/samba.js';
import { DCERPCD_GLOBAL, startDcerpcd, type Dcerpcd } from '../harness/dcerpcd.js';
import { openRpc, epmTcpPort } from '../../src/rpc/factory.js';
import { RpcClient, RpcFaultError } from '../../src/rpc/client.js';
import { connectTcpRpc, TCP_MAX_FRAG } from '../../src/rpc/tcp.js';
import { EPM, eptLookup, eptMap, towerBinding } from '../../src/rpc/interfaces/epm.js';
import { RpcVerifierError } from '../../src/rpc/security.js';
import { decodeWkstaGetInfo, encodeMessageBufferSend, encodeWkstaGetInfo, NetrWkstaGetInfo, WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import { decodeHeader } from '../../src/rpc/pdu.js';
import { MSGSVCSEND } from '../../src/rpc/interfaces/msgsvcsend.js';

describe.runIf(interopEnabled())('ncacn_ip_tcp and the endpoint mapper against samba-dcerpcd', () => {
  let samba: SambaInstance;
  let dcerpcd: Dcerpcd;
  beforeAll(async () => {
    samba = await startSamba({ global: { ...DCERPCD_GLOBAL, 'allow dcerpc auth level connect': 'yes' } });
    dcerpcd = await startDcerpcd(samba);
  }, 40_000);
  afterAll(async () => {
    await dcerpcd?.stop();
    await samba?.stop();
  });

  const creds = () => ({ user: samba.user.name, password: samba.user.password, domain: samba.workgroup });

  it('ept_map for wkssvc gives the port samba-dcerpcd listens on (ss -ltnp); msgsvcsend is not registered', async () => {
    const port = await epmTcpPort(samba.host, WKSSVC, { timeoutMs: 10_000 });
    const listening = dcerpcd.listeningPorts();
    expect(listening.find((l) => l.port === port)?.process).toMatch(/samba-dcerpcd|rpcd_/);
    expect(port).not.toBe(135);
    const t = await connectTcpRpc({ host: samba.host, port: 135, timeoutMs: 5000 });
    const epm = new RpcClient(t);
    await epm.bind(EPM, { maxXmitFrag: TCP_MAX_FRAG, maxRecvFrag: TCP_MAX_FRAG });
    const towers = await eptMap(epm, WKSSVC.syntax, 'ncacn_ip_tcp');
    expect(towers[0]).toMatchObject({ protseq: 'ncacn_ip_tcp', host: samba.host, endpoint: String(port), interface: WKSSVC.syntax });
    await expect(eptMap(epm, MSGSVCSEND.syntax)).rejects.toMatchObject({ name: 'ept_s_not_registered' });
    await epm.close();
  }, 30_000);

  it('ept_lookup pages through the whole map and finds what rpcclient epmlookup lists', async () => {
    const t = await connectTcpRpc({ host: samba.host, port: 135, timeoutMs: 5000 });
    const epm = new RpcClient(t);
    await epm.bind(EPM, { maxXmitFrag: TCP_MAX_FRAG, maxRecvFrag: TCP_MAX_FRAG });
    const small = await eptLookup(epm, { pageSize: 3 });
    const big = await eptLookup(epm, { pageSize: 500 });
    await epm.close();
    const key = (e: (typeof big)[number]) => `${e.tower?.interface.uuid}/${e.tower?.interface.major} ${e.tower ? towerBinding(e.tower) : '?'} ${e.annotation}`;
    expect(small.map(key).sort()).toEqual(big.map(key).sort());
    const out = execFileSync('rpcclient', ['-U', `${samba.workgroup}\\${samba.user.name}%${samba.user.password}`, `ncacn_ip_tcp:${samba.host}`, '-c', 'epmlookup'], { encoding: 'utf8' });
    // rpcclient: "<object> ncacn_ip_tcp:HOST[PORT,abstract_syntax=UUID/0xVERSION]: annotation"
    const theirs = new Set<string>();
    for (const line of out.split('\n')) {
      const m = /^\S+ (ncacn_ip_tcp|ncacn_np|ncalrpc|ncacn_http):([^[]*)\[([^,]*),abstract_syntax=([0-9a-f-]+)\/0x([0-9a-f]+)\]: ?(.*)$/.exec(line.trim());
      if (m) theirs.add(`${m[4]}/${parseInt(m[5]!, 16)} ${m[1]}:${m[2]}[${m[3]}] ${m[6]}`);
    }
    expect(theirs.size).toBeGreaterThan(10);
    const ours = new Set(big.map(key));
    for (const t of theirs) expect(ours).toContain(t);
    // The same interfaces (rpcclient 4.17 leaves out one of netdfs's entries; paged with 3 or 500 we see it).
    const iface = (k: string) => `${k.split(' ')[0]} ${k.split(' ').slice(2).join(' ')}`;
    expect(new Set([...ours].map(iface))).toEqual(new Set([...theirs].map(iface)));
  }, 30_000);

  for (const spnego of [false, true]) {
    for (const level of ['connect', 'integrity', 'privacy'] as const) {
      it(`${spnego ? 'SPNEGO' : 'NTLMSSP'} at ${level}: GetInfo 100/101 over ncacn_ip_tcp (port from the endpoint mapper), opnum 12 faults, fragments`, async () => {
        const rpc = await openRpc(`ncacn_ip_tcp:${samba.host}[${spnego ? 'spnego' : 'ntlm'}]`, WKSSVC, { credentials: creds(), authLevel: level, timeoutMs: 10_000 });
        try {
          expect(rpc.authLevel).toBe(level);
          expect(Number(rpc.binding.endpoint)).toBeGreaterThan(1024);
          expect(rpc.bind.maxXmitFrag).toBe(TCP_MAX_FRAG);
          const i100 = decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(samba.host, 100)), 100);
          expect(i100).toMatchObject({ status: 0, info: { level: 100, platformId: 500, computerName: samba.netbiosName, lanGroup: samba.workgroup } });
          const o101 = await rpc.invoke(NetrWkstaGetInfo, { ServerName: samba.host, Level: 101 });
          expect(o101.WkstaInfo).toMatchObject({ tag: 101 });
          await expect(rpc.call(12, encodeMessageBufferSend('BOB', 'hi', { serverName: samba.host }))).rejects.toMatchObject({ name: 'nca_s_op_rng_error' });
          await expect(rpc.call(12, encodeMessageBufferSend('BOB', 'y'.repeat(9000), { serverName: samba.host }))).rejects.toMatchObject({ name: 'nca_s_op_rng_error' });
          expect(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(null, 100)), 100).status).toBe(0);
        } finally {
          await rpc.close();
        }
      }, 30_000);
    }
  }

  it('string binding options pick the level: [seal] privacy, [sign] integrity, explicit port', async () => {
    const port = await epmTcpPort(samba.host, WKSSVC);
    for (const [opt, level] of [['seal', 'privacy'], ['sign', 'integrity'], ['connect', 'connect']] as const) {
      const rpc = await openRpc(`ncacn_ip_tcp:${samba.host}[${port},${opt}]`, WKSSVC, { credentials: creds(), timeoutMs: 10_000 });
      expect(rpc.authLevel).toBe(level);
      expect(rpc.client.security?.levelName).toBe(level);
      expect(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(null, 100)), 100).status).toBe(0);
      await rpc.close();
    }
    // Default with credentials on TCP: privacy.
    const d = await openRpc(`ncacn_ip_tcp:${samba.host}[${port}]`, WKSSVC, { credentials: creds() });
    expect(d.authLevel).toBe('privacy');
    await d.close();
    await expect(openRpc(`ncacn_ip_tcp:${samba.host}[${port},sign,seal]`, WKSSVC, { credentials: creds() })).rejects.toMatchObject({ name: 'RPC_S_INVALID_STRING_BINDING' });
    await expect(openRpc(`ncadg_ip_udp:${samba.host}[135]`, WKSSVC, { credentials: creds() })).rejects.toMatchObject({ name: 'RPC_S_UNSUPPORTED_AUTHN_LEVEL' });
  }, 30_000);

  it('SPNEGO with a wrong password fails the bind by name; NTLMSSP fails the first call', async () => {
    const bad = { ...creds(), password: 'not-the-password' };
    await expect(openRpc(`ncacn_ip_tcp:${samba.host}[spnego]`, WKSSVC, { credentials: bad, authLevel: 'privacy' })).rejects.toMatchObject({ name: 'RPC_S_SEC_PKG_ERROR' });
    // The default auth type is SPNEGO: the refusal comes with the bind.
    await expect(openRpc(`ncacn_ip_tcp:${samba.host}`, WKSSVC, { credentials: bad })).rejects.toMatchObject({ name: 'RPC_S_SEC_PKG_ERROR' });
    const rpc = await openRpc(`ncacn_ip_tcp:${samba.host}[ntlm]`, WKSSVC, { credentials: bad, authLevel: 'privacy' });
    const e = await rpc.call(0, encodeWkstaGetInfo(null, 100)).catch((x: unknown) => x);
    await rpc.close();
    expect(e).toBeInstanceOf(RpcFaultError);
    expect((e as Error).message).toContain('AUTH3');
  }, 30_000);

  for (const level of ['integrity', 'privacy'] as const) {
    it(`a TCP proxy flipping one byte of a ${level} response makes a named verifier error`, async () => {
      const port = await epmTcpPort(samba.host, WKSSVC);
      let armed = false;
      let flipped = 0;
      const sockets = new Set<net.Socket>();
      const proxy = net.createServer((client) => {
        const up = net.connect({ host: samba.host, port });
        sockets.add(client).add(up);
        client.on('data', (d) => up.write(d));
        let pending = Buffer.alloc(0);
        up.on('data', (d: Buffer) => {
          pending = Buffer.concat([pending, d]);
          while (pending.length >= 16) {
            const len = pending.readUInt16LE(8);
            if (pending.length < len) break;
            const pdu = Buffer.from(pending.subarray(0, len));
            pending = pending.subarray(len);
            if (armed && decodeHeader(pdu.subarray(0, 16)).type === 'response') {
              pdu[28] = pdu[28]! ^ 0x80; // inside the stub
              armed = false;
              flipped++;
            }
            client.write(pdu);
          }
        });
        const end = () => {
          client.destroy();
          up.destroy();
        };
        client.on('error', end).on('close', end);
        up.on('error', end).on('close', end);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      const proxyPort = (proxy.address() as net.AddressInfo).port;
      try {
        const rpc = await openRpc(`ncacn_ip_tcp:127.0.0.1[${proxyPort}]`, WKSSVC, { credentials: creds(), authLevel: level });
        expect(decodeWkstaGetInfo(await rpc.call(0, encodeWkstaGetInfo(null, 100)), 100).status).toBe(0);
        armed = true;
        const e = await rpc.call(0, encodeWkstaGetInfo(null, 100)).catch((x: unknown) => x);
        expect(flipped).toBe(1);
        expect(e).toBeInstanceOf(RpcVerifierError);
        expect(e).toMatchObject({ name: 'SEC_E_MESSAGE_ALTERED' });
        // The association is unusable afterwards (its sequence numbers and RC4 state are gone).
        await expect(rpc.call(0, encodeWkstaGetInfo(null, 100))).rejects.toMatchObject({ name: 'RPC_CONNECTION_BROKEN' });
        await rpc.close();
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise<void>((r) => proxy.close(() => r()));
      }
    }, 30_000);
  }
});
