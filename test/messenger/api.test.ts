import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netMessageBufferSend } from '../../src/messenger/api.js';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../src/messenger/receiver.js';
import { NetsendError } from '../../src/status/error.js';
import type { SendResult } from '../../src/messenger/send.js';

describe('netMessageBufferSend', () => {
  let rx: Receiver;
  const got: ReceivedMessage[] = [];
  beforeAll(async () => {
    rx = await startReceiver({ port: 0, onMessage: (m) => got.push(m), names: ['BOB'] });
  });
  afterAll(async () => {
    await rx?.close();
  });

  it('server null: resolves msgName and delivers directly (NERR_Success)', async () => {
    const asked: string[] = [];
    let detail: SendResult | undefined;
    const status = await netMessageBufferSend(null, 'bob', 'ALICE', 'resolved', {
      port: rx.port,
      resolve: async (name) => {
        asked.push(name);
        return '127.0.0.1';
      },
      onResult: (r) => (detail = r),
    });
    expect(status).toBe(0);
    expect(asked).toEqual(['bob']);
    expect(detail).toMatchObject({ ok: true, transport: 'direct' });
    expect(got.at(-1)).toMatchObject({ from: 'ALICE', to: 'BOB', text: 'resolved' });
  });

  it('from null defaults to the host name', async () => {
    expect(await netMessageBufferSend(null, 'bob', null, 'default from', { host: '127.0.0.1', port: rx.port })).toBe(0);
    expect(got.at(-1)!.from).toBe(got.at(-1)!.from.toUpperCase());
  });

  it('a name the receiver does not serve gives NERR_NameNotFound (ERRSRV/ERRmsgoff)', async () => {
    expect(await netMessageBufferSend(null, 'carol', 'ALICE', 'x', { host: '127.0.0.1', port: rx.port })).toBe(2273);
  });

  it('a failed name resolution gives NERR_NameNotFound', async () => {
    const status = await netMessageBufferSend(null, 'nobody', 'ALICE', 'x', {
      resolve: async () => {
        throw new NetsendError('netbios', 3, 'NB_NAME_ERROR', 'no such name');
      },
    });
    expect(status).toBe(2273);
  });

  it('invalid parameters give ERROR_INVALID_PARAMETER', async () => {
    expect(await netMessageBufferSend(null, 'ABCDEFGHIJKLMNOPQ', 'ALICE', 'x', { host: '127.0.0.1', port: rx.port })).toBe(87);
    expect(await netMessageBufferSend(null, 'bob', 'ALICE', 'x', { host: '127.0.0.1', port: rx.port, codepage: 'nope' })).toBe(87);
  });

  it('server given: delegates to the remote hook with all arguments', async () => {
    const calls: unknown[][] = [];
    const status = await netMessageBufferSend('\\\\SRV', 'bob', 'ALICE', 'remote', {
      remoteSend: async (...args) => {
        calls.push(args.slice(0, 4));
        return 2273;
      },
    });
    expect(status).toBe(2273);
    expect(calls).toEqual([['\\\\SRV', 'bob', 'ALICE', 'remote']]);
  });
});
