import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { sendMessage } from '../../src/messenger/send.js';
import { netMessageBufferSend } from '../../src/messenger/api.js';

// Real Samba peer (samba-peer.md "Messenger messages"): delivery, round trips, encoding, refusals.
describe.runIf(interopEnabled())('sendMessage against Samba', () => {
  const samba = useSamba();

  async function deliveredAfter(before: number) {
    const msgs = await samba.waitForMessages(before + 1);
    return msgs[before]!;
  }

  // Multi-block by default pipelines after the start (send.ts AUTO_PIPELINING): session, 0xD5, then 0xD7 + 0xD6 together.
  const cases = [
    { port: 139, mode: 'multi', transport: 'nbss', roundTrips: 3 },
    { port: 445, mode: 'multi', transport: 'direct', roundTrips: 2 },
    { port: 139, mode: 'single', transport: 'nbss', roundTrips: 3 },
    { port: 445, mode: 'single', transport: 'direct', roundTrips: 2 },
  ] as const;
  for (const c of cases) {
    it(`delivers ${c.mode}-block on ${c.port} in ${c.roundTrips} round trips`, async () => {
      const before = samba.messages().length;
      const text = `hello ${c.mode} ${c.port}\nsecond line`;
      const r = await sendMessage({ host: samba.host, port: c.port, to: samba.netbiosName, from: 'ALICE', text, mode: c.mode });
      expect(r).toMatchObject({ ok: true, netApiStatus: 0, status: null, transport: c.transport, roundTrips: c.roundTrips, blocks: 1 });
      const m = await deliveredAfter(before);
      expect(m.from).toBe('ALICE');
      // CRLF on the wire, Samba strips the CR: the text arrives with LF line breaks.
      expect(m.text).toBe(`hello ${c.mode} ${c.port}\nsecond line`);
    });
  }

  it('multi-block after a forced NEGOTIATE takes one more round trip', async () => {
    const before = samba.messages().length;
    const r = await sendMessage({ host: samba.host, to: 'BOB', from: 'ALICE', text: 'negotiated first', negotiate: true });
    expect(r).toMatchObject({ ok: true, roundTrips: 4, transport: 'nbss' });
    expect((await deliveredAfter(before)).text).toBe('negotiated first');
  });

  it('delivers a 1,000-byte message whole (8 blocks of up to 128 bytes)', async () => {
    const before = samba.messages().length;
    const text = Array.from({ length: 1000 }, (_, i) => String.fromCharCode(0x41 + (i % 26))).join('');
    const r = await sendMessage({ host: samba.host, to: 'bob', from: 'ALICE', text, maxBytes: 1600 });
    // NBSS, 0xD5, then the eight 0xD7 and the 0xD6 in one pipelined batch (lock-step: 1 + 1 + 8 + 1).
    expect(r).toMatchObject({ ok: true, blocks: 8, roundTrips: 3 });
    expect((await deliveredAfter(before)).text).toBe(text);
  });

  it('accepts a 128-byte single-block message and exactly-128-byte text blocks', async () => {
    const before = samba.messages().length;
    const t128 = 'y'.repeat(128);
    expect((await sendMessage({ host: samba.host, to: 'BOB', from: 'A', text: t128, mode: 'single' })).ok).toBe(true);
    const r = await sendMessage({ host: samba.host, to: 'BOB', from: 'A', text: t128 + t128 });
    expect(r).toMatchObject({ ok: true, blocks: 2 });
    const msgs = await samba.waitForMessages(before + 2);
    expect(msgs.slice(before).map((m) => m.text)).toEqual([t128, t128 + t128]);
  });

  it('stores non-ASCII text correctly (cp850 on the wire, UTF-8 in Samba)', async () => {
    const before = samba.messages().length;
    const r = await sendMessage({ host: samba.host, port: 445, to: 'BOB', from: 'ALICE', text: 'Grüße, ½ café' });
    expect(r.ok).toBe(true);
    expect((await deliveredAfter(before)).text).toBe('Grüße, ½ café');
  });

  it('line endings: CRLF (default) arrives as LF; MS-MSRP 0x14 is not a line break on Samba', async () => {
    const before = samba.messages().length;
    expect((await sendMessage({ host: samba.host, to: 'BOB', from: 'A', text: 'a\nb', lineEndings: 'msrp' })).ok).toBe(true);
    const m = await deliveredAfter(before);
    expect(m.raw.includes(0x0a)).toBe(false);
    expect(m.text).not.toBe('a\nb');
  });

  it('non-ASCII single-block after NEGOTIATE on 139', async () => {
    const before = samba.messages().length;
    const r = await sendMessage({ host: samba.host, to: 'BOB', from: 'ALICE', text: 'Grüße, ½ café', mode: 'single' });
    expect(r).toMatchObject({ ok: true, roundTrips: 3 });
    expect((await deliveredAfter(before)).text).toBe('Grüße, ½ café');
  });

  it('concurrent senders all arrive', async () => {
    const before = samba.messages().length;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => sendMessage({ host: samba.host, port: i % 2 ? 445 : 139, to: 'BOB', from: `S${i}`, text: `concurrent ${i}` })));
    expect(results.every((r) => r.ok)).toBe(true);
    const texts = (await samba.waitForMessages(before + 8)).slice(before).map((m) => m.text).sort();
    expect(texts).toEqual(Array.from({ length: 8 }, (_, i) => `concurrent ${i}`).sort());
  });

  it('single-block without NEGOTIATE: Samba drops the connection -> NERR_NetworkError', async () => {
    const r = await sendMessage({ host: samba.host, to: 'BOB', from: 'ALICE', text: 'x', mode: 'single', negotiate: false });
    expect(r.ok).toBe(false);
    expect(r.netApiStatus).toBe(2136);
    expect(r.status?.layer).toBe('socket');
  });

  it('netMessageBufferSend(null, ...) with options.host returns NERR_Success', async () => {
    const before = samba.messages().length;
    expect(await netMessageBufferSend(null, 'bob', 'CAROL', 'via the API', { host: samba.host })).toBe(0);
    expect(await deliveredAfter(before)).toMatchObject({ from: 'CAROL', text: 'via the API' });
  });

  it('a closed port gives NERR_NetworkError (2136)', async () => {
    const srv = net.createServer();
    const port = await new Promise<number>((res) => srv.listen(0, '127.0.0.1', () => res((srv.address() as net.AddressInfo).port)));
    await new Promise<void>((res) => srv.close(() => res()));
    const r = await sendMessage({ host: '127.0.0.1', port, to: 'BOB', from: 'ALICE', text: 'x' });
    expect(r).toMatchObject({ ok: false, netApiStatus: 2136, transport: 'direct' });
    expect(r.status).toMatchObject({ layer: 'socket', name: 'ECONNREFUSED' });
  });
});

