/**
 * ncacn_ip_tcp ([MS-RPCE] §2.1.1.1, C706 Appendix I): connection-oriented PDUs straight on a TCP
 * stream, no framing beyond each PDU's own frag_length. This transport returns one whole PDU per
 * read, so the client's reassembly works as it does over a message-mode pipe.
 */
import { MalformedError, NetsendError } from '../status/error.js';
import { connectTcp, type ByteStream, type TrafficTap } from '../transport/tcp.js';
import type { WaitOptions } from '../util/abort.js';
import type { RpcTransport } from './client.js';
import { COMMON_HEADER_LENGTH, decodeHeader } from './pdu.js';

/** Fragment size proposed on TCP (C706's 5840-octet default, what Samba's client and server use). */
export const TCP_MAX_FRAG = 5840;
/** The endpoint mapper's well-known port ([MS-RPCE] §2.1.1.1). */
export const EPM_TCP_PORT = 135;

export class TcpRpcTransport implements RpcTransport {
  constructor(readonly stream: ByteStream) {}

  async transact(request: Buffer, maxResponse: number, opts: WaitOptions = {}): Promise<{ data: Buffer; more: boolean }> {
    await this.write(request, opts);
    return this.read(maxResponse, opts);
  }

  /** Writes a whole PDU to the connection. */
  write(data: Buffer, _opts: WaitOptions = {}): Promise<void> {
    return this.stream.write(data);
  }

  /** Reads exactly one PDU; one larger than `maxBytes` (the negotiated receive size) is refused unread. */
  async read(maxBytes: number, opts: WaitOptions = {}): Promise<{ data: Buffer; more: boolean }> {
    const head = await this.stream.read(COMMON_HEADER_LENGTH, opts, 'ncacn_ip_tcp PDU header');
    const h = decodeHeader(head);
    if (h.fragLength > Math.max(maxBytes, COMMON_HEADER_LENGTH)) {
      this.stream.close();
      throw new MalformedError('DCE/RPC PDU', `frag_length ${h.fragLength} above the receive limit ${maxBytes}`);
    }
    const body = h.fragLength > COMMON_HEADER_LENGTH ? await this.stream.read(h.fragLength - COMMON_HEADER_LENGTH, opts, 'ncacn_ip_tcp PDU body') : Buffer.alloc(0);
    return { data: Buffer.concat([head, body]), more: false };
  }

  /** Closes the TCP connection. */
  async close(_opts: WaitOptions = {}): Promise<void> {
    this.stream.close();
  }
}

export interface TcpRpcConnectOptions extends WaitOptions {
  host: string;
  port: number;
  tap?: TrafficTap;
}

/** Opens a TCP connection for ncacn_ip_tcp. */
export async function connectTcpRpc(o: TcpRpcConnectOptions): Promise<TcpRpcTransport> {
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new NetsendError('usage', 0, 'RPC_S_INVALID_ENDPOINT_FORMAT', `bad TCP port ${o.port}`);
  const stream = await connectTcp({ host: o.host, port: o.port, ...(o.tap ? { tap: o.tap } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), ...(o.signal ? { signal: o.signal } : {}) });
  return new TcpRpcTransport(stream);
}
