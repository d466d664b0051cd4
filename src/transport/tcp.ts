import * as net from 'node:net';
import type { TrafficTap } from '../util/tap.js';
import { AbortError, NetsendError } from '../status/error.js';
import { raceWait, type WaitOptions } from '../util/abort.js';

/** Records the bytes a connection sends and receives (the pcap writer implements it). */
export type { TrafficTap } from '../util/tap.js';

export interface ConnectOptions extends WaitOptions {
  host: string;
  port: number;
  tap?: TrafficTap;
}

/** Maps an OS socket error to a NetsendError on the 'socket' layer. */
export function socketError(e: unknown, what: string): NetsendError {
  if (e instanceof NetsendError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.errno === 'number' ? Math.abs(err.errno) : 0;
  const name = typeof err?.code === 'string' ? err.code : 'ESOCKET';
  return new NetsendError('socket', code, name, `${what}: ${err?.message ?? String(e)}`, { cause: e });
}

/**
 * A TCP byte stream with bounded, cancellable reads. Incoming bytes are queued; `read(n)` waits
 * for exactly n bytes or fails on close, timeout or abort. The socket can be injected (tests, proxies).
 */
export class ByteStream {
  private chunks: Buffer[] = [];
  private queued = 0;
  private waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: unknown) => void } | null = null;
  private failure: NetsendError | null = null;
  /** Push mode (setListener): told of every arrival and of the failure, instead of a waiting read. */
  private listener: (() => void) | null = null;
  private ended = false;
  readonly socket: net.Socket;
  readonly tap: TrafficTap | undefined;
  /** Upper bound of bytes queued without a reader; a flooding peer is cut off past it. */
  maxQueued = 64 * 1024 * 1024;

  constructor(socket: net.Socket, tap?: TrafficTap) {
    this.socket = socket;
    this.tap = tap;
    socket.setNoDelay(true);
    if (tap?.opened && socket.remoteAddress) {
      tap.opened(
        { address: socket.localAddress ?? '0.0.0.0', port: socket.localPort ?? 0 },
        { address: socket.remoteAddress, port: socket.remotePort ?? 0 },
      );
    }
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) => this.fail(socketError(e, 'connection')));
    socket.on('close', () => {
      const local = this.ended;
      this.ended = true;
      this.tap?.closed?.();
      this.fail(local ? new NetsendError('socket', 0, 'ECONNABORTED', 'connection closed locally') : new NetsendError('socket', 0, 'ECONNRESET', 'connection closed by peer'));
    });
  }

  /** True once the connection ended or failed. */
  get closed(): boolean {
    return this.ended || this.failure !== null;
  }

  /** Bytes received and not yet read (a server uses it to tell an idle peer from one mid-request). */
  get buffered(): number {
    return this.queued;
  }

  private onData(d: Buffer): void {
    this.tap?.inbound(d);
    this.chunks.push(d);
    this.queued += d.length;
    if (this.queued > this.maxQueued) {
      this.fail(new NetsendError('protocol', 0, 'FLOOD', `peer sent more than ${this.maxQueued} unread bytes`));
      this.socket.destroy();
      return;
    }
    if (this.listener) this.listener();
    else this.pump();
  }

  private fail(e: NetsendError): void {
    if (!this.failure) this.failure = e;
    this.listener?.();
    if (this.waiter && this.queued < this.waiter.n) {
      const w = this.waiter;
      this.waiter = null;
      w.reject(this.failure);
    }
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    // Inside one received chunk (the usual case for a whole SMB message): a view, no copy. Each
    // chunk is a buffer of its own that nothing else writes to.
    if (first !== undefined && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.queued -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.queued -= n;
    return out;
  }

  private pump(): void {
    if (this.waiter && this.queued >= this.waiter.n) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve(this.take(w.n));
    }
  }

  /** The failure that ended the stream, or null while it is open. */
  get error(): NetsendError | null {
    return this.failure;
  }

  /**
   * Push mode: `listener` runs after every arrival of bytes and when the stream fails, and takes
   * what it wants with takeNow; null ends it. Not while a read waits.
   */
  setListener(listener: (() => void) | null): void {
    if (listener && this.waiter) throw new NetsendError('usage', 0, 'EBUSY', 'a listener while a read waits on one stream');
    this.listener = listener;
  }

  /** Exactly n bytes when that many are queued, else null (push mode). */
  takeNow(n: number): Buffer | null {
    return this.queued >= n ? this.take(n) : null;
  }

  /** Reads exactly n bytes. Only one read may be outstanding. */
  read(n: number, opts: WaitOptions = {}, what = 'read'): Promise<Buffer> {
    if (this.waiter || this.listener) return Promise.reject(new NetsendError('usage', 0, 'EBUSY', 'concurrent read on one stream'));
    if (opts.signal?.aborted) return Promise.reject(new AbortError(what, opts.signal.reason));
    if (this.queued >= n) return Promise.resolve(this.take(n));
    if (this.failure) return Promise.reject(this.failure);
    return raceWait(
      what,
      opts,
      () =>
        new Promise<Buffer>((resolve, reject) => {
          this.waiter = { n, resolve, reject };
        }),
      () => {
        this.waiter = null;
      },
    );
  }

  /** Writes bytes; rejects with the socket's error. */
  write(data: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.tap?.outbound(data);
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => (err ? reject(socketError(err, 'write')) : resolve()));
    });
  }

  /**
   * Writes bytes and returns null when the kernel took them all at once (nothing is left queued in
   * the socket, so there is nothing to wait for: a later socket error fails the stream's reads), else
   * a promise of the socket's write callback. The per-message path (an SMB2 request) uses it to skip
   * a promise, a timer and a callback round on every send.
   */
  writeNow(data: Buffer): Promise<void> | null {
    if (this.failure) return Promise.reject(this.failure);
    this.tap?.outbound(data);
    let settle: ((e: Error | null | undefined) => void) | null = null;
    let result: Error | null | undefined;
    let finished = false;
    this.socket.write(data, (err) => {
      finished = true;
      result = err;
      settle?.(err);
    });
    if (this.socket.writableLength === 0) return null;
    return new Promise<void>((resolve, reject) => {
      settle = (err) => (err ? reject(socketError(err, 'write')) : resolve());
      if (finished) settle(result);
    });
  }

  /** Destroys the socket; reads waiting fail. */
  close(): void {
    this.ended = true;
    this.socket.destroy();
  }
}

/** Opens a TCP connection with a timeout and an AbortSignal. */
export async function connectTcp(opts: ConnectOptions): Promise<ByteStream> {
  const socket = new net.Socket();
  const what = `connect ${opts.host}:${opts.port}`;
  await raceWait(
    what,
    opts,
    () =>
      new Promise<void>((resolve, reject) => {
        socket.once('error', (e) => reject(socketError(e, what)));
        socket.connect({ host: opts.host, port: opts.port }, () => resolve());
      }),
    () => socket.destroy(),
  );
  socket.removeAllListeners('error');
  return new ByteStream(socket, opts.tap);
}
