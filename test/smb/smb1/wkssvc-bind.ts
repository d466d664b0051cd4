import { expect } from 'vitest';

/** The 72-byte DCE/RPC bind for wkssvc 1.0 over NDR 2.0 (protocol-notes §7.1): call 1, 4280/4280. */
export const WKSSVC_BIND = Buffer.from(
  [
    '05000b03', '10000000', '4800', '0000', '01000000', // v5.0 bind, flags 3, drep LE/ASCII/IEEE, frag 72, auth 0, call 1
    'b810', 'b810', '00000000', '01000000', // max xmit/recv 4280, assoc 0, 1 context
    '0000', '01', '00', '98d0ff6b12a1103698334 6c3f87e345a'.replace(' ', ''), '01000000', // ctx 0, 1 syntax, wkssvc 1.0
    '045d888aeb1cc9119fe808002b104860', '02000000', // NDR 2.0
  ].join(''),
  'hex',
);

export function expectBindAck(pdu: Buffer): void {
  expect(pdu.length).toBeGreaterThanOrEqual(24);
  expect(pdu[0]).toBe(5);
  expect(pdu[2]).toBe(12); // bind_ack
  expect(pdu.readUInt16LE(8)).toBe(pdu.length); // frag_length
  expect(pdu.readUInt32LE(12)).toBe(1); // call_id
}

/** A bind offering wkssvc/NDR under `n` context ids: its bind_ack carries n results (24 bytes each). */
export function manyContextBind(n: number): Buffer {
  const ctx = WKSSVC_BIND.subarray(28, 72);
  const head = Buffer.from(WKSSVC_BIND.subarray(0, 28));
  head[24] = n;
  const ctxs = Array.from({ length: n }, (_, i) => {
    const b = Buffer.from(ctx);
    b.writeUInt16LE(i, 0);
    return b;
  });
  const pdu = Buffer.concat([head, ...ctxs]);
  pdu.writeUInt16LE(pdu.length, 8);
  return pdu;
}
