/**
 * The layering of docs/architecture.md, checked on the import graph of src/: every relative import
 * (static `import`/`export ... from`, and dynamic `import()`) is an arrow from one file to another.
 * An arrow must not go up a layer, the CLI reaches the stack only through the messenger, and no
 * two files import each other, directly or around a loop (type-only imports included: a type cycle
 * is still two modules that cannot be read apart).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

/** Rank of each top-level folder: a file may import its own folder and folders of lower rank. */
const RANK: Record<string, number> = { util: 0, status: 0, transport: 1, pcap: 1, crypto: 2, auth: 3, smb: 4, rpc: 5, messenger: 6, cli: 7 };
/** Exceptions to "any lower rank": folders that may only import these. */
const ONLY: Record<string, readonly string[]> = {
  cli: ['messenger', 'pcap', 'util', 'status'],
  pcap: ['util', 'status'],
  util: ['status'],
  status: [],
  crypto: ['util', 'status'],
};

/**
 * Folders that other layers may enter only through these files (their facade): SMB1 versus SMB2 is
 * decided inside src/smb, so nothing above it reaches into smb/smb1 or smb/smb2.
 */
const FACADE: Record<string, readonly string[]> = {
  smb: ['smb/index.ts', 'smb/connect.ts', 'smb/types.ts', 'smb/dialects.ts', 'smb/message.ts', 'smb/errors.ts'],
};

export interface ImportArrow {
  from: string;
  to: string;
}

/** Every relative import in src/, as paths relative to src/ (with .ts). */
export function importGraph(root: string = SRC): ImportArrow[] {
  const arrows: ImportArrow[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        const text = fs.readFileSync(p, 'utf8');
        const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
        for (const m of text.matchAll(re)) {
          const spec = (m[1] ?? m[2])!;
          const target = path.resolve(path.dirname(p), spec).replace(/\.js$/, '.ts');
          arrows.push({ from: path.relative(root, p), to: path.relative(root, target) });
        }
      }
    }
  };
  walk(root);
  return arrows;
}

function folder(rel: string): string {
  const parts = rel.split(path.sep);
  return parts.length === 1 ? '.' : parts[0]!;
}

/** Arrows that break the layering rules, as "from -> to" lines. */
export function layerViolations(arrows: ImportArrow[]): string[] {
  const bad: string[] = [];
  for (const { from, to } of arrows) {
    const a = folder(from);
    const b = folder(to);
    if (a === '.' || a === b) continue; // src/index.ts is the package's front door: it may re-export any layer
    const ra = RANK[a];
    const rb = RANK[b];
    if (ra === undefined || rb === undefined) {
      bad.push(`${from} -> ${to} (unknown layer)`);
      continue;
    }
    const only = ONLY[a];
    const ok = only ? only.includes(b) : rb < ra;
    if (!ok) bad.push(`${from} -> ${to}`);
    else if (FACADE[b] && !FACADE[b].includes(to.split(path.sep).join('/'))) bad.push(`${from} -> ${to} (past the ${b} facade)`);
  }
  return bad;
}

/** File-level cycles (each reported once, as the loop of files). */
export function importCycles(arrows: ImportArrow[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of arrows) {
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)!.add(to);
  }
  const cycles = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of next.get(n) ?? []) {
      const s = state.get(m);
      if (s === 'open') {
        const loop = stack.slice(stack.indexOf(m));
        const start = loop.indexOf([...loop].sort()[0]!);
        cycles.add([...loop.slice(start), ...loop.slice(0, start)].join(' -> '));
      } else if (s === undefined) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...next.keys()].sort()) if (!state.has(n)) visit(n);
  return [...cycles].sort();
}

describe('layering of src/ (docs/architecture.md)', () => {
  const arrows = importGraph();
  it('reads a real graph (every layer imports something)', () => {
    const froms = new Set(arrows.map((a) => folder(a.from)));
    for (const layer of ['transport', 'smb', 'rpc', 'messenger', 'cli', 'auth']) expect(froms).toContain(layer);
    for (const a of arrows) expect(fs.existsSync(path.join(SRC, a.to)), `${a.from} imports missing ${a.to}`).toBe(true);
  });
  it('no arrow goes up a layer; the CLI reaches the stack only through the messenger', () => {
    expect(layerViolations(arrows)).toEqual([]);
  });
  it('no import cycles between files', () => {
    expect(importCycles(arrows)).toEqual([]);
  });
  it('the checks catch the drifts they exist for', () => {
    expect(layerViolations([{ from: 'cli/main.ts', to: 'transport/tcp.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'cli/remote.ts', to: 'auth/ntlm-crypto.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'smb/connect.ts', to: 'rpc/client.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'pcap/writer.ts', to: 'transport/tcp.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'messenger/send.ts', to: 'smb/connect.ts' }])).toEqual([]);
    // SMB1 frames are built in src/smb only: the messenger imported these before the message-command API.
    expect(layerViolations([{ from: 'messenger/send.ts', to: 'smb/smb1/header.ts' }])).toEqual(['messenger/send.ts -> smb/smb1/header.ts (past the smb facade)']);
    expect(layerViolations([{ from: 'messenger/receiver.ts', to: 'smb/smb1/message-commands.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'rpc/client.ts', to: 'smb/smb2/client.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'messenger/send.ts', to: 'smb/index.ts' }, { from: 'smb/connect.ts', to: 'smb/smb1/client.ts' }])).toEqual([]);
    expect(importCycles([{ from: 'cli/main.ts', to: 'cli/remote.ts' }, { from: 'cli/remote.ts', to: 'cli/main.ts' }])).toEqual(['cli/main.ts -> cli/remote.ts']);
    expect(importCycles([{ from: 'a.ts', to: 'b.ts' }, { from: 'b.ts', to: 'c.ts' }, { from: 'c.ts', to: 'a.ts' }])).toEqual(['a.ts -> b.ts -> c.ts']);
  });
  it('node builtins are imported as namespaces (declarations must type-check without esModuleInterop)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && /^import (type )?[A-Za-z_$][\w$]* from 'node:/m.test(fs.readFileSync(p, 'utf8'))) offenders.push(path.relative(SRC, p));
      }
    };
    walk(SRC);
    expect(offenders).toEqual([]);
  });
});
