import { afterEach, describe, expect, it } from 'vitest';
import { onlyNetsendErrors } from '../helpers/oracle.js';
import fc from 'fast-check';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AbortError, MalformedError, NetsendError, TimeoutError } from '../../src/status/error.js';
import { readCapture } from '../../src/pcap/reader.js';
import { netbiosName, type NetbiosName } from '../../src/transport/names.js';
import {
  decodeNbAddresses,
  decodeNodeStatusRdata,
  decodeNsPacket,
  encodeNameQuery,
  encodeNbAddresses,
  encodeNodeStatusRdata,
  encodeNodeStatusRequest,
  encodeNsPacket,
  messengerNamesFromStatus,
  NM_FLAG,
  NS_OPCODE,
  NS_TYPE,
  nodeStatus,
  queryName,
  startNameResponder,
  findMessengerName,
  registerName,
  releaseName,
  encodeNameRegistration,
  encodeNameRelease,
  type NsPacket,
  type NsResourceRecord,
} from '../../src/transport/nameservice.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Our own capture (dumpcap inside a test namespace) of nodeStatus / queryName against nmbd 4.17. */
const capture = readCapture(fs.readFileSync(path.join(here, 'fixtures', 'nbns-nmbd-4.17.pcap'))).packets.filter((p) => p.protocol === 'udp');

async function rejection(p: Promise<unknown>): Promise<NetsendError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NetsendError);
    return e as NetsendError;
  }
  throw new Error('expected a rejection');
}

