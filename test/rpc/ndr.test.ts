import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  boolean,
  checkDrep,
  conformantArray,
  conformantBytes,
  conformantVaryingArray,
  contextHandle,
  cstring,
  decodeParams,
  encodeParams,
  enum16,
  fixedArray,
  fixedBytes,
  fullPtr,
  hyper,
  i32,
  ndrCall,
  refPtr,
  struct,
  u16,
  u32,
  u8,
  union,
  uniquePtr,
  varyingArray,
  wstring,
  type NdrType,
  type Param,
} from '../../src/rpc/ndr/index.js';
import { MalformedError, NetsendError } from '../../src/status/error.js';

const latin1 = { encode: (s: string) => Buffer.from(s, 'latin1'), decode: (b: Buffer) => b.toString('latin1') };

function roundTrip<T>(t: NdrType<T>, v: T): T {
  const params: Param[] = [['x', t]];
  const stub = encodeParams(params, { x: v });
  return decodeParams(params, stub).x as T;
}

function expectNetsendOnly(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof NetsendError)) throw e;
  }
}

const str = fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0'));
const wstr = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !s.includes('\0') && Buffer.from(s, 'utf16le').toString('utf16le') === s);
const u32a = fc.nat({ max: 0xffffffff });

// A small interface exercising every construct at once.
const Inner = struct([
  ['count', u32],
  ['name', uniquePtr(wstring)],
  ['items', uniquePtr(conformantArray(u16, { sizeIs: 'count' }))],
]);
const Conf = struct([
  ['flag', boolean],
  ['h', hyper],
  ['tail', conformantVaryingArray(u32)],
]);
const Big = struct([
  ['a', u8],
  ['b', i32],
  ['e', enum16([0, 1, 2])],
  ['inner', Inner],
  ['list', uniquePtr(conformantArray(Inner))],
  ['fixed', fixedArray(u16, 3)],
  ['vary', varyingArray(u8, 8)],
  ['u', union<unknown>({ 1: u32, 2: uniquePtr(wstring), 3: null }, { switchType: u16 })],
  ['conf', uniquePtr(Conf)],
  ['handle', contextHandle],
  ['guid', fixedBytes(16, 4)],
  ['c8', uniquePtr(cstring(latin1))],
]);
const innerArb = fc.array(fc.nat({ max: 0xffff }), { maxLength: 5 }).chain((items) =>
  fc.record({ count: fc.constant(items.length), name: fc.option(wstr, { nil: null }), items: fc.constant(items) }),
);
const bigArb = fc.record({
  a: fc.nat({ max: 255 }),
  b: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  e: fc.constantFrom(0, 1, 2),
  inner: innerArb,
  list: fc.option(fc.array(innerArb, { maxLength: 3 }), { nil: null }),
  fixed: fc.array(fc.nat({ max: 0xffff }), { minLength: 3, maxLength: 3 }),
  vary: fc.array(fc.nat({ max: 255 }), { maxLength: 8 }),
  u: fc.oneof(
    fc.record({ tag: fc.constant(1), value: u32a }),
    fc.record({ tag: fc.constant(2), value: fc.option(wstr, { nil: null }) }),
    fc.record({ tag: fc.constant(3), value: fc.constant(null) }),
  ),
  conf: fc.option(fc.record({ flag: fc.boolean(), h: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }), tail: fc.array(u32a, { maxLength: 4 }) }), { nil: null }),
  handle: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((a) => Buffer.from(a)),
  guid: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
  c8: fc.option(fc.string({ unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 10 }), { nil: null }),
});

const Everything = ndrCall(7, {
  in: [
    ['p', refPtr(Big)],
    ['s', uniquePtr(wstring)],
    ['n', u32],
  ],
  out: [['status', u32]],
});

