/** SMB 2/3 client ([MS-SMB2]). */
export * from './constants.js';
export { SMB2_DEFAULTS } from './defaults.js';
export * from './header.js';
export * from './messages.js';
export {
  computeSignature,
  signMessage,
  verifyMessage,
  gmacNonce,
  preauthUpdate,
  encryptMessage,
  decryptMessage,
  NonceSequence,
  STATUS_INVALID_SIGNATURE,
  PREAUTH_INITIAL,
} from './crypto.js';
export { Smb2Connection, type Smb2Response, type RequestOptions, type Smb2ConnectionOptions } from './connection.js';
export { connectSmb2, Smb2Client, Smb2Pipe, bareName, type Smb2ConnectOptions } from './client.js';
