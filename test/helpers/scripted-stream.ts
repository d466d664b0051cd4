/**
 * An in-memory MessageStream for behaviour a real server cannot be made to show (hostile answers,
 * answers out of order, a late or duplicate one): it records each request as sent (a copy) and hands
 * it to the script, which answers by returning messages or by pushing them later. It has no push
 * mode (listen), so an SMB2 connection reads it with its receive loop.
 */
import type { MessageStream } from '../../src/transport/message-stream.js';
import { raceWait, type WaitOptions } from '../../src/util/abort.js';

/** Sees each request; what it returns is answered at once, and it may push more at any time. */
export type StreamScript = (request: Buffer, stream: ScriptedStream) => Buffer[] | void;

export class ScriptedStream implements MessageStream {
  closed = false;
  readonly sent: Buffer[] = [];
  private readonly queue: Buffer[] = [];
  private waiter: ((b: Buffer) => void) | null = null;

  constructor(private readonly script: StreamScript) {}

  async send(message: Buffer): Promise<void> {
    this.sent.push(Buffer.from(message));
    for (const answer of this.script(message, this) ?? []) this.push(answer);
  }

  /** Delivers `message` to a waiting receive, or queues it. */
  push(message: Buffer): void {
    const w = this.waiter;
    this.waiter = null;
    if (w) w(message);
    else this.queue.push(message);
  }

  receive(opts: WaitOptions = {}): Promise<Buffer> {
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    return raceWait('receive', opts, () => new Promise<Buffer>((resolve) => (this.waiter = resolve)), () => (this.waiter = null));
  }

  close(): void {
    this.closed = true;
  }
}
