/** `netsend listen` limit options reach the receiver (src/cli/listen-limits.ts). */
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { main, helpText } from '../../src/cli/main.js';
import { sendMessage } from '../../src/messenger/send.js';
import { cliIO as io } from '../helpers/cli-io.js';

/** Runs `netsend listen ARGS` until `body` is done; resolves with the exit code and output. */
async function withListener(args: string[], body: (port: number) => Promise<void>): Promise<{ code: number; out: string[]; err: string[] }> {
  const t = io();
  const ac = new AbortController();
  const done = main(['listen', '--port', '0', ...args], { ...t.io, signal: ac.signal });
  let port = 0;
  for (let i = 0; i < 500 && !port; i++) {
    const m = /listening on 127\.0\.0\.1:(\d+)/.exec(t.err.join(''));
    if (m) port = Number(m[1]);
    else await new Promise((r) => setTimeout(r, 20));
  }
  try {
    expect(port).toBeGreaterThan(0);
    await body(port);
  } finally {
    ac.abort();
  }
  return { code: await done, out: t.out, err: t.err };
}

describe('netsend listen limit options', () => {
  it('lists the limits with their defaults in --help', () => {
    const help = helpText('listen');
    for (const o of ['--max-connections N', '--max-per-address N', '--accept-queue N', '--first-request-timeout MS', '--idle-timeout MS', '--message-rate N', '--message-burst N']) expect(help).toContain(o);
    expect(help).toMatch(/--max-connections N\s+connections served at once \(default 256\)/);
  });

  it('refuses malformed or out-of-range limits as usage errors (exit 2)', async () => {
    for (const bad of [['--max-connections', '0'], ['--message-rate', 'fast'], ['--first-request-timeout', '-5']]) {
      const t = io();
      expect(await main(['listen', '--port', '0', ...bad], t.io)).toBe(2);
      expect(t.err.join('')).toContain(bad[0]);
    }
  });

  it('--first-request-timeout closes a silent connection', async () => {
    const r = await withListener(['--first-request-timeout', '200', '--idle-timeout', '600000'], async (port) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('error', () => {});
      const closed = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 20_000);
        s.once('close', () => {
          clearTimeout(t);
          resolve(true);
        });
      });
      s.destroy();
      expect(closed).toBe(true);
    });
    expect(r.code).toBe(0);
  });

  it('--message-rate/--message-burst refuse a burst from one address past the limit', async () => {
    const results: { ok: boolean; status: { name: string } | null }[] = [];
    const r = await withListener(['--json', '--message-rate', '1', '--message-burst', '1'], async (port) => {
      results.push(...(await Promise.all(Array.from({ length: 6 }, (_, i) => sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'A', text: `r${i}`, timeoutMs: 30_000 })))));
    });
    const refused = results.filter((x) => !x.ok);
    expect(refused.length).toBeGreaterThan(0);
    for (const x of refused) expect(x.status?.name).toBe('ERRSRV/ERRnoresource');
    expect(r.out).toHaveLength(results.length - refused.length); // one --json line per delivered message
  });
});
