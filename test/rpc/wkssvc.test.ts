import { describe, expect, it } from 'vitest';
import { decodePdu, encodePdu } from '../../src/rpc/pdu.js';
import {
  decodeMessageBufferSendResult,
  decodeWkstaGetInfo,
  encodeMessageBufferSend,
  encodeWkstaGetInfo,
  NetrMessageBufferSend,
} from '../../src/rpc/interfaces/wkssvc.js';
import { NetsendError } from '../../src/status/error.js';
import { CAP_GETINFO, CAP_MBS, hex } from './fixtures.js';

/** protocol-notes §7.6 worked stub (server "SRV", to "BOB", from "ALICE", "hi" + NUL). */
const SPEC_76 = hex(`
  00000200 04000000 00000000 04000000 53005200 56000000
  04000000 00000000 04000000 42004f00 42000000
  04000200 06000000 00000000 06000000 41004c00 49004300 45000000
  06000000 68006900 00000000
  06000000`);

function stubOf(pduHex: string): Buffer {
  const p = decodePdu(hex(pduHex));
  if (p.type !== 'request' && p.type !== 'response') throw new Error(p.type);
  return p.stub;
}

describe('wkssvc NetrMessageBufferSend (opnum 12)', () => {
  it('encodes the protocol-notes §7.6 stub byte for byte (88 bytes)', () => {
    const stub = encodeMessageBufferSend('BOB', 'hi', { serverName: 'SRV', from: 'ALICE' });
    expect(stub.length).toBe(88);
    expect(stub.toString('hex')).toBe(SPEC_76.toString('hex'));
  });

  it('reproduces rpcclient\'s captured request PDU byte for byte', () => {
    const stub = encodeMessageBufferSend('127.0.0.1', 'Hello from rpcclient', { serverName: '127.0.0.1', from: '127.0.0.1' });
    expect(stub.toString('hex')).toBe(stubOf(CAP_MBS.request).toString('hex'));
    const pdu = encodePdu({ type: 'request', callId: 2, allocHint: stub.length, contextId: 0, opnum: 12, stub });
    expect(pdu.toString('hex')).toBe(CAP_MBS.request);
  });

  it('decodes the captured request back into its arguments', () => {
    const args = NetrMessageBufferSend.decodeIn(stubOf(CAP_MBS.request));
    expect(args.server_name).toBe('127.0.0.1');
    expect(args.message_name).toBe('127.0.0.1');
    expect(args.message_sender_name).toBe('127.0.0.1');
    expect(args.message_size).toBe(42);
    expect(args.message_buffer.toString('utf16le')).toBe('Hello from rpcclient\0');
  });

  it('NULL sender and server are 4 zero octets; includeNul=false drops the NUL', () => {
    const stub = encodeMessageBufferSend('BOB', 'hi', { includeNul: false });
    expect(stub.toString('hex')).toBe(
      '00000000' + '04000000000000000400000042004f0042000000' + '00000000' + '04000000' + '68006900' + '04000000',
    );
  });

  it('refuses a message_size that disagrees with the buffer', () => {
    expect(() =>
      NetrMessageBufferSend.encodeIn({ server_name: null, message_name: 'B', message_sender_name: null, message_buffer: Buffer.alloc(4), message_size: 6 }),
    ).toThrow(NetsendError);
    const bad = Buffer.from(SPEC_76);
    bad.writeUInt32LE(8, 0x54);
    expect(() => NetrMessageBufferSend.decodeIn(bad)).toThrow(/max_count is 6 but message_size is 8/);
  });

  it('decodes a WERROR result', () => {
    expect(decodeMessageBufferSendResult(hex('00000000'))).toBe(0);
    expect(decodeMessageBufferSendResult(hex('05000000'))).toBe(5);
    expect(() => decodeMessageBufferSendResult(hex('0500'))).toThrow(NetsendError);
  });
});

describe('wkssvc NetrWkstaGetInfo (opnum 0) against real Samba', () => {
  it('encodes rpcclient\'s level-100 request byte for byte', () => {
    expect(encodeWkstaGetInfo('127.77.201.77', 100).toString('hex')).toBe(stubOf(CAP_GETINFO.request100).toString('hex'));
  });

  it('decodes level 100', () => {
    const r = decodeWkstaGetInfo(stubOf(CAP_GETINFO.response100), 100);
    expect(r).toEqual({
      status: 0,
      info: { level: 100, platformId: 500, computerName: 'NETSENDSRV', lanGroup: 'NETSENDLAB', verMajor: 6, verMinor: 1 },
    });
  });

  it('decodes level 101 (lanroot is an empty string, not NULL)', () => {
    const r = decodeWkstaGetInfo(stubOf(CAP_GETINFO.response101), 101);
    expect(r).toEqual({
      status: 0,
      info: { level: 101, platformId: 500, computerName: 'NETSENDSRV', lanGroup: 'NETSENDLAB', verMajor: 6, verMinor: 1, lanRoot: '' },
    });
  });

  it('decodes level 102 denied: NULL arm plus ERROR_ACCESS_DENIED', () => {
    expect(decodeWkstaGetInfo(stubOf(CAP_GETINFO.response102Denied), 102)).toEqual({ status: 5 });
  });

  it('rejects a response whose union tag differs from the requested level', () => {
    expect(() => decodeWkstaGetInfo(stubOf(CAP_GETINFO.response100), 101)).toThrow(/union tag is 100 but Level is 101/);
  });

  it('round-trips level 102 through encodeOut/decodeOut', async () => {
    const { NetrWkstaGetInfo } = await import('../../src/rpc/interfaces/wkssvc.js');
    const value = {
      wki102_platform_id: 500,
      wki102_computername: 'A',
      wki102_langroup: null,
      wki102_ver_major: 10,
      wki102_ver_minor: 0,
      wki102_lanroot: 'C:\\',
      wki102_logged_on_users: 3,
    };
    const stub = NetrWkstaGetInfo.encodeOut({ WkstaInfo: { tag: 102, value }, status: 0 });
    expect(decodeWkstaGetInfo(stub, 102)).toEqual({
      status: 0,
      info: { level: 102, platformId: 500, computerName: 'A', lanGroup: null, verMajor: 10, verMinor: 0, lanRoot: 'C:\\', loggedOnUsers: 3 },
    });
  });
});
