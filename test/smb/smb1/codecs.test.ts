import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSmb1, encodeSmb1Chain, type Smb1Block } from '../../../src/smb/smb1/andx.js';
import { emptyHeader, encodeSmb1Message, Smb1Command, SMB1Flags2 } from '../../../src/smb/smb1/header.js';
import {
  decodeSessionSetupRequest, decodeSessionSetupResponse, encodeSessionSetupRequest, encodeSessionSetupResponse,
  type SessionSetupRequest, type SessionSetupResponse,
} from '../../../src/smb/smb1/session-setup.js';
import {
  decodeTreeConnectRequest, decodeTreeConnectResponse, encodeTreeConnectRequest, encodeTreeConnectResponse, type TreeConnectResponse,
} from '../../../src/smb/smb1/tree-connect.js';
import { decodeNtCreateRequest, decodeNtCreateResponse, encodeNtCreateRequest, encodeNtCreateResponse, FileType, type NtCreateRequest, type NtCreateResponse } from '../../../src/smb/smb1/nt-create.js';
import {
  decodeTransactionRequest, decodeTransactionResponsePart, encodeTransactionRequest, encodeTransactionResponsePart, TransactionAssembler,
  TRANS_TRANSACT_NMPIPE, type TransactionRequest,
} from '../../../src/smb/smb1/transaction.js';
import { decodeReadAndxRequest, decodeReadAndxResponse, encodeReadAndxRequest, encodeReadAndxResponse } from '../../../src/smb/smb1/read-andx.js';
import { decodeWriteAndxRequest, decodeWriteAndxResponse, encodeWriteAndxRequest, encodeWriteAndxResponse } from '../../../src/smb/smb1/write-andx.js';
import { decodeCloseRequest, encodeCloseRequest, encodeLogoffRequest, checkEmptyResponse } from '../../../src/smb/smb1/close.js';
import { smb1Error, isBufferOverflow } from '../../../src/smb/smb1/errors.js';
import { NetsendError } from '../../../src/status/error.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
// smbclient-open-pipe-msgsvc-smb1.pcap (NBSS headers stripped).
const F8_SESSION_REQ = hex('ff534d4273000000001843c80000000000000000000000000000672f000001000cff000000ffff02000100000000004a000000000054c000806100604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa22a04284e544c4d53535000010000001582086200000000280000000000000028000000060100000000000f0055006e00690078000000530061006d00620061000000');
const F9_SESSION_MORE = hex('ff534d4273160000c08803c80000000000000000000000000000672f6ec1010004ff00000000009f00e900a1819c308199a0030a0101a10c060a2b06010401823702020aa281830481804e544c4d53535000020000000c000c003800000015828a6286b85d6dff0a3a2200000000000000003c003c0044000000060100000000000f4c004100420053005200560002000c004c004100420053005200560001000c004c0041004200530052005600040000000300040076006d0007000800986ea670957cdd0100000000570069006e0064006f0077007300200036002e0031000000530061006d0062006100200034002e00310037002e00310032002d00440065006200690061006e0000004c00410042000000');
const F11_SESSION_OK = hex('ff534d4273000000008803c80000000000000000000000000000672f6ec1020004ff00000000001d006700a11b3019a0030a0100a31204100100000002374c0857697e5100000000570069006e0064006f0077007300200036002e0031000000530061006d0062006100200034002e00310037002e00310032002d00440065006200690061006e0000004c00410042000000');
const F12_TREE_REQ = hex('ff534d4275000000001843c8000000000000000000000000ffff672f6ec1030004ff0000000c0001002900005c005c003100320037002e0030002e0030002e0031005c00490050004300240000003f3f3f3f3f00');
const F13_TREE_RESP = hex('ff534d4275000000008803c8000000000000000000000000cc8f672f6ec1030007ff0000002100ff010000ff010000070049504300000000');
const F14_CREATE_REQ = hex('ff534d42a2000000001843c8000000000000000000000000cc8f672f6ec1040018ff00000000100000000000000000000300000000000000000000000000000003000000010000000000000002000000001300005c006d007300670073007600630000000000');
const F16_NOT_FOUND = hex('ff534d42a2340000c08803c8000000000000000000000000cc8f672f6ec10400000000');
const F28_CREATE_RESP = hex('ff534d42a2000000008803c8000000000000000000000000cc8f672f6ec1080022ff00000000291b01000000000000000000000000000000000000000000000000000000000000000000000080000000000000000000000000000000000000000200ff05000000');

