/**
 * Doc comments cite public sources ([MS-SMB2] §x, [MS-CIFS] §x, RFC 1002 §x ...), never a reference
 * document that is not part of the published package.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('citations in src/', () => {
  it('no comment cites the private reference notes (protocol-notes, samba-peer, architecture-review)', () => {
    const bad: string[] = [];
    for (const f of files(SRC)) {
      fs.readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/protocol-notes|samba-peer|architecture-review/.test(line)) bad.push(`${path.relative(SRC, f)}:${i + 1}`);
        });
    }
    expect(bad).toEqual([]);
  });
});
