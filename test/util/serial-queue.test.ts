/** SerialQueue: the one request queue of the SMB1 client, the SMB2 connection and the RPC client. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialQueue } from '../../src/util/serial-queue.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('SerialQueue', () => {
  it('runs one job at a time, in the order queued', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const g = gate();
    const a = q.run(async () => {
      log.push('a start');
      await g.promise;
      log.push('a end');
      return 'a';
    });
    const b = q.run(async () => {
      log.push('b start');
      return 'b';
    });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['a start']);
    expect(q.pending).toBe(1);
    g.open();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'a end', 'b start']);
    expect(q.pending).toBe(0);
  });

  it('a failing job rejects its own caller only; the next job still runs', async () => {
    const q = new SerialQueue();
    const boom = new Error('boom');
    const a = q.run(() => Promise.reject(boom));
    const b = q.run(async () => 2);
    await expect(a).rejects.toBe(boom);
    await expect(b).resolves.toBe(2);
  });

  it('a job that throws synchronously is a rejection, not an exception of run()', async () => {
    const q = new SerialQueue();
    const p = q.run(() => {
      throw new TypeError('sync');
    });
    await expect(p).rejects.toThrow(TypeError);
    await expect(q.run(async () => 'next')).resolves.toBe('next');
  });

  it('never overlaps jobs, whatever mix of successes and failures (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), fc.nat(3)), { minLength: 1, maxLength: 15 }), async (jobs) => {
        const q = new SerialQueue();
        let running = 0;
        let maxRunning = 0;
        const order: number[] = [];
        const results = jobs.map(([fail, ticks], i) =>
          q.run(async () => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            for (let t = 0; t < ticks; t++) await Promise.resolve();
            order.push(i);
            running--;
            if (fail) throw new Error(String(i));
            return i;
          }),
        );
        const settled = await Promise.allSettled(results);
        expect(maxRunning).toBe(1);
        expect(order).toEqual(jobs.map((_, i) => i));
        settled.forEach((s, i) => expect(s.status).toBe(jobs[i]![0] ? 'rejected' : 'fulfilled'));
      }),
    );
  });

  it('is the only request queue in src/ (no hand-written promise chains)', () => {
    const chain = /\.then\((\w+), \1\)|queue\s*=\s*\w+\.catch\(/;
    const bad = sources(SRC)
      .map((f) => path.relative(SRC, f).split(path.sep).join('/'))
      .filter((rel) => rel !== 'util/serial-queue.ts' && chain.test(fs.readFileSync(path.join(SRC, rel), 'utf8')));
    expect(bad).toEqual([]);
  });
});
