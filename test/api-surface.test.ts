import { describe, expect, it } from 'vitest';
import * as netsend from '../src/index.js';

// The package entry point exposes the Win32-shaped call, the richer API and each layer.
describe('package entry point', () => {
  it('exports the messenger API and the layers', () => {
    for (const f of ['netMessageBufferSend', 'sendMessage', 'startReceiver', 'sendViaWorkstation', 'workstationInfo', 'netApiStatusFor']) {
      expect(typeof (netsend as Record<string, unknown>)[f]).toBe('function');
    }
    expect(typeof netsend.smb.connectSmb).toBe('function');
    expect(typeof netsend.rpc.RpcClient).toBe('function');
    expect(typeof netsend.auth.createNtlmAuthenticator).toBe('function');
    expect(netsend.status.ntStatus(0xc000006d).name).toBe('STATUS_LOGON_FAILURE');
  });

  it('returns ERROR_INVALID_PARAMETER for a name over 15 characters, before any traffic', async () => {
    expect(await netsend.netMessageBufferSend(null, 'ABCDEFGHIJKLMNOPQ', 'ALICE', 'x', { host: '127.0.0.1', port: 9 })).toBe(87);
  });
});
