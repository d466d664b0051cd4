/** The dialect traits table (src/smb/smb2/dialects.ts) and the rule that dialect checks go through it. */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIALECT_TRAITS, dialectTraits, hasNegotiateContexts } from '../../../src/smb/smb2/dialects.js';
import { ALL_DIALECTS, Cipher, Dialect, SigningAlgorithm } from '../../../src/smb/smb2/constants.js';

const SMB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/smb');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('DIALECT_TRAITS', () => {
  it('has one row per dialect offered', () => {
    expect(Object.keys(DIALECT_TRAITS).map(Number).sort()).toEqual([...ALL_DIALECTS].sort());
  });

  it('says what [MS-SMB2] requires of each dialect', () => {
    const row = (d: keyof typeof DIALECT_TRAITS) => dialectTraits(d);
    // Credit charges from 2.1 on (§3.2.4.1.5).
    expect(ALL_DIALECTS.filter((d) => row(d).creditCharge)).toEqual([Dialect.SMB2_1, Dialect.SMB3_0, Dialect.SMB3_0_2, Dialect.SMB3_1_1]);
    // SMB 3 KDF and AES-CMAC from 3.0 on; HMAC-SHA256 with the session key before (§3.1.4.1, §3.2.5.3.1).
    for (const d of ALL_DIALECTS) {
      expect(row(d).smb3Kdf).toBe(d >= Dialect.SMB3_0);
      expect(row(d).defaultSigning).toBe(d >= Dialect.SMB3_0 ? SigningAlgorithm.AES_CMAC : SigningAlgorithm.HMAC_SHA256);
      expect(row(d).cipher).toBe(d < Dialect.SMB3_0 ? 'none' : d === Dialect.SMB3_1_1 ? 'negotiate-context' : 'capability');
    }
    // VALIDATE_NEGOTIATE_INFO on 3.0 and 3.0.2 only (§3.2.5.14.12); 3.1.1 has pre-auth integrity instead.
    expect(ALL_DIALECTS.filter((d) => row(d).validateNegotiate)).toEqual([Dialect.SMB3_0, Dialect.SMB3_0_2]);
    for (const trait of ['preauthIntegrity', 'signingContext', 'signedTreeConnect', 'signedFinalSessionSetup'] as const) {
      expect(ALL_DIALECTS.filter((d) => row(d)[trait])).toEqual([Dialect.SMB3_1_1]);
    }
    expect(Cipher.AES_128_CCM).toBe(1); // the 'capability' cipher of 3.0 / 3.0.2
  });

  it('hasNegotiateContexts: 3.1.1 only, false for the wildcard and unknown revisions', () => {
    expect(hasNegotiateContexts(0x0311)).toBe(true);
    for (const d of [0x0202, 0x0210, 0x0300, 0x0302, 0x02ff, 0x0312, 0, 0xffff]) expect(hasNegotiateContexts(d)).toBe(false);
    expect(hasNegotiateContexts(Number('toString'))).toBe(false);
  });
});

describe('dialect checks go through the table', () => {
  it('no file in src/smb compares a dialect with a 3.x revision itself', () => {
    const compare = /dialect\s*(===|!==|>=|<=|>|<)\s*(Dialect\.SMB3_\w+|0x03[0-9a-f]{2})|(Dialect\.SMB3_\w+|0x03[0-9a-f]{2})\s*(===|!==|<=|>=)\s*\w*dialect/i;
    const bad = sources(SMB)
      .map((f) => path.relative(SMB, f).split(path.sep).join('/'))
      .filter((rel) => rel !== 'smb2/dialects.ts' && rel !== 'smb2/constants.ts')
      .filter((rel) => compare.test(fs.readFileSync(path.join(SMB, rel), 'utf8')));
    expect(bad).toEqual([]);
  });
});
