/**
 * The two large status tables are kept as rows of text with a name union beside them (loading
 * ~2,000 object literals cost the CLI's start-up; bench/cli-startup.mjs). These tests pin the text
 * form: it decodes to exactly what the object form gives, and the typed name unions match the rows.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalogue, type Row } from '../../src/status/table.js';
import { NERR_ENTRIES, NT, NT_STATUS_ENTRIES, WIN32, WIN32_ENTRIES, NERR } from '../../src/status/index.js';

const STATUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/status');

/** The names of `export type NAME = | 'A' | 'B' ...;` in a table source file. */
function unionNames(file: string, typeName: string): string[] {
  const src = fs.readFileSync(path.join(STATUS, file), 'utf8');
  const start = src.indexOf(`export type ${typeName} =`);
  expect(start).toBeGreaterThanOrEqual(0);
  const body = src.slice(start, src.indexOf(';', start));
  return [...body.matchAll(/\| '([A-Za-z0-9_]+)'/g)].map((m) => m[1]!);
}

describe('status tables kept as text rows', () => {
  it('each typed name union lists exactly the rows of its table, in order', () => {
    expect(unionNames('ntstatus-table.ts', 'NtStatusName')).toEqual(NT_STATUS_ENTRIES.map((e) => e.name));
    expect(unionNames('win32-table.ts', 'Win32Name')).toEqual(WIN32_ENTRIES.map((e) => e.name));
    expect(unionNames('win32-table.ts', 'NerrName')).toEqual(NERR_ENTRIES.map((e) => e.name));
  });

  it('name -> value consts agree with the catalogue (primary names and aliases alike)', () => {
    for (const e of NT_STATUS_ENTRIES) expect((NT as Record<string, number>)[e.name]).toBe(e.code);
    for (const e of WIN32_ENTRIES) expect((WIN32 as Record<string, number>)[e.name]).toBe(e.code);
    for (const e of NERR_ENTRIES) expect((NERR as Record<string, number>)[e.name]).toBe(e.code);
    expect(NT.STATUS_LOGON_FAILURE).toBe(0xc000006d);
    expect(Object.isFrozen(NT)).toBe(true);
  });

  it('decodes hex and decimal codes, aliases, and messages with spaces, backslashes and backticks', () => {
    const cat = buildCatalogue('0xC000006D STATUS_LOGON_FAILURE The attempted logon is invalid.\n0xC000006D =STATUS_SAME Second name.\n5 ERROR_X A \\\\path\\\\ and `tick`.\n');
    expect(cat.entries).toEqual([
      { code: 0xc000006d, name: 'STATUS_LOGON_FAILURE', message: 'The attempted logon is invalid.', alias: false },
      { code: 0xc000006d, name: 'STATUS_SAME', message: 'Second name.', alias: true },
      { code: 5, name: 'ERROR_X', message: 'A \\\\path\\\\ and `tick`.', alias: false },
    ]);
    expect(cat.byCode.get(0xc000006d)?.name).toBe('STATUS_LOGON_FAILURE');
  });

  it('a malformed row is refused at load', () => {
    for (const bad of ['STATUS_X 0x1 swapped\n', '0x1 NO_MESSAGE\n', '0x1\n', 'zz NAME message\n']) expect(() => buildCatalogue(bad), bad).toThrow(/malformed row/);
  });

  it('property: an object table and its rows as text give the same catalogue', () => {
    const name = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/);
    const message = fc.string({ minLength: 1, maxLength: 40 }).filter((m) => !/[\n]/.test(m) && !m.startsWith(' '));
    const row = fc.tuple(fc.nat({ max: 0xffffffff }), message, fc.boolean());
    fc.assert(
      fc.property(fc.dictionary(name, row, { maxKeys: 20 }), fc.boolean(), (rows, hex) => {
        const table: Record<string, Row> = {};
        for (const [n, [code, msg, alias]] of Object.entries(rows)) table[n] = alias ? [code, msg, 'alias'] : [code, msg];
        const text = Object.entries(rows).map(([n, [code, msg, alias]]) => `${hex ? '0x' + code.toString(16) : code} ${alias ? '=' : ''}${n} ${msg}`).join('\n');
        const a = buildCatalogue(table);
        const b = buildCatalogue(text);
        expect(b.entries).toEqual(a.entries);
        expect([...b.byCode.entries()]).toEqual([...a.byCode.entries()]);
      }),
    );
  });
});
