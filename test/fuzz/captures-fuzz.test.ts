/**
 * Cross-layer mutation fuzzing seeded with every message of the real captures in fixtures/captures:
 * each mutated message goes through every decoder that could meet it on the wire. The oracle: a
 * decoder returns, or throws a NetsendError; anything else (RangeError, TypeError, ...) is a bug.
 * Per-codec properties live beside each codec; this file checks the decoders against real-shaped
 * input with hostile lengths and offsets. NETSEND_FUZZ_RUNS raises the iteration count by hand.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { fixturePath } from '../helpers/fixtures.js';
import { onlyNetsendErrors } from '../helpers/oracle.js';
import { readCapture, tcpStreams, splitNbssFrames } from '../../src/pcap/reader.js';
import { parseSmb1 } from '../../src/smb/smb1/andx.js';
import { decodeSmb1Message } from '../../src/smb/smb1/header.js';
import { decodeNegotiateResponse as decodeSmb1NegotiateResponse, decodeNegotiateRequestDialects } from '../../src/smb/smb1/negotiate.js';
import { decodeSessionSetupRequest as smb1SessionSetupRequest, decodeSessionSetupResponse as smb1SessionSetupResponse } from '../../src/smb/smb1/session-setup.js';
import { decodeTreeConnectResponse as smb1TreeConnectResponse } from '../../src/smb/smb1/tree-connect.js';
import { decodeNtCreateRequest, decodeNtCreateResponse } from '../../src/smb/smb1/nt-create.js';
import { decodeTransactionResponsePart } from '../../src/smb/smb1/transaction.js';
import { decodeReadAndxResponse } from '../../src/smb/smb1/read-andx.js';
import { decodeWriteAndxResponse } from '../../src/smb/smb1/write-andx.js';
import { decodeMessageRequest, decodeMessageResponse } from '../../src/smb/smb1/message-commands.js';
import { decodeHeader as decodeSmb2Header, decodeTransformHeader } from '../../src/smb/smb2/header.js';
import * as smb2 from '../../src/smb/smb2/messages.js';
import { decodePdu } from '../../src/rpc/pdu.js';
import { decodeWkstaGetInfo, decodeMessageBufferSendResult } from '../../src/rpc/interfaces/wkssvc.js';
import { decodeChallenge, decodeAuthenticate, decodeNegotiate } from '../../src/auth/ntlm-messages.js';
import { decodeNegTokenInit, decodeNegTokenResp } from '../../src/auth/spnego.js';
import { decodeNbssPacket } from '../../src/transport/nbss.js';
import { decodeNsPacket } from '../../src/transport/nameservice.js';
import { decodeDatagram } from '../../src/transport/datagram.js';

const RUNS = Number(process.env.NETSEND_FUZZ_RUNS ?? 400);

/** Every NBSS/Direct-TCP message of every capture, both directions. */
function seeds(): Buffer[] {
  const out: Buffer[] = [];
  const dir = path.dirname(fixturePath('x'));
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.pcap'))) {
    for (const s of tcpStreams(readCapture(fs.readFileSync(path.join(dir, f))).packets)) {
      for (const side of [s.clientData, s.serverData]) for (const fr of splitNbssFrames(side)) out.push(fr.type === 0 ? fr.body : Buffer.concat([Buffer.from([fr.type, 0, 0, fr.body.length]), fr.body]));
    }
  }
  return out;
}

/** DCE/RPC PDUs and NTLMSSP / SPNEGO tokens found inside the SMB messages. */
function innerSeeds(messages: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const m of messages) {
    for (let i = m.indexOf(Buffer.from([5, 0])); i >= 0 && i + 16 <= m.length; i = m.indexOf(Buffer.from([5, 0]), i + 1)) {
      const len = m.readUInt16LE(i + 8);
      if (m[i + 4] === 0x10 && len >= 16 && i + len <= m.length) out.push(m.subarray(i, i + len));
    }
    const ntlm = m.indexOf('NTLMSSP\0');
    if (ntlm >= 0) out.push(m.subarray(ntlm));
    // SPNEGO tokens (DER, two-byte lengths): exactly the token, not what the SMB message carries after it.
    for (const tag of [0xa1, 0x60]) {
      const at = m.indexOf(Buffer.from([tag, 0x82]));
      if (at >= 0 && at + 4 <= m.length) out.push(m.subarray(at, Math.min(m.length, at + 4 + m.readUInt16BE(at + 2))));
    }
  }
  return out;
}

/** Decoders that returned (rather than threw a NetsendError) in the current decode* call. */
let decoded = 0;

/** The fuzz oracle, counting the decoders that succeed. */
function tolerate(f: () => unknown): void {
  let ok = false;
  onlyNetsendErrors(() => {
    f();
    ok = true;
  });
  if (ok) decoded++;
}

/** Runs `decode` on `m` and returns how many of its decoders succeeded. */
function successes(decode: (m: Buffer) => void, m: Buffer): number {
  decoded = 0;
  decode(m);
  return decoded;
}

