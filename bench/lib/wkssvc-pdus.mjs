// Raw DCE/RPC PDUs for transport benchmarks (measure the SMB pipe alone, without the RPC layer).
// protocol-notes §7.1: bind wkssvc 1.0 / NDR 2.0 (72 bytes); request opnum 0 NetrWkstaGetInfo(NULL, 100).
export const BIND = Buffer.from('05000b03100000004800000001000000b810b81000000000010000000000010098d0ff6b12a11036983346c3f87e345a01000000045d888aeb1cc9119fe808002b10486002000000', 'hex');

export function getInfo(callId) {
  const stub = Buffer.from('0000000064000000', 'hex'); // server_name = NULL (unique), level = 100
  const h = Buffer.from('05000003100000000000000000000000', 'hex');
  h.writeUInt16LE(24 + stub.length, 8);
  h.writeUInt32LE(callId, 12);
  const req = Buffer.alloc(8);
  req.writeUInt32LE(stub.length, 0); // alloc_hint; ctx 0, opnum 0
  return Buffer.concat([h, req, stub]);
}

export function check(pdu, ptype) {
  if (pdu[2] !== ptype) throw new Error(`expected ptype ${ptype}, got ${pdu[2]}`);
}
