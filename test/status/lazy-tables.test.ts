/**
 * The NTSTATUS and Win32 tables decode on first use (issue 12: a CLI start and a successful send
 * never pay for ~2,000 rows). These tests pin that a name read before the decode gives exactly what
 * the decoded table gives, that nothing inherited or absent is mistaken for a row, and that the
 * stand-ins behave as the built values (frozen object, plain array).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lazyView, rowLookup, rowValue } from '../../src/status/table.js';
import { NT_ROWS } from '../../src/status/ntstatus-table.js';
import { NERR_ROWS, WIN32_ROWS } from '../../src/status/win32-table.js';
import { NERR_ENTRIES, NT_STATUS_ENTRIES, NT_TO_WIN32_ENTRIES, WIN32_ENTRIES, ntStatusByName, win32ByName } from '../../src/status/index.js';

describe('names read from the table text before it is decoded', () => {
  it('rowValue gives every row its decoded value, aliases included', () => {
    for (const [text, entries] of [
      [NT_ROWS, NT_STATUS_ENTRIES],
      [WIN32_ROWS, WIN32_ENTRIES],
      [NERR_ROWS, NERR_ENTRIES],
    ] as const) {
      expect(entries.length).toBeGreaterThan(100);
      for (const e of entries) expect(rowValue(text, e.name), e.name).toBe(e.code);
    }
  });

  it('nothing but a NAME field matches: words of messages, inherited keys and odd strings give undefined', () => {
    for (const name of ['constructor', 'toString', '__proto__', '', ' ', 'STATUS_', 'The', 'access', '0xC000006D', 'STATUS_LOGON_FAILURE Logon', 'a\nb']) {
      expect(rowValue(NT_ROWS, name), name).toBeUndefined();
      expect(ntStatusByName(name), name).toBeUndefined();
      expect(win32ByName(name), name).toBeUndefined();
    }
    const names = new Set(NT_STATUS_ENTRIES.map((e) => e.name));
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        expect(rowValue(NT_ROWS, s)).toBe(names.has(s) ? NT_STATUS_ENTRIES.find((e) => e.name === s)!.code : undefined);
      }),
    );
  });

  it('rowLookup answers as rowValue, the second time from memory', () => {
    const lookup = rowLookup(NT_ROWS);
    for (const name of ['STATUS_PENDING', 'STATUS_PENDING', 'constructor', 'constructor', 'STATUS_LOGON_FAILURE']) expect(lookup(name), name).toBe(rowValue(NT_ROWS, name));
  });

  it('the by-name lookups answer from the text', () => {
    expect(ntStatusByName('STATUS_LOGON_FAILURE')).toBe(0xc000006d);
    expect(win32ByName('NERR_NameNotFound')).toBe(2273);
    expect(win32ByName('ERROR_ACCESS_DENIED')).toBe(5);
  });
});

describe('lazyView', () => {
  it('builds once, on the first operation a peek cannot answer, and then acts as the built object', () => {
    let fills = 0;
    const view = lazyView(
      {} as Record<string, number>,
      (t) => {
        fills++;
        t.A = 1;
        t.B = 2;
        Object.freeze(t);
      },
      (k) => (k === 'A' ? 1 : undefined),
    );
    expect(view.A).toBe(1);
    expect('A' in view).toBe(true);
    expect(fills).toBe(0);
    expect(view.B).toBe(2);
    expect(fills).toBe(1);
    expect(Object.keys(view)).toEqual(['A', 'B']);
    expect(Object.isFrozen(view)).toBe(true);
    expect(() => {
      'use strict';
      (view as Record<string, number>).C = 3;
    }).toThrow(TypeError);
    expect(view).toEqual({ A: 1, B: 2 });
    expect(fills).toBe(1);
  });

  it('an array stand-in is an array with the entries', () => {
    expect(Array.isArray(NT_TO_WIN32_ENTRIES)).toBe(true);
    expect(Array.isArray(NT_STATUS_ENTRIES)).toBe(true);
    expect(NT_TO_WIN32_ENTRIES.length).toBe([...NT_TO_WIN32_ENTRIES].length);
    expect(NT_STATUS_ENTRIES.map((e) => e.name)).toContain('STATUS_LOGON_FAILURE');
  });
});