/** Every SMB-level decoder that could meet `m`. */
function decodeSmbMessage(m: Buffer): void {
  tolerate(() => decodeNbssPacket(m));
  tolerate(() => decodeMessageRequest(m));
  tolerate(() => decodeMessageResponse(m));
  tolerate(() => {
    const msg = decodeSmb1Message(m);
    tolerate(() => decodeSmb1NegotiateResponse(msg));
    tolerate(() => decodeNegotiateRequestDialects(msg));
  });
  tolerate(() => {
    const p = parseSmb1(m);
    for (const b of p.blocks) {
      for (const unicode of [true, false]) {
        tolerate(() => smb1SessionSetupRequest(b, unicode));
        tolerate(() => smb1SessionSetupResponse(b, unicode));
        tolerate(() => smb1TreeConnectResponse(b, unicode));
        tolerate(() => decodeNtCreateRequest(b, unicode));
      }
      tolerate(() => decodeNtCreateResponse(b));
      tolerate(() => decodeTransactionResponsePart(b));
      tolerate(() => decodeReadAndxResponse(b));
      tolerate(() => decodeWriteAndxResponse(b));
    }
  });
  tolerate(() => decodeTransformHeader(m));
  tolerate(() => {
    const h = decodeSmb2Header(m);
    const body = m.subarray(64);
    for (const d of [
      smb2.decodeNegotiateRequest,
      smb2.decodeNegotiateResponse,
      smb2.decodeSessionSetupRequest,
      smb2.decodeSessionSetupResponse,
      smb2.decodeTreeConnectRequest,
      smb2.decodeTreeConnectResponse,
      smb2.decodeCreateRequest,
      smb2.decodeCreateResponse,
      smb2.decodeCloseResponse,
      smb2.decodeReadResponse,
      smb2.decodeWriteResponse,
      smb2.decodeIoctlRequest,
      smb2.decodeIoctlResponse,
      smb2.decodeErrorResponse,
    ]) {
      tolerate(() => d(body));
    }
    return h;
  });
  tolerate(() => decodeNsPacket(m));
  tolerate(() => decodeDatagram(m));
}

/** Every decoder for what travels inside SMB: DCE/RPC PDUs, NDR stubs, NTLMSSP, SPNEGO. */
function decodeInner(m: Buffer): void {
  tolerate(() => {
    const p = decodePdu(m);
    const stub = (p as { stub?: Buffer }).stub;
    if (stub) {
      for (const level of [100, 101, 102] as const) tolerate(() => decodeWkstaGetInfo(stub, level));
      tolerate(() => decodeMessageBufferSendResult(stub));
    }
  });
  tolerate(() => decodeChallenge(m));
  tolerate(() => decodeAuthenticate(m));
  tolerate(() => decodeNegotiate(m));
  tolerate(() => decodeNegTokenInit(m));
  tolerate(() => decodeNegTokenResp(m));
}

/** A mutation of a seed: the kinds that break length and offset checks. */
function mutant(seedsList: Buffer[]): fc.Arbitrary<Buffer> {
  const boundary = fc.constantFrom(0, 1, 0x7f, 0x80, 0xff);
  return fc
    .tuple(
      fc.nat({ max: seedsList.length - 1 }),
      fc.array(
        fc.oneof(
          fc.record({ k: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
          fc.record({ k: fc.constant('set' as const), at: fc.nat(), v: boundary }),
          fc.record({ k: fc.constant('len16' as const), at: fc.nat(), v: fc.constantFrom(0, 1, 0xffff, 0x7fff, 0x8000) }),
          fc.record({ k: fc.constant('len32' as const), at: fc.nat(), v: fc.constantFrom(0, 1, 0xffffffff, 0x7fffffff, 0x10000) }),
          fc.record({ k: fc.constant('cut' as const), at: fc.nat() }),
          fc.record({ k: fc.constant('grow' as const), extra: fc.uint8Array({ maxLength: 64 }) }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    )
    .map(([i, ops]) => {
      let b = Buffer.from(seedsList[i]!);
      for (const op of ops) {
        if (b.length === 0) break;
        const at = 'at' in op ? op.at % b.length : 0;
        switch (op.k) {
          case 'flip':
            b[at] = b[at]! ^ (1 << op.bit);
            break;
          case 'set':
            b[at] = op.v;
            break;
          case 'len16':
            if (at + 2 <= b.length) b.writeUInt16LE(op.v, at);
            break;
          case 'len32':
            if (at + 4 <= b.length) b.writeUInt32LE(op.v >>> 0, at);
            break;
          case 'cut':
            b = b.subarray(0, at);
            break;
          case 'grow':
            b = Buffer.concat([b, Buffer.from(op.extra)]);
            break;
        }
      }
      return b;
    });
}

describe('mutation fuzzing seeded with the real captures', () => {
  const messages = seeds();
  const inner = innerSeeds(messages);

  it('has seeds from every layer', () => {
    expect(messages.length).toBeGreaterThan(100);
    expect(inner.some((b) => b[0] === 5)).toBe(true); // DCE/RPC
    expect(inner.some((b) => b.subarray(0, 8).toString('latin1') === 'NTLMSSP\0')).toBe(true);
  });

  it('every unmutated seed decodes: at least one decoder succeeds on each real message, the rest fail with a NetsendError', () => {
    const undecoded = messages.map((m, i) => ({ i, m })).filter(({ m }) => successes(decodeSmbMessage, m) === 0);
    expect(undecoded.map(({ i, m }) => `message ${i}: ${m.subarray(0, 16).toString('hex')}`)).toEqual([]);
    const innerUndecoded = inner.map((m, i) => ({ i, m })).filter(({ m }) => successes(decodeInner, m) === 0);
    expect(innerUndecoded.map(({ i, m }) => `inner ${i}: ${m.subarray(0, 16).toString('hex')}`)).toEqual([]);
  });

  it('SMB1, SMB2, NBSS, NetBIOS decoders survive mutated real messages', () => {
    fc.assert(fc.property(mutant(messages), (m) => decodeSmbMessage(m)), { numRuns: RUNS });
  });

  it('DCE/RPC, NDR, NTLMSSP and SPNEGO decoders survive mutated real tokens and PDUs', () => {
    fc.assert(fc.property(mutant(inner), (m) => decodeInner(m)), { numRuns: RUNS });
  });
});
