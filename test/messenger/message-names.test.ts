/**
 * startMessengerNames over loopback (the namespace test with nmbd is message-names-netns.test.ts):
 * a name another node defends is reported as NERR_DuplicateName and neither answered for nor
 * released; the others are claimed, answered (name query and node status) and released on close.
 * The "subnet" is a UDP socket on 127.0.0.1 standing in for the broadcast address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { startMessengerNames } from '../../src/messenger/message-names.js';
import { decodeNsPacket, encodeNsPacket, nodeStatus, NS_OPCODE, NM_FLAG, queryName, type NsPacket } from '../../src/transport/nameservice.js';

const sockets: dgram.Socket[] = [];
afterEach(() => {
  while (sockets.length) sockets.pop()!.close();
});

describe('startMessengerNames', () => {
  it('claims, answers for and releases its names; a defended name is reported and left out', async () => {
    const seen: NsPacket[] = [];
    const owner = dgram.createSocket('udp4');
    sockets.push(owner);
    owner.on('message', (msg, rinfo) => {
      const p = decodeNsPacket(msg);
      seen.push(p);
      // The owner of BOB<03> objects to a claim (RFC 1002 §4.2.6 negative response, ACT_ERR).
      if (p.opcode === NS_OPCODE.REGISTRATION && !p.response && (p.nmFlags & NM_FLAG.RD) !== 0 && p.questions[0]?.name.name === 'BOB') {
        owner.send(encodeNsPacket({ id: p.id, response: true, opcode: NS_OPCODE.REGISTRATION, nmFlags: NM_FLAG.AA, rcode: 6, questions: [], answers: p.additional, authority: [], additional: [] }), rinfo.port, rinfo.address);
      }
    });
    await new Promise<void>((r) => owner.bind(0, '127.0.0.1', () => r()));
    const port = owner.address().port;
    const names = await startMessengerNames({ names: ['bob', 'carol'], computerName: 'pc1', address: '127.0.0.1', broadcast: '127.0.0.1', port, responderHost: '127.0.0.2', timeoutMs: 400 });
    let closed = false;
    try {
      expect(names.claims.map((c) => [c.name, c.ok])).toEqual([['PC1', true], ['BOB', false], ['CAROL', true]]);
      expect(names.claims[1]!.error).toMatchObject({ layer: 'netbios', name: 'ACT_ERR', netApiStatus: 2297 });
      expect(names.responderPort).toBe(port);
      const status = await nodeStatus('127.0.0.2', { port, timeoutMs: 2000 });
      expect(status.names.map((n) => `${n.name}<${n.suffix}>`).sort()).toEqual(['CAROL<3>', 'PC1<3>']);
      expect(await queryName('CAROL', 3, { server: '127.0.0.2', port, timeoutMs: 2000 })).toEqual(['127.0.0.1']);
      await names.close();
      closed = true;
      const released = (): string[] => seen.filter((p) => p.opcode === NS_OPCODE.RELEASE).map((p) => p.questions[0]!.name.name).sort();
      // Broadcast releases are one-way: wait (bounded) for both to arrive, then check there was no third.
      for (let i = 0; i < 300 && released().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      expect(released()).toEqual(['CAROL', 'PC1']);
    } finally {
      if (!closed) await names.close();
    }
  });
});
