import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { interopEnabled, startSamba, type SambaInstance } from './samba.js';

// The harness itself against smbclient -M: proves message command and the recording hook work.
describe.runIf(interopEnabled())('samba harness', () => {
  let samba: SambaInstance;
  beforeAll(async () => {
    samba = await startSamba();
  });
  afterAll(async () => {
    await samba?.stop();
  });

  it('records a message sent with smbclient -M', async () => {
    execFileSync('smbclient', ['-M', 'BOB', '-I', samba.host, '-p', '139', '-U', 'harness', '-N', '-n', 'HARNESS'], {
      input: 'harness check\n',
    });
    const [m] = await samba.waitForMessages(1);
    expect(m!.from).toBe('harness');
    expect(m!.text).toBe('harness check\n');
  });
});
