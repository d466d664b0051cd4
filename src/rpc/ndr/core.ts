/**
 * NDR 2.0 engine (C706 ch. 14): encode/decode contexts, deferred referents, limits.
 *
 * Every type is an `NdrType<T>`. `top` is true only for the outermost type of a call parameter:
 * a top-level pointer's referent follows it at once (C706 §14.3.12.1), while pointers embedded in
 * structures, arrays and unions are deferred until the containing construct is complete, in order
 * (§14.3.12.3). Deferred referents are written depth-first: each referent is followed by its own
 * deferred referents before the next one (what MIDL and pidl produce).
 */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { MalformedError, NetsendError } from '../../status/error.js';

/** NDR data representation label bytes we produce: little-endian integers, ASCII, IEEE floats (C706 §14.1). */
export const NDR_DREP_LE = Buffer.from([0x10, 0x00, 0x00, 0x00]);

/** Bounds on decoding a hostile stub. */
export interface NdrLimits {
  /** Nesting of constructed types and pointers (default 64). */
  maxDepth: number;
  /** Array elements decoded in one stub, all arrays together (default 1 << 20). */
  maxElements: number;
}

/** Limits applied when the caller passes none. */
export const DEFAULT_NDR_LIMITS: NdrLimits = { maxDepth: 64, maxElements: 1 << 20 };

/** First referent id for unique/full pointers; later ones step by 4 (as Samba's and Windows' stubs do). */
export const FIRST_REFERENT_ID = 0x00020000;

type Deferred = () => void;

/** Names visible to size_is / length_is / switch_is: the parameters or the fields of the current struct. */
interface Frame {
  values: Record<string, unknown>;
  checks: (() => void)[];
}

abstract class NdrContext {
  private queue: Deferred[] = [];
  private frames: Frame[] = [];

  /** Queues a pointer referent to be marshalled after the current construct (C706 §14.3.12.3 deferral). */
  defer(fn: Deferred): void {
    this.queue.push(fn);
  }

  /** Runs `fn` with a fresh deferral queue, then drains that queue depth-first. */
  scope(fn: () => void): void {
    const saved = this.queue;
    this.queue = [];
    try {
      fn();
      this.drain();
    } finally {
      this.queue = saved;
    }
  }

  private drain(): void {
    const items = this.queue;
    this.queue = [];
    for (const item of items) this.scope(item);
  }

  /** Starts a frame of sibling names for size_is/length_is/switch_is lookups. */
  pushFrame(values: Record<string, unknown>): Frame {
    const f: Frame = { values, checks: [] };
    this.frames.push(f);
    return f;
  }

  /** Ends the current frame, running its checks while its names are still visible. */
  popFrame(): void {
    const f = this.frames[this.frames.length - 1];
    try {
      if (f) for (const c of f.checks) c();
    } finally {
      this.frames.pop();
    }
  }

  /** Drops the current frame without its checks (an error is already on its way). */
  abandonFrame(): void {
    this.frames.pop();
  }

  /** Runs `fn` inside a frame; checks run only when `fn` succeeds. */
  inFrame(values: Record<string, unknown>, fn: () => void): void {
    this.pushFrame(values);
    try {
      fn();
    } catch (e) {
      this.abandonFrame();
      throw e;
    }
    this.popFrame();
  }

  /** The names visible now, so a deferred referent can still see its container's fields. */
  frameValues(): Record<string, unknown> {
    return this.frames[this.frames.length - 1]?.values ?? {};
  }

  /** The value of a sibling field/parameter, or undefined when it is not (yet) known. */
  lookup(name: string): unknown {
    const f = this.frames[this.frames.length - 1];
    return f?.values[name];
  }

  /** Runs a check when the current frame ends (the referenced name may come later). */
  checkAtEnd(fn: () => void): void {
    const f = this.frames[this.frames.length - 1];
    if (f) f.checks.push(fn);
    else fn();
  }
}

/** Marshals an NDR 2.0 stub (C706 §14), little-endian. */
export class NdrEncoder extends NdrContext {
  readonly w = new ByteWriter(256);
  private nextId = FIRST_REFERENT_ID;
  /** Full pointers: referent -> id, so aliases marshal the same id once. */
  readonly fullIds = new Map<unknown, number>();

  /** The next referent ID for an embedded pointer (C706 §14.3.10); any non-zero value unique within the stub. */
  referentId(): number {
    const id = this.nextId;
    this.nextId = (this.nextId + 4) >>> 0;
    return id;
  }

  /** Writes zero padding to an n-octet boundary (C706 §14.2.2). */
  align(n: number): void {
    this.w.align(n);
  }
}

/** Unmarshals an NDR 2.0 stub (C706 §14), bounded by NdrLimits. */
export class NdrDecoder extends NdrContext {
  readonly r: ByteReader;
  readonly limits: NdrLimits;
  private depth = 0;
  private elements = 0;
  /** Full pointers: id -> resolved referent or waiters (C706 §14.3.10, aliasing by referent id). */
  readonly fullRefs = new Map<
    number,
    {
      done: boolean;
      value: unknown;
      /** Setters waiting for a referent not yet decoded. */
      waiters: ((v: unknown) => void)[];
    }
  >();

