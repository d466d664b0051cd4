/**
 * Shared shape of every status table in the catalogue: number <-> symbolic name <-> message.
 * Small tables are declared as object literals `{ NAME: [code, message] }` (insertion order kept),
 * so each layer's name->value const stays fully typed; the two large ones (NTSTATUS, Win32) are rows
 * of text with a name union beside them, which loads several times faster.
 */

/** One catalogue entry. `code` is the wire number (u32 for NTSTATUS/faults, small ints elsewhere). */
export interface StatusInfo {
  /** The status number. */
  code: number;
  /** The symbolic name (STATUS_*, ERROR_*, NERR_*, nca_s_* ...). */
  name: string;
  /** What the status means, in words. */
  message: string;
}

/** A table row as written in the source: value, message, and `ALIAS` when Microsoft gives a second name to a value. */
export type Row = readonly [code: number, message: string] | readonly [code: number, message: string, alias: typeof ALIAS];

/** Marks a row whose value already has a primary name earlier in the same table. */
export const ALIAS = 'alias' as const;

export interface CatalogueEntry extends StatusInfo {
  /** True for a second name of a value already listed (lookups by number return the primary). */
  alias: boolean;
}

export interface Catalogue {
  readonly entries: readonly CatalogueEntry[];
  readonly byCode: ReadonlyMap<number, CatalogueEntry>;
  readonly byName: ReadonlyMap<string, CatalogueEntry>;
}

/** Builds the lookup maps; the first (non-alias) name for a value is the one reported. */
export function buildCatalogue(table: Readonly<Record<string, Row>> | string): Catalogue {
  const entries: CatalogueEntry[] = [];
  const byCode = new Map<number, CatalogueEntry>();
  const byName = new Map<string, CatalogueEntry>();
  const add = (entry: CatalogueEntry): void => {
    entries.push(entry);
    byName.set(entry.name, entry);
    const existing = byCode.get(entry.code);
    if (existing === undefined || (existing.alias && !entry.alias)) byCode.set(entry.code, entry);
  };
  if (typeof table === 'string') parseRows(table, add);
  else for (const [name, row] of Object.entries(table)) add({ code: row[0] >>> 0, name, message: row[1], alias: row[2] === ALIAS });
  return { entries, byCode, byName };
}

/**
 * Decodes a table kept as text, one row per line: `CODE NAME message` (CODE decimal or 0x-hex;
 * `=NAME` marks an alias). The tables are source constants, so a malformed row is a bug: thrown
 * at import, where every test sees it.
 */
function parseRows(text: string, add: (entry: CatalogueEntry) => void): void {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const sp1 = text.indexOf(' ', start);
    const sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
    if (end > start) {
      const code = Number(text.slice(start, sp1));
      if (sp1 < 0 || sp2 < 0 || sp2 >= end || !Number.isInteger(code)) throw new Error(`status table: malformed row '${text.slice(start, end)}'`);
      const alias = text.charCodeAt(sp1 + 1) === 0x3d; // '='
      add({ code: code >>> 0, name: text.slice(alias ? sp1 + 2 : sp1 + 1, sp2), message: text.slice(sp2 + 1, end), alias });
    }
    start = end + 1;
  }
}

/** `{ NAME: [code, msg] }` -> `{ NAME: code }`, keeping the literal key set for typed access. */
export function valuesOf<T extends Readonly<Record<string, Row>>>(table: T): { readonly [K in keyof T]: number } {
  const out: Record<string, number> = {};
  for (const [name, row] of Object.entries(table)) out[name] = row[0] >>> 0;
  return Object.freeze(out) as { readonly [K in keyof T]: number };
}

/** A text table's catalogue -> `{ NAME: code }`, typed by the table's name union N. */
export function valuesOfCatalogue<N extends string>(catalogue: Catalogue): { readonly [K in N]: number } {
  const out: Record<string, number> = {};
  for (const e of catalogue.entries) out[e.name] = e.code;
  return Object.freeze(out) as { readonly [K in N]: number };
}

/**
 * A catalogue of a text table decoded on first use: the CLI's start-up and a successful send never
 * pay for the ~2,000 rows of NTSTATUS and Win32 (bench/cli-startup.mjs); the first lookup by
 * number, or any walk of the entries, decodes the whole table once.
 */
