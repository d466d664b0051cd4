/**
 * RpcClient against an in-test fake message-mode pipe. The real pipe comes from the SMB layer;
 * end-to-end tests over Samba belong to the integration suite.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RpcClient, RpcFaultError, type RpcTransport } from '../../src/rpc/client.js';
import { decodePdu, encodePdu, PFC, type Pdu } from '../../src/rpc/pdu.js';
import { NDR20 } from '../../src/rpc/uuid.js';
import { decodeWkstaGetInfo, NetrWkstaGetInfo, WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import { MSGSVCSEND } from '../../src/rpc/interfaces/msgsvcsend.js';
import { AbortError, NetsendError, TimeoutError } from '../../src/status/error.js';
import type { WaitOptions } from '../../src/util/abort.js';
import { bindNakReason } from '../../src/status/index.js';
import { CAP_GETINFO, CAP_MBS, hex, SAMBA_BIND_NAK } from './fixtures.js';

type Handler = (p: Pdu, raw: Buffer) => Buffer[] | 'hang';

/** A message-mode pipe: each server reply is one message; reads return at most `chunk` bytes. */
class FakePipe implements RpcTransport {
  received: Pdu[] = [];
  rawReceived: Buffer[] = [];
  ops: string[] = [];
  private out: Buffer[] = [];
  private hang = false;
  constructor(
    private readonly handler: Handler,
    private readonly chunk = 1 << 20,
  ) {}

  private take(max: number, opts?: WaitOptions): Promise<{ data: Buffer; more: boolean }> {
    if (this.hang || this.out.length === 0) {
      // Never answers; only the caller's timeout or signal ends this.
      return new Promise((_, reject) => opts?.signal?.addEventListener('abort', () => reject(new AbortError('fake read'))));
    }
    const head = this.out[0]!;
    const n = Math.min(max, this.chunk, head.length);
    const data = head.subarray(0, n);
    if (n === head.length) this.out.shift();
    else this.out[0] = head.subarray(n);
    return Promise.resolve({ data, more: n < head.length });
  }

  private deliver(data: Buffer): void {
    this.rawReceived.push(data);
    const p = decodePdu(data);
    this.received.push(p);
    const r = this.handler(p, data);
    if (r === 'hang') this.hang = true;
    else this.out.push(...r);
  }

  async transact(request: Buffer, maxResponse: number, opts?: WaitOptions) {
    this.ops.push('transact');
    this.deliver(request);
    return this.take(maxResponse, opts);
  }
  async write(data: Buffer) {
    this.ops.push('write');
    this.deliver(data);
  }
  async read(maxBytes: number, opts?: WaitOptions) {
    this.ops.push('read');
    return this.take(maxBytes, opts);
  }
  async close() {
    this.ops.push('close');
  }
}

function ack(callId: number, results = [{ result: 0, reason: 0, transferSyntax: NDR20 }], type: 'bind_ack' | 'alter_context_resp' = 'bind_ack'): Buffer {
  return encodePdu({ type, callId, maxXmitFrag: 4280, maxRecvFrag: 4280, assocGroupId: 0x1234, secAddr: '\\PIPE\\wkssvc', results });
}

/** Answers binds with acceptance and reassembles requests; `reply(stub, req)` gives response PDUs. */
function server(reply: (stub: Buffer, req: Extract<Pdu, { type: 'request' }>) => Buffer[] | 'hang'): Handler {
  let pending: Buffer[] = [];
  return (p) => {
    if (p.type === 'bind') return [ack(p.callId)];
    if (p.type === 'alter_context') return [ack(p.callId, undefined, 'alter_context_resp')];
    if (p.type !== 'request') throw new Error(`unexpected ${p.type}`);
    pending.push(p.stub);
    if (!((p.flags ?? 0) & PFC.LAST_FRAG)) return [];
    const stub = Buffer.concat(pending);
    pending = [];
    return reply(stub, p);
  };
}

function responses(callId: number, stub: Buffer, fragStub: number, contextId = 0): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < stub.length || at === 0; at += fragStub) {
    const piece = stub.subarray(at, at + fragStub);
    let flags = 0;
    if (at === 0) flags |= PFC.FIRST_FRAG;
    if (at + fragStub >= stub.length) flags |= PFC.LAST_FRAG;
    out.push(encodePdu({ type: 'response', flags, callId, allocHint: stub.length - at, contextId, cancelCount: 0, stub: piece }));
    if (stub.length === 0) break;
  }
  return out;
}

