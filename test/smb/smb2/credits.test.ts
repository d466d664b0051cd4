/** CreditWindow (src/smb/smb2/credits.ts): message ids, credit charges and grants ([MS-SMB2] §3.1.5.2, §3.2.4.1.5). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CreditWindow } from '../../../src/smb/smb2/credits.js';
import { SMB2_DEFAULTS } from '../../../src/smb/smb2/defaults.js';

describe('CreditWindow', () => {
  it('charge: 0 without credit charges (2.0.2), 1 without LARGE_MTU, one per 64 KiB with it', () => {
    expect(CreditWindow.charge(1 << 20, false, true)).toBe(0);
    expect(CreditWindow.charge(1 << 20, true, false)).toBe(1);
    expect(CreditWindow.charge(0, true, true)).toBe(1);
    expect(CreditWindow.charge(65536, true, true)).toBe(1);
    expect(CreditWindow.charge(65537, true, true)).toBe(2);
    expect(CreditWindow.charge(1 << 20, true, true)).toBe(16);
  });

  it('starts with one credit and MessageId 0; an SMB1 negotiate moves it to MessageId 1', () => {
    const w = new CreditWindow();
    expect(w.credits).toBe(1);
    expect(w.take(0, 'x').messageId).toBe(0n);
    const v = new CreditWindow();
    v.afterSmb1Negotiate(5);
    expect(v.credits).toBe(5);
    expect(v.take(1, 'x').messageId).toBe(1n);
  });

  it('refuses a request it has no credits for (SMB2_NO_CREDITS) and changes nothing', () => {
    const w = new CreditWindow();
    w.grant(2);
    expect(() => w.take(4, 'SMB2 READ')).toThrow(expect.objectContaining({ layer: 'protocol', name: 'SMB2_NO_CREDITS' }));
    expect(w.credits).toBe(3);
    expect(w.take(3, 'SMB2 READ').messageId).toBe(0n);
  });

  it('message ids advance by the charge (at least 1), never repeat; credits never go negative (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 40 })), { maxLength: 60 }), (steps) => {
        const w = new CreditWindow();
        let expectId = 0n;
        let credits = 1;
        for (const [charge, granted] of steps) {
          const cost = Math.max(1, charge);
          if (credits < cost) {
            expect(() => w.take(charge, 'x')).toThrow(expect.objectContaining({ name: 'SMB2_NO_CREDITS' }));
          } else {
            const g = w.take(charge, 'x');
            expect(g.messageId).toBe(expectId);
            expect(g.charge).toBe(charge);
            credits -= cost;
            expectId += BigInt(cost);
            expect(g.request).toBe(Math.min(Math.max(1, SMB2_DEFAULTS.creditTarget - credits), 0xffff));
          }
          w.grant(granted);
          credits += granted;
          expect(w.credits).toBe(credits);
          expect(w.credits).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