export function lazyCatalogue(text: string): Catalogue {
  let built: Catalogue | undefined;
  const get = (): Catalogue => (built ??= buildCatalogue(text));
  return {
    get entries() {
      return get().entries;
    },
    get byCode() {
      return get().byCode;
    },
    get byName() {
      return get().byName;
    },
  };
}

/**
 * The value of one name in a text table without decoding it: the row whose NAME field (after
 * `CODE ` or `CODE =`) is exactly `name`. Rows are `CODE NAME message`, so a match inside a
 * message is told apart by the space before it not being the line's first.
 */
export function rowValue(text: string, name: string): number | undefined {
  if (name.length === 0 || name.includes(' ') || name.includes('\n')) return undefined;
  const needle = ` ${name} `;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const start = text.lastIndexOf('\n', at) + 1;
    if (text.indexOf(' ', start) !== at) continue;
    return Number(text.slice(start, at)) >>> 0;
  }
  const aliasNeedle = ` =${name} `;
  for (let at = text.indexOf(aliasNeedle); at >= 0; at = text.indexOf(aliasNeedle, at + 1)) {
    const start = text.lastIndexOf('\n', at) + 1;
    if (text.indexOf(' ', start) !== at) continue;
    return Number(text.slice(start, at)) >>> 0;
  }
  return undefined;
}

/**
 * rowValue for one table, remembering the names it found: a name read on a hot path (a status
 * compared per message) costs a map lookup after the first search of the text. Names not found
 * are not remembered, so arbitrary strings cannot grow the map.
 */
export function rowLookup(text: string): (name: string) => number | undefined {
  const found = new Map<string, number>();
  return (name) => {
    const hit = found.get(name);
    if (hit !== undefined) return hit;
    const v = rowValue(text, name);
    if (v !== undefined) found.set(name, v);
    return v;
  };
}

/**
 * Stand-in for an object or array that is built on first use: every operation on it fills
 * `target` once (`fill`) and then acts on it, so it behaves as the built value (frozen when
 * `fill` freezes it, an array when `target` is one). `peek` may answer a property read before
 * that without building (a name looked up in the table's text).
 */
export function lazyView<T extends object>(target: T, fill: (target: T) => void, peek?: (key: string) => unknown): T {
  let filled = false;
  const ready = (): T => {
    if (!filled) {
      filled = true;
      fill(target);
    }
    return target;
  };
  return new Proxy(target, {
    get(t, key) {
      if (!filled && peek !== undefined && typeof key === 'string') {
        const v = peek(key);
        if (v !== undefined) return v;
      }
      return Reflect.get(ready(), key);
    },
    has(t, key) {
      if (!filled && peek !== undefined && typeof key === 'string' && peek(key) !== undefined) return true;
      return Reflect.has(ready(), key);
    },
    set: (t, key, value) => Reflect.set(ready(), key, value),
    ownKeys: () => Reflect.ownKeys(ready()),
    getOwnPropertyDescriptor: (t, key) => Reflect.getOwnPropertyDescriptor(ready(), key),
    defineProperty: (t, key, d) => Reflect.defineProperty(ready(), key, d),
    deleteProperty: (t, key) => Reflect.deleteProperty(ready(), key),
    isExtensible: () => Reflect.isExtensible(ready()),
    preventExtensions: () => Reflect.preventExtensions(ready()),
    getPrototypeOf: () => Reflect.getPrototypeOf(ready()),
    setPrototypeOf: (t, proto) => Reflect.setPrototypeOf(ready(), proto),
  });
}

/** A text table's `{ NAME: code }` (as valuesOfCatalogue), answering single names from the text until something needs it whole. */
export function lazyValuesOfCatalogue<N extends string>(text: string, catalogue: Catalogue, lookup: (name: string) => number | undefined = rowLookup(text)): { readonly [K in N]: number } {
  return lazyView(
    {} as Record<string, number>,
    (out) => {
      for (const e of catalogue.entries) out[e.name] = e.code;
      Object.freeze(out);
    },
    lookup,
  ) as { readonly [K in N]: number };
}

/** A catalogue's entries as an array that decodes the table on first use. */
export function lazyEntries(catalogue: Catalogue): readonly CatalogueEntry[] {
  return lazyView([] as CatalogueEntry[], (out) => {
    out.push(...catalogue.entries);
  });
}

/** Copy of a catalogue entry as a plain StatusInfo (callers may not mutate the table). */
export function info(e: StatusInfo): StatusInfo {
  return { code: e.code, name: e.name, message: e.message };
}

export function hex8(code: number): string {
  return '0x' + (code >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
