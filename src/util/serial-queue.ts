/**
 * Runs asynchronous jobs one at a time, in the order they were queued. An SMB1 connection and an RPC
 * pipe each carry one exchange at a time (a reply is matched to the request before the next is
 * sent), and so do SMB2 NEGOTIATE and SESSION_SETUP, so their requests queue here (other SMB2
 * requests are matched by MessageId, smb/smb2/connection.ts). A job that fails does not stop the jobs
 * queued after it; each caller gets its own job's result or error.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Queues `job`; it starts once every job queued before it has settled. */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.waiting++;
    const start = (): Promise<T> => {
      this.waiting--;
      return job();
    };
    const result = this.tail.then(start);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Jobs queued that have not started yet. */
  get pending(): number {
    return this.waiting;
  }
}