const first = (raw: Buffer): Smb1Block => parseSmb1(raw).blocks[0]!;
const bytesOf = (n: number) => fc.uint8Array({ maxLength: n }).map((b) => Buffer.from(b));
const str = fc.string({ unit: fc.constantFrom(...'abcXYZ019 _-.$\\äéŁ€'.split('')), maxLength: 24 });
const asciiStr = fc.string({ unit: fc.constantFrom(...'abcXYZ019 _-.$?'.split('')), maxLength: 24 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

/** Wraps body parts in a message with the given Flags2 and parses it back to a block. */
function reparse(command: number, parts: { words: Buffer; bytes: Buffer }, unicode: boolean): Smb1Block {
  const h = emptyHeader(command);
  h.flags2 = unicode ? SMB1Flags2.UNICODE : 0;
  return first(encodeSmb1Message(h, parts.words, parts.bytes));
}

/** Every decoder applied to hostile input may only throw NetsendError. */
function onlyNetsendErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof NetsendError)) throw e;
  }
}

describe('captured Samba/smbclient SMB1 messages', () => {
  it('SESSION_SETUP request: decode, and re-encode byte-identical', () => {
    const b = first(F8_SESSION_REQ);
    const req = decodeSessionSetupRequest(b, true);
    expect(req.kind).toBe('extended');
    expect(req).toMatchObject({ maxBufferSize: 0xffff, maxMpxCount: 2, vcNumber: 1, nativeOs: 'Unix', nativeLanMan: 'Samba' });
    const again = encodeSessionSetupRequest(req, true);
    expect(again.words).toEqual(b.words);
    expect(again.bytes).toEqual(b.bytes);
  });

  it('SESSION_SETUP MORE_PROCESSING and final responses', () => {
    const p = parseSmb1(F9_SESSION_MORE);
    expect(p.header.status >>> 0).toBe(0xc0000016);
    expect(p.header.uid).toBe(0xc16e);
    const r = decodeSessionSetupResponse(p.blocks[0]!, true);
    expect(r.extended).toBe(true);
    expect(r.securityBlob.length).toBe(0x9f);
    expect(r.nativeOs).toBe('Windows 6.1');
    expect(r.nativeLanMan).toBe('Samba 4.17.12-Debian');
    expect(r.primaryDomain).toBe('LAB');
    const ok = decodeSessionSetupResponse(first(F11_SESSION_OK), true);
    expect(ok.action).toBe(0);
    expect(ok.securityBlob.length).toBe(0x1d);
  });

  it('TREE_CONNECT request and extended response', () => {
    const req = decodeTreeConnectRequest(first(F12_TREE_REQ), true);
    expect(req).toEqual({ flags: 0x000c, password: Buffer.from([0]), path: '\\\\127.0.0.1\\IPC$', service: '?????' });
    const again = encodeTreeConnectRequest(req, true);
    expect(again.bytes).toEqual(first(F12_TREE_REQ).bytes);
    const resp = decodeTreeConnectResponse(first(F13_TREE_RESP), true);
    expect(resp).toEqual({ optionalSupport: 0x21, maximalShareAccessRights: 0x1ff, guestMaximalShareAccessRights: 0x1ff, service: 'IPC', nativeFileSystem: '' });
  });

  it('NT_CREATE request and response', () => {
    const req = decodeNtCreateRequest(first(F14_CREATE_REQ), true);
    expect(req.fileName).toBe('\\msgsvc');
    expect(req.impersonationLevel).toBe(2);
    const resp = decodeNtCreateResponse(first(F28_CREATE_RESP));
    expect(resp.fid).toBe(0x1b29);
    expect(resp.resourceType).toBe(FileType.MESSAGE_MODE_PIPE);
    expect(resp.nmPipeStatus).toBe(0x05ff);
  });

  it('maps an NT error reply with WordCount 0', () => {
    const p = parseSmb1(F16_NOT_FOUND);
    expect(p.blocks[0]!.words.length).toBe(0);
    const e = smb1Error(p.header, 'open');
    expect(e?.name).toBe('STATUS_OBJECT_NAME_NOT_FOUND');
    expect(e?.layer).toBe('ntstatus');
  });

  it('maps DOS-form errors and ERRDOS/ERRmoredata', () => {
    const e = smb1Error({ status: 0x00050001, flags2: 0 }, 'x'); // ERRDOS/ERRnoaccess
    expect(e?.layer).toBe('dos');
    expect(e?.name).toMatch(/ERRnoaccess/);
    expect(isBufferOverflow({ status: 0x00ea0001, flags2: 0 })).toBe(true);
    expect(isBufferOverflow({ status: 0x80000005, flags2: SMB1Flags2.NT_STATUS })).toBe(true);
  });
});

