/**
 * Error classes and silent sends (issue 11 item 7): a server fault exits 1 with a protocol layer,
 * never 2 as if the user had erred; text with NUL is refused (exit 2) instead of arriving cut;
 * --codepage takes only OEM/ANSI code pages; the warning names what is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { main } from '../../src/cli/main.js';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../src/messenger/receiver.js';
import { interopEnabled, useSamba } from '../harness/samba.js';
import { FrameSplitter } from '../helpers/proxy.js';
import { cliIO as io } from '../helpers/cli-io.js';

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  const port = await new Promise<number>((res) => srv.listen(0, '127.0.0.1', () => res((srv.address() as net.AddressInfo).port)));
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

const NON_CODEPAGES = ['hex', 'base64', 'binary', 'utf16le', 'utf32'];

describe('netsend --codepage and message text: usage errors before any traffic', () => {
  let rx: Receiver;
  const got: ReceivedMessage[] = [];
  beforeAll(async () => {
    rx = await startReceiver({ port: 0, onMessage: (m) => got.push(m) });
  });
  afterAll(async () => {
    await rx?.close();
  });

  for (const cp of NON_CODEPAGES) {
    it(`--codepage ${cp} is refused (exit 2) for send and listen, listing the code pages`, async () => {
      const n = got.length;
      const t = io();
      expect(await main(['--host', rx.host, '--port', String(rx.port), '--codepage', cp, 'bob', 'zz'], t.io)).toBe(2);
      expect(t.err.join('')).toMatch(new RegExp(`'${cp}' is not a single- or double-byte OEM/ANSI code page name; use one of cp367, cp437, .*cp850, .*cp1252, .*shiftjis, gbk, euckr, big5`));
      const l = io();
      expect(await main(['listen', '--port', '0', '--codepage', cp], l.io)).toBe(2);
      expect(l.err.join('')).toMatch(/not a single- or double-byte OEM\/ANSI code page name/);
      expect(got.length).toBe(n);
    });
  }

  it('text with NUL from stdin is refused (exit 2) and nothing is sent', async () => {
    const n = got.length;
    const t = io(Buffer.from('shown\0cut off\n'));
    expect(await main(['--host', rx.host, '--port', String(rx.port), 'bob'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/netsend: message text contains NUL \(U\+0000\) at character 5: a Windows receiver would end the message there/);
    expect(got.length).toBe(n);
  });

  it('--server: text with NUL is refused before connecting (a closed port would be exit 1)', async () => {
    const dead = await closedPort();
    const t = io(Buffer.from('a\0b'));
    expect(await main(['--server', '127.0.0.1', '--port', String(dead), '-U', 'u%p', 'bob'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/contains NUL/);
  });

  it('a message of line breaks only after the trailing one is cut is still sent; nothing at all is refused', async () => {
    expect(await main(['--host', rx.host, '--port', String(rx.port), 'bob'], io('\r\n').io)).toBe(2);
    expect(await main(['--host', rx.host, '--port', String(rx.port), 'bob', ''], io().io)).toBe(2);
    const n = got.length;
    expect(await main(['--host', rx.host, '--port', String(rx.port), 'bob'], io('\n\n').io)).toBe(0);
    expect(got.slice(n).map((m) => m.text)).toEqual(['\n']);
  });

  it('the warning names what is sent, and that is what arrives', async () => {
    const t = io();
    expect(await main(['--host', rx.host, '--port', String(rx.port), '--codepage', 'cp437', 'bob', '5€', '😀'], t.io)).toBe(0);
    expect(t.err.join('')).toBe("netsend: warning: '€' sent as '?', '😀' sent as '??' (not in code page cp437)\n");
    expect(got.at(-1)!.text).toBe('5? ??');
    const w = io();
    expect(await main(['--host', rx.host, '--port', String(rx.port), '--codepage', 'windows-1252', 'bob', '5€'], w.io)).toBe(0);
    expect(w.err.join('')).toBe('');
  });
});

/**
 * A man in the middle between the CLI and Samba: it clears FLAGS2_EXTENDED_SECURITY in the SMB1
 * NEGOTIATE request, so Samba answers with the challenge/response form ([MS-CIFS] §2.2.4.52.2),
 * and then removes the 8-byte challenge from that answer (ChallengeLength 0, ByteCount - 8).
 */
