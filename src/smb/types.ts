import type { WaitOptions } from '../util/abort.js';

/** One read from a message-mode named pipe. `more` is true when the server answered STATUS_BUFFER_OVERFLOW. */
export interface PipeRead {
  data: Buffer;
  more: boolean;
}

/**
 * Options of a pipe request. `onWritten` runs once, when the SMB request carrying the last of the
 * data has been handed whole to the socket: from then on the server may act on it even if its
 * answer never comes (callers use it to tell "not sent" from "sent, answer lost").
 */
export interface PipeRequestOptions extends WaitOptions {
  onWritten?: () => void;
}

/**
 * Largest piece of one pipe WRITE, for both families. A named-pipe write is at most 65535 bytes on
 * Samba 4 (observed: an SMB2 WRITE of 65536 bytes to \pipe\wkssvc fails with
 * STATUS_PORT_MESSAGE_TOO_LONG, 65535 succeeds, whatever MaxWriteSize it negotiated); SMB1's
 * WRITE_ANDX pieces are smaller still. The RPC server reads the pipe as a byte stream and
 * reassembles each PDU by frag_length ([MS-RPCE] §2.1.1.2), so splitting is invisible to it.
 */
export const PIPE_WRITE_MAX = 0xffff;

/**
 * A named pipe on IPC$, the same over SMB1 and SMB2/3. The RPC layer sees only this.
 * `transact` is one round trip (SMB1 TransactNmPipe, SMB2 FSCTL_PIPE_TRANSCEIVE).
 */
export interface NamedPipe {
  /** The pipe's name as opened. */
  readonly name: string;
  /** Writes a request and reads the response in one round trip. */
  transact(request: Buffer, maxResponse: number, opts?: PipeRequestOptions): Promise<PipeRead>;
  /**
   * Writes all of `data`, in as many WRITE requests as the server's limits need (at most
   * PIPE_WRITE_MAX bytes each): both families split, neither refuses a large buffer.
   */
  write(data: Buffer, opts?: PipeRequestOptions): Promise<void>;
  /** Reads from the pipe; `more` when the pipe message continues (STATUS_BUFFER_OVERFLOW). */
  read(maxBytes: number, opts?: WaitOptions): Promise<PipeRead>;
  /** Closes the pipe handle. */
  close(opts?: WaitOptions): Promise<void>;
}

/** Progress of a deferred pipe open (SmbClient.openPipeDeferred). */
export interface PipeOpenEvents {
  /** Runs once the IPC$ tree is connected (the deferred TREE_CONNECT succeeded). */
  onTree?: () => void;
  /** Runs once the pipe is open (its CREATE succeeded), before the first transact's answer is read. */
  onOpen?: () => void;
}

/** What a session established, for users and logs (never keys). */
export interface SmbSessionInfo {
  /** 'NT LM 0.12', '2.0.2', '2.1', '3.0', '3.0.2', '3.1.1'. */
  dialect: string;
  /** True when messages are signed. */
  signing: boolean;
  /** True when messages are encrypted (SMB 3.x). */
  encryption: boolean;
  /** Cipher/signing algorithm names when negotiated. */
  cipher?: string;
  /** Signing algorithm name when negotiated (SMB 3.x). */
  signingAlgorithm?: string;
  /** The server's GUID from the SMB2 negotiate response. */
  serverGuid?: string;
  /** NetBIOS / DNS names learnt from NTLM target info. */
  serverName?: string;
  /** The server's domain from NTLM target info. */
  serverDomain?: string;
  /** True when the server logged us on as guest. */
  isGuest?: boolean;
  /** True for a null (anonymous) session. */
  isAnonymous?: boolean;
}

/** An authenticated SMB session with IPC$ connected, over either dialect family. */
export interface SmbClient {
  /** What the session established. */
  readonly info: SmbSessionInfo;
  /** Opens a pipe by its bare name ("wkssvc"); the dialect adds prefixes as it needs. */
  openPipe(name: string, opts?: WaitOptions): Promise<NamedPipe>;
  /**
   * Optional: a pipe whose CREATE (and a deferred IPC$ TREE_CONNECT) goes out with its first transact
   * as one compound (SMB2 related operations, [MS-SMB2] §3.2.4.1.4), saving round trips. `onTree` runs
   * once IPC$ is connected, `onOpen` once the pipe is open (so callers can tell which step failed).
   */
  openPipeDeferred?(name: string, events?: PipeOpenEvents): NamedPipe;
  /** Tree disconnect, logoff, close the socket. Never throws on an already dead connection. */
  close(opts?: WaitOptions): Promise<void>;
  /**
   * Drops the TCP connection without tree disconnect or logoff; the server frees the session, tree
   * and opens itself. Saves the round trips of a graceful close after a one-shot call.
   */
  abort(): void;
}