describe('AndX chains against hostile offsets', () => {
  const sess = (words: Buffer): Buffer => {
    const h = emptyHeader(Smb1Command.SESSION_SETUP_ANDX);
    return encodeSmb1Message(h, words, Buffer.alloc(0));
  };
  const andxWords = (cmd: number, off: number): Buffer => {
    const w = Buffer.alloc(6);
    w[0] = cmd;
    w.writeUInt16LE(off, 2);
    return w;
  };

  it('follows a well-formed chain', () => {
    const h = emptyHeader(Smb1Command.SESSION_SETUP_ANDX);
    const raw = encodeSmb1Chain(h, [
      { command: Smb1Command.SESSION_SETUP_ANDX, words: andxWords(0, 0), bytes: Buffer.from('ab') },
      { command: Smb1Command.TREE_CONNECT_ANDX, words: andxWords(0, 0), bytes: Buffer.from('cdef') },
      { command: Smb1Command.ECHO, words: Buffer.from([1, 0]), bytes: Buffer.alloc(0) },
    ]);
    const p = parseSmb1(raw);
    expect(p.blocks.map((b) => b.command)).toEqual([0x73, 0x75, 0x2b]);
    expect(p.blocks[1]!.bytes.toString()).toBe('cdef');
  });

  it('refuses a loop (offset back to itself)', () => {
    expect(() => parseSmb1(sess(andxWords(0x73, 32)))).toThrow(/AndXOffset/);
  });
  it('refuses a backwards offset into the current block', () => {
    expect(() => parseSmb1(sess(andxWords(0x73, 36)))).toThrow(/AndXOffset/);
  });
  it('refuses an offset past the end', () => {
    expect(() => parseSmb1(sess(andxWords(0x73, 0xfff0)))).toThrow(/past the end/);
  });
  it('refuses huge word and byte counts', () => {
    const raw = sess(andxWords(0xff, 0));
    const bad = Buffer.from(raw);
    bad[32] = 0xff; // WordCount 255 -> 510 bytes that are not there
    expect(() => parseSmb1(bad)).toThrow(NetsendError);
    const bad2 = Buffer.from(raw);
    bad2.writeUInt16LE(0xffff, 32 + 1 + 6);
    expect(() => parseSmb1(bad2)).toThrow(NetsendError);
  });
  it('bounds the chain length', () => {
    const h = emptyHeader(Smb1Command.SESSION_SETUP_ANDX);
    const blocks = Array.from({ length: 12 }, () => ({ command: Smb1Command.SESSION_SETUP_ANDX, words: andxWords(0, 0), bytes: Buffer.alloc(0) }));
    expect(() => parseSmb1(encodeSmb1Chain(h, blocks))).toThrow(/more than/);
  });
  it('fuzz: random AndX words and offsets never escape as anything but NetsendError, never loop', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(0x73, 0x75, 0xa2, 0x2e, 0x2f, 0xff, 0x04), u16, bytesOf(20)), { minLength: 1, maxLength: 10 }), (chain) => {
      const h = emptyHeader(Smb1Command.SESSION_SETUP_ANDX);
      const w = [encodeSmb1Message(h, andxWords(chain[0]![0], chain[0]![1]), chain[0]![2])];
      for (const [c, off, b] of chain.slice(1)) w.push(Buffer.concat([Buffer.from([3]), andxWords(c, off), Buffer.from([b.length & 0xff, 0]), b]));
      const raw = Buffer.concat(w);
      onlyNetsendErrors(() => {
        const p = parseSmb1(raw);
        expect(p.blocks.length).toBeLessThanOrEqual(8);
      });
    }));
  });
});