describe('NDR primitives and alignment (C706 §14.2)', () => {
  it('aligns each primitive to its size relative to the stub start', () => {
    const params: Param[] = [
      ['a', u8],
      ['b', u16],
      ['c', u8],
      ['d', u32],
      ['e', u8],
      ['f', hyper],
    ];
    const stub = encodeParams(params, { a: 1, b: 0x0302, c: 4, d: 0x08070605, e: 9, f: 0x100fn });
    expect(stub.toString('hex')).toBe('01' + '00' + '0203' + '04' + '000000' + '05060708' + '09' + '000000' + '0f10000000000000');
    expect(decodeParams(params, stub)).toEqual({ a: 1, b: 0x0302, c: 4, d: 0x08070605, e: 9, f: 0x100fn });
  });

  it('refuses out-of-range values with a usage error', () => {
    expect(() => encodeParams([['x', u8]], { x: 256 })).toThrow(NetsendError);
    expect(() => encodeParams([['x', u32]], { x: -1 })).toThrow(NetsendError);
    expect(() => encodeParams([['x', enum16([1])]], { x: 2 })).toThrow(NetsendError);
    expect(() => decodeParams([['x', enum16([1])]], Buffer.from('0200', 'hex'))).toThrow(MalformedError);
  });

  it('checks the data representation', () => {
    expect(() => checkDrep(Buffer.from('10000000', 'hex'))).not.toThrow();
    for (const bad of ['00000000', '11000000', '10010000']) {
      expect(() => checkDrep(Buffer.from(bad, 'hex'))).toThrow(expect.objectContaining({ name: 'RPC_UNSUPPORTED_DREP' }));
    }
  });

  it('round-trips primitives', () => {
    fc.assert(
      fc.property(fc.nat({ max: 255 }), fc.nat({ max: 0xffff }), u32a, fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.boolean(), (a, b, c, d, e, f) => {
        const params: Param[] = [['a', u8], ['b', u16], ['c', u32], ['d', i32], ['e', hyper], ['f', boolean]];
        expect(decodeParams(params, encodeParams(params, { a, b, c, d, e, f }))).toEqual({ a, b, c, d, e, f });
      }),
    );
  });
});

describe('NDR pointers (C706 §14.3.10-12)', () => {
  it('top-level referents follow at once; embedded referents are deferred, depth-first, ids from 0x20000 by 4', () => {
    const S = struct([
      ['p', uniquePtr(struct([['q', uniquePtr(u32)], ['v', u32]]))],
      ['r', uniquePtr(u32)],
    ]);
    const stub = encodeParams(
      [
        ['top', uniquePtr(u32)],
        ['s', S],
        ['z', u32],
      ],
      { top: 0xaa, s: { p: { q: 0xbb, v: 0xcc }, r: 0xdd }, z: 0xee },
    );
    expect(stub.toString('hex')).toBe(
      [
        '00000200', 'aa000000', // top-level unique: id then referent
        '04000200', '08000200', // s.p id, s.r id (referents deferred)
        '0c000200', 'cc000000', // *s.p = {q id, v}
        'bb000000', // *s.p.q (deferred within *s.p, before *s.r)
        'dd000000', // *s.r
        'ee000000',
      ].join(''),
    );
  });

  it('ref pointers: nothing at top level, a non-zero id when embedded; NULL refused', () => {
    expect(encodeParams([['x', refPtr(u32)]], { x: 1 }).toString('hex')).toBe('01000000');
    expect(encodeParams([['x', struct([['p', refPtr(u32)]])]], { x: { p: 1 } }).toString('hex')).toBe('0000020001000000');
    expect(() => encodeParams([['x', refPtr(u32)]], { x: null })).toThrow(NetsendError);
    expect(() => decodeParams([['x', struct([['p', refPtr(u32)]])]], Buffer.from('0000000001000000', 'hex'))).toThrow(MalformedError);
  });

  it('full pointers marshal an aliased referent once and decode to one object', () => {
    const shared = { v: 7 };
    const T = struct([['v', u32]]);
    const S = struct([
      ['a', fullPtr(T)],
      ['b', fullPtr(T)],
    ]);
    const stub = encodeParams([['s', S]], { s: { a: shared, b: shared } });
    expect(stub.toString('hex')).toBe('00000200' + '00000200' + '07000000');
    const out = decodeParams([['s', S]], stub).s as { a: unknown; b: unknown };
    expect(out.a).toEqual({ v: 7 });
    expect(out.a).toBe(out.b);
  });
});