describe('name service codec (RFC 1002 §4.2)', () => {
  it('our NBSTAT request is byte for byte the captured one (id aside)', () => {
    const req = capture[0]!.payload;
    const id = req.readUInt16BE(0);
    expect(encodeNodeStatusRequest(id)).toEqual(req);
    const p = decodeNsPacket(req);
    expect(p).toMatchObject({ id, response: false, opcode: 0, nmFlags: 0, rcode: 0 });
    expect(p.questions).toEqual([{ name: { name: '*', suffix: 0 }, type: NS_TYPE.NBSTAT, class: 1 }]);
  });

  it("decodes nmbd's NBSTAT response: 7 names, NSHOST<03> registered by nmbd itself", () => {
    const p = decodeNsPacket(capture[1]!.payload);
    expect(p).toMatchObject({ response: true, opcode: 0, nmFlags: NM_FLAG.AA, rcode: 0 });
    expect(p.answers).toHaveLength(1);
    const s = decodeNodeStatusRdata(p.answers[0]!.rdata);
    expect(s.names.map((n) => `${n.name}<${n.suffix.toString(16).padStart(2, '0')}>${n.group ? 'G' : ''}`)).toEqual([
      'NSHOST<00>',
      'NSHOST<03>',
      'NSHOST<20>',
      '\x01\x02__MSBROWSE__\x02<01>G',
      'NSLAB<00>G',
      'NSLAB<1d>',
      'NSLAB<1e>G',
    ]);
    expect(s.names[1]!.flags).toBe(0x6400);
    expect(s.names.every((n) => n.active)).toBe(true);
    expect(s.macAddress).toBe('00:00:00:00:00:00');
    expect(s.statistics.length).toBe(46);
    expect(messengerNamesFromStatus(s)).toEqual([{ name: 'NSHOST', suffix: 3 }]);
    // Re-encoding the record gives the captured bytes.
    expect(encodeNodeStatusRdata({ names: s.names, statistics: s.statistics })).toEqual(p.answers[0]!.rdata);
  });

  it('name query request, positive response (H-node flags 0x6000) and negative NAM_ERR response', () => {
    const req = capture[2]!.payload;
    expect(encodeNameQuery(req.readUInt16BE(0), netbiosName('NSHOST', 3), false)).toEqual(req);
    const pos = decodeNsPacket(capture[3]!.payload);
    expect(pos).toMatchObject({ response: true, nmFlags: NM_FLAG.AA | NM_FLAG.RD | NM_FLAG.RA, rcode: 0 });
    expect(pos.answers[0]).toMatchObject({ name: { name: 'NSHOST', suffix: 3 }, type: NS_TYPE.NB, ttl: 259142 }); // nmbd counts 3 days down
    expect(decodeNbAddresses(pos.answers[0]!.rdata)).toEqual([{ group: false, ownerType: 3, address: '10.213.7.1' }]);
    const neg = decodeNsPacket(capture[5]!.payload);
    expect(neg.rcode).toBe(3);
    expect(neg.answers[0]).toMatchObject({ name: { name: 'NOSUCH', suffix: 3 }, type: NS_TYPE.NULL, ttl: 0, rdata: Buffer.alloc(0) });
    // Every captured packet re-encodes to itself (nmbd does not compress names).
    for (const pkt of capture) expect(encodeNsPacket(decodeNsPacket(pkt.payload))).toEqual(pkt.payload);
  });

  it('broadcast queries set B and RD', () => {
    const p = decodeNsPacket(encodeNameQuery(0x1234, netbiosName('X', 0x20), true));
    expect(p.nmFlags).toBe(NM_FLAG.B | NM_FLAG.RD);
    expect(encodeNameQuery(0x1234, netbiosName('X', 0x20), true).readUInt16BE(2)).toBe(0x0110);
  });

  it('follows the usual C0 0C pointer in an answer', () => {
    const q = encodeNodeStatusRequest(7);
    const rd = encodeNodeStatusRdata({ names: [{ name: 'HOST', suffix: 3, flags: 0x0400 }] });
    const resp = Buffer.concat([q, Buffer.from([0xc0, 0x0c, 0x00, 0x21, 0x00, 0x01, 0, 0, 0, 0, rd.length >> 8, rd.length & 0xff]), rd]);
    resp.writeUInt16BE(0x8400, 2);
    resp.writeUInt16BE(1, 6); // ANCOUNT
    const p = decodeNsPacket(resp);
    expect(p.answers[0]!.name).toEqual({ name: '*', suffix: 0 });
    expect(decodeNodeStatusRdata(p.answers[0]!.rdata).names[0]).toMatchObject({ name: 'HOST', suffix: 3, active: true });
  });

  it('rejects counts that cannot fit, odd NB lengths and truncated NBSTAT records', () => {
    const q = encodeNodeStatusRequest(1);
    q.writeUInt16BE(0xffff, 6);
    expect(() => decodeNsPacket(q)).toThrow(MalformedError);
    expect(() => decodeNbAddresses(Buffer.alloc(7))).toThrow(MalformedError);
    expect(() => decodeNodeStatusRdata(Buffer.from([2, ...Buffer.alloc(20)]))).toThrow(MalformedError);
  });

  const nameArb: fc.Arbitrary<NetbiosName> = fc
    .tuple(fc.stringMatching(/^[A-Z0-9_-]{1,15}$/), fc.integer({ min: 0, max: 255 }), fc.option(fc.constantFrom('a', 'corp.example'), { nil: undefined }))
    .map(([n, s, scope]) => netbiosName(n, s, scope));
  const rrArb: fc.Arbitrary<NsResourceRecord> = fc.record({
    name: nameArb,
    type: fc.integer({ min: 0, max: 0xffff }),
    class: fc.integer({ min: 0, max: 0xffff }),
    ttl: fc.nat(),
    rdata: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  });
  const packetArb: fc.Arbitrary<NsPacket> = fc.record({
    id: fc.integer({ min: 0, max: 0xffff }),
    response: fc.boolean(),
    opcode: fc.integer({ min: 0, max: 15 }),
    nmFlags: fc.subarray([NM_FLAG.AA, NM_FLAG.TC, NM_FLAG.RD, NM_FLAG.RA, NM_FLAG.B]).map((a) => a.reduce((x, y) => x | y, 0)),
    rcode: fc.integer({ min: 0, max: 15 }),
    questions: fc.array(fc.record({ name: nameArb, type: fc.constantFrom(0x20, 0x21), class: fc.constant(1) }), { maxLength: 3 }),
    answers: fc.array(rrArb, { maxLength: 3 }),
    authority: fc.array(rrArb, { maxLength: 2 }),
    additional: fc.array(rrArb, { maxLength: 2 }),
  });

  it('round-trips packets, NB address lists and NBSTAT records (property)', () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        expect(decodeNsPacket(encodeNsPacket(p))).toEqual(p);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ group: fc.boolean(), ownerType: fc.integer({ min: 0, max: 3 }), address: fc.ipV4() }), { maxLength: 10 }), (e) => {
        expect(decodeNbAddresses(encodeNbAddresses(e))).toEqual(e);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ n: nameArb, flags: fc.integer({ min: 0, max: 0xffff }) }), { maxLength: 20 }), fc.uint8Array({ minLength: 6, maxLength: 46 }), (names, stats) => {
        const rec = { names: names.map(({ n, flags }) => ({ name: n.name, suffix: n.suffix, flags })), statistics: Buffer.from(stats) };
        const d = decodeNodeStatusRdata(encodeNodeStatusRdata(rec));
        expect(d.names.map((x) => ({ name: x.name, suffix: x.suffix, flags: x.flags }))).toEqual(rec.names);
        expect(d.statistics).toEqual(rec.statistics);
      }),
    );
  });

  it('random, truncated or mutated packets only throw NetsendError (fuzz)', () => {
    const only = onlyNetsendErrors;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (a) => {
        const b = Buffer.from(a);
        only(() => decodeNsPacket(b));
        only(() => decodeNodeStatusRdata(b));
        only(() => decodeNbAddresses(b));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...capture.map((p) => p.payload)), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (pkt, at, v, cut) => {
        const m = Buffer.from(pkt);
        m[at % m.length] = v;
        only(() => decodeNsPacket(m));
        expect(() => decodeNsPacket(pkt.subarray(0, cut % pkt.length))).toThrow(NetsendError);
      }),
      { numRuns: 1000 },
    );
  });

  it('orders messenger names: the computer name first, aliases after, groups and conflicts skipped', () => {
    const names = [
      { name: 'ALICE', suffix: 3, group: false, flags: 0x0400, active: true },
      { name: 'PC1', suffix: 0, group: false, flags: 0x0400, active: true },
      { name: 'WG', suffix: 0, group: true, flags: 0x8400, active: true },
      { name: 'WG', suffix: 3, group: true, flags: 0x8400, active: true },
      { name: 'OLD', suffix: 3, group: false, flags: 0x0c00, active: true },
      { name: 'PC1', suffix: 3, group: false, flags: 0x0400, active: true },
      { name: 'BOB', suffix: 3, group: false, flags: 0x0400, active: true },
    ];
    expect(messengerNamesFromStatus({ names, statistics: Buffer.alloc(0) }).map((n) => n.name)).toEqual(['PC1', 'ALICE', 'BOB']);
  });
});

