/**
 * DCE/RPC fragmentation against the real peer: multi-fragment responses (reassembly plus the
 * pipe's continuation reads after STATUS_BUFFER_OVERFLOW), multi-fragment requests, and small
 * negotiated fragments, over SMB1 and SMB 2/3 against a private Samba with 400 extra shares.
 * Also the srvsvc NetrShareEnum codec (src/rpc/interfaces/srvsvc.ts): spec-shaped bytes, a
 * round-trip property and a fuzz property.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopEnabled, startSamba, type SambaInstance } from '../harness/samba.js';
import { connectSmb } from '../../src/smb/connect.js';
import type { SmbClient } from '../../src/smb/types.js';
import { RpcClient, RpcFaultError, type RpcTransport } from '../../src/rpc/client.js';
import { COMMON_HEADER_LENGTH, decodeHeader, NP_MAX_FRAG, PFC } from '../../src/rpc/pdu.js';
import { encodeMessageBufferSend, WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import {
  decodeShareEnum,
  encodeShareEnum,
  netrShareEnum,
  NetrShareEnum,
  shareEnumArgs,
  SRVSVC,
  STYPE,
  type ShareEnumLevel,
} from '../../src/rpc/interfaces/srvsvc.js';
import { MalformedError, NetsendError } from '../../src/status/error.js';
import type { WaitOptions } from '../../src/util/abort.js';

// ---------------------------------------------------------------------------------------------
// Instrumentation: a transport that records every pipe operation and the PDUs crossing it.

interface PduStat {
  fragLength: number;
  flags: number;
  ptype: number;
  callId: number;
}

class RecordingTransport implements RpcTransport {
  transacts = 0;
  writes = 0;
  reads = 0;
  /** Pipe answers flagged STATUS_BUFFER_OVERFLOW (`more`). */
  overflows = 0;
  private rx: Buffer[] = [];
  private tx: Buffer[] = [];

  /** `cap` shrinks every transact/read size passed down, to force STATUS_BUFFER_OVERFLOW mid-PDU. */
  constructor(
    readonly inner: RpcTransport,
    private readonly cap = Infinity,
  ) {}

  reset(): void {
    this.transacts = this.writes = this.reads = this.overflows = 0;
    this.rx = [];
    this.tx = [];
  }

  private got(r: { data: Buffer; more: boolean }): { data: Buffer; more: boolean } {
    this.rx.push(Buffer.from(r.data));
    if (r.more) this.overflows++;
    return r;
  }

  async transact(request: Buffer, maxResponse: number, opts?: WaitOptions): Promise<{ data: Buffer; more: boolean }> {
    this.transacts++;
    this.tx.push(Buffer.from(request));
    return this.got(await this.inner.transact(request, Math.min(maxResponse, this.cap), opts));
  }
  async write(data: Buffer, opts?: WaitOptions): Promise<void> {
    this.writes++;
    this.tx.push(Buffer.from(data));
    await this.inner.write(data, opts);
  }
  async read(maxBytes: number, opts?: WaitOptions): Promise<{ data: Buffer; more: boolean }> {
    this.reads++;
    return this.got(await this.inner.read(Math.min(maxBytes, this.cap), opts));
  }
  close(opts?: WaitOptions): Promise<void> {
    return this.inner.close(opts);
  }

  /** The PDUs received / sent since reset(), split by frag_length over the byte stream. */
  received(): PduStat[] {
    return splitPdus(Buffer.concat(this.rx));
  }
  sent(): PduStat[] {
    return splitPdus(Buffer.concat(this.tx));
  }
  rawReceived(): Buffer {
    return Buffer.concat(this.rx);
  }
  get receivedBytes(): number {
    return this.rx.reduce((n, b) => n + b.length, 0);
  }
}

function splitPdus(stream: Buffer): PduStat[] {
  const out: PduStat[] = [];
  let at = 0;
  while (at < stream.length) {
    const h = decodeHeader(stream.subarray(at, at + COMMON_HEADER_LENGTH));
    out.push({ fragLength: h.fragLength, flags: h.flags, ptype: h.ptype, callId: h.callId });
    at += h.fragLength;
  }
  expect(at).toBe(stream.length);
  return out;
}

