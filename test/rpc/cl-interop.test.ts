/**
 * ncadg_ip_udp against Samba: Samba has no connectionless RPC (clrpc-mailslot-notes §0), so ept_map over
 * UDP 135 to its address gets no answer and must end in the named deadline timeout, not hang.
 */
import { describe, expect, it } from 'vitest';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { epmUdpPort, openRpc } from '../../src/rpc/factory.js';
import { MSGSVCSEND } from '../../src/rpc/interfaces/msgsvcsend.js';

describe.runIf(interopEnabled())('ncadg_ip_udp against Samba (no CL RPC there)', () => {
  const samba = useSamba();

  it('ept_map over UDP 135 ends at once in ECONNREFUSED (ICMP port unreachable), never a hang', async () => {
    await expect(epmUdpPort(samba.host, MSGSVCSEND, { timeoutMs: 5000, retransmitMs: 100 })).rejects.toMatchObject({ layer: 'socket', name: 'ECONNREFUSED' });
    await expect(openRpc(`ncadg_ip_udp:${samba.host}`, MSGSVCSEND, { timeoutMs: 5000, retransmitMs: 100 })).rejects.toMatchObject({ layer: 'socket', name: 'ECONNREFUSED' });
  }, 20_000);

  it('NetrSendMessage sent to UDP 135 for forwarding (unconnected socket) gets no answer: a named timeout within the deadline', async () => {
    const { sendViaUdpRpc } = await import('../../src/messenger/udp-rpc.js');
    const r = await sendViaUdpRpc({ host: samba.host, port: 135, to: 'BOB', text: 'x', timeoutMs: 800, retransmitMs: 100 });
    expect(r).toMatchObject({ ok: false, delivery: 'unconfirmed', netApiStatus: 1726, status: { layer: 'timeout', name: 'TIMEOUT' } });
    expect(r.retransmissions).toBeGreaterThan(0);
  }, 20_000);
});