/** A scripted UDP responder on loopback for behaviour nmbd will not show (wrong ids, WACK, silence). */
async function responder(onRequest: (req: NsPacket, reply: (b: Buffer) => void, from: dgram.RemoteInfo) => void) {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    try {
      onRequest(decodeNsPacket(msg), (b) => sock.send(b, rinfo.port, rinfo.address), rinfo);
    } catch {
      /* ignore */
    }
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

function answer(req: NsPacket, over: Partial<NsPacket>): Buffer {
  return encodeNsPacket({ ...req, response: true, nmFlags: NM_FLAG.AA, questions: [], answers: [], authority: [], additional: [], ...over });
}

describe('name service client on loopback (scripted responder)', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    while (open.length) await open.pop()!.close();
  });

  it('ignores replies with another id, retransmits with the same id, and maps NAM_ERR', async () => {
    const ids: number[] = [];
    const r = await responder((req, reply) => {
      ids.push(req.id);
      if (ids.length === 1) return; // drop the first: the client must retransmit
      reply(answer({ ...req, id: (req.id + 1) & 0xffff }, { rcode: 0, answers: [{ name: req.questions[0]!.name, type: 0x20, class: 1, ttl: 0, rdata: encodeNbAddresses([{ group: false, ownerType: 0, address: '6.6.6.6' }]) }] }));
      reply(answer(req, { rcode: 3 }));
    });
    open.push(r);
    const e = await rejection(queryName('ghost', 0x20, { server: '127.0.0.1', port: r.port, timeoutMs: 3000, retries: 5 }));
    expect(e).toMatchObject({ layer: 'netbios', code: 3, name: 'NAM_ERR' });
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids).size).toBe(1);
  });

  it('returns the addresses of a positive answer for the queried name only', async () => {
    const r = await responder((req, reply) => {
      const rd = encodeNbAddresses([
        { group: false, ownerType: 1, address: '10.0.0.5' },
        { group: false, ownerType: 1, address: '10.0.1.5' },
      ]);
      reply(answer(req, { answers: [{ name: netbiosName('OTHER', 0x20), type: 0x20, class: 1, ttl: 60, rdata: Buffer.alloc(6) }, { name: req.questions[0]!.name, type: 0x20, class: 1, ttl: 60, rdata: rd }] }));
    });
    open.push(r);
    expect(await queryName('srv<20>', undefined, { server: '127.0.0.1', port: r.port, timeoutMs: 3000 })).toEqual(['10.0.0.5', '10.0.1.5']);
  });

  it('a WACK stops retransmission; silence ends in TimeoutError; abort ends in AbortError', async () => {
    let count = 0;
    const r = await responder((req, reply) => {
      count++;
      reply(answer(req, { opcode: NS_OPCODE.WACK }));
    });
    open.push(r);
    expect(await rejection(nodeStatus('127.0.0.1', { port: r.port, timeoutMs: 400, retries: 3 }))).toBeInstanceOf(TimeoutError);
    expect(count).toBe(1);
    const silent = await responder(() => undefined);
    open.push(silent);
    const ac = new AbortController();
    const p = nodeStatus('127.0.0.1', { port: silent.port, timeoutMs: 60_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await rejection(p)).toBeInstanceOf(AbortError);
  });

  it('drops answers from another source port and undecodable datagrams', async () => {
    const other = dgram.createSocket('udp4');
    await new Promise<void>((r) => other.bind(0, '127.0.0.1', () => r()));
    open.push({ close: () => new Promise<void>((res) => other.close(() => res())) });
    const r = await responder((req, reply, from) => {
      reply(Buffer.from('garbage'));
      const rd = encodeNodeStatusRdata({ names: [{ name: 'EVIL', suffix: 3, flags: 0x400 }] });
      other.send(answer(req, { answers: [{ name: req.questions[0]!.name, type: 0x21, class: 1, ttl: 0, rdata: rd }] }), from.port, from.address);
    });
    open.push(r);
    expect(await rejection(nodeStatus('127.0.0.1', { port: r.port, timeoutMs: 500, retries: 1 }))).toBeInstanceOf(TimeoutError);
  });

  it('a malformed NBSTAT record from the right source is an error', async () => {
    const r = await responder((req, reply) => {
      reply(answer(req, { answers: [{ name: req.questions[0]!.name, type: 0x21, class: 1, ttl: 0, rdata: Buffer.from([5, 1, 2]) }] }));
    });
    open.push(r);
    expect(await rejection(nodeStatus('127.0.0.1', { port: r.port, timeoutMs: 3000 }))).toBeInstanceOf(MalformedError);
  });

  it('startNameResponder answers our own nodeStatus / queryName / findMessengerName', async () => {
    const rsp = await startNameResponder({
      host: '127.0.0.1',
      port: 0,
      names: [{ name: 'RECV' }, { name: 'WG', group: true }, { name: 'ALIAS<03>' }, { name: 'recv', suffix: 3 }],
      addresses: ['127.0.0.1'],
      macAddress: '02:00:5e:10:20:30',
      negativeUnicast: true,
    });
    open.push(rsp);
    const opts = { port: rsp.port, timeoutMs: 3000 };
    const s = await nodeStatus('127.0.0.1', opts);
    expect(s.names.map((n) => [n.name, n.suffix, n.group, n.active])).toEqual([
      ['RECV', 0, false, true],
      ['WG', 0, true, true],
      ['ALIAS', 3, false, true],
      ['RECV', 3, false, true],
    ]);
    expect(s.macAddress).toBe('02:00:5e:10:20:30');
    expect(await findMessengerName('127.0.0.1', opts)).toEqual([
      { name: 'RECV', suffix: 3 },
      { name: 'ALIAS', suffix: 3 },
    ]);
    expect(await queryName('alias', 3, { server: '127.0.0.1', ...opts })).toEqual(['127.0.0.1']);
    expect(await rejection(queryName('nobody', 3, { server: '127.0.0.1', ...opts }))).toMatchObject({ layer: 'netbios', name: 'NAM_ERR' });
    // Garbage, responses and mutated requests never take the responder down: it still answers afterwards.
    const junk = dgram.createSocket('udp4');
    const valid = encodeNameQuery(1, netbiosName('RECV', 0), false);
    const samples = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)),
        fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, v]) => {
          const m = Buffer.from(valid);
          m[at % m.length] = v;
          return m;
        }),
      ),
      { numRuns: 300, seed: 42 },
    );
    for (const b of samples) await new Promise<void>((r) => junk.send(b, rsp.port, '127.0.0.1', () => r()));
    junk.close();
    expect(await queryName('RECV<00>', undefined, { server: '127.0.0.1', ...opts })).toEqual(['127.0.0.1']);
  });

  it('registration: WINS answer decides, END-NODE CHALLENGE refused, broadcast objection wins, demand follows silence', async () => {
    const seen: NsPacket[] = [];
    let mode: 'positive' | 'challenge' | 'object' | 'silent' = 'positive';
    const r = await responder((req, reply) => {
      seen.push(req);
      const rr = req.additional;
      if (mode === 'silent' || (req.nmFlags & NM_FLAG.RD) === 0) return;
      if (mode === 'positive') reply(answer(req, { opcode: req.opcode, nmFlags: NM_FLAG.AA | NM_FLAG.RD | NM_FLAG.RA, answers: rr.map((x) => ({ ...x, ttl: 600 })) }));
      if (mode === 'challenge') reply(answer(req, { opcode: req.opcode, nmFlags: NM_FLAG.RD, answers: rr }));
      if (mode === 'object') reply(answer(req, { opcode: req.opcode, rcode: 6, answers: rr }));
    });
    open.push(r);
    const base = { address: '127.0.0.1', port: r.port, timeoutMs: 2000 };
    expect(await registerName('me', 3, { server: '127.0.0.1', ...base })).toEqual({ ttl: 600 });
    const req = seen[0]!;
    expect(req).toMatchObject({ opcode: NS_OPCODE.REGISTRATION, nmFlags: NM_FLAG.RD });
    expect(req.questions[0]).toMatchObject({ name: { name: 'ME', suffix: 3 }, type: NS_TYPE.NB });
    expect(decodeNbAddresses(req.additional[0]!.rdata)).toEqual([{ group: false, ownerType: 0, address: '127.0.0.1' }]);
    mode = 'challenge';
    expect(await rejection(registerName('me', 3, { server: '127.0.0.1', ...base }))).toMatchObject({ layer: 'netbios', name: 'END_NODE_CHALLENGE' });
    // Broadcast claims go to 127.0.0.1 here: a loopback stand-in for the subnet broadcast address.
    mode = 'object';
    expect(await rejection(registerName('me', 3, { broadcast: '127.0.0.1', ...base, timeoutMs: 500 }))).toMatchObject({ layer: 'netbios', code: 6, name: 'ACT_ERR' });
    mode = 'silent';
    seen.length = 0;
    expect(await registerName('me', 3, { broadcast: '127.0.0.1', ...base, timeoutMs: 300 })).toEqual({ ttl: 259200 });
    // The overwrite demand (B set, RD clear) follows the claims (B and RD set).
    while (!seen.some((p) => p.nmFlags === NM_FLAG.B)) await new Promise((res) => setTimeout(res, 10));
    expect(seen.map((p) => p.nmFlags === NM_FLAG.B)).toEqual([...seen.slice(0, -1).map(() => false), true]);
    expect(seen.slice(0, -1).every((p) => p.nmFlags === (NM_FLAG.B | NM_FLAG.RD))).toBe(true);
    seen.length = 0;
    await releaseName('me', 3, { broadcast: '127.0.0.1', ...base });
    while (seen.length === 0) await new Promise((res) => setTimeout(res, 10));
    expect(seen[0]).toMatchObject({ opcode: NS_OPCODE.RELEASE, nmFlags: NM_FLAG.B });
    expect(seen[0]!.additional[0]!.ttl).toBe(0);
  });

  it('registration and release packets round-trip through the codec', () => {
    const name = netbiosName('HOST', 0x20);
    const reg = decodeNsPacket(encodeNameRegistration({ id: 9, name, address: '10.1.2.3', group: true, ownerType: 3, ttl: 77, broadcast: true }));
    expect(reg).toMatchObject({ id: 9, opcode: NS_OPCODE.REGISTRATION, nmFlags: NM_FLAG.B | NM_FLAG.RD });
    expect(reg.additional[0]).toMatchObject({ name, type: NS_TYPE.NB, ttl: 77 });
    expect(decodeNbAddresses(reg.additional[0]!.rdata)).toEqual([{ group: true, ownerType: 3, address: '10.1.2.3' }]);
    const rel = decodeNsPacket(encodeNameRelease({ id: 10, name, address: '10.1.2.3' }));
    expect(rel).toMatchObject({ opcode: NS_OPCODE.RELEASE, nmFlags: 0 });
  });

  it('refuses bad arguments with usage errors', async () => {
    expect((await rejection(nodeStatus('not-an-ip'))).layer).toBe('usage');
    expect((await rejection(queryName('X', 0, {}))).layer).toBe('usage');
    expect((await rejection(queryName('X', 0, { server: '1.2.3.4', broadcast: '1.2.3.255' }))).layer).toBe('usage');
    expect((await rejection(queryName('A'.repeat(16), 0, { server: '127.0.0.1' }))).layer).toBe('usage');
  });
});
