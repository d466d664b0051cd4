/**
 * netsend: NetMessageBufferSend and the stack beneath it. The messenger API is the front door;
 * each layer is also exported under its own namespace for reuse.
 */
export * from './messenger/index.js';
export { NetsendError, MalformedError, TimeoutError, AbortError, type StatusLayer } from './status/error.js';
export * as status from './status/index.js';
export * as transport from './transport/index.js';
export * as auth from './auth/index.js';
export * as crypto from './crypto/index.js';
export * as smb from './smb/index.js';
export * as rpc from './rpc/index.js';
export * as pcap from './pcap/index.js';
export type { Credentials, Authenticator } from './auth/types.js';
export type { SmbClient, NamedPipe, SmbSessionInfo } from './smb/types.js';
export type { WaitOptions } from './util/abort.js';
export { Deadline } from './util/deadline.js';
export { sanitizeForTerminal, toSafeJson, type SanitizeOptions } from './util/sanitize.js';