  constructor(buf: Buffer, limits: Partial<NdrLimits> = {}) {
    super();
    this.r = new ByteReader(buf, 'NDR stub');
    this.limits = { ...DEFAULT_NDR_LIMITS, ...limits };
  }

  /** Skips padding to an n-octet boundary (C706 §14.2.2). */
  align(n: number): void {
    this.r.align(n);
  }

  /** Counts one level of nesting; too deep is MalformedError (a stub cannot recurse without bound). */
  enter(what: string): void {
    if (++this.depth > this.limits.maxDepth) throw new MalformedError('NDR stub', `${what} nested deeper than ${this.limits.maxDepth}`);
  }

  /** Leaves a level of nesting entered with `enter`. */
  leave(): void {
    this.depth--;
  }

  /**
   * Admits `count` elements of at least `minBytes` each before anything is allocated: the count
   * must fit in the bytes left and in the element budget.
   */
  admit(count: number, minBytes: number, what: string): void {
    if (!Number.isInteger(count) || count < 0) throw new MalformedError('NDR stub', `${what}: bad count ${count}`);
    if (count * minBytes > this.r.remaining) {
      throw new MalformedError('NDR stub', `${what}: ${count} elements cannot fit in the ${this.r.remaining} bytes left`);
    }
    this.elements += count;
    if (this.elements > this.limits.maxElements) throw new MalformedError('NDR stub', `${what}: more than ${this.limits.maxElements} array elements`);
  }
}

/** An NDR type: how one value of it is marshalled and unmarshalled. */
export interface NdrType<T> {
  /** Alignment of the type's first octet (C706 §14.2.2); structures take their largest member's. */
  readonly align: number;
  /** Lower bound on the octets one value occupies inline (used to bound counts before allocating). */
  readonly minSize: number;
  /** Marshals one value; `top` is true for a parameter, whose pointer referents follow at once (C706 §14.3.12.1). */
  encode(e: NdrEncoder, v: T, top: boolean): void;
  /** Unmarshals one value; `set` receives it (later for a deferred referent); `top` as for encode. */
  decode(d: NdrDecoder, top: boolean, set: (v: T) => void): void;
  /**
   * Present on conformant types: when such a type ends a structure its max_count(s) are hoisted
   * to the structure's start (C706 §14.3.7.1).
   */
  readonly conformant?: ConformantParts<T>;
  /** Human name for errors. */
  readonly label: string;
}

/**
 * How a conformant type marshals when it ends a structure: conformance hoisted to the structure's start
 * (C706 §14.3.7.1).
 */
export interface ConformantParts<T> {
  /** Writes the max_count(s) at the enclosing structure's start (C706 §14.3.7.1). */
  encodeConformance(e: NdrEncoder, v: T): void;
  /** Marshals the array body, its conformance already written. */
  encodeBody(e: NdrEncoder, v: T): void;
  /** Reads the hoisted max_count(s) at the structure's start. */
  decodeConformance(d: NdrDecoder): unknown;
  /** Unmarshals the body, given the conformance `decodeConformance` read. */
  decodeBody(d: NdrDecoder, conformance: unknown, set: (v: T) => void): void;
}

/** The value type an NdrType marshals. */
export type NdrValue<X> = X extends NdrType<infer T> ? T : never;

/** A usage error for a value that cannot be marshalled (the caller's mistake, not the peer's). */
export function usageError(message: string): NetsendError {
  return new NetsendError('usage', 0, 'NDR_INVALID_VALUE', message);
}

/** A MalformedError for an NDR stub. */
export function malformed(detail: string): MalformedError {
  return new MalformedError('NDR stub', detail);
}

/** Decodes a type synchronously; throws if a deferred part never resolved (cannot happen with scope()). */
export function decodeNow<T>(d: NdrDecoder, t: NdrType<T>, top: boolean): T {
  let out: { v: T } | undefined;
  t.decode(d, top, (v) => (out = { v }));
  if (!out) throw malformed(`${t.label} did not resolve`);
  return out.v;
}

/**
 * Checks the data representation label of a received PDU. We only speak the one we send
 * (little-endian, ASCII, IEEE); anything else is refused rather than misread.
 */
export function checkDrep(drep: Uint8Array): void {
  const intRep = (drep[0] ?? 0) >> 4;
  const charRep = (drep[0] ?? 0) & 0x0f;
  const floatRep = drep[1] ?? 0;
  if (intRep !== 1 || charRep !== 0 || floatRep !== 0) {
    const hex = Buffer.from(drep).toString('hex');
    throw new NetsendError('protocol', 0, 'RPC_UNSUPPORTED_DREP', `unsupported NDR data representation ${hex} (only little-endian/ASCII/IEEE)`);
  }
}
