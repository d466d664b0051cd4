import type { WaitOptions } from '../util/abort.js';

/**
 * A connection that carries whole SMB messages: NBSS session messages on 139, or the
 * Direct TCP transport (MS-SMB2 §2.1) on 445. SMB1 and SMB2 clients only see this.
 */
export interface MessageStream {
  /** Frames and writes one message. */
  send(message: Buffer, opts?: WaitOptions): Promise<void>;
  /** Next whole message; keepalives are skipped. */
  receive(opts?: WaitOptions): Promise<Buffer>;
  /** Closes the connection; pending receives fail. */
  close(): void;
  readonly closed: boolean;
}