describe('SMB1 codec properties (round trip)', () => {
  it('SESSION_SETUP request (both forms) and response', () => {
    const common = { maxBufferSize: u16, maxMpxCount: u16, vcNumber: u16, vcSessionKey: u32, capabilities: u32, nativeOs: str, nativeLanMan: str };
    const req = fc.oneof(
      fc.record({ kind: fc.constant('extended' as const), ...common, securityBlob: bytesOf(300) }),
      fc.record({ kind: fc.constant('challenge' as const), ...common, oemPassword: bytesOf(24), unicodePassword: bytesOf(200), accountName: str, primaryDomain: str }),
    );
    fc.assert(fc.property(req, (r: SessionSetupRequest) => {
      expect(decodeSessionSetupRequest(reparse(0x73, encodeSessionSetupRequest(r, true), true), true)).toEqual(r);
    }));
    const resp = fc.record({ action: u16, extended: fc.boolean(), securityBlob: bytesOf(200), nativeOs: str, nativeLanMan: str, primaryDomain: str }).map((r) => (r.extended ? r : { ...r, securityBlob: Buffer.alloc(0) }));
    fc.assert(fc.property(resp, (r: SessionSetupResponse) => {
      expect(decodeSessionSetupResponse(reparse(0x73, encodeSessionSetupResponse(r, true), true), true)).toEqual(r);
    }));
  });

  it('TREE_CONNECT request and response (Unicode and OEM)', () => {
    fc.assert(fc.property(fc.boolean(), u16, bytesOf(24), asciiStr, asciiStr, (unicode, flags, password, path, service) => {
      const r = { flags, password, path, service };
      expect(decodeTreeConnectRequest(reparse(0x75, encodeTreeConnectRequest(r, unicode), unicode), unicode)).toEqual(r);
    }));
    const resp = fc.oneof(
      fc.record({ optionalSupport: u16, service: asciiStr, nativeFileSystem: str }),
      fc.record({ optionalSupport: u16, maximalShareAccessRights: u32, guestMaximalShareAccessRights: u32, service: asciiStr, nativeFileSystem: str }),
    );
    fc.assert(fc.property(resp, (r: TreeConnectResponse) => {
      expect(decodeTreeConnectResponse(reparse(0x75, encodeTreeConnectResponse(r, true), true), true)).toEqual(r);
    }));
  });

  it('NT_CREATE request and response', () => {
    const req = fc.record({
      flags: u32, rootDirectoryFid: u32, desiredAccess: u32, allocationSize: u64, extFileAttributes: u32, shareAccess: u32, createDisposition: u32,
      createOptions: u32, impersonationLevel: u32, securityFlags: fc.integer({ min: 0, max: 255 }), fileName: str,
    });
    fc.assert(fc.property(req, fc.boolean(), (r: NtCreateRequest, unicode) => {
      if (!unicode && /[^\x00-\xff]/.test(r.fileName)) return;
      expect(decodeNtCreateRequest(reparse(0xa2, encodeNtCreateRequest(r, unicode), unicode), unicode)).toEqual(r);
    }));
    const resp = fc.record({
      oplockLevel: fc.integer({ min: 0, max: 255 }), fid: u16, createDisposition: u32, createTime: u64, lastAccessTime: u64, lastWriteTime: u64,
      lastChangeTime: u64, extFileAttributes: u32, allocationSize: u64, endOfFile: u64, resourceType: u16, nmPipeStatus: u16, directory: fc.boolean(),
    });
    fc.assert(fc.property(resp, (r: NtCreateResponse) => {
      expect(decodeNtCreateResponse(reparse(0xa2, encodeNtCreateResponse(r), true))).toEqual(r);
    }));
  });

  it('TRANSACTION request and multi-part response reassembly', () => {
    const req = fc.record({
      name: str, setup: fc.array(u16, { maxLength: 4 }), parameters: bytesOf(40), data: bytesOf(600), maxParameterCount: u16, maxDataCount: u16,
      maxSetupCount: fc.integer({ min: 0, max: 255 }), flags: u16, timeout: u32,
    });
    fc.assert(fc.property(req, fc.boolean(), (r: TransactionRequest, unicode) => {
      if (!unicode && /[^\x00-\xff]/.test(r.name)) return;
      expect(decodeTransactionRequest(reparse(0x25, encodeTransactionRequest(r, unicode), unicode), unicode)).toEqual(r);
    }));
    // A reply split at random points into parts, delivered in order, reassembles to the original.
    fc.assert(fc.property(bytesOf(5000), fc.array(fc.nat(5000), { maxLength: 6 }), (data, cuts) => {
      const points = [...new Set([0, ...cuts.map((c) => c % (data.length + 1)), data.length])].sort((a, b) => a - b);
      const asm = new TransactionAssembler(0, 5000);
      for (let i = 0; i + 1 < points.length || (i === 0 && data.length === 0); i++) {
        const piece = data.subarray(points[i]!, points[i + 1] ?? 0);
        const parts = encodeTransactionResponsePart({ totalParameterCount: 0, totalDataCount: data.length, parameterDisplacement: 0, dataDisplacement: points[i]!, setup: [], parameters: Buffer.alloc(0), data: piece });
        asm.add(decodeTransactionResponsePart(reparse(0x25, parts, true)));
        if (data.length === 0) break;
      }
      expect(asm.complete).toBe(true);
      expect(asm.result().data).toEqual(data);
    }));
  });

  it('READ_ANDX, WRITE_ANDX, CLOSE', () => {
    fc.assert(fc.property(u16, u64, u16, u16, u32, u16, (fid, offset, maxCount, minCount, timeout, remaining) => {
      const r = { fid, offset, maxCount, minCount, timeout, remaining };
      expect(decodeReadAndxRequest(reparse(0x2e, encodeReadAndxRequest(r), true))).toEqual(r);
    }));
    fc.assert(fc.property(u16, bytesOf(3000), (available, data) => {
      expect(decodeReadAndxResponse(reparse(0x2e, encodeReadAndxResponse({ available, data }), true))).toEqual({ available, data });
    }));
    fc.assert(fc.property(u16, u64, u32, u16, u16, bytesOf(3000), (fid, offset, timeout, writeMode, remaining, data) => {
      const r = { fid, offset, timeout, writeMode, remaining, data };
      expect(decodeWriteAndxRequest(reparse(0x2f, encodeWriteAndxRequest(r), true))).toEqual(r);
    }));
    fc.assert(fc.property(u32, u16, (count, available) => {
      expect(decodeWriteAndxResponse(reparse(0x2f, encodeWriteAndxResponse({ count, available }), true))).toEqual({ count, available });
    }));
    fc.assert(fc.property(u16, u32, (fid, lastTimeModified) => {
      expect(decodeCloseRequest(reparse(0x04, encodeCloseRequest({ fid, lastTimeModified }), true))).toEqual({ fid, lastTimeModified });
    }));
    expect(() => checkEmptyResponse(reparse(0x74, encodeLogoffRequest(), true), 'logoff', true)).not.toThrow();
  });
});

