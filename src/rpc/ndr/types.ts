/**
 * NDR 2.0 type constructors (C706 ch. 14), little-endian. Interfaces are declared with these so a
 * definition reads close to its IDL:
 *   struct([['platform_id', u32], ['server_name', uniquePtr(wstring)]])
 */
import {
  type ConformantParts,
  type NdrDecoder,
  type NdrEncoder,
  type NdrType,
  malformed,
  usageError,
} from './core.js';

function prim<T>(label: string, size: number, enc: (e: NdrEncoder, v: T) => void, dec: (d: NdrDecoder) => T): NdrType<T> {
  return {
    label,
    align: size,
    minSize: size,
    encode(e, v) {
      e.align(size);
      enc(e, v);
    },
    decode(d, _top, set) {
      d.align(size);
      set(dec(d));
    },
  };
}

function checkInt(v: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < min || v > max) throw usageError(`${what} value ${v} out of range`);
  return v;
}

/** C706 §14.2.5 unsigned small. */
export const u8 = prim<number>('u8', 1, (e, v) => e.w.u8(checkInt(v, 0, 0xff, 'u8')), (d) => d.r.u8());
/** unsigned short. */
export const u16 = prim<number>('u16', 2, (e, v) => e.w.u16le(checkInt(v, 0, 0xffff, 'u16')), (d) => d.r.u16le());
/** unsigned long. */
export const u32 = prim<number>('u32', 4, (e, v) => e.w.u32le(checkInt(v, 0, 0xffffffff, 'u32')), (d) => d.r.u32le());
/** long. */
export const i32 = prim<number>('i32', 4, (e, v) => e.w.i32le(checkInt(v, -0x80000000, 0x7fffffff, 'i32')), (d) => d.r.i32le());
/** unsigned hyper (C706 §14.2.5), 8-aligned. */
export const hyper = prim<bigint>(
  'hyper',
  8,
  (e, v) => {
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) throw usageError(`hyper value out of range`);
    e.w.u64le(v);
  },
  (d) => d.r.u64le(),
);
/** NDR boolean: one octet, 0 false, anything else true (C706 §14.2.3). */
export const boolean = prim<boolean>('boolean', 1, (e, v) => e.w.u8(v ? 1 : 0), (d) => d.r.u8() !== 0);

/** Enumeration: 16 bits on the wire (C706 §14.2.5.1); `allowed` rejects unknown values when given. */
export function enum16(allowed?: readonly number[]): NdrType<number> {
  const set = allowed ? new Set(allowed) : undefined;
  return prim<number>(
    'enum16',
    2,
    (e, v) => {
      checkInt(v, 0, 0xffff, 'enum16');
      if (set && !set.has(v)) throw usageError(`enum value ${v} not allowed`);
      e.w.u16le(v);
    },
    (d) => {
      const v = d.r.u16le();
      if (set && !set.has(v)) throw malformed(`enum value ${v} not allowed`);
      return v;
    },
  );
}

/** Context handle: 20 opaque octets, 4-aligned ([MS-RPCE] §2.2.5.2.1 / C706 ndr_context_handle). */
export const contextHandle: NdrType<Buffer> = {
  label: 'context_handle',
  align: 4,
  minSize: 20,
  encode(e, v) {
    if (!Buffer.isBuffer(v) || v.length !== 20) throw usageError('context handle must be 20 bytes');
    e.align(4);
    e.w.bytes(v);
  },
  decode(d, _top, set) {
    d.align(4);
    set(Buffer.from(d.r.bytes(20, 'context handle')));
  },
};

