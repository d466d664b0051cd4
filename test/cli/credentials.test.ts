/** The credential sources that keep secrets off the command line (src/cli/credentials.ts). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { concealSecretArguments, parseAuthenticationFile, readPasswordFd, secretArguments } from '../../src/cli/credentials.js';
import { main } from '../../src/cli/main.js';
import { NetsendError } from '../../src/status/error.js';

describe('authentication file (smbclient -A format)', () => {
  it('reads username, password and domain; keys in any case; comments and blank lines skipped; values trimmed', () => {
    expect(parseAuthenticationFile('# comment\n; other\n\nUserName = DOM\\alice \r\npassword =  p=a ss # not a comment\ndomain=WG\n', 'f')).toEqual({
      username: 'DOM\\alice',
      password: 'p=a ss # not a comment',
      domain: 'WG',
    });
  });

  it('names the bad line by number and never echoes its text (it may be the password)', () => {
    for (const text of ['username = bob\nhunter2-secret\n', 'username = bob\npasswd = hunter2-secret\n']) {
      let err: unknown;
      try {
        parseAuthenticationFile(text, 'auth.txt');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NetsendError);
      expect((err as NetsendError).layer).toBe('usage');
      expect((err as NetsendError).message).toContain('auth.txt line 2');
      expect((err as NetsendError).message).not.toContain('hunter2-secret');
    }
  });

  it('any text either parses or is a usage error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseAuthenticationFile(text, 'f');
        } catch (e) {
          expect(e).toBeInstanceOf(NetsendError);
        }
      }),
    );
  });
});

describe('secrets in the arguments', () => {
  it('are the PASS of -U USER%PASS and the --hashes value, longest first', () => {
    expect(secretArguments({ user: 'DOM\\bob%pa%ss', hashes: 'aa:bbbbbbbb' })).toEqual(['aa:bbbbbbbb', 'pa%ss']);
    expect(secretArguments({ user: 'bob' })).toEqual([]);
    expect(secretArguments({ user: 'bob%' })).toEqual([]);
  });

  it('leave the title of a process that does not have them among its own arguments (main() called by a program)', async () => {
    const title = process.title;
    expect(concealSecretArguments({ user: 'bob%not-in-this-process-argv' })).toBe(false);
    const err: string[] = [];
    await main(['info', '--server', '127.0.0.1', '-U', 'bob%not-in-argv', '--password-fd', '0'], { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, stdin: Readable.from([]) });
    expect(process.title).toBe(title);
    expect(err.join('')).toMatch(/give the password once/);
  });
});

describe('--password-fd', () => {
  it('reads the first line of a regular file and closes the descriptor', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-pwfd-'));
    try {
      const f = path.join(dir, 'pw');
      fs.writeFileSync(f, 'first line\r\nsecond\n');
      const fd = fs.openSync(f, 'r');
      expect(await readPasswordFd(fd)).toBe('first line');
      expect(() => fs.fstatSync(fd)).toThrow();
      fs.writeFileSync(f, 'no newline');
      expect(await readPasswordFd(fs.openSync(f, 'r'))).toBe('no newline');
      fs.writeFileSync(f, '');
      await expect(readPasswordFd(fs.openSync(f, 'r'))).rejects.toMatchObject({ layer: 'usage' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