describe('SMB1 codec fuzz (hostile input throws NetsendError only)', () => {
  const decoders: Array<(b: Smb1Block) => unknown> = [
    (b) => decodeSessionSetupRequest(b, true), (b) => decodeSessionSetupResponse(b, true), (b) => decodeSessionSetupResponse(b, false),
    (b) => decodeTreeConnectRequest(b, true), (b) => decodeTreeConnectResponse(b, true), (b) => decodeNtCreateRequest(b, true),
    (b) => decodeNtCreateResponse(b), (b) => decodeTransactionRequest(b, true), (b) => decodeTransactionResponsePart(b),
    (b) => decodeReadAndxRequest(b), (b) => decodeReadAndxResponse(b), (b) => decodeWriteAndxRequest(b), (b) => decodeWriteAndxResponse(b),
    (b) => decodeCloseRequest(b),
  ];
  const samples = [F8_SESSION_REQ, F9_SESSION_MORE, F11_SESSION_OK, F12_TREE_REQ, F13_TREE_RESP, F14_CREATE_REQ, F28_CREATE_RESP];

  it('random bodies', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), bytesOf(300), bytesOf(300), (wc, w, b) => {
      const words = Buffer.alloc(wc * 2);
      Buffer.from(w).copy(words);
      const block = reparse(0x25, { words, bytes: b }, true);
      for (const d of decoders) onlyNetsendErrors(() => d(block));
    }));
  });

  it('mutated and truncated captures', () => {
    fc.assert(fc.property(fc.constantFrom(...samples), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (s, pos, val, cut) => {
      const m = Buffer.from(s);
      m[pos % m.length] = val;
      for (const input of [m, s.subarray(0, cut % (s.length + 1))]) {
        onlyNetsendErrors(() => {
          const p = parseSmb1(input);
          for (const blk of p.blocks) for (const d of decoders) onlyNetsendErrors(() => d(blk));
        });
      }
    }));
  });

  it('TRANSACTION reassembly refuses parts past the totals or growing totals', () => {
    const asm = new TransactionAssembler(0, 100);
    expect(() => asm.add({ totalParameterCount: 0, totalDataCount: 200, parameterDisplacement: 0, dataDisplacement: 0, setup: [], parameters: Buffer.alloc(0), data: Buffer.alloc(1) })).toThrow(/exceed/);
    const asm2 = new TransactionAssembler(0, 100);
    asm2.add({ totalParameterCount: 0, totalDataCount: 10, parameterDisplacement: 0, dataDisplacement: 0, setup: [], parameters: Buffer.alloc(0), data: Buffer.alloc(4) });
    expect(() => asm2.add({ totalParameterCount: 0, totalDataCount: 10, parameterDisplacement: 0, dataDisplacement: 8, setup: [], parameters: Buffer.alloc(0), data: Buffer.alloc(4) })).toThrow(/past total/);
    expect(() => asm2.add({ totalParameterCount: 0, totalDataCount: 50, parameterDisplacement: 0, dataDisplacement: 4, setup: [], parameters: Buffer.alloc(0), data: Buffer.alloc(1) })).toThrow(/grew/);
  });

  it('TRANSACTION response data offsets outside the message are refused', () => {
    const parts = encodeTransactionResponsePart({ totalParameterCount: 0, totalDataCount: 4, parameterDisplacement: 0, dataDisplacement: 0, setup: [TRANS_TRANSACT_NMPIPE], parameters: Buffer.alloc(0), data: Buffer.from('abcd') });
    const w = Buffer.from(parts.words);
    w.writeUInt16LE(0xfff0, 14); // DataOffset
    expect(() => decodeTransactionResponsePart(reparse(0x25, { words: w, bytes: parts.bytes }, true))).toThrow(/outside/);
    w.writeUInt16LE(10, 14); // inside the header: before the data block
    expect(() => decodeTransactionResponsePart(reparse(0x25, { words: w, bytes: parts.bytes }, true))).toThrow(/outside/);
  });
});
