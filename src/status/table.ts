/**
 * Shared shape of every status table in the catalogue: number <-> symbolic name <-> message.
 * Tables are declared as compact object literals `{ NAME: [code, message] }` (insertion order kept),
 * so each layer's name->value const stays fully typed.
 */

/** One catalogue entry. `code` is the wire number (u32 for NTSTATUS/faults, small ints elsewhere). */
export interface StatusInfo {
  code: number;
  name: string;
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
export function buildCatalogue(table: Readonly<Record<string, Row>>): Catalogue {
  const entries: CatalogueEntry[] = [];
  const byCode = new Map<number, CatalogueEntry>();
  const byName = new Map<string, CatalogueEntry>();
  for (const [name, row] of Object.entries(table)) {
    const entry: CatalogueEntry = { code: row[0] >>> 0, name, message: row[1], alias: row[2] === ALIAS };
    entries.push(entry);
    byName.set(name, entry);
    const existing = byCode.get(entry.code);
    if (existing === undefined || (existing.alias && !entry.alias)) byCode.set(entry.code, entry);
  }
  return { entries, byCode, byName };
}

/** `{ NAME: [code, msg] }` -> `{ NAME: code }`, keeping the literal key set for typed access. */
export function valuesOf<T extends Readonly<Record<string, Row>>>(table: T): { readonly [K in keyof T]: number } {
  const out: Record<string, number> = {};
  for (const [name, row] of Object.entries(table)) out[name] = row[0] >>> 0;
  return Object.freeze(out) as { readonly [K in keyof T]: number };
}

/** Copy of a catalogue entry as a plain StatusInfo (callers may not mutate the table). */
export function info(e: StatusInfo): StatusInfo {
  return { code: e.code, name: e.name, message: e.message };
}

export function hex8(code: number): string {
  return '0x' + (code >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
