/**
 * Runs asynchronous jobs one at a time, in the order they were queued. An SMB1 connection and an RPC
 * pipe each carry one exchange at a time (a reply is matched to the request before the next is
 * sent), and so do SMB2 NEGOTIATE and SESSION_SETUP, so their requests queue here (other SMB2
 * requests are matched by MessageId, smb/smb2/connection.ts). A job that fails does not stop the jobs
 * queued after it; each caller gets its own job's result or error.
 *
 * A job queued while nothing runs starts at once, inside `run` (no promise hop): the warm path of
 * one call after another on a pipe pays for no queue at all.
 */
export class SerialQueue {
  private active = false;
  /** Starters of the jobs queued behind the running one, oldest first. */
  private readonly queued: (() => void)[] = [];
  private head = 0;
  /** Bound once: runs the next queued job when the running one settles. */
  private readonly next = (): void => {
    if (this.head < this.queued.length) {
      const start = this.queued[this.head]!;
      this.queued[this.head++] = noop;
      if (this.head === this.queued.length) {
        this.queued.length = 0;
        this.head = 0;
      }
      start();
    } else this.active = false;
  };

  /** Queues `job`; it starts once every job queued before it has settled. */
  run<T>(job: () => Promise<T>): Promise<T> {
    if (!this.active) {
      this.active = true;
      return this.start(job);
    }
    return new Promise<T>((resolve, reject) => {
      this.queued.push(() => this.start(job).then(resolve, reject));
    });
  }

  private start<T>(job: () => Promise<T>): Promise<T> {
    let p: Promise<T>;
    try {
      p = job();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(this.next, this.next);
    return p;
  }

  /** Jobs queued that have not started yet. */
  get pending(): number {
    return this.queued.length - this.head;
  }
}

function noop(): void {}