describe('NDR arrays and strings (C706 §14.3.3-4)', () => {
  it('hoists a conformant structure\'s max_count to its start', () => {
    const S = struct([
      ['n', u16],
      ['data', conformantArray(u16)],
    ]);
    expect(encodeParams([['s', S]], { s: { n: 2, data: [5, 6] } }).toString('hex')).toBe('02000000' + '0200' + '0500' + '0600');
    const CV = struct([
      ['n', u32],
      ['s', wstring],
    ]);
    expect(encodeParams([['s', CV]], { s: { n: 9, s: 'A' } }).toString('hex')).toBe('02000000' + '09000000' + '00000000' + '02000000' + '41000000');
  });

  it('hoists through a nested conformant structure and a deferred pointee', () => {
    const InnerC = struct([
      ['b', u16],
      ['arr', conformantArray(u16)],
    ]);
    const Outer = struct([
      ['a', u16],
      ['inner', InnerC],
    ]);
    const v = { a: 1, inner: { b: 2, arr: [3, 4, 5] } };
    const stub = encodeParams([['o', Outer]], { o: v });
    // A conformant structure aligns to at least 4 (its conformance), also when nested: pad after 'a'.
    expect(stub.toString('hex')).toBe('03000000' + '0100' + '0000' + '0200' + '0300' + '0400' + '0500');
    expect(decodeParams([['o', Outer]], stub)).toEqual({ o: v });
    // size_is of an embedded pointer's array is checked against its container's field.
    const S = struct([
      ['n', u32],
      ['p', uniquePtr(conformantArray(u8, { sizeIs: 'n' }))],
    ]);
    const ok = encodeParams([['s', S]], { s: { n: 2, p: [9, 9] } });
    expect(ok.toString('hex')).toBe('02000000' + '00000200' + '02000000' + '0909');
    expect(() => encodeParams([['s', S]], { s: { n: 3, p: [9, 9] } })).toThrow(/but n is 3/);
    const lie = Buffer.from(ok);
    lie.writeUInt32LE(1, 0);
    expect(() => decodeParams([['s', S]], lie)).toThrow(MalformedError);
  });

  it('encodes an 8-bit string with a caller codec and the NUL counted', () => {
    expect(encodeParams([['s', refPtr(cstring(latin1))]], { s: 'hi' }).toString('hex')).toBe('03000000' + '00000000' + '03000000' + '686900');
  });

  it('rejects actual > max, non-zero offsets, missing NULs', () => {
    const s = (h: string): unknown => decodeParams([['s', refPtr(wstring)]], Buffer.from(h, 'hex'));
    expect(() => s('01000000' + '00000000' + '02000000' + '41000000')).toThrow(/exceeds max_count/);
    expect(() => s('02000000' + '01000000' + '01000000' + '0000' + '0000')).toThrow(/offset/);
    expect(() => s('01000000' + '00000000' + '01000000' + '4100' + '0000')).toThrow(/NUL/);
  });

  it('fails fast on max_count 0xFFFFFFFF with 8 bytes of input (no allocation)', () => {
    const stub = Buffer.from('ffffffff' + '00000000', 'hex');
    for (const t of [conformantArray(u32), conformantArray(struct([['a', u8]])), conformantBytes(), conformantVaryingArray(u16)] as NdrType<unknown>[]) {
      expect(() => decodeParams([['x', refPtr(t)]], stub)).toThrow(MalformedError);
    }
    expect(() => decodeParams([['x', refPtr(wstring)]], Buffer.from('ffffffff00000000ffffffff', 'hex'))).toThrow(MalformedError);
  });

  it('enforces the element budget and the depth limit', () => {
    const stub = encodeParams([['x', refPtr(conformantArray(u8))]], { x: new Array(100).fill(1) });
    expect(() => decodeParams([['x', refPtr(conformantArray(u8))]], stub, {}, { maxElements: 50 })).toThrow(/more than 50/);
    // A linked list 10 deep with a depth limit of 8.
    type Node = { next: Node | null };
    const lazy: NdrType<Node> = {
      label: 'node',
      align: 4,
      minSize: 4,
      encode: (e, v, top) => NodeT.encode(e, v, top),
      decode: (d, top, set) => NodeT.decode(d, top, set),
    };
    const NodeT = struct([['next', uniquePtr(lazy)]], 'node');
    let list: Node = { next: null };
    for (let i = 0; i < 10; i++) list = { next: list };
    const ls = encodeParams([['l', NodeT]], { l: list });
    expect(decodeParams([['l', NodeT]], ls)).toEqual({ l: list });
    expect(() => decodeParams([['l', NodeT]], ls, {}, { maxDepth: 8 })).toThrow(/deeper than 8/);
  });

  it('refuses trailing garbage but tolerates short zero padding', () => {
    expect(decodeParams([['x', u32]], Buffer.from('0100000000000000', 'hex'))).toEqual({ x: 1 });
    expect(() => decodeParams([['x', u32]], Buffer.from('0100000001', 'hex'))).toThrow(MalformedError);
  });

  it('unions: discriminant then arm, unknown tags refused', () => {
    const U = union<unknown>({ 1: u32, 2: null });
    expect(encodeParams([['u', U]], { u: { tag: 1, value: 9 } }).toString('hex')).toBe('0100000009000000');
    expect(() => decodeParams([['u', U]], Buffer.from('03000000', 'hex'))).toThrow(/no arm/);
    expect(() => encodeParams([['u', U]], { u: { tag: 4, value: 1 } })).toThrow(NetsendError);
  });
});

