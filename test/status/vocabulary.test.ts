/**
 * One error vocabulary: every usage error is ERROR_INVALID_PARAMETER (87) from one builder, every
 * unexpected throw is wrapped by one helper, and one table says which failures break a connection.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BREAKS_CONNECTION, NetsendError, breaksConnection, toNetsendError, usageError, type StatusLayer } from '../../src/status/index.js';
import { Deadline } from '../../src/util/deadline.js';
import { encodeNbssPacket } from '../../src/transport/nbss.js';
import { planDialect } from '../../src/smb/connect.js';
import { checkRetryOptions } from '../../src/messenger/outcome.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(dir: string = SRC): { rel: string; text: string }[] {
  const out: { rel: string; text: string }[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push({ rel: path.relative(SRC, p).split(path.sep).join('/'), text: fs.readFileSync(p, 'utf8') });
  }
  return out;
}


describe('usage errors', () => {
  it('usageError is ERROR_INVALID_PARAMETER, code 87, on the usage layer', () => {
    const e = usageError('bad port 0');
    expect(e).toBeInstanceOf(NetsendError);
    expect(e.toJSON()).toEqual({ layer: 'usage', code: 87, name: 'ERROR_INVALID_PARAMETER', message: 'bad port 0' });
  });

  it('every layer throws it for invalid arguments (samples from util, transport, smb, messenger)', () => {
    const usage = { layer: 'usage', code: 87, name: 'ERROR_INVALID_PARAMETER' };
    expect(() => new Deadline(-1)).toThrow(expect.objectContaining(usage));
    expect(() => encodeNbssPacket(0x42)).toThrow(expect.objectContaining(usage));
    expect(() => planDialect({ dialect: 'smb1', requireEncryption: true } as Parameters<typeof planDialect>[0])).toThrow(expect.objectContaining(usage));
    expect(() => checkRetryOptions({ retries: -1 })).toThrow(expect.objectContaining(usage));
  });

  it('no source builds a usage error under another name for an invalid parameter (EINVAL, INVALID_PARAMETER)', () => {
    const bad: string[] = [];
    const re = /NetsendError\(\s*'usage',\s*\d+,\s*'(EINVAL|INVALID_PARAMETER|ERROR_INVALID_PARAMETER)'/g;
    for (const { rel, text } of sources()) {
      if (rel === 'status/error.ts') continue;
      for (const m of text.matchAll(re)) bad.push(`${rel}: ${m[1]}`);
    }
    expect(bad).toEqual([]);
  });
});

describe('INTERNAL wrapping', () => {
  it('toNetsendError keeps a NetsendError and wraps anything else as protocol/INTERNAL with the cause', () => {
    const n = new NetsendError('socket', 111, 'ECONNREFUSED', 'x');
    expect(toNetsendError(n)).toBe(n);
    const cause = new TypeError('boom');
    const w = toNetsendError(cause);
    expect(w).toMatchObject({ layer: 'protocol', code: 0, name: 'INTERNAL', message: 'boom' });
    expect(w.cause).toBe(cause);
    expect(toNetsendError('text')).toMatchObject({ name: 'INTERNAL', message: 'text' });
  });

  it("only src/status builds an 'INTERNAL' error", () => {
    const bad = sources().filter(({ rel, text }) => rel !== 'status/error.ts' && text.includes("'INTERNAL'")).map((s) => s.rel);
    expect(bad).toEqual([]);
  });
});

describe('BREAKS_CONNECTION', () => {
  it('an RPC-level answer keeps the pipe; every other failure breaks it', () => {
    const kept = Object.entries(BREAKS_CONNECTION).filter(([, v]) => !v).map(([k]) => k).sort();
    expect(kept).toEqual(['hresult', 'rpc-bind', 'rpc-bind-nak', 'rpc-fault']); // an HRESULT is a return value inside a complete response
    expect(breaksConnection(new NetsendError('rpc-fault', 0x1c010003, 'nca_s_unk_if', 'x'))).toBe(false);
    expect(breaksConnection(new NetsendError('timeout', 0, 'TIMEOUT', 'x'))).toBe(true);
    expect(breaksConnection(new NetsendError('ntstatus', 0xc000014b, 'STATUS_PIPE_BROKEN', 'x'))).toBe(true);
    expect(breaksConnection(new Error('not ours'))).toBe(true);
  });

  it('is total over the layers (property)', () => {
    const layers = Object.keys(BREAKS_CONNECTION) as StatusLayer[];
    fc.assert(fc.property(fc.constantFrom(...layers), fc.nat(), (layer, code) => typeof breaksConnection(new NetsendError(layer, code, 'X', 'x')) === 'boolean'));
  });
});