/** Checks a fragment train: one call, one FIRST_FRAG at the start, one LAST_FRAG at the end, none between. */
function expectTrain(pdus: PduStat[], maxFrag: number): void {
  expect(pdus.length).toBeGreaterThan(0);
  pdus.forEach((p, i) => {
    expect([p.ptype, p.callId]).toEqual([pdus[0]!.ptype, pdus[0]!.callId]);
    expect(p.fragLength).toBeLessThanOrEqual(maxFrag);
    expect((p.flags & PFC.FIRST_FRAG) !== 0).toBe(i === 0);
    expect((p.flags & PFC.LAST_FRAG) !== 0).toBe(i === pdus.length - 1);
  });
}

/**
 * Equal stubs up to the values of unique-pointer referent ids: every differing aligned word must be
 * an id (0x0002xxxx, non-zero) in both, so NULLs, data, deferral order and padding all agree.
 */
function expectSameExceptReferentIds(ours: Buffer, theirs: Buffer): void {
  expect(ours.length).toBe(theirs.length);
  let ids = 0;
  for (let at = 0; at + 4 <= ours.length; at += 4) {
    const a = ours.readUInt32LE(at);
    const b = theirs.readUInt32LE(at);
    if (a === b) continue;
    expect([a >>> 16, b >>> 16], `word at ${at}: ${a.toString(16)} vs ${b.toString(16)}`).toEqual([2, 2]);
    ids++;
  }
  expect(ours.subarray(ours.length & ~3).equals(theirs.subarray(theirs.length & ~3))).toBe(true);
  expect(ids).toBeGreaterThan(0);
}