function withCallId(pduHex: string, callId: number): Buffer {
  const b = hex(pduHex);
  b.writeUInt32LE(callId, 12);
  return b;
}

describe('RpcClient bind', () => {
  it('sends rpcclient\'s exact bind and negotiates 4280/4280', async () => {
    const pipe = new FakePipe(() => [hex(CAP_MBS.bindAck)]);
    const c = new RpcClient(pipe);
    const r = await c.bind(WKSSVC);
    expect(pipe.rawReceived[0]!.toString('hex')).toBe(CAP_MBS.bind);
    expect(r).toEqual({ contextId: 0, maxXmitFrag: 4280, maxRecvFrag: 4280, assocGroupId: 0xb85f, secAddr: '\\pipe\\wkssvc' });
    expect(pipe.ops).toEqual(['transact']);
  });

  it('takes the smaller of our xmit and the server\'s recv size', async () => {
    const pipe = new FakePipe((p) => [
      encodePdu({ type: 'bind_ack', callId: p.callId, maxXmitFrag: 2048, maxRecvFrag: 2048, assocGroupId: 1, secAddr: '', results: [{ result: 0, reason: 0, transferSyntax: NDR20 }] }),
    ]);
    const r = await new RpcClient(pipe).bind(WKSSVC);
    expect(r.maxXmitFrag).toBe(2048);
    expect(r.maxRecvFrag).toBe(4280);
  });

  it('provider rejection -> rpc-bind abstract_syntax_not_supported', async () => {
    const pipe = new FakePipe((p) => [ack(p.callId, [{ result: 2, reason: 1, transferSyntax: { uuid: '00000000-0000-0000-0000-000000000000', major: 0, minor: 0 } }])]);
    const e = await new RpcClient(pipe).bind(MSGSVCSEND).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetsendError);
    expect(e).toMatchObject({ layer: 'rpc-bind', code: 1, name: 'abstract_syntax_not_supported' });
    expect((e as Error).message).toMatch(/provider_rejection/);
  });

  it('after a rejected context the association stands: the next bind is an alter_context', async () => {
    const pipe = new FakePipe((p) => {
      if (p.type === 'bind') return [ack(p.callId, [{ result: 2, reason: 1, transferSyntax: NDR20 }])];
      if (p.type === 'alter_context') return [ack(p.callId, undefined, 'alter_context_resp')];
      throw new Error(p.type);
    });
    const c = new RpcClient(pipe);
    await expect(c.bind(MSGSVCSEND)).rejects.toMatchObject({ layer: 'rpc-bind' });
    await expect(c.bind(WKSSVC)).resolves.toMatchObject({ contextId: 1 });
    expect(pipe.received.map((p) => p.type)).toEqual(['bind', 'alter_context']);
  });

  it('bind_nak (Samba\'s real bytes) -> rpc-bind-nak with the reason', async () => {
    const pipe = new FakePipe(() => [hex(SAMBA_BIND_NAK.minorVersion2)]);
    await expect(new RpcClient(pipe).bind(WKSSVC)).rejects.toMatchObject({ layer: 'rpc-bind-nak', code: 4, name: bindNakReason(4).name });
  });

  it('offers bind-time feature negotiation and reports the acknowledged bits', async () => {
    const pipe = new FakePipe((p) => {
      if (p.type !== 'bind') throw new Error();
      expect(p.contexts[1]!.transferSyntaxes[0]!.uuid).toBe('6cb71c2c-9812-4540-0300-000000000000');
      return [ack(p.callId, [{ result: 0, reason: 0, transferSyntax: NDR20 }, { result: 3, reason: 2, transferSyntax: { uuid: '00000000-0000-0000-0000-000000000000', major: 0, minor: 0 } }])];
    });
    const r = await new RpcClient(pipe).bind(WKSSVC, { featureNegotiation: 3 });
    expect(r.features).toBe(2);
  });

  it('a second interface goes by alter_context with a new context id', async () => {
    const pipe = new FakePipe(server((_stub, req) => responses(req.callId, Buffer.from([req.contextId, 0, 0, 0]), 100, req.contextId)));
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    const r2 = await c.bind(MSGSVCSEND);
    expect(pipe.received[1]!.type).toBe('alter_context');
    expect(r2.contextId).toBe(1);
    expect(await c.call(0, Buffer.alloc(0))).toEqual(Buffer.from([1, 0, 0, 0]));
    expect(await c.call(0, Buffer.alloc(0), { contextId: 0 })).toEqual(Buffer.from([0, 0, 0, 0]));
  });
});

