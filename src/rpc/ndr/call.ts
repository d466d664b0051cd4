/**
 * An RPC operation as its IDL declares it: opnum, [in] parameters, [out] parameters (the return
 * value last, by convention named 'status' or 'result'). Top-level parameters each form their own
 * deferral scope (C706 §14.3.12.1): a pointer's referent follows the pointer at once.
 */
import { type NdrLimits, NdrDecoder, NdrEncoder, type NdrType, malformed } from './core.js';

/** One IDL parameter: its name and NDR type. */
export type Param = readonly [name: string, type: NdrType<any>];
/** The values of a parameter list, keyed by parameter name. */
export type ParamValues<P extends readonly Param[]> = { [E in P[number] as E[0]]: E[1] extends NdrType<infer T> ? T : never };

/** One operation's codec, typed by its parameter lists. */
export interface NdrCall<I extends readonly Param[], O extends readonly Param[]> {
  readonly opnum: number;
  readonly name: string;
  readonly in: I;
  readonly out: O;
  /** Marshals the [in] parameters into a request stub. */
  encodeIn(args: ParamValues<I>): Buffer;
  /** Decodes a request stub (the server side), bounded by `limits`. */
  decodeIn(stub: Buffer, limits?: Partial<NdrLimits>): ParamValues<I>;
  /** Marshals the [out] parameters into a response stub (the server side). */
  encodeOut(args: ParamValues<O>): Buffer;
  /** `inArgs`, when given, let size_is/switch_is of [out] parameters be checked against [in] ones. */
  decodeOut(stub: Buffer, inArgs?: object, limits?: Partial<NdrLimits>): ParamValues<O>;
}

/** The [in] parameter values of an operation, by name. */
export type InArgs<C> = C extends NdrCall<infer I, any> ? ParamValues<I> : never;
/** The [out] parameter values of an operation, by name. */
export type OutArgs<C> = C extends NdrCall<any, infer O> ? ParamValues<O> : never;

/** Encodes parameters in order into one stub (alignment relative to the stub start). */
export function encodeParams(params: readonly Param[], args: Record<string, unknown>): Buffer {
  const e = new NdrEncoder();
  e.inFrame(args, () => {
    for (const [name, t] of params) e.scope(() => t.encode(e, args[name], true));
  });
  return e.w.finish();
}

/**
 * Decodes parameters. Trailing octets are tolerated only as fewer than 8 zero octets of padding;
 * anything else means the stub and the declaration disagree.
 */
export function decodeParams(params: readonly Param[], stub: Buffer, known: Record<string, unknown> = {}, limits: Partial<NdrLimits> = {}): Record<string, unknown> {
  const d = new NdrDecoder(stub, limits);
  const out: Record<string, unknown> = {};
  const frame: Record<string, unknown> = { ...known };
  d.inFrame(frame, () => {
    for (const [name, t] of params) {
      d.scope(() =>
        t.decode(d, true, (v) => {
          out[name] = v;
          frame[name] = v;
        }),
      );
    }
  });
  const rest = d.r.remaining;
  if (rest > 0) {
    const tail = d.r.bytes(rest);
    if (rest >= 8 || tail.some((b) => b !== 0)) throw malformed(`${rest} unexpected trailing octets`);
  }
  return out;
}

/** Declares an operation from its opnum and parameter lists, so one definition serves client and server. */
export function ndrCall<const I extends readonly Param[], const O extends readonly Param[]>(
  opnum: number,
  def: { name?: string; in: I; out: O },
): NdrCall<I, O> {
  return {
    opnum,
    name: def.name ?? `opnum ${opnum}`,
    in: def.in,
    out: def.out,
    encodeIn: (args) => encodeParams(def.in, args as Record<string, unknown>),
    decodeIn: (stub, limits) => decodeParams(def.in, stub, {}, limits) as ParamValues<I>,
    encodeOut: (args) => encodeParams(def.out, args as Record<string, unknown>),
    decodeOut: (stub, inArgs, limits) => decodeParams(def.out, stub, (inArgs ?? {}) as Record<string, unknown>, limits) as ParamValues<O>,
  };
}
