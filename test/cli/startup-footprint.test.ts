/**
 * What the CLI's common path loads (issue 12, start-up time; the time itself is measured by
 * bench/cli-startup.mjs, never here): preparing an ASCII message in the default code page must not
 * load iconv-lite, and a message that needs a code page table must.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCli, type BuiltCli } from '../helpers/cli-process.js';

describe('start-up footprint of the send path', () => {
  let cli: BuiltCli;
  beforeAll(() => {
    cli = buildCli();
  }, 120_000);
  afterAll(() => cli?.remove());

  /** Runs prepareMessage from the built dist in a fresh node; true when iconv-lite was loaded. */
  function loadsIconv(text: string, codepage?: string): boolean {
    const send = pathToFileURL(path.join(cli.dir, 'dist/messenger/send.js')).href;
    const script = `
      import { createRequire } from 'node:module';
      const { prepareMessage } = await import(${JSON.stringify(send)});
      prepareMessage({ host: '127.0.0.1', to: 'BOB', from: 'ALICE', text: ${JSON.stringify(text)}${codepage ? `, codepage: ${JSON.stringify(codepage)}` : ''} });
      const cache = createRequire(import.meta.url).cache;
      console.log(Object.keys(cache).some((k) => k.includes('iconv-lite')));`;
    return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: cli.dir, encoding: 'utf8' }).trim() === 'true';
  }

  it('an ASCII message in the default code page does not load iconv-lite', () => {
    expect(loadsIconv('hello there\nsecond line')).toBe(false);
  });

  it('non-ASCII text, or another code page, loads it', () => {
    expect(loadsIconv('Grüße')).toBe(true);
    expect(loadsIconv('hello', 'cp437')).toBe(true);
  });
});
