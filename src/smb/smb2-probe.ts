/**
 * The first SMB2 NEGOTIATE of 'auto' dialect selection, watched for a refusal (see connect.ts).
 *
 * How an SMB1-only server refuses a message whose Protocol is 0xFE 'SMB':
 * - [MS-CIFS] §3.3.5.2: the Protocol identifier "MUST contain '\xFF','S','M','B'. Otherwise, the
 *   server MUST return an error response with the Status code set to STATUS_INVALID_SMB
 *   (ERRSRV/ERRerror)": an SMB1 message.
 * - Samba 4.17 with `server max protocol = NT1` (observed, ports 445 and 139 after the NBSS
 *   session): closes the connection (FIN) without a byte of answer.
 * - A server that discards what it cannot parse stays silent: only a bounded wait tells.
 * So a connection closed or reset before any answer, an SMB1 answer, or silence past the probe
 * bound is a refusal; an SMB2 answer of any status is not (the server speaks SMB2: its errors stand).
 */
import { SMB1_PROTOCOL } from './smb1/header.js';
import { MalformedError, NetsendError, TimeoutError } from '../status/index.js';
import type { WaitOptions } from '../util/abort.js';
import { Deadline } from '../util/deadline.js';
import type { MessageStream } from '../transport/message-stream.js';

/** Why the SMB2 NEGOTIATE counts as refused. */
export type Smb2Refusal = 'closed' | 'smb1-answer' | 'silent';

/** Socket failures that mean the peer ended the connection (ECONNABORTED is our own close). */
const PEER_ENDED = new Set(['ECONNRESET', 'EPIPE']);

function peerEnded(e: unknown): boolean {
  return e instanceof NetsendError && e.layer === 'socket' && PEER_ENDED.has(e.name);
}

/** True for a message that starts with 0xFF 'SMB' ([MS-CIFS] §2.2.3.1). */
export function isSmb1Message(raw: Buffer): boolean {
  return raw.length >= 4 && raw.subarray(0, 4).equals(SMB1_PROTOCOL);
}

/**
 * Watches the first answer on a connection: `refusal` is set when the peer ended the connection
 * before answering, answered in SMB1, or stayed silent for `probeMs` (when given). `stream` is the
 * connection itself behind a Proxy that intercepts `send` and `receive` (and hides the push mode,
 * `listen`, until the first answer), so the SMB2 client gets every other member of the transport
 * unchanged; after the first SMB2 answer all pass straight through.
 */
export class Smb2Probe<S extends MessageStream> {
  /** Set once the peer refused; the SMB2 client's error is then beside the point. */
  refusal: Smb2Refusal | undefined;
  /** True once any message came back. */
  answered = false;
  /** The stream to hand to the SMB2 client. */
  readonly stream: S;

  /**
   * @param inner the connected stream
   * @param probeMs the longest wait for the first answer; undefined waits the caller's whole deadline
   * @param outer the operation's deadline: the probe never waits longer than half of what is left of it,
   *   so the SMB1 fallback keeps at least as much time as the probe took
   */
  constructor(
    private readonly inner: S,
    private readonly probeMs: number | undefined,
    private readonly outer: Deadline,
  ) {
    const send = (m: Buffer, o?: WaitOptions): Promise<void> => this.send(m, o);
    const receive = (o?: WaitOptions): Promise<Buffer> => this.receive(o);
    const probe = this;
    this.stream = new Proxy(inner, {
      get(target, key) {
        if (key === 'send') return send;
        if (key === 'receive') return receive;
        // Push mode would hand the first answer past the probe: until it came, the client must read
        // with receive (its reader looks for listen each time it starts, so it pushes from then on).
        if (key === 'listen' && !probe.answered) return undefined;
        const v: unknown = Reflect.get(target, key, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  private async send(message: Buffer, opts?: WaitOptions): Promise<void> {
    try {
      await this.inner.send(message, opts);
    } catch (e) {
      if (!this.answered && peerEnded(e)) this.refusal = 'closed';
      throw e;
    }
  }

  private async receive(opts: WaitOptions = {}): Promise<Buffer> {
    if (this.answered) return this.inner.receive(opts);
    // A deadline of its own, shorter than what is left of the operation's: it cannot stretch it.
    const probe = this.probeMs === undefined ? undefined : new Deadline(Math.min(this.probeMs, Math.floor(this.outer.remaining() / 2)), this.outer.signal).within('SMB2 NEGOTIATE probe');
    let raw: Buffer;
    try {
      raw = await this.inner.receive(probe ? probe.waitOptions() : opts);
    } catch (e) {
      if (peerEnded(e)) this.refusal = 'closed';
      else if (probe && e instanceof TimeoutError && !this.outer.expired && !this.outer.signal?.aborted) {
        this.refusal = 'silent';
        // Final: a reader that takes a timeout for a pause and reads on must find the stream ended.
        this.inner.close();
      }
      throw e;
    }
    this.answered = true;
    if (isSmb1Message(raw)) {
      this.refusal = 'smb1-answer';
      throw new MalformedError('SMB2 NEGOTIATE response', 'the server answered in SMB1');
    }
    return raw;
  }
}
