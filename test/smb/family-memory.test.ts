import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SmbFamilyMemory, SMB_FAMILY_MEMORY_ENTRIES, smbFamilies } from '../../src/smb/family-memory.js';
import { isSmb1Message } from '../../src/smb/smb2-probe.js';
import { NetsendError } from '../../src/status/error.js';

describe('SmbFamilyMemory (the per-process memory of each host family)', () => {
  it('the process-wide memory holds 256 entries', () => {
    expect(SMB_FAMILY_MEMORY_ENTRIES).toBe(256);
    expect(smbFamilies.capacity).toBe(SMB_FAMILY_MEMORY_ENTRIES);
  });

  it('drops the least recently used entry past capacity; a lookup counts as a use', () => {
    const m = new SmbFamilyMemory(3);
    m.remember('a', 445, 'smb1');
    m.remember('b', 445, 'smb2');
    m.remember('c', 445, 'smb2');
    expect(m.get('a', 445)).toBe('smb1'); // a is now the most recent
    m.remember('d', 445, 'smb1');
    expect(m.get('b', 445)).toBeUndefined();
    expect([m.get('a', 445), m.get('c', 445), m.get('d', 445)]).toEqual(['smb1', 'smb2', 'smb1']);
    expect(m.size).toBe(3);
  });

  it('keys on host and port; host names compare case-insensitively', () => {
    const m = new SmbFamilyMemory();
    m.remember('Server.Example', 139, 'smb1');
    expect(m.get('server.example', 139)).toBe('smb1');
    expect(m.get('server.example', 445)).toBeUndefined();
    m.remember('::1', 445, 'smb2');
    expect(m.get('::1', 4450)).toBeUndefined();
    m.remember('server.example', 139, 'smb2');
    expect(m.get('SERVER.example', 139)).toBe('smb2');
    m.forget('server.example', 139);
    expect(m.get('server.example', 139)).toBeUndefined();
    m.forget();
    expect(m.size).toBe(0);
  });

  it('never holds more than its capacity (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'), fc.boolean(), fc.boolean())), (cap, ops) => {
        const m = new SmbFamilyMemory(cap);
        const recent: string[] = [];
        for (const [host, write, smb1] of ops) {
          if (write) m.remember(host, 445, smb1 ? 'smb1' : 'smb2');
          else if (m.get(host, 445) === undefined) continue;
          const i = recent.indexOf(host);
          if (i >= 0) recent.splice(i, 1);
          recent.push(host);
          expect(m.size).toBeLessThanOrEqual(cap);
        }
        // The survivors are exactly the `cap` most recently used hosts.
        const kept = recent.slice(-cap);
        for (const h of 'abcdefghij') expect(m.get(h, 445) !== undefined).toBe(kept.includes(h));
      }),
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new SmbFamilyMemory(0)).toThrow(NetsendError);
    expect(() => new SmbFamilyMemory(1.5)).toThrow(NetsendError);
  });
});

describe('isSmb1Message', () => {
  it('is true only for 0xFF "SMB" ([MS-CIFS] §2.2.3.1)', () => {
    expect(isSmb1Message(Buffer.from('ff534d4272', 'hex'))).toBe(true);
    expect(isSmb1Message(Buffer.from('fe534d4240', 'hex'))).toBe(false);
    expect(isSmb1Message(Buffer.from('ff534d', 'hex'))).toBe(false);
    expect(isSmb1Message(Buffer.alloc(0))).toBe(false);
  });
});
