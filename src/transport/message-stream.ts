import type { NetsendError } from '../status/error.js';
import type { WaitOptions } from '../util/abort.js';

/**
 * A connection that carries whole SMB messages: NBSS session messages on 139, or the
 * Direct TCP transport (MS-SMB2 §2.1) on 445. SMB1 and SMB2 clients only see this.
 */
export interface MessageStream {
  /** Frames and writes one message. */
  send(message: Buffer, opts?: WaitOptions): Promise<void>;
  /**
   * Optional (FramedMessageStream): frames and writes one message, as `send` does, and returns null
   * when the kernel took it whole at once (nothing to wait for), else the promise `send` would give.
   * The per-request path uses it to skip the promises and microtask turns of an async send.
   */
  sendNow?(message: Buffer, opts?: WaitOptions): Promise<void> | null;
  /** Next whole message; keepalives are skipped. */
  receive(opts?: WaitOptions): Promise<Buffer>;
  /**
   * Optional push mode (FramedMessageStream): every whole message goes to `onMessage` as it arrives,
   * the failure that ends the stream to `onError`; returns the function that stops it. Not together
   * with receive().
   */
  listen?(onMessage: (message: Buffer) => void, onError: (e: NetsendError) => void): () => void;
  /** Closes the connection; pending receives fail. */
  close(): void;
  readonly closed: boolean;
}