describe('NDR properties', () => {
  it('round-trips every construct', () => {
    fc.assert(
      fc.property(bigArb, fc.option(wstr, { nil: null }), u32a, (p, s, n) => {
        const stub = Everything.encodeIn({ p, s, n });
        expect(Everything.decodeIn(stub)).toEqual({ p, s, n });
      }),
      { numRuns: 300 },
    );
  });

  it('random and truncated stubs throw NetsendError or decode, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (a) => {
        expectNetsendOnly(() => Everything.decodeIn(Buffer.from(a)));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(bigArb, fc.option(wstr, { nil: null }), u32a, fc.nat(), fc.nat({ max: 255 }), (p, s, n, cut, flip) => {
        const stub = Everything.encodeIn({ p, s, n });
        const at = cut % (stub.length + 1);
        expect(() => Everything.decodeIn(stub.subarray(0, Math.max(0, at - 1)))).toThrow(NetsendError);
        const mutated = Buffer.from(stub);
        if (mutated.length > 0) mutated[at % mutated.length] = mutated[at % mutated.length]! ^ flip;
        expectNetsendOnly(() => Everything.decodeIn(mutated));
      }),
      { numRuns: 300 },
    );
  });

  it('strings round-trip (UTF-16 and 8-bit)', () => {
    fc.assert(
      fc.property(wstr, (s) => {
        expect(roundTrip(refPtr(wstring), s)).toBe(s);
      }),
    );
    const latinStr = str.map((s) => Buffer.from(s, 'latin1').toString('latin1')).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(latinStr, (s) => {
        expect(roundTrip(refPtr(cstring(latin1)), s)).toBe(s);
      }),
    );
  });
});
