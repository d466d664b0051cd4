import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NetrMessageNameAdd, NetrMessageNameDel, NetrMessageNameEnum, NetrMessageNameGetInfo } from '../../src/rpc/interfaces/msgsvc.js';
import { netrSendMessage } from '../../src/rpc/interfaces/msgsvcsend.js';
import { NetsendError } from '../../src/status/error.js';

const oem = { encode: (s: string) => Buffer.from(s, 'latin1'), decode: (b: Buffer) => b.toString('latin1') };
const NetrSendMessage = netrSendMessage(oem);

describe('msgsvcsend NetrSendMessage ([MS-MSRP] §3.2.4.1, protocol-notes §7.6 end)', () => {
  it('three top-level ref 8-bit strings: max, offset 0, actual, bytes with NUL, pad to 4', () => {
    const stub = NetrSendMessage.encodeIn({ From: 'ALICE', To: 'BOB', Text: 'hi' });
    expect(stub.toString('hex')).toBe(
      ['06000000', '00000000', '06000000', '414c494345000000', '04000000', '00000000', '04000000', '424f4200', '03000000', '00000000', '03000000', '686900'].join(''),
    );
    expect(NetrSendMessage.decodeIn(stub)).toEqual({ From: 'ALICE', To: 'BOB', Text: 'hi' });
    expect(NetrSendMessage.decodeOut(Buffer.from('3e080000', 'hex'))).toEqual({ status: 0x83e });
  });

  it('refuses NUL inside the text', () => {
    expect(() => NetrSendMessage.encodeIn({ From: 'A', To: 'B', Text: 'x\0y' })).toThrow(NetsendError);
  });
});

describe('msgsvc ([MS-MSRP] §3.1.4)', () => {
  it('NetrMessageNameAdd / Del: NULL unique server name, ref name', () => {
    const want = '00000000' + '04000000' + '00000000' + '04000000' + '42004f0042000000';
    expect(NetrMessageNameAdd.encodeIn({ ServerName: null, MsgName: 'BOB' }).toString('hex')).toBe(want);
    expect(NetrMessageNameDel.encodeIn({ ServerName: null, MsgName: 'BOB' }).toString('hex')).toBe(want);
  });

  it('NetrMessageNameEnum level 0: ref struct, union of container pointers, deferred array of structs with strings', () => {
    const stub = NetrMessageNameEnum.encodeIn({
      ServerName: null,
      InfoStruct: { Level: 0, MsgInfo: { tag: 0, value: { EntriesRead: 1, Buffer: [{ msgi0_name: 'A' }] } } },
      PrefMaxLen: 0xffffffff,
      ResumeHandle: null,
    });
    expect(stub.toString('hex')).toBe(
      [
        '00000000', // ServerName NULL
        '00000000', '00000000', '00000200', // Level, union tag, container pointer
        '01000000', '04000200', // container: EntriesRead, Buffer pointer
        '01000000', '08000200', // max_count, MSG_INFO_0.msgi0_name pointer
        '02000000', '00000000', '02000000', '41000000', // "A"
        'ffffffff', '00000000',
      ].join(''),
    );
  });

  it('NetrMessageNameEnum level 1 output round-trips and checks EntriesRead against the array', () => {
    const out = {
      InfoStruct: {
        Level: 1,
        MsgInfo: { tag: 1, value: { EntriesRead: 2, Buffer: [{ msgi1_name: 'A', msgi1_forward_flag: 0, msgi1_forward: null }, { msgi1_name: 'BOB', msgi1_forward_flag: 1, msgi1_forward: 'X' }] } },
      },
      TotalEntries: 2,
      ResumeHandle: 7,
      status: 0,
    };
    expect(NetrMessageNameEnum.decodeOut(NetrMessageNameEnum.encodeOut(out))).toEqual(out);
    const bad = { ...out, InfoStruct: { Level: 1, MsgInfo: { tag: 1, value: { EntriesRead: 3, Buffer: out.InfoStruct.MsgInfo.value.Buffer } } } };
    expect(() => NetrMessageNameEnum.encodeOut(bad)).toThrow(/EntriesRead/);
    const lvl = { ...out, InfoStruct: { Level: 0, MsgInfo: out.InfoStruct.MsgInfo } };
    expect(() => NetrMessageNameEnum.encodeOut(lvl)).toThrow(/Level/);
  });

  it('NetrMessageNameGetInfo round-trips both levels; fuzzed stubs only throw NetsendError', () => {
    const o0 = { InfoStruct: { tag: 0, value: { msgi0_name: 'ALICE' } }, status: 0 };
    expect(NetrMessageNameGetInfo.decodeOut(NetrMessageNameGetInfo.encodeOut(o0), { Level: 0 })).toEqual(o0);
    const o1 = { InfoStruct: { tag: 1, value: { msgi1_name: 'B', msgi1_forward_flag: 0, msgi1_forward: null } }, status: 0 };
    expect(NetrMessageNameGetInfo.decodeOut(NetrMessageNameGetInfo.encodeOut(o1), { Level: 1 })).toEqual(o1);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (a) => {
        for (const def of [NetrMessageNameEnum, NetrMessageNameGetInfo, NetrSendMessage]) {
          try {
            def.decodeOut(Buffer.from(a));
            def.decodeIn(Buffer.from(a));
          } catch (e) {
            if (!(e instanceof NetsendError)) throw e;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
