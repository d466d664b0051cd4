/**
 * RpcClient on an operation's deadline: bind and call draw on one budget when the caller passes a
 * Deadline, and the timeout names the RPC step and the configured total. The pipe answers each
 * transact 600 ms later on vitest's fake clock (no wall-clock dependence).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RpcClient, type RpcTransport } from '../../src/rpc/client.js';
import { decodePdu, encodePdu, PFC } from '../../src/rpc/pdu.js';
import { NDR20 } from '../../src/rpc/uuid.js';
import { WKSSVC } from '../../src/rpc/interfaces/wkssvc.js';
import { TimeoutError } from '../../src/status/error.js';
import { Deadline } from '../../src/util/deadline.js';
import { raceWait, type WaitOptions } from '../../src/util/abort.js';

/** A pipe that answers binds and single-fragment requests `delayMs` after each transact. */
class SlowPipe implements RpcTransport {
  transacts = 0;
  constructor(private readonly delayMs: number) {}
  transact(request: Buffer): Promise<{ data: Buffer; more: boolean }> {
    this.transacts++;
    const p = decodePdu(request);
    const reply =
      p.type === 'bind'
        ? encodePdu({ type: 'bind_ack', callId: p.callId, maxXmitFrag: 4280, maxRecvFrag: 4280, assocGroupId: 1, secAddr: '\\PIPE\\wkssvc', results: [{ result: 0, reason: 0, transferSyntax: NDR20 }] })
        : encodePdu({ type: 'response', flags: PFC.FIRST_FRAG | PFC.LAST_FRAG, callId: p.callId, allocHint: 4, contextId: 0, cancelCount: 0, stub: Buffer.alloc(4) });
    return new Promise((resolve) => setTimeout(() => resolve({ data: reply, more: false }), this.delayMs));
  }
  write(): Promise<void> {
    return Promise.resolve();
  }
  read(): Promise<{ data: Buffer; more: boolean }> {
    return new Promise(() => undefined);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RpcClient on a shared deadline', () => {
  it('bind and call share the budget: the call that runs past it fails naming the call and the total', async () => {
    const pipe = new SlowPipe(600);
    const rpc = new RpcClient(pipe);
    const deadline = new Deadline(1000);
    const bind = rpc.bind(WKSSVC, deadline.waitOptions());
    await vi.advanceTimersByTimeAsync(600);
    await bind;
    // 400 ms left; the call alone would need 600 (and would succeed with a per-call timeoutMs of 1,000).
    const call = rpc.call(0, Buffer.alloc(8), { ...deadline.waitOptions(), timeoutMs: 1000 }).then(
      () => null,
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(600);
    const e = await call;
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e).toMatchObject({ layer: 'timeout', deadlineMs: 1000, message: 'RPC call opnum 0: no answer within the 1,000 ms deadline' });
  });

  it('without a deadline each bind and call gets its own timeoutMs, as before', async () => {
    const rpc = new RpcClient(new SlowPipe(600));
    const bind = rpc.bind(WKSSVC, { timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(600);
    await bind;
    const call = rpc.call(0, Buffer.alloc(8), { timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(600);
    expect((await call).length).toBe(4);
  });

  it('a spent deadline sends nothing', async () => {
    const pipe = new SlowPipe(1);
    const rpc = new RpcClient(pipe);
    const deadline = new Deadline(10);
    vi.advanceTimersByTime(10);
    await expect(rpc.bind(WKSSVC, deadline.waitOptions())).rejects.toMatchObject({ layer: 'timeout', message: 'RPC bind wkssvc: no answer within the 10 ms deadline' });
    expect(pipe.transacts).toBe(0);
  });

  it('a transport that bounds its own waits (boundsWaits, the SMB pipes) gets the call deadline, named after the call, and its timeout is the call\'s', async () => {
    const seen: (string | undefined)[] = [];
    class BoundingPipe extends SlowPipe {
      readonly boundsWaits = true;
      override transact(request: Buffer, _max?: number, opts?: WaitOptions): Promise<{ data: Buffer; more: boolean }> {
        seen.push(opts?.deadline?.step);
        // Bounds its wait itself, as Smb2Connection.request does.
        return raceWait('SMB2 IOCTL', opts ?? {}, () => super.transact(request));
      }
    }
    const rpc = new RpcClient(new BoundingPipe(600));
    const bind = rpc.bind(WKSSVC, { timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(600);
    await bind;
    const call = rpc.call(0, Buffer.alloc(8), { timeoutMs: 300 }).then(
      () => null,
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(600);
    expect(await call).toMatchObject({ layer: 'timeout', deadlineMs: 300, message: 'RPC call opnum 0: no answer within the 300 ms deadline' });
    expect(seen).toEqual(['RPC bind wkssvc', 'RPC call opnum 0']);
  });
});
