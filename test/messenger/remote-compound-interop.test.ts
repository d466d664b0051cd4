/**
 * The cold remote send with SMB2 related compounds ([MS-SMB2] §3.2.4.1.4) against real Samba:
 * NEGOTIATE, two SESSION_SETUP legs, TREE_CONNECT + CREATE + bind as one compound, the call: five
 * frames written (each waits for its replies), against seven one by one (compound: false). The
 * delivery outcome and the call's 'written' progress are those of the uncompounded path.
 */
import { describe, expect, it } from 'vitest';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { sendViaWorkstation, type RemoteConnectOptions } from '../../src/messenger/remote.js';
import type { TrafficTap } from '../../src/util/tap.js';

/** Counts Direct TCP frames the client writes (a compound is one frame). */
function frameCounter(): TrafficTap & { frames: number; smb2Messages: number } {
  const t = {
    frames: 0,
    smb2Messages: 0,
    outbound(b: Buffer) {
      for (let off = 0; off + 4 <= b.length; ) {
        const len = (b[off + 1]! << 16) | b.readUInt16BE(off + 2);
        const msg = b.subarray(off + 4, off + 4 + len);
        t.frames++;
        if (msg[0] === 0xfe) for (let m = 0, next = -1; next !== 0; m += next) (next = msg.readUInt32LE(m + 20)), t.smb2Messages++;
        off += 4 + len;
      }
    },
    inbound() {},
  };
  return t;
}

describe.runIf(interopEnabled())('remote send with SMB2 compounds vs Samba', () => {
  const samba = useSamba();
  const send = (o: Partial<RemoteConnectOptions>, tap: TrafficTap) =>
    sendViaWorkstation({ server: samba.host, credentials: { user: samba.user.name, password: samba.user.password }, to: 'BOB', from: 'ALICE', text: 'compound', tap, ...o });

  for (const [title, o, frames] of [
    ['SMB 2.1', { dialect: 'smb2', smbMax: '2.1' }, 5],
    ['SMB 3.0 signed (validates the negotiate first)', { dialect: 'smb2', smbMax: '3.0', requireSigning: true }, 7],
    ['SMB 3.1.1 signed', { dialect: 'smb2', requireSigning: true }, 5],
    ['SMB 3.1.1 encrypted', { dialect: 'smb2', requireEncryption: true }, 5],
    ['auto (an SMB2 NEGOTIATE first, no SMB1 round trip)', { dialect: 'auto' }, 5],
  ] as const) {
    it(`${title}: ${frames} frames, the same answer and outcome as one by one`, async () => {
      const tap = frameCounter();
      const r = await send(o as Partial<RemoteConnectOptions>, tap);
      expect(r.status?.name).toBe('nca_s_op_rng_error'); // Samba faults opnum 12: a full answer
      expect(r.delivery).toBe('failed');
      expect(tap.frames).toBe(frames);
      const one = frameCounter();
      const r1 = await send({ ...(o as Partial<RemoteConnectOptions>), compound: false }, one);
      expect(one.frames).toBe(frames + (frames === 7 ? 1 : 2));
      expect([r1.status?.name, r1.delivery]).toEqual([r.status?.name, r.delivery]);
      // The same requests went out, only fewer frames.
      expect(tap.smb2Messages).toBe(one.smb2Messages);
    });
  }
});
