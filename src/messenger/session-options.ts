/**
 * The lower layers' names a caller of the remote path needs (credentials, SMB dialect names, what a
 * session negotiated), re-exported so that the CLI reaches them through the messenger and needs no
 * arrow into auth or smb. Loads no protocol code: the CLI imports it eagerly.
 */
export type { Credentials } from '../auth/types.js';
export { SMB_DIALECTS, type SmbDialectName } from '../smb/dialects.js';
export type { SmbSessionInfo } from '../smb/types.js';
export type { AuthLevelName } from '../rpc/security.js';
export type { BindingOptions, RpcPathInfo } from './rpc-binding.js';
