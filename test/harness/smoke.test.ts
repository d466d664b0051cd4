import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { interopEnabled, useSamba } from './samba.js';

// The harness itself against smbclient -M: proves message command and the recording hook work.
describe.runIf(interopEnabled())('samba harness', () => {
  const samba = useSamba();

  it('records a message sent with smbclient -M', async () => {
    execFileSync('smbclient', ['-M', 'BOB', '-I', samba.host, '-p', '139', '-U', 'harness', '-N', '-n', 'HARNESS'], {
      input: 'harness check\n',
    });
    const [m] = await samba.waitForMessages(1);
    expect(m!.from).toBe('harness');
    expect(m!.text).toBe('harness check\n');
  });
});