// ---------------------------------------------------------------------------------------------
// Codec (no peer needed)

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('srvsvc NetrShareEnum codec ([MS-SRVS] §3.1.4.8)', () => {
  it('encodes the [in] stub: NULL server, level 1, empty container, MAX_PREFERRED_LENGTH, resume 0', () => {
    expect(encodeShareEnum(1).toString('hex')).toBe(
      hex(`
        00000000
        01000000 01000000 00000200
        00000000 00000000
        ffffffff
        04000200 00000000`).toString('hex'),
    );
  });

  it('encodes a server name inline (top-level unique pointer) and level 0', () => {
    const stub = encodeShareEnum(0, { serverName: 'AB', preferedMaximumLength: 100, resumeHandle: null });
    expect(stub.toString('hex')).toBe(
      hex(`
        00000200 03000000 00000000 03000000 41004200 0000 0000
        00000000 00000000 04000200
        00000000 00000000
        64000000
        00000000`).toString('hex'),
    );
  });

  /** A level-1 reply for shares IPC$ and "s1" (remark NULL), built by hand from the C706 ch. 14 rules. */
  const REPLY_L1 = hex(`
    01000000 01000000 00000200
    02000000 04000200 02000000
    08000200 03000080 0c000200
    10000200 00000000 00000000
    05000000 00000000 05000000 49005000 43002400 0000 0000
    0c000000 00000000 0c000000 49005000 43002000 53006500 72007600 69006300 65000000
    03000000 00000000 03000000 73003100 0000 0000
    02000000
    14000200 00000000
    00000000`);

  it('decodes a hand-built level-1 reply: deferred strings in element order, NULL remark', () => {
    const r = decodeShareEnum(REPLY_L1, 1);
    expect(r).toEqual({
      status: 0,
      level: 1,
      totalEntries: 2,
      resumeHandle: 0,
      shares: [
        { name: 'IPC$', type: (STYPE.IPC | STYPE.SPECIAL) >>> 0, remark: 'IPC Service' },
        { name: 's1', type: STYPE.DISKTREE, remark: null },
      ],
    });
  });

  it('refuses a reply whose level differs from the request, and EntriesRead disagreeing with the array', () => {
    expect(() => decodeShareEnum(REPLY_L1, 0)).toThrow(NetsendError);
    const bad = Buffer.from(REPLY_L1);
    bad.writeUInt32LE(3, 12); // EntriesRead 3, max_count 2
    expect(() => decodeShareEnum(bad, 1)).toThrow(MalformedError);
    expect(() => encodeShareEnum(2 as ShareEnumLevel)).toThrow(NetsendError);
  });

  const wstr = fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0'));
  const share1 = fc.record({ shi1_netname: fc.option(wstr, { nil: null }), shi1_type: fc.nat({ max: 0xffffffff }), shi1_remark: fc.option(wstr, { nil: null }) });
  const outArb = fc.oneof(
    fc.array(fc.record({ shi0_netname: fc.option(wstr, { nil: null }) }), { maxLength: 6 }).map((b) => ({ level: 0 as const, b })),
    fc.array(share1, { maxLength: 6 }).map((b) => ({ level: 1 as const, b })),
  );

  it('round-trips [out] stubs (property)', () => {
    fc.assert(
      fc.property(outArb, fc.nat({ max: 0xffffffff }), fc.option(fc.nat({ max: 0xffffffff }), { nil: null }), fc.boolean(), ({ level, b }, total, resume, nullBuf) => {
        const value = { EntriesRead: nullBuf ? 0 : b.length, Buffer: nullBuf ? null : (b as Record<string, unknown>[]) };
        const out = { InfoStruct: { Level: level, ShareInfo: { tag: level, value } }, TotalEntries: total, ResumeHandle: resume, status: 0 };
        const stub = NetrShareEnum.encodeOut(out as never);
        expect(NetrShareEnum.decodeOut(stub)).toEqual(out);
        const r = decodeShareEnum(stub, level);
        expect(r.shares.length).toBe(nullBuf ? 0 : b.length);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips [in] stubs (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom<ShareEnumLevel>(0, 1), fc.option(wstr, { nil: null }), fc.nat({ max: 0xffffffff }), fc.option(fc.nat({ max: 0xffffffff }), { nil: null }), (level, server, pref, resume) => {
        const args = shareEnumArgs(level, { serverName: server, preferedMaximumLength: pref, resumeHandle: resume });
        expect(NetrShareEnum.decodeIn(NetrShareEnum.encodeIn(args))).toEqual(args);
      }),
      { numRuns: 200 },
    );
  });

  it('random, truncated and mutated stubs throw NetsendError only (fuzz)', () => {
    const check = (stub: Buffer, level: ShareEnumLevel): void => {
      try {
        decodeShareEnum(stub, level);
      } catch (e) {
        expect(e).toBeInstanceOf(NetsendError);
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom<ShareEnumLevel>(0, 1), (bytes, level) => check(Buffer.from(bytes), level)),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.nat({ max: REPLY_L1.length }), fc.nat({ max: REPLY_L1.length - 1 }), fc.nat({ max: 255 }), (cut, at, byte) => {
        check(REPLY_L1.subarray(0, cut), 1);
        const m = Buffer.from(REPLY_L1);
        m[at] = byte;
        check(m, 1);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Against Samba

const EXTRA_SHARES = 400;
const shareName = (i: number): string => `s${String(i).padStart(3, '0')}`;
/** ~70 characters: with 400 shares the level-1 reply is ~80 kB, about 19 fragments of 4280 bytes. */
const remarkOf = (i: number): string => `comment for share number ${i}, long enough to spread the reply out (x${i})`;

function expectAllShares(shares: { name: string; remark?: string | null; type?: number }[], level: ShareEnumLevel): void {
  const byName = new Map(shares.map((s) => [s.name, s]));
  expect(byName.size).toBe(shares.length);
  for (let i = 0; i < EXTRA_SHARES; i++) {
    const s = byName.get(shareName(i));
    expect(s, shareName(i)).toBeDefined();
    if (level === 1) expect(s).toEqual({ name: shareName(i), type: STYPE.DISKTREE, remark: remarkOf(i) });
  }
  expect(byName.has('share')).toBe(true);
  expect(byName.has('IPC$')).toBe(true);
  if (level === 1) expect(byName.get('IPC$')!.type).toBe((STYPE.IPC | STYPE.SPECIAL) >>> 0);
  expect(shares.length).toBe(EXTRA_SHARES + 2);
}

interface Measure {
  dialect: string;
  what: string;
  /** PDUs we sent for the call (request fragments). */
  sent: number;
  /** PDUs received for the call (response fragments, or the fault). */
  pdus: number;
  maxFrag: number;
  stub: number;
  bytes: number;
  transacts: number;
  writes: number;
  reads: number;
  overflows: number;
  ms: number;
}
const measures: Measure[] = [];

describe.runIf(interopEnabled())('DCE/RPC fragmentation against Samba (400 shares)', () => {
  let samba: SambaInstance;
  beforeAll(async () => {
    samba = await startSamba({ global: { 'raw NTLMv2 auth': 'yes', 'server signing': 'auto' } });
    // The harness writes only [share]: append the rest before the first connection. The on-demand
    // RPC server (samba-dcerpcd) is started by the first pipe open and loads this file then.
    const sections: string[] = [];
    for (let i = 0; i < EXTRA_SHARES; i++) sections.push(`[${shareName(i)}]\n  path = ${path.join(samba.dir, 'share')}\n  comment = ${remarkOf(i)}\n`);
    fs.appendFileSync(samba.confPath, sections.join(''));
  }, 60_000);
  afterAll(async () => {
    if (measures.length && process.env.NETSEND_FRAG_REPORT) console.log(measures.map((m) => JSON.stringify(m)).join('\n'));
    await samba?.stop();
  });

  const connect = (dialect: 'smb1' | 'auto', extra: { sign?: boolean; requireSigning?: boolean; requireEncryption?: boolean } = {}): Promise<SmbClient> =>
    connectSmb({ host: samba.host, dialect, ...extra, credentials: { user: samba.user.name, password: samba.user.password, domain: samba.workgroup }, timeoutMs: 10_000 });

  async function openRpc(smb: SmbClient, pipe: string, cap?: number): Promise<{ rpc: RpcClient; rec: RecordingTransport }> {
    const rec = new RecordingTransport(await smb.openPipe(pipe), cap);
    return { rpc: new RpcClient(rec), rec };
  }

  function measure(dialect: string, what: string, rec: RecordingTransport, stub: number, t0: number): Measure {
    const pdus = rec.received();
    const m: Measure = {
      dialect, what, sent: rec.sent().length, pdus: pdus.length, maxFrag: Math.max(...pdus.map((p) => p.fragLength)), stub, bytes: rec.receivedBytes,
      transacts: rec.transacts, writes: rec.writes, reads: rec.reads, overflows: rec.overflows, ms: Math.round(performance.now() - t0),
    };
    measures.push(m);
    return m;
  }

  for (const [name, dialect] of [['SMB1', 'smb1'], ['SMB2/3', 'auto']] as const) {
    it(`${name}: NetrShareEnum level 1 and 0, MAX_PREFERRED_LENGTH: a many-fragment reply, continuation reads`, async () => {
      const smb = await connect(dialect);
      try {
        if (dialect === 'smb1') expect(smb.info.dialect).toBe('NT LM 0.12');
        else expect(smb.info.dialect).not.toBe('NT LM 0.12');
        const { rpc, rec } = await openRpc(smb, 'srvsvc');
        const b = await rpc.bind(SRVSVC);
        expect(b.maxXmitFrag).toBe(NP_MAX_FRAG);
        expect(b.maxRecvFrag).toBe(NP_MAX_FRAG);
        expect(b.secAddr.toLowerCase()).toContain('srvsvc');

        for (const level of [1, 0] as const) {
          rec.reset();
          const t0 = performance.now();
          const stub = await rpc.call(15, encodeShareEnum(level, { serverName: samba.host }));
          const m = measure(`${name} ${smb.info.dialect}`, `NetrShareEnum level ${level}, frag ${NP_MAX_FRAG}`, rec, stub.length, t0);
          const r = decodeShareEnum(stub, level);
          expect(r.status).toBe(0);
          expect(r.totalEntries).toBe(r.shares.length);
          // Our encoder rebuilds Samba's 78 kB reply byte for byte but for the referent ids (Samba's
          // start at 0x0002000c): same deferral order (every element's strings after the whole
          // array), alignment and padding.
          expectSameExceptReferentIds(NetrShareEnum.encodeOut(NetrShareEnum.decodeOut(stub)), stub);
          expectAllShares(r.shares, level);
          expectTrain(rec.received(), NP_MAX_FRAG);
          if (level === 1) {
            expect(stub.length).toBeGreaterThan(3 * NP_MAX_FRAG);
            expect(m.pdus).toBeGreaterThan(3);
          }
          // Every fragment but the last is full (4256 stub bytes). Each fragment is its own pipe
          // message: the transact returns exactly the first (STATUS_SUCCESS, no overflow), then the
          // client reads once per further fragment because LAST_FRAG has not been seen yet.
          expect(m.pdus).toBe(Math.ceil(stub.length / (NP_MAX_FRAG - 24)));
          expect([m.transacts, m.writes, m.reads, m.overflows]).toEqual([1, 0, m.pdus - 1, 0]);
        }

        // The same through the typed helper (invoke), and the binding still serves after that.
        const r1 = await netrShareEnum(rpc, 1);
        expect(r1.status).toBe(0);
        expectAllShares(r1.shares, 1);
        await rpc.close();
      } finally {
        await smb.close();
      }
    }, 60_000);

    it(`${name}: transact/read sizes capped at 1000 bytes: STATUS_BUFFER_OVERFLOW mid-fragment, continued by READ`, async () => {
      const smb = await connect(dialect);
      try {
        const { rpc, rec } = await openRpc(smb, 'srvsvc', 1000);
        await rpc.bind(SRVSVC);
        rec.reset();
        const t0 = performance.now();
        const stub = await rpc.call(15, encodeShareEnum(1));
        const m = measure(`${name} ${smb.info.dialect}`, 'NetrShareEnum level 1, frag 4280, pipe reads capped at 1000', rec, stub.length, t0);
        expectAllShares(decodeShareEnum(stub, 1).shares, 1);
        expectTrain(rec.received(), NP_MAX_FRAG);
        // Only the transact (TransactNmPipe / FSCTL_PIPE_TRANSCEIVE) reports STATUS_BUFFER_OVERFLOW;
        // Samba's READs return partial fragments with STATUS_SUCCESS. Each READ stops at the end of
        // the current fragment (message boundaries hold), so every fragment takes ceil(len/1000) ops.
        expect(m.overflows).toBe(1);
        const ops = rec.received().reduce((n, p) => n + Math.ceil(p.fragLength / 1000), 0);
        expect(m.transacts + m.reads).toBe(ops);
        await rpc.close();
      } finally {
        await smb.close();
      }
    }, 60_000);

    it(`${name}: Samba ignores PreferedMaximumLength (all entries, NERR_Success) but honours ResumeHandle`, async () => {
      const smb = await connect(dialect);
      try {
        const { rpc } = await openRpc(smb, 'srvsvc');
        await rpc.bind(SRVSVC);
        const small = await netrShareEnum(rpc, 1, { preferedMaximumLength: 4000 });
        expect(small).toMatchObject({ status: 0, totalEntries: EXTRA_SHARES + 2, resumeHandle: 0 });
        expectAllShares(small.shares, 1);
        const tail = await netrShareEnum(rpc, 0, { resumeHandle: 390 });
        const nul = await netrShareEnum(rpc, 0, { resumeHandle: null });
        // Entries from index 390 on; TotalEntries counts from there; the handle comes back as 0.
        expect(tail).toMatchObject({ status: 0, totalEntries: EXTRA_SHARES + 2 - 390, resumeHandle: 0 });
        expect(tail.shares.length).toBe(EXTRA_SHARES + 2 - 390);
        // A NULL ResumeHandle in, a NULL one out, everything listed.
        expect(nul).toMatchObject({ status: 0, totalEntries: EXTRA_SHARES + 2, resumeHandle: null });
        expectAllShares(nul.shares, 0);
        await rpc.close();
      } finally {
        await smb.close();
      }
    }, 60_000);

    it(`${name}: three pipes on one session at once: two multi-fragment replies and a multi-fragment request interleave`, async () => {
      const smb = await connect(dialect);
      try {
        const a = await openRpc(smb, 'srvsvc');
        const b = await openRpc(smb, 'srvsvc');
        const w = await openRpc(smb, 'wkssvc');
        await Promise.all([a.rpc.bind(SRVSVC), b.rpc.bind(SRVSVC, { maxXmitFrag: 2048, maxRecvFrag: 2048 }), w.rpc.bind(WKSSVC)]);
        const big = encodeMessageBufferSend('BOB', 'q'.repeat(20_000));
        for (let round = 0; round < 3; round++) {
          const [ra, rb, rw] = await Promise.all([
            netrShareEnum(a.rpc, 1),
            netrShareEnum(b.rpc, 1),
            w.rpc.call(12, big).then(
              () => null,
              (e: unknown) => e,
            ),
          ]);
          expectAllShares(ra.shares, 1);
          expectAllShares(rb.shares, 1);
          expect(rw).toMatchObject({ name: 'nca_s_op_rng_error' });
        }
        await Promise.all([a.rpc.close(), b.rpc.close(), w.rpc.close()]);
      } finally {
        await smb.close();
      }
    }, 60_000);

    // Offered max_xmit_frag = max_recv_frag = offer; Samba's bind_ack answers `ack` for both, then
    // sends the reply in fragments of at most `ack` bytes (2048 is its floor, 5840 its ceiling).
    for (const [offer, ack] of [[2048, 2048], [1024, 2048], [8192, 5840]] as const) {
      it(`${name}: bind offering ${offer}-byte fragments: Samba acks ${ack}, the same reply comes in ${ack}-byte fragments`, async () => {
        const smb = await connect(dialect);
        try {
          const { rpc, rec } = await openRpc(smb, 'srvsvc');
          const b = await rpc.bind(SRVSVC, { maxXmitFrag: offer, maxRecvFrag: offer });
          const bindAck = rec.rawReceived();
          // bind_ack max_xmit_frag, max_recv_frag (C706 §12.6.4.4).
          expect([bindAck.readUInt16LE(16), bindAck.readUInt16LE(18)]).toEqual([ack, ack]);
          expect(b.maxXmitFrag).toBe(Math.min(offer, ack));
          expect(b.maxRecvFrag).toBe(Math.max(offer, ack));
          rec.reset();
          const t0 = performance.now();
          const stub = await rpc.call(15, encodeShareEnum(1));
          const m = measure(`${name} ${smb.info.dialect}`, `NetrShareEnum level 1, offered ${offer}, acked ${ack}`, rec, stub.length, t0);
          expectAllShares(decodeShareEnum(stub, 1).shares, 1);
          const pdus = rec.received();
          expectTrain(pdus, ack);
          // All fragments but the last have one size, with a stub that is a multiple of 8.
          const full = pdus[0]!.fragLength;
          for (const p of pdus.slice(0, -1)) expect(p.fragLength).toBe(full);
          expect((full - 24) % 8).toBe(0);
          expect(m.pdus).toBe(Math.ceil(stub.length / (full - 24)));
          expect(m.pdus).toBeGreaterThan(Math.floor(stub.length / ack));
          // Requests from us go at our own min(offer, ack): a 40 kB one is fragmented accordingly.
          const big = encodeMessageBufferSend('BOB', 'z'.repeat(20_000));
          const w = await openRpc(smb, 'wkssvc');
          await w.rpc.bind(WKSSVC, { maxXmitFrag: offer, maxRecvFrag: offer });
          w.rec.reset();
          await expect(w.rpc.call(12, big)).rejects.toMatchObject({ name: 'nca_s_op_rng_error' });
          const sent = w.rec.sent();
          expectTrain(sent, Math.min(offer, ack));
          expect(sent.length).toBe(Math.ceil(big.length / (Math.floor((Math.min(offer, ack) - 24) / 8) * 8)));
          await w.rpc.close();
          await rpc.close();
        } finally {
          await smb.close();
        }
      }, 60_000);
    }

    it(`${name}: a 40 kB request (wkssvc opnum 12, 20000 characters) goes as many fragments; Samba reassembles and faults`, async () => {
      const smb = await connect(dialect);
      try {
        const { rpc, rec } = await openRpc(smb, 'wkssvc');
        await rpc.bind(WKSSVC);
        rec.reset();
        const stub = encodeMessageBufferSend('BOB', 'y'.repeat(20_000), { serverName: samba.host });
        const t0 = performance.now();
        const err = await rpc.call(12, stub).catch((e: unknown) => e);
        const m = measure(`${name} ${smb.info.dialect}`, `request ${stub.length} B stub, frag ${NP_MAX_FRAG}`, rec, 0, t0);
        expect(err).toBeInstanceOf(RpcFaultError);
        expect(err).toMatchObject({ layer: 'rpc-fault', name: 'nca_s_op_rng_error' });
        const sent = rec.sent();
        expectTrain(sent, NP_MAX_FRAG);
        expect(sent.length).toBe(Math.ceil(stub.length / (Math.floor((NP_MAX_FRAG - 24) / 8) * 8)));
        expect(sent.length).toBeGreaterThan(9);
        expect(m.writes).toBe(sent.length - 1);
        expect(m.transacts).toBe(1);
        expect(m.pdus).toBe(1); // the fault
        // Same request over a 2048-byte binding on a fresh pipe: more, smaller request fragments.
        const small = await openRpc(smb, 'wkssvc');
        await small.rpc.bind(WKSSVC, { maxXmitFrag: 2048, maxRecvFrag: 2048 });
        small.rec.reset();
        const t1 = performance.now();
        await expect(small.rpc.call(12, stub)).rejects.toMatchObject({ name: 'nca_s_op_rng_error' });
        const sent2 = small.rec.sent();
        expectTrain(sent2, 2048);
        expect(sent2.length).toBeGreaterThan(sent.length);
        measure(`${name} ${smb.info.dialect}`, `request ${stub.length} B stub, frag 2048`, small.rec, 0, t1);
        await small.rpc.close();
        await rpc.close();
      } finally {
        await smb.close();
      }
    }, 60_000);
  }

  // Signing checks every READ/IOCTL answer, STATUS_BUFFER_OVERFLOW ones included; encryption
  // seals each of them. Reads capped at 1000 bytes to get the overflow answer too.
  for (const [label, dialect, extra] of [
    ['SMB1 signed', 'smb1', { sign: true, requireSigning: true }],
    ['SMB2/3 signed', 'auto', { requireSigning: true }],
    ['SMB3 encrypted', 'auto', { requireEncryption: true }],
  ] as const) {
    it(`${label}: the 19-fragment reply, also with capped reads`, async () => {
      const smb = await connect(dialect, extra);
      try {
        if ('requireEncryption' in extra) expect(smb.info.encryption).toBe(true);
        else expect(smb.info.signing).toBe(true);
        for (const cap of [undefined, 1000]) {
          const { rpc, rec } = await openRpc(smb, 'srvsvc', cap);
          await rpc.bind(SRVSVC);
          rec.reset();
          const t0 = performance.now();
          const stub = await rpc.call(15, encodeShareEnum(1));
          const m = measure(`${label} ${smb.info.dialect}`, `NetrShareEnum level 1, frag 4280${cap ? ', reads capped at 1000' : ''}`, rec, stub.length, t0);
          expectAllShares(decodeShareEnum(stub, 1).shares, 1);
          expect(m.pdus).toBe(19);
          expect(m.overflows).toBe(cap ? 1 : 0);
          await rpc.close();
        }
      } finally {
        await smb.close();
      }
    }, 60_000);
  }

  // Runs last (it changes the share count): a section appended while smbd and the on-demand RPC
  // server (samba-dcerpcd/rpcd_classic) are running is listed to the very next connection.
  it('Samba re-reads smb.conf for a new connection: a share appended mid-run is enumerated at once', async () => {
    fs.appendFileSync(samba.confPath, `[late]\n  path = ${path.join(samba.dir, 'share')}\n  comment = added while running\n`);
    const smb = await connect('auto');
    try {
      const { rpc } = await openRpc(smb, 'srvsvc');
      await rpc.bind(SRVSVC);
      const r = await netrShareEnum(rpc, 1);
      expect(r.shares.length).toBe(EXTRA_SHARES + 3);
      expect(r.shares).toContainEqual({ name: 'late', type: STYPE.DISKTREE, remark: 'added while running' });
      await rpc.close();
    } finally {
      await smb.close();
    }
  }, 60_000);
});

/**
 * SMB1 with a small negotiated buffer (`max xmit = 2048`): a 4280-byte fragment no longer fits one
 * TRANSACTION, so requests take Smb1Pipe.transact's WRITE_ANDX + READ_ANDX path and replies come
 * as several TRANSACTION response parts or several reads.
 */
describe.runIf(interopEnabled())('SMB1 with max xmit 2048: fragments larger than the SMB buffer', () => {
  let samba: SambaInstance;
  beforeAll(async () => {
    samba = await startSamba({ global: { 'raw NTLMv2 auth': 'yes', 'max xmit': '2048', 'server max protocol': 'NT1' } });
    const sections: string[] = [];
    for (let i = 0; i < EXTRA_SHARES; i++) sections.push(`[${shareName(i)}]\n  path = ${path.join(samba.dir, 'share')}\n  comment = ${remarkOf(i)}\n`);
    fs.appendFileSync(samba.confPath, sections.join(''));
  }, 60_000);
  afterAll(async () => {
    await samba?.stop();
  });

  it('binds, enumerates 400 shares, sends a 40 kB request', async () => {
    const smb = await connectSmb({ host: samba.host, dialect: 'smb1', credentials: { user: samba.user.name, password: samba.user.password, domain: samba.workgroup }, timeoutMs: 10_000 });
    try {
      const rec = new RecordingTransport(await smb.openPipe('srvsvc'));
      const rpc = new RpcClient(rec);
      await rpc.bind(SRVSVC);
      rec.reset();
      const stub = await rpc.call(15, encodeShareEnum(1));
      const r = decodeShareEnum(stub, 1);
      expect(r.status).toBe(0);
      expect(r.shares.length).toBe(EXTRA_SHARES + 2);
      // The server's buffer leaves under 2 kB per TRANSACTION; its replies are bounded by our own
      // MaxBufferSize, so each 4280-byte fragment still comes whole (one transact, then reads).
      const smb1 = smb as unknown as { maxTransactData: number };
      expect(smb1.maxTransactData).toBeLessThan(2048);
      expectAllShares(r.shares, 1);
      expect([rec.transacts, rec.reads, rec.received().length]).toEqual([1, 18, 19]);
      const w = new RecordingTransport(await smb.openPipe('wkssvc'));
      const wr = new RpcClient(w);
      await wr.bind(WKSSVC);
      w.reset();
      await expect(wr.call(12, encodeMessageBufferSend('BOB', 'y'.repeat(20_000)))).rejects.toMatchObject({ name: 'nca_s_op_rng_error' });
      // Each 4280-byte fragment exceeds one TRANSACTION: all ten go by WRITE_ANDX (the last through
      // Smb1Pipe.transact's write-then-read path), Samba reassembles them and faults.
      const sent = w.sent();
      expect(sent.length).toBe(10);
      expectTrain(sent, NP_MAX_FRAG);
      expect([w.transacts, w.writes]).toEqual([1, 9]);
      await wr.close();
      await rpc.close();
    } finally {
      await smb.close();
    }
  }, 60_000);
});
