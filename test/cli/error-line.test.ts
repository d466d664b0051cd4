import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { errorLine, protocolNumber, whatHappened } from '../../src/cli/error-line.js';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, stdin: Readable.from([]) } };
};

/** A loopback port where nothing listens (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('one error line: TARGET: NAME (NUMBER): what happened → NET_API_STATUS N NAME', () => {
  let http: net.Server;
  let httpPort = 0;
  beforeAll(async () => {
    // A peer that is not an SMB server: answers anything with an HTTP error and closes.
    http = net.createServer((c) => {
      c.on('error', () => undefined);
      c.once('data', () => c.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    httpPort = (http.address() as net.AddressInfo).port;
  });
  afterAll(() => http.close());

  it('a closed port: the errno next to its name, Node\'s restatement said once, the mapped status after the arrow', async () => {
    const port = await closedPort();
    const t = io();
    expect(await main(['--host', '127.0.0.1', '--port', String(port), 'bob', 'x'], t.io)).toBe(1);
    const line = t.err.join('');
    expect(line).toMatch(new RegExp(`^BOB@127\\.0\\.0\\.1: ECONNREFUSED \\(errno \\d+\\): [^\\n]*127\\.0\\.0\\.1:${port}[^\\n]*connection refused[^\\n]* → NET_API_STATUS 2136 NERR_NetworkError\\n$`));
    expect(line.match(/ECONNREFUSED/g)).toHaveLength(1);
    expect(line.match(new RegExp(`127\\.0\\.0\\.1:${port}`, 'g'))).toHaveLength(1);
  });

  it('--json carries message, the protocol name and number, and netApiStatus with its name', async () => {
    const port = await closedPort();
    const t = io();
    expect(await main(['--json', '--host', '127.0.0.1', '--port', String(port), 'bob', 'x'], t.io)).toBe(1);
    const j = JSON.parse(t.out[0]!);
    expect(j).toMatchObject({ target: 'BOB@127.0.0.1', ok: false, delivery: 'failed', category: 'unreachable', status: { layer: 'socket', name: 'ECONNREFUSED' }, netApiStatus: 2136, netApiStatusName: 'NERR_NetworkError' });
    expect(j.status.number).toMatch(/^errno \d+$/);
    expect(j.message).toMatch(/connection refused/);
  });

  it('a peer that is not an SMB server gets the hint "not a NetBIOS/SMB server"', async () => {
    for (const extra of [[], ['--no-negotiate']]) {
      const t = io();
      expect(await main(['--host', '127.0.0.1', '--port', String(httpPort), '--timeout', '3000', ...extra, 'bob', 'x'], t.io)).toBe(1);
      expect(t.err.join('')).toMatch(/^BOB@127\.0\.0\.1: [^\n]*\(not a NetBIOS\/SMB server\)[^\n]* → NET_API_STATUS 2136 NERR_NetworkError\n$/);
      const j = io();
      await main(['--json', '--host', '127.0.0.1', '--port', String(httpPort), '--timeout', '3000', ...extra, 'bob', 'x'], j.io);
      expect(JSON.parse(j.out[0]!)).toMatchObject({ hint: 'not a NetBIOS/SMB server', category: 'failed' });
    }
  });

  it('info, endpoints and listen print the same form', async () => {
    const port = await closedPort();
    const info = io();
    expect(await main(['info', '--server', '127.0.0.1', '--port', String(port), '--anonymous'], info.io)).toBe(1);
    expect(info.err.join('')).toMatch(/^127\.0\.0\.1: ECONNREFUSED \(errno \d+\): [^\n]*connection refused[^\n]*\n$/);
    const ep = io();
    expect(await main(['endpoints', '--server', '127.0.0.1', '--epm-port', String(port)], ep.io)).toBe(1);
    expect(ep.err.join('')).toMatch(/^127\.0\.0\.1: ECONNREFUSED \(errno \d+\): [^\n]*connection refused[^\n]*\n$/);
    const ls = io();
    expect(await main(['listen', '--host', '127.0.0.1', '--port', String(httpPort)], ls.io)).toBe(1);
    expect(ls.err.join('')).toMatch(new RegExp(`^netsend: EADDRINUSE \\(errno \\d+\\): listen 127\\.0\\.0\\.1:${httpPort}: address already in use\\n$`));
  });

  it('numbers as each protocol writes them', () => {
    expect(protocolNumber('ntstatus', 0xc000006d)).toBe('0xC000006D');
    expect(protocolNumber('rpc-fault', 0x1c010002)).toBe('0x1C010002');
    expect(protocolNumber('dos', (1 << 16) | 71)).toBe('class 0x01, code 71');
    expect(protocolNumber('nbss', 0x82)).toBe('0x82');
    expect(protocolNumber('netbios', 3)).toBe('RCODE 3');
    expect(protocolNumber('win32', 5)).toBe('5');
    expect(protocolNumber('timeout', 0)).toBeUndefined();
    expect(protocolNumber('protocol', 0xc05d0002)).toBe('0xC05D0002');
  });

  it('the mapped status is left out when it repeats the protocol status', () => {
    expect(errorLine('S', { layer: 'win32', code: 5, name: 'ERROR_ACCESS_DENIED', message: 'Access is denied.' }, { netApiStatus: 5, netApiStatusName: 'ERROR_ACCESS_DENIED' })).toBe('S: ERROR_ACCESS_DENIED (5): Access is denied.');
    expect(errorLine('S', { layer: 'dos', code: (1 << 16) | 71, name: 'ERRDOS/ERRreqnotaccep', message: 'request not accepted' }, { netApiStatus: 71, netApiStatusName: 'ERROR_REQ_NOT_ACCEP' })).toBe('S: ERRDOS/ERRreqnotaccep (class 0x01, code 71): request not accepted → NET_API_STATUS 71 ERROR_REQ_NOT_ACCEP');
    expect(whatHappened({ layer: 'timeout', code: 0, name: 'TIMEOUT', message: 'TIMEOUT: late' })).toBe('late');
    // The messages lower layers write (observed against Samba): their label is said once, up front.
    expect(whatHappened({ layer: 'dos', code: 0x10047, name: 'ERRDOS/ERRreqnotaccep', message: 'message server refused SMB 0xD5: ERRDOS/ERRreqnotaccep (0x00010047): The server has no more connections available.' })).toBe('message server refused SMB 0xD5: The server has no more connections available.');
    expect(errorLine('BOB via S', { layer: 'rpc-fault', code: 0x1c010002, name: 'nca_s_op_rng_error', message: 'opnum 12: nca_s_op_rng_error (0x1C010002): The operation number is out of range for this interface.' }, { netApiStatus: 1745, netApiStatusName: 'RPC_S_PROCNUM_OUT_OF_RANGE' })).toBe(
      'BOB via S: nca_s_op_rng_error (0x1C010002): opnum 12: The operation number is out of range for this interface. → NET_API_STATUS 1745 RPC_S_PROCNUM_OUT_OF_RANGE',
    );
  });
});