describe('RpcClient calls', () => {
  it('a single-fragment request is one transact; a fault maps to nca_s_op_rng_error', async () => {
    const pipe = new FakePipe(server((_s, req) => [withCallId(CAP_MBS.fault, req.callId)]));
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    const e = await c.call(12, Buffer.alloc(88)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RpcFaultError);
    expect(e).toMatchObject({ layer: 'rpc-fault', code: 0x1c010002, name: 'nca_s_op_rng_error', didNotExecute: false });
    expect(pipe.ops).toEqual(['transact', 'transact']);
    // Faults leave the binding usable.
    await expect(c.call(12, Buffer.alloc(8))).rejects.toBeInstanceOf(RpcFaultError);
  });

  it('notes PFC_DID_NOT_EXECUTE on a fault', async () => {
    const pipe = new FakePipe(
      server((_s, req) => [encodePdu({ type: 'fault', flags: 3 | PFC.DID_NOT_EXECUTE, callId: req.callId, allocHint: 0, contextId: 0, cancelCount: 0, faultFlags: 0, status: 0x1c010003, stub: Buffer.alloc(0) })]),
    );
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    await expect(c.call(1, Buffer.alloc(4))).rejects.toMatchObject({ name: 'nca_s_unk_if', didNotExecute: true, message: expect.stringMatching(/did not execute/) });
  });

  it('fragments a large request: writes then one transact, same call_id/ctx/opnum, alloc_hint counts down', async () => {
    let got: Buffer | undefined;
    const pipe = new FakePipe(
      server((stub, req) => {
        got = stub;
        return responses(req.callId, Buffer.from('00000000', 'hex'), 100);
      }),
    );
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    const stub = Buffer.from(Array.from({ length: 10000 }, (_, i) => i & 0xff));
    await c.call(12, stub);
    expect(got).toEqual(stub);
    const reqs = pipe.received.filter((p): p is Extract<Pdu, { type: 'request' }> => p.type === 'request');
    expect(reqs.length).toBe(3);
    expect(pipe.ops).toEqual(['transact', 'write', 'write', 'transact']);
    expect(reqs.map((r) => r.flags)).toEqual([PFC.FIRST_FRAG, 0, PFC.LAST_FRAG]);
    expect(new Set(reqs.map((r) => `${r.callId}/${r.contextId}/${r.opnum}`)).size).toBe(1);
    expect(reqs.map((r) => r.allocHint)).toEqual([10000, 10000 - reqs[0]!.stub.length, 10000 - reqs[0]!.stub.length - reqs[1]!.stub.length]);
    for (const raw of pipe.rawReceived) expect(raw.length).toBeLessThanOrEqual(4280);
    expect(reqs[0]!.stub.length % 8).toBe(0);
  });

  it('reassembles a response split across fragments and reads with more=true', async () => {
    const big = Buffer.from(Array.from({ length: 9000 }, (_, i) => (i * 7) & 0xff));
    const pipe = new FakePipe(
      server((_s, req) => responses(req.callId, big, 4256)),
      1000,
    );
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    expect(await c.call(5, Buffer.alloc(4))).toEqual(big);
    expect(pipe.ops.filter((o) => o === 'read').length).toBeGreaterThan(5);
  });

  it('several calls on one binding use increasing call ids', async () => {
    const pipe = new FakePipe(server((_s, req) => responses(req.callId, Buffer.alloc(4), 100)));
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    await Promise.all([c.call(0, Buffer.alloc(4)), c.call(0, Buffer.alloc(4)), c.call(0, Buffer.alloc(4))]);
    expect(pipe.received.map((p) => p.callId)).toEqual([1, 2, 3, 4]);
  });

  it('a fault after the first response fragment wins', async () => {
    const pipe = new FakePipe(
      server((_s, req) => [
        encodePdu({ type: 'response', flags: PFC.FIRST_FRAG, callId: req.callId, allocHint: 0, contextId: 0, cancelCount: 0, stub: Buffer.alloc(16) }),
        withCallId(CAP_MBS.fault, req.callId),
      ]),
    );
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    await expect(c.call(0, Buffer.alloc(4))).rejects.toMatchObject({ name: 'nca_s_op_rng_error' });
  });

  it('a wrong call_id is a protocol error and poisons the connection', async () => {
    const pipe = new FakePipe(server((_s, req) => responses(req.callId + 7, Buffer.alloc(4), 100)));
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    await expect(c.call(0, Buffer.alloc(4))).rejects.toMatchObject({ layer: 'protocol', name: 'RPC_CALL_ID_MISMATCH' });
    await expect(c.call(0, Buffer.alloc(4))).rejects.toMatchObject({ name: 'RPC_CONNECTION_BROKEN' });
  });

  it('refuses data after the last fragment', async () => {
    const pipe = new FakePipe(server((_s, req) => [Buffer.concat([...responses(req.callId, Buffer.alloc(4), 100), Buffer.alloc(3)])]));
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    await expect(c.call(0, Buffer.alloc(4))).rejects.toMatchObject({ name: 'RPC_TRAILING_DATA' });
  });

  it('propagates timeout and abort', async () => {
    const pipe = new FakePipe(server(() => 'hang'));
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    await expect(c.call(0, Buffer.alloc(4), { timeoutMs: 30 })).rejects.toBeInstanceOf(TimeoutError);

    const pipe2 = new FakePipe(server(() => 'hang'));
    const c2 = new RpcClient(pipe2);
    await c2.bind(WKSSVC);
    const ac = new AbortController();
    const p = c2.call(0, Buffer.alloc(4), { signal: ac.signal, timeoutMs: 60_000 });
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
    const pre = new AbortController();
    pre.abort();
    await expect(new RpcClient(new FakePipe(() => [])).bind(WKSSVC, { signal: pre.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('invoke: NetrWkstaGetInfo level 100 against Samba\'s captured response', async () => {
    const pipe = new FakePipe(server((_s, req) => [withCallId(CAP_GETINFO.response100, req.callId)]));
    const c = new RpcClient(pipe);
    await c.bind(WKSSVC);
    const out = await c.invoke(NetrWkstaGetInfo, { ServerName: '127.77.201.77', Level: 100 });
    expect(out.status).toBe(0);
    expect(out.WkstaInfo).toMatchObject({ tag: 100, value: { wki100_computername: 'NETSENDSRV', wki100_langroup: 'NETSENDLAB' } });
    const req = pipe.received[1]!;
    if (req.type !== 'request') throw new Error();
    expect(req.stub.toString('hex')).toBe((decodePdu(hex(CAP_GETINFO.request100)) as { stub: Buffer }).stub.toString('hex'));
    expect(decodeWkstaGetInfo((decodePdu(hex(CAP_GETINFO.response100)) as { stub: Buffer }).stub, 100).info?.computerName).toBe('NETSENDSRV');
  });

  it('hostile servers: random reply bytes give NetsendError only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 120 }), fc.boolean(), async (junk, framed) => {
        const pipe = new FakePipe(
          server((_s, req) => {
            const b = Buffer.from(junk);
            if (framed && b.length >= 16) {
              b[0] = 5;
              b[1] = 0;
              b[2] = junk[2]! % 4;
              b[4] = 0x10;
              b[5] = 0;
              b.writeUInt16LE(b.length, 8);
              b.writeUInt32LE(req.callId, 12);
            }
            return [b];
          }),
        );
        const c = new RpcClient(pipe);
        await c.bind(WKSSVC);
        try {
          await c.call(0, Buffer.alloc(4), { timeoutMs: 5 });
        } catch (e) {
          if (!(e instanceof NetsendError)) throw e;
        }
      }),
      { numRuns: 100 },
    );
  });
});
