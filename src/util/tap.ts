/**
 * A traffic tap: what a connection hands to an observer of its bytes (the pcap writer for `--pcap`).
 * It lives below both the transport that calls it and the capture writer that implements it, so
 * neither imports the other.
 */
export interface TrafficTap {
  /** Called once the connection's addresses are known (before any data). */
  opened?(local: { address: string; port: number }, remote: { address: string; port: number }): void;
  /** Bytes sent, in order. */
  outbound(bytes: Buffer): void;
  /** Bytes received, in order. */
  inbound(bytes: Buffer): void;
  /** Called once when the connection closes. */
  closed?(): void;
}
