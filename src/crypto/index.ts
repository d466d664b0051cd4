export { md4 } from './md4.js';
export { Rc4, rc4 } from './rc4.js';
export { aesCmac } from './cmac.js';
export { sp800108CounterHmacSha256, smb3Keys, SMB3_KDF_PARAMS, type Smb3Dialect, type Smb3Keys } from './kdf.js';
export { aeadEncrypt, aeadDecrypt, aesGmac, hmacMd5, hmacSha256, type AeadAlgorithm } from './aead.js';
