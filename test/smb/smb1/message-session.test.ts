/**
 * The message-command API of src/smb: MessageCommandSession (client) against a receiver that answers
 * through decodeMessageServerRequest (server), over Direct TCP on loopback. Samba as the peer is
 * covered by test/messenger/interop-samba.test.ts (sendMessage runs on this API).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageCommandSession, decodeMessageServerRequest, type FinalRequestState, type MessagePipelining, type PipelineRecovery } from '../../../src/smb/index.js';
import { connectSmbTransport } from '../../../src/transport/nbss.js';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../../src/messenger/receiver.js';
import { Deadline } from '../../../src/util/deadline.js';
import { encodeMessageRequest } from '../../../src/smb/smb1/message-commands.js';
import { decodeSmb1Message, encodeSmb1Message, emptyHeader, SMB1Flags, SMB1Flags2 } from '../../../src/smb/smb1/header.js';
import { MalformedError, NT } from '../../../src/status/index.js';

describe('MessageCommandSession against the receiver', () => {
  let receiver: Receiver;
  const got: ReceivedMessage[] = [];
  beforeAll(async () => {
    receiver = await startReceiver({ port: 0, transport: 'direct', names: ['BOB'], onMessage: (m) => got.push(m) });
  });
  afterAll(async () => receiver.close());

  async function session(pipelining: MessagePipelining = 'off'): Promise<{ s: MessageCommandSession; progress: { trips: number; blocks: number; final: FinalRequestState[]; recovery: PipelineRecovery[] }; close: () => void }> {
    const deadline = new Deadline(5_000);
    const stream = await connectSmbTransport({ host: '127.0.0.1', port: receiver.port, ...deadline.waitOptions() });
    const progress = { trips: 0, blocks: 0, final: [] as FinalRequestState[], recovery: [] as PipelineRecovery[] };
    const s = new MessageCommandSession(stream, {
      wait: (step) => deadline.waitOptions(step),
      pipelining,
      onRecovery: (how) => progress.recovery.push(how),
      onRoundTrip: () => progress.trips++,
      onBlock: () => progress.blocks++,
      onFinal: (st) => progress.final.push(st),
    });
    return { s, progress, close: () => stream.close() };
  }

  it('NEGOTIATE then 0xD0: one round trip each, the final request written then answered', async () => {
    const { s, progress, close } = await session();
    await s.negotiate();
    await s.send({ from: Buffer.from('ALICE'), to: Buffer.from('BOB'), mode: 'single', blocks: [Buffer.from('hi')] });
    close();
    expect(progress).toEqual({ trips: 2, blocks: 1, final: ['writing', 'written'], recovery: [] });
    expect(got.at(-1)).toMatchObject({ from: 'ALICE', to: 'BOB', text: 'hi', kind: 'single' });
  });

  it('0xD5 / 0xD7 x3 / 0xD6: a round trip per request, a block per 0xD7', async () => {
    const { s, progress, close } = await session();
    await s.send({ from: Buffer.from('ALICE'), to: Buffer.from('BOB'), mode: 'multi', blocks: [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')] });
    close();
    expect(progress).toEqual({ trips: 5, blocks: 3, final: ['writing', 'written'], recovery: [] });
    expect(got.at(-1)).toMatchObject({ text: 'abc', kind: 'multi' });
  });

  it("'after-start': 0xD5 alone, then the three 0xD7 and the 0xD6 as one batch: 2 round trips", async () => {
    const { s, progress, close } = await session('after-start');
    await s.send({ from: Buffer.from('ALICE'), to: Buffer.from('BOB'), mode: 'multi', blocks: [Buffer.from('d'), Buffer.from('e'), Buffer.from('f')] });
    close();
    expect(progress).toEqual({ trips: 2, blocks: 3, final: ['writing', 'written'], recovery: [] });
    expect(got.at(-1)).toMatchObject({ text: 'def', kind: 'multi' });
  });

  it("'full' against group ids from 1: the id-0 blocks and 0xD6 are refused, then sent again under the group id", async () => {
    const { s, progress, close } = await session('full');
    const n = got.length;
    await s.send({ from: Buffer.from('ALICE'), to: Buffer.from('BOB'), mode: 'multi', blocks: [Buffer.from('g'), Buffer.from('h')] });
    close();
    // The refused 0xD6 (group 0) is the first 'refused'; the second one under the right id is answered.
    expect(progress).toEqual({ trips: 2, blocks: 2, final: ['writing', 'written', 'refused', 'writing', 'written'], recovery: ['group-resend'] });
    expect(got.slice(n).map((m) => m.text)).toEqual(['gh']);
  });

  it('a refusal of the final request is a typed error and the final state says refused', async () => {
    const { s, progress, close } = await session();
    const e = await s.send({ from: Buffer.from('ALICE'), to: Buffer.from('NOBODY'), mode: 'single', blocks: [Buffer.from('x')] }).catch((x: unknown) => x);
    close();
    // No NEGOTIATE, so the request asked for DOS errors: ERRSRV/ERRmsgoff.
    expect(e).toMatchObject({ layer: 'dos', code: (2 << 16) | 82 });
    expect((e as Error).message).toContain('SMB 0xD0');
    expect(progress.final).toEqual(['writing', 'written', 'refused']);
  });
});

describe('decodeMessageServerRequest', () => {
  it('a message command becomes an event whose replies echo the request in the form it asked for', () => {
    const req = encodeMessageRequest({ command: 0xd5, from: Buffer.from('A'), to: Buffer.from('B') }, { mid: 7, flags2: SMB1Flags2.NT_STATUS });
    const ev = decodeMessageServerRequest(req);
    expect(ev.kind).toBe('message');
    if (ev.kind !== 'message') return;
    expect(ev.request).toMatchObject({ command: 0xd5 });
    const ok = decodeSmb1Message(ev.accept(9));
    expect(ok.header).toMatchObject({ command: 0xd5, mid: 7, status: 0 });
    expect(ok.body.words.readUInt16LE(0)).toBe(9);
    expect(decodeSmb1Message(ev.refuse('rate-limited')).header.status >>> 0).toBe(NT.STATUS_REQUEST_NOT_ACCEPTED);
    expect(decodeSmb1Message(ev.refuse('no-room')).header.status >>> 0).toBe(((83 << 16) | 2) >>> 0);
  });

  it('NEGOTIATE is answered here; other commands are refused as not supported; garbage is dropped', () => {
    const other = encodeSmb1Message({ ...emptyHeader(0x2b), flags2: SMB1Flags2.NT_STATUS }, Buffer.alloc(0), Buffer.alloc(0));
    const ev = decodeMessageServerRequest(other);
    expect(ev.kind).toBe('reply');
    if (ev.kind === 'reply') expect(decodeSmb1Message(ev.reply).header.status >>> 0).toBe(NT.STATUS_NOT_SUPPORTED);
    const drop = decodeMessageServerRequest(Buffer.from('not smb'));
    expect(drop.kind).toBe('drop');
    if (drop.kind === 'drop') expect(drop.error).toBeInstanceOf(MalformedError);
    const reply = encodeSmb1Message({ ...emptyHeader(0xd0), flags: SMB1Flags.REPLY }, Buffer.alloc(0), Buffer.alloc(0));
    expect(decodeMessageServerRequest(reply).kind).toBe('drop');
  });

  it('a malformed message command gets invalid-parameter and its parse error', () => {
    const bad = encodeSmb1Message(emptyHeader(0xd0), Buffer.alloc(0), Buffer.from([9, 9]));
    const ev = decodeMessageServerRequest(bad);
    expect(ev.kind).toBe('reply');
    if (ev.kind === 'reply') {
      expect(ev.error).toBeInstanceOf(MalformedError);
      expect(decodeSmb1Message(ev.reply).header.status >>> 0).toBe(((87 << 16) | 1) >>> 0);
    }
  });
});