/** Fixed-size opaque octets, e.g. a GUID (16) by value. */
export function fixedBytes(n: number, align = 1): NdrType<Buffer> {
  return {
    label: `byte[${n}]`,
    align,
    minSize: n,
    encode(e, v) {
      if (!Buffer.isBuffer(v) || v.length !== n) throw usageError(`expected ${n} bytes`);
      e.align(align);
      e.w.bytes(v);
    },
    decode(d, _top, set) {
      d.align(align);
      set(Buffer.from(d.r.bytes(n)));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Pointers (C706 §14.3.10-12)

function referent<T>(e: NdrEncoder, target: NdrType<T>, v: T): void {
  e.scope(() => target.encode(e, v, false));
}

/** Defers an embedded referent; it still sees its container's fields for size_is/length_is. */
function deferEncode<T>(e: NdrEncoder, target: NdrType<T>, v: T): void {
  const names = e.frameValues();
  e.defer(() => e.inFrame(names, () => target.encode(e, v, false)));
}

function deferDecode<T>(d: NdrDecoder, target: NdrType<T>, set: (v: T) => void): void {
  const names = d.frameValues();
  d.defer(() => d.inFrame(names, () => decodeReferent(d, target, set)));
}

function decodeReferent<T>(d: NdrDecoder, target: NdrType<T>, set: (v: T) => void): void {
  d.enter(target.label);
  d.scope(() => target.decode(d, false, set));
  d.leave();
}

/**
 * Reference pointer: never NULL. Top-level: no wire representation, the referent follows.
 * Embedded: a non-zero 4-octet referent id, the referent deferred.
 */
export function refPtr<T>(target: NdrType<T>): NdrType<T> {
  return {
    label: `ref ${target.label}`,
    align: 4,
    minSize: 0,
    encode(e, v, top) {
      if (v === null || v === undefined) throw usageError(`ref pointer to ${target.label} cannot be NULL`);
      if (top) {
        referent(e, target, v);
        return;
      }
      e.align(4);
      e.w.u32le(e.referentId());
      deferEncode(e, target, v);
    },
    decode(d, top, set) {
      if (top) {
        decodeReferent(d, target, set);
        return;
      }
      d.align(4);
      if (d.r.u32le() === 0) throw malformed(`NULL embedded ref pointer to ${target.label}`);
      deferDecode(d, target, set);
    },
  };
}

/** Unique pointer: 4-octet referent id (0 = NULL); top-level referent inline, embedded deferred. */
export function uniquePtr<T>(target: NdrType<T>): NdrType<T | null> {
  return {
    label: `unique ${target.label}`,
    align: 4,
    minSize: 4,
    encode(e, v, top) {
      e.align(4);
      if (v === null || v === undefined) {
        e.w.u32le(0);
        return;
      }
      e.w.u32le(e.referentId());
      if (top) referent(e, target, v);
      else deferEncode(e, target, v);
    },
    decode(d, top, set) {
      d.align(4);
      const id = d.r.u32le();
      if (id === 0) {
        set(null);
        return;
      }
      if (top) decodeReferent(d, target, set);
      else deferDecode(d, target, set);
    },
  };
}

/**
 * Full pointer: like unique, but aliases share one referent id and the referent is marshalled
 * once, at the first occurrence (C706 §14.3.10.3). Aliasing is by JavaScript identity.
 */
export function fullPtr<T>(target: NdrType<T>): NdrType<T | null> {
  return {
    label: `full ${target.label}`,
    align: 4,
    minSize: 4,
    encode(e, v, top) {
      e.align(4);
      if (v === null || v === undefined) {
        e.w.u32le(0);
        return;
      }
      const known = e.fullIds.get(v);
      if (known !== undefined) {
        e.w.u32le(known);
        return;
      }
      const id = e.referentId();
      e.fullIds.set(v, id);
      e.w.u32le(id);
      if (top) referent(e, target, v);
      else deferEncode(e, target, v);
    },
    decode(d, top, set) {
      d.align(4);
      const id = d.r.u32le();
      if (id === 0) {
        set(null);
        return;
      }
      const known = d.fullRefs.get(id);
      if (known) {
        if (known.done) set(known.value as T);
        else known.waiters.push(set as (v: unknown) => void);
        return;
      }
      const entry = { done: false, value: undefined as unknown, waiters: [set as (v: unknown) => void] };
      d.fullRefs.set(id, entry);
      const resolve = (v: T): void => {
        entry.done = true;
        entry.value = v;
        for (const w of entry.waiters) w(v);
        entry.waiters = [];
      };
      if (top) decodeReferent(d, target, resolve);
      else deferDecode(d, target, resolve);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Arrays (C706 §14.3.3)

/** Attributes that tie an array to sibling counts. */
export interface ArrayOptions {
  /** Name of a sibling field or parameter holding max_count ([size_is]); checked for consistency. */
  sizeIs?: string;
  /** Name holding actual_count ([length_is]); checked for consistency. */
  lengthIs?: string;
}

function linkName(e: NdrEncoder | NdrDecoder, name: string | undefined, actual: number, what: string, decoding: boolean): void {
  if (name === undefined) return;
  e.checkAtEnd(() => {
    const ref = e.lookup(name);
    if (ref === undefined || ref === null) return;
    if (typeof ref !== 'number' || ref !== actual) {
      const msg = `${what} is ${actual} but ${name} is ${String(ref)}`;
      throw decoding ? malformed(msg) : usageError(msg);
    }
  });
}

/** Bytes are the common element; arrays of u8 use Buffers instead of number[]. */
type Elems<T> = T[];

function encodeElems<T>(e: NdrEncoder, elem: NdrType<T>, v: readonly T[]): void {
  for (const x of v) elem.encode(e, x, false);
}

function decodeElems<T>(d: NdrDecoder, elem: NdrType<T>, n: number, what: string, set: (v: T[]) => void): void {
  d.admit(n, elem.minSize, what);
  const out: T[] = new Array<T>(n);
  d.enter(what);
  // Elements align themselves; an empty array still aligns to its element (C706 §14.3.3.1).
  if (n === 0) d.align(elem.align);
  for (let i = 0; i < n; i++) elem.decode(d, false, (x) => (out[i] = x));
  d.leave();
  set(out);
}

function readCount(d: NdrDecoder, what: string): number {
  d.align(4);
  return d.r.u32le();
}

/** Fixed array [n]: elements only. */
export function fixedArray<T>(elem: NdrType<T>, n: number): NdrType<Elems<T>> {
  return {
    label: `${elem.label}[${n}]`,
    align: elem.align,
    minSize: elem.minSize * n,
    encode(e, v) {
      if (!Array.isArray(v) || v.length !== n) throw usageError(`${elem.label}[${n}] needs exactly ${n} elements`);
      if (n === 0) e.align(elem.align);
      encodeElems(e, elem, v);
    },
    decode(d, _top, set) {
      decodeElems(d, elem, n, `${elem.label}[${n}]`, set);
    },
  };
}

/** Conformant array [size_is]: max_count u32 then elements; max_count hoisted in structures. */
export function conformantArray<T>(elem: NdrType<T>, opts: ArrayOptions = {}): NdrType<Elems<T>> {
  const label = `${elem.label}[size_is]`;
  const parts: ConformantParts<Elems<T>> = {
    encodeConformance(e, v) {
      if (!Array.isArray(v)) throw usageError(`${label} needs an array`);
      e.align(4);
      e.w.u32le(v.length);
      linkName(e, opts.sizeIs, v.length, `${label} size`, false);
    },
    encodeBody(e, v) {
      if (v.length === 0) e.align(elem.align);
      encodeElems(e, elem, v);
    },
    decodeConformance(d) {
      const max = readCount(d, label);
      linkName(d, opts.sizeIs, max, `${label} max_count`, true);
      return max;
    },
    decodeBody(d, conf, set) {
      decodeElems(d, elem, conf as number, label, set);
    },
  };
  return conformantType(label, Math.max(4, elem.align), 4, parts);
}

function conformantType<T>(label: string, align: number, minSize: number, parts: ConformantParts<T>): NdrType<T> {
  return {
    label,
    align,
    minSize,
    conformant: parts,
    encode(e, v) {
      parts.encodeConformance(e, v);
      parts.encodeBody(e, v);
    },
    decode(d, _top, set) {
      const c = parts.decodeConformance(d);
      parts.decodeBody(d, c, set);
    },
  };
}

/** Reads offset/actual_count and checks them against max_count; non-zero offsets are refused. */
function readVariance(d: NdrDecoder, max: number | undefined, what: string): number {
  d.align(4);
  const offset = d.r.u32le();
  const actual = d.r.u32le();
  if (offset !== 0) throw malformed(`${what}: non-zero offset ${offset} is not supported`);
  if (max !== undefined && actual > max) throw malformed(`${what}: actual_count ${actual} exceeds max_count ${max}`);
  return actual;
}

/** Varying array [n] with [length_is]: offset, actual_count, elements (C706 §14.3.3.3). */
export function varyingArray<T>(elem: NdrType<T>, max: number, opts: ArrayOptions = {}): NdrType<Elems<T>> {
  const label = `${elem.label}[${max}, length_is]`;
  return {
    label,
    align: Math.max(4, elem.align),
    minSize: 8,
    encode(e, v) {
      if (!Array.isArray(v) || v.length > max) throw usageError(`${label} holds at most ${max} elements`);
      e.align(4);
      e.w.u32le(0).u32le(v.length);
      linkName(e, opts.lengthIs, v.length, `${label} length`, false);
      if (v.length === 0) e.align(elem.align);
      encodeElems(e, elem, v);
    },
    decode(d, _top, set) {
      const actual = readVariance(d, max, label);
      linkName(d, opts.lengthIs, actual, `${label} actual_count`, true);
      decodeElems(d, elem, actual, label, set);
    },
  };
}

/**
 * Conformant-varying array [size_is, length_is]: max_count (hoisted in structures), offset,
 * actual_count, elements. Encoding writes max_count = the size_is field when it is known and at
 * least the length, else the length.
 */
export function conformantVaryingArray<T>(elem: NdrType<T>, opts: ArrayOptions = {}): NdrType<Elems<T>> {
  const label = `${elem.label}[size_is, length_is]`;
  const parts: ConformantParts<Elems<T>> = {
    encodeConformance(e, v) {
      if (!Array.isArray(v)) throw usageError(`${label} needs an array`);
      const named = opts.sizeIs === undefined ? undefined : e.lookup(opts.sizeIs);
      const max = typeof named === 'number' && named >= v.length ? named : v.length;
      e.align(4);
      e.w.u32le(max);
      linkName(e, opts.sizeIs, max, `${label} size`, false);
    },
    encodeBody(e, v) {
      e.align(4);
      e.w.u32le(0).u32le(v.length);
      linkName(e, opts.lengthIs, v.length, `${label} length`, false);
      if (v.length === 0) e.align(elem.align);
      encodeElems(e, elem, v);
    },
    decodeConformance(d) {
      const max = readCount(d, label);
      linkName(d, opts.sizeIs, max, `${label} max_count`, true);
      return max;
    },
    decodeBody(d, conf, set) {
      const actual = readVariance(d, conf as number, label);
      linkName(d, opts.lengthIs, actual, `${label} actual_count`, true);
      decodeElems(d, elem, actual, label, set);
    },
  };
  return conformantType(label, Math.max(4, elem.align), 12, parts);
}

/** Conformant byte array ([size_is] byte*) as a Buffer. */
export function conformantBytes(opts: ArrayOptions = {}): NdrType<Buffer> {
  const label = 'byte[size_is]';
  const parts: ConformantParts<Buffer> = {
    encodeConformance(e, v) {
      if (!Buffer.isBuffer(v)) throw usageError(`${label} needs a Buffer`);
      e.align(4);
      e.w.u32le(v.length);
      linkName(e, opts.sizeIs, v.length, `${label} size`, false);
    },
    encodeBody(e, v) {
      e.w.bytes(v);
    },
    decodeConformance(d) {
      const max = readCount(d, label);
      linkName(d, opts.sizeIs, max, `${label} max_count`, true);
      return max;
    },
    decodeBody(d, conf, set) {
      const n = conf as number;
      d.admit(n, 1, label);
      set(Buffer.from(d.r.bytes(n, label)));
    },
  };
  return conformantType(label, 4, 4, parts);
}

// ---------------------------------------------------------------------------------------------
// Strings (C706 §14.3.4): conformant-varying arrays whose last element is NUL.

/** The character set of a string type. */
export interface CharsetCodec {
  /** Text to octets, without the terminating NUL. */
  encode(text: string): Buffer;
  /** Octets (without the NUL) to text. */
  decode(bytes: Buffer): string;
}

function stringType(label: string, unit: 1 | 2, toUnits: (s: string) => Buffer, fromUnits: (b: Buffer) => string): NdrType<string> {
  const parts: ConformantParts<string> = {
    encodeConformance(e, v) {
      if (typeof v !== 'string') throw usageError(`${label} needs a string`);
      e.align(4);
      e.w.u32le(toUnits(v).length / unit + 1);
    },
    encodeBody(e, v) {
      const body = toUnits(v);
      const n = body.length / unit + 1;
      e.align(4);
      e.w.u32le(0).u32le(n);
      e.w.bytes(body).zeros(unit);
    },
    decodeConformance(d) {
      return readCount(d, label);
    },
    decodeBody(d, conf, set) {
      const actual = readVariance(d, conf as number, label);
      d.admit(actual, unit, label);
      const raw = d.r.bytes(actual * unit, label);
      if (actual === 0) {
        set('');
        return;
      }
      for (let i = 0; i < unit; i++) {
        if (raw[raw.length - unit + i] !== 0) throw malformed(`${label} is not NUL-terminated`);
      }
      set(fromUnits(Buffer.from(raw.subarray(0, raw.length - unit))));
    },
  };
  return conformantType(label, 4, 12, parts);
}

function utf16(s: string): Buffer {
  if (s.includes('\0')) throw usageError('string contains NUL');
  return Buffer.from(s, 'utf16le');
}

/** [string] wchar_t: UTF-16LE, counts in 16-bit units including the NUL. */
export const wstring: NdrType<string> = stringType('wstring', 2, utf16, (b) => b.toString('utf16le'));

/** [string] char: 8-bit units through the caller's code page (e.g. OEM for [MS-MSRP]). */
export function cstring(codec: CharsetCodec): NdrType<string> {
  return stringType(
    'cstring',
    1,
    (s) => {
      const b = codec.encode(s);
      if (b.includes(0)) throw usageError('string contains NUL');
      return b;
    },
    (b) => codec.decode(b),
  );
}

// ---------------------------------------------------------------------------------------------
// Structures (C706 §14.3.7) and unions (§14.3.8)

/** One structure member: its name and NDR type. */
export type Field = readonly [name: string, type: NdrType<any>];
/** The value of a structure, keyed by member name. */
export type StructValue<F extends readonly Field[]> = { [E in F[number] as E[0]]: E[1] extends NdrType<infer T> ? T : never };

/**
 * Structure: aligned to its largest member; when the last member is conformant, its max_count
 * is hoisted to the structure's start (a conformant structure).
 */
export function struct<const F extends readonly Field[]>(fields: F, label = 'struct'): NdrType<StructValue<F>> {
  const last = fields[fields.length - 1]?.[1];
  const conf = last?.conformant;
  let align = 1;
  let minSize = 0;
  for (const [, t] of fields) {
    align = Math.max(align, t.align);
    minSize += t.minSize;
  }
  if (conf) align = Math.max(align, 4);
  const body = (e: NdrEncoder, v: Record<string, unknown>): void => {
    e.align(align);
    for (let i = 0; i < fields.length; i++) {
      const [name, t] = fields[i]!;
      if (i === fields.length - 1 && conf) conf.encodeBody(e, v[name]);
      else t.encode(e, v[name], false);
    }
  };
  const decodeBody = (d: NdrDecoder, hoisted: unknown, set: (v: StructValue<F>) => void): void => {
    d.enter(label);
    d.align(align);
    const out: Record<string, unknown> = {};
    d.inFrame(out, () => {
      for (let i = 0; i < fields.length; i++) {
        const [name, t] = fields[i]!;
        const put = (x: unknown): void => {
          out[name] = x;
        };
        if (i === fields.length - 1 && conf) conf.decodeBody(d, hoisted, put);
        else t.decode(d, false, put);
      }
    });
    d.leave();
    set(out as StructValue<F>);
  };
  const encodeFramed = (e: NdrEncoder, v: StructValue<F>, withConf: boolean): void => {
    if (typeof v !== 'object' || v === null) throw usageError(`${label} needs an object`);
    const rec = v as Record<string, unknown>;
    e.inFrame(rec, () => {
      if (withConf && conf) conf.encodeConformance(e, rec[fields[fields.length - 1]![0]]);
      body(e, rec);
    });
  };
  const parts: ConformantParts<StructValue<F>> | undefined = conf && {
    encodeConformance(e, v) {
      const rec = v as Record<string, unknown>;
      e.inFrame(rec, () => conf.encodeConformance(e, rec[fields[fields.length - 1]![0]]));
    },
    encodeBody(e, v) {
      encodeFramed(e, v, false);
    },
    decodeConformance(d) {
      return conf.decodeConformance(d);
    },
    decodeBody(d, c, set) {
      decodeBody(d, c, set);
    },
  };
  return {
    label,
    align,
    minSize,
    ...(parts ? { conformant: parts } : {}),
    encode(e, v) {
      encodeFramed(e, v, true);
    },
    decode(d, _top, set) {
      const hoisted = conf ? conf.decodeConformance(d) : undefined;
      decodeBody(d, hoisted, set);
    },
  };
}

/** A union value: its discriminant and the selected arm. */
export interface UnionValue<T> {
  /** The discriminant (the switch_is value). */
  tag: number;
  /** The selected arm's value (null for an empty arm). */
  value: T;
}

/** Attributes of a non-encapsulated union (C706 §14.3.8). */
export interface UnionOptions {
  /** Discriminant type: u32 (default, `long`) or u16 (`short`). */
  switchType?: NdrType<number>;
  /** Name of the parameter/field that switch_is refers to; the tag is checked against it. */
  switchIs?: string;
}

/**
 * Non-encapsulated union with switch_is (C706 §14.3.8): the discriminant is marshalled, then the
 * arm; the union aligns to the larger of the discriminant and its arms. Arms with null are empty;
 * `default` covers tags not listed (absent: unknown tags are malformed).
 */
export function union<T>(arms: Record<number, NdrType<T> | null>, opts: UnionOptions & { default?: NdrType<T> | null } = {}): NdrType<UnionValue<T | null>> {
  const sw = opts.switchType ?? u32_;
  let align = sw.align;
  for (const a of Object.values(arms)) if (a) align = Math.max(align, a.align);
  if (opts.default) align = Math.max(align, opts.default.align);
  const armFor = (tag: number): NdrType<T> | null | undefined => (Object.prototype.hasOwnProperty.call(arms, tag) ? arms[tag] : opts.default);
  const label = 'union';
  return {
    label,
    align,
    minSize: sw.minSize,
    encode(e, v) {
      if (typeof v !== 'object' || v === null || typeof v.tag !== 'number') throw usageError('union needs {tag, value}');
      const arm = armFor(v.tag);
      if (arm === undefined) throw usageError(`union has no arm for tag ${v.tag}`);
      if (opts.switchIs !== undefined) linkName(e, opts.switchIs, v.tag, 'union tag', false);
      e.align(align);
      sw.encode(e, v.tag, false);
      if (arm) {
        e.align(align);
        arm.encode(e, v.value as T, false);
      }
    },
    decode(d, _top, set) {
      d.enter(label);
      d.align(align);
      let tag = 0;
      sw.decode(d, false, (t) => (tag = t));
      if (opts.switchIs !== undefined) linkName(d, opts.switchIs, tag, 'union tag', true);
      const arm = armFor(tag);
      if (arm === undefined) throw malformed(`union tag ${tag} has no arm`);
      const out: UnionValue<T | null> = { tag, value: null };
      if (arm) {
        d.align(align);
        arm.decode(d, false, (x) => (out.value = x));
      }
      d.leave();
      set(out);
    },
  };
}

const u32_ = u32;