describe.runIf(interopEnabled())('Samba without message command', () => {
  const samba = useSamba({ messageCommand: false });

  for (const mode of ['multi', 'single'] as const) {
    it(`refuses ${mode}-block with ERRDOS/71 -> ERROR_REQ_NOT_ACCEP (71)`, async () => {
      const r = await sendMessage({ host: samba.host, to: 'BOB', from: 'ALICE', text: 'nobody listens', mode });
      expect(r.ok).toBe(false);
      expect(r.netApiStatus).toBe(71);
      // Samba answers in DOS form (no CAP_STATUS32 on a message-only connection)...
      if (r.status?.layer === 'dos') expect(r.status).toMatchObject({ code: (1 << 16) | 71, name: 'ERRDOS/ERRreqnotaccep' });
      // ...or as NTSTATUS after a NEGOTIATE that asked for it.
      else expect(r.status).toMatchObject({ layer: 'ntstatus', code: 0xc00000d0 });
    });
  }
});

describe.runIf(interopEnabled())('Samba with server min protocol SMB2_02 (its default)', () => {
  const samba = useSamba({ global: { 'server min protocol': 'SMB2_02' } });

  it('drops the connection at the first message SMB -> NERR_NetworkError', async () => {
    const r = await sendMessage({ host: samba.host, to: 'BOB', from: 'ALICE', text: 'x' });
    expect(r).toMatchObject({ ok: false, netApiStatus: 2136, transport: 'nbss' });
    expect(r.status?.layer).toBe('socket');
  });
});
