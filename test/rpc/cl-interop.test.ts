/**
 * ncadg_ip_udp against Samba: Samba has no connectionless RPC (clrpc-mailslot-notes §0), so ept_map over
 * UDP 135 to its address gets no answer and must end in the named deadline timeout, not hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopEnabled, startSamba, type SambaInstance } from '../harness/samba.js';
import { epmUdpPort, openRpc } from '../../src/rpc/factory.js';
import { MSGSVCSEND } from '../../src/rpc/interfaces/msgsvcsend.js';

describe.runIf(interopEnabled())('ncadg_ip_udp against Samba (no CL RPC there)', () => {
  let samba: SambaInstance;
  beforeAll(async () => {
    samba = await startSamba({});
  }, 40_000);
  afterAll(async () => {
    await samba?.stop();
  });

  it('ept_map over UDP 135 ends in a named timeout within the deadline', async () => {
    await expect(epmUdpPort(samba.host, MSGSVCSEND, { timeoutMs: 800, retransmitMs: 100 })).rejects.toMatchObject({ layer: 'timeout', name: 'TIMEOUT', deadlineMs: 800 });
    await expect(openRpc(`ncadg_ip_udp:${samba.host}`, MSGSVCSEND, { timeoutMs: 600, retransmitMs: 100 })).rejects.toMatchObject({ layer: 'timeout', name: 'TIMEOUT' });
  }, 20_000);
});