async function challengeStripper(target: { host: string; port: number }): Promise<{ port: number; rewritten: () => number; close: () => Promise<void> }> {
  let rewritten = 0;
  const sockets = new Set<net.Socket>();
  const frames = (onFrame: (f: Buffer) => Buffer) => {
    const splitter = new FrameSplitter();
    return (d: Buffer, out: net.Socket): void => {
      for (const frame of splitter.push(d)) {
        const body = onFrame(frame.subarray(4));
        const hdr = Buffer.alloc(4);
        hdr.writeUInt32BE(body.length);
        out.write(Buffer.concat([hdr, body]));
      }
    };
  };
  const isSmb1Negotiate = (m: Buffer): boolean => m.length >= 33 && m.readUInt32BE(0) === 0xff534d42 && m[4] === 0x72;
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    const toServer = frames((m) => {
      if (isSmb1Negotiate(m)) m.writeUInt16LE(m.readUInt16LE(10) & ~0x0800, 10);
      return m;
    });
    const toClient = frames((m) => {
      // Words start at 33; ChallengeLength is byte 33 of the 34 word bytes; ByteCount follows them.
      if (!isSmb1Negotiate(m) || m[32] !== 17 || m[33 + 33] !== 8) return m;
      rewritten++;
      const byteCount = m.readUInt16LE(67);
      const out = Buffer.concat([m.subarray(0, 69), m.subarray(69 + 8)]);
      out[66] = 0;
      out.writeUInt16LE(byteCount - 8, 67);
      return out;
    });
    client.on('data', (d: Buffer) => toServer(d, upstream));
    upstream.on('data', (d: Buffer) => toClient(d, client));
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    rewritten: () => rewritten,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe.runIf(interopEnabled())('server faults against Samba are exit 1, not usage errors', () => {
  const samba = useSamba();

  it('a NEGOTIATE without the 8-byte challenge: exit 1 naming the protocol fault', async () => {
    const mitm = await challengeStripper({ host: samba.host, port: 445 });
    try {
      const t = io();
      const code = await main(['info', '--smb1', '--server', '127.0.0.1', '--port', String(mitm.port), '-U', `${samba.user.name}%${samba.user.password}`], t.io);
      expect(mitm.rewritten()).toBe(1);
      expect(code).toBe(1);
      const err = t.err.join('');
      expect(err).toMatch(/NTLM_BAD_CHALLENGE: the server's challenge is 0 bytes; NTLM needs 8/);
      expect(err).not.toContain('--help');
      expect(err).not.toContain(samba.user.password);
      const j = io();
      expect(await main(['info', '--smb1', '--json', '--server', '127.0.0.1', '--port', String(mitm.port), '-U', `${samba.user.name}%${samba.user.password}`], j.io)).toBe(1);
      expect(JSON.parse(j.out[0]!)).toMatchObject({ ok: false, status: { layer: 'protocol', name: 'NTLM_BAD_CHALLENGE' } });
    } finally {
      await mitm.close();
    }
  });

  it('text with NUL is refused (exit 2) and Samba receives nothing', async () => {
    const before = samba.messages().length;
    const t = io(Buffer.from('first\0second'));
    expect(await main(['--host', samba.host, 'bob'], t.io)).toBe(2);
    expect(await main(['--host', samba.host, 'bob', 'after'], io().io)).toBe(0);
    const msgs = await samba.waitForMessages(before + 1);
    expect(msgs.slice(before).map((m) => m.text)).toEqual(['after']);
  });

  it("the unmappable warning matches what Samba stores ('€' as '?' in cp850)", async () => {
    const before = samba.messages().length;
    const t = io();
    expect(await main(['--host', samba.host, 'bob', 'cost:', '5€'], t.io)).toBe(0);
    expect(t.err.join('')).toContain("'€' sent as '?' (not in code page cp850)");
    expect((await samba.waitForMessages(before + 1)).at(-1)!.text).toBe('cost: 5?');
  });
});
