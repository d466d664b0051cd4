/**
 * Bounded run of the mutation fuzzer in ./targets.ts: every parser target for ITERATIONS mutants of
 * its real seeds, then the SMB clients (connectSmb over loopback) and the RPC client against mutated
 * replays of captured server replies. The oracle is asserted, not filtered: a finding fails the test
 * with its minimised reproducer hex. Long runs: bench/fuzz.mjs. See docs/fuzzing.md.
 * The messenger receiver (a server) gets mutated client streams from the smbclient -M captures.
 * NETSEND_FUZZ_ITERATIONS, NETSEND_FUZZ_SEED, NETSEND_FUZZ_SOCKET_RUNS change the bounds.
 */
import { describe, expect, it } from 'vitest';
import {
  TARGETS,
  loadSeeds,
  fuzzTarget,
  replayScripts,
  replayOnce,
  replyMutator,
  rpcReplayOnce,
  rpcReplies,
  activeResources,
  leaked,
  Rng,
  receiverScripts,
  mutateClientStream,
  startFuzzReceiver,
  sendToReceiver,
  type Finding,
  type SocketOutcome,
} from './targets.js';

const ITERATIONS = Number(process.env.NETSEND_FUZZ_ITERATIONS ?? 500);
const SEED = Number(process.env.NETSEND_FUZZ_SEED ?? 20261125);
const SOCKET_RUNS = Number(process.env.NETSEND_FUZZ_SOCKET_RUNS ?? 24);

const seeds = loadSeeds();

function report(findings: Finding[]): string {
  return findings.map((f) => `${f.target}: ${f.kind} ${f.detail} at ${f.where}\n  reproducer ${f.hex}`).join('\n');
}

describe('mutation fuzzing of every parser (oracle: return or NetsendError, no NaN, no slow input)', () => {
  it('every target has seeds', () => {
    const empty = TARGETS.filter((t) => t.pools.every((p) => (seeds.get(p) ?? []).length === 0)).map((t) => t.name);
    expect(empty).toEqual([]);
    expect(TARGETS.length).toBeGreaterThan(60);
  });

  for (const t of TARGETS) {
    it(t.name, () => {
      const { findings } = fuzzTarget(t, seeds, ITERATIONS, SEED);
      expect(findings, report(findings)).toEqual([]);
    });
  }
});

describe('stateful clients against mutated replays of captured replies', () => {
  /** Runs `n` outcomes with at most `width` at a time. */
  async function pool(n: number, width: number, one: (i: number) => Promise<SocketOutcome>): Promise<SocketOutcome[]> {
    const out: SocketOutcome[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < n) out.push(await one(next++));
      }),
    );
    return out;
  }

  const bad = (o: SocketOutcome): boolean => o.result === 'exception' || o.result === 'hang';

  for (const script of replayScripts()) {
    it(`connectSmb ends in success or a NetsendError, and leaves no handles: ${script.name}`, async () => {
      const before = activeResources();
      const pool0 = seeds.get(script.dialect.startsWith('smb2') ? 'smb2' : 'smb1') ?? [];
      const clean = await replayOnce(script, (_k, b) => b);
      expect(bad(clean), clean.detail).toBe(false);
      const outcomes = await pool(SOCKET_RUNS, 4, async (i) => {
        const rng = new Rng(SEED + i);
        const o = await replayOnce(script, replyMutator(rng, pool0, script.replies.length));
        return bad(o) ? { ...o, detail: `${o.detail} (run ${i}, seed ${SEED + i})` } : o;
      });
      expect(outcomes.filter(bad)).toEqual([]);
      await new Promise((r) => setTimeout(r, 50));
      expect(leaked(before, activeResources())).toEqual([]);
    });
  }

  it('RpcClient bind + NetrWkstaGetInfo ends in a result or a NetsendError', async () => {
    const replies = rpcReplies(seeds);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    const clean = await rpcReplayOnce(replies, (_k, b) => b);
    expect(clean.result).toBe('ok');
    const outcomes = await pool(ITERATIONS, 1, async (i) => {
      const rng = new Rng(SEED + i);
      const o = await rpcReplayOnce(replies, replyMutator(rng, seeds.get('rpc-pdu') ?? [], replies.length));
      return bad(o) ? { ...o, detail: `${o.detail} (run ${i}, seed ${SEED + i})` } : o;
    });
    expect(outcomes.filter(bad)).toEqual([]);
  });

  for (const transport of ['nbss', 'direct'] as const) {
    it(`the ${transport} receiver reports only NetsendErrors, closes every connection, keeps serving`, async () => {
      const before = activeResources();
      const scripts = receiverScripts().filter((r) => r.transport === transport);
      expect(scripts.length).toBeGreaterThan(0);
      const h = await startFuzzReceiver(transport);
      const pool0 = seeds.get('smb1') ?? [];
      const stuck: string[] = [];
      try {
        for (const script of scripts) {
          for (let i = 0; i < SOCKET_RUNS; i += 4) {
            await Promise.all(
              [0, 1, 2, 3].map(async (j) => {
                const bytes = mutateClientStream(new Rng(SEED + i + j), script.stream, pool0);
                if (!(await sendToReceiver(h, bytes))) stuck.push(`${script.name}: ${bytes.toString('hex')}`);
              }),
            );
          }
        }
        expect(h.errors.filter((e) => e.name === 'INTERNAL')).toEqual([]);
        expect(stuck).toEqual([]);
        const delivered = h.delivered;
        await sendToReceiver(h, scripts[0]!.stream);
        expect(h.delivered).toBeGreaterThan(delivered);
      } finally {
        await h.receiver.close();
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(leaked(before, activeResources())).toEqual([]);
    });
  }
});
