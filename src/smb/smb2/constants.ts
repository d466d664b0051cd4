/**
 * SMB 2/3 protocol constants ([MS-SMB2] §2.2). Names follow the spec.
 */

/** Command codes, [MS-SMB2] §2.2.1. */
export const Smb2Command = {
  NEGOTIATE: 0x0000,
  SESSION_SETUP: 0x0001,
  LOGOFF: 0x0002,
  TREE_CONNECT: 0x0003,
  TREE_DISCONNECT: 0x0004,
  CREATE: 0x0005,
  CLOSE: 0x0006,
  FLUSH: 0x0007,
  READ: 0x0008,
  WRITE: 0x0009,
  LOCK: 0x000a,
  IOCTL: 0x000b,
  CANCEL: 0x000c,
  ECHO: 0x000d,
  QUERY_DIRECTORY: 0x000e,
  CHANGE_NOTIFY: 0x000f,
  QUERY_INFO: 0x0010,
  SET_INFO: 0x0011,
  OPLOCK_BREAK: 0x0012,
} as const;

const COMMAND_NAMES = new Map<number, string>(Object.entries(Smb2Command).map(([k, v]) => [v, k]));

/** 'IOCTL' for 0x000B; named on every request (error texts, deadline steps), so a map lookup. */
export function commandName(cmd: number): string {
  return COMMAND_NAMES.get(cmd) ?? `0x${cmd.toString(16).padStart(4, '0')}`;
}

/** Header Flags, [MS-SMB2] §2.2.1.1/§2.2.1.2. */
export const Smb2Flags = {
  SERVER_TO_REDIR: 0x00000001,
  ASYNC_COMMAND: 0x00000002,
  RELATED_OPERATIONS: 0x00000004,
  SIGNED: 0x00000008,
  PRIORITY_MASK: 0x00000070,
  DFS_OPERATIONS: 0x10000000,
  REPLAY_OPERATION: 0x20000000,
} as const;

/** Dialect revisions, [MS-SMB2] §2.2.3. 0x02FF is the wildcard answer to an SMB1 multi-protocol negotiate. */
export const Dialect = {
  SMB2_0_2: 0x0202,
  SMB2_1: 0x0210,
  SMB3_0: 0x0300,
  SMB3_0_2: 0x0302,
  SMB3_1_1: 0x0311,
  SMB2_WILDCARD: 0x02ff,
} as const;
export type DialectRevision = 0x0202 | 0x0210 | 0x0300 | 0x0302 | 0x0311;
export const ALL_DIALECTS: readonly DialectRevision[] = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311];

export function dialectName(d: number): string {
  switch (d) {
    case 0x0202:
      return '2.0.2';
    case 0x0210:
      return '2.1';
    case 0x0300:
      return '3.0';
    case 0x0302:
      return '3.0.2';
    case 0x0311:
      return '3.1.1';
    case 0x02ff:
      return '2.???';
    default:
      return `0x${d.toString(16).padStart(4, '0')}`;
  }
}

/** Parses '2.1', '3.1.1', '0x0311', or a number. Returns undefined for an unknown name. */
export function parseDialect(v: string | number): DialectRevision | undefined {
  const n = typeof v === 'number' ? v : /^0x/i.test(v) ? parseInt(v, 16) : ALL_DIALECTS.find((d) => dialectName(d) === v);
  return ALL_DIALECTS.includes(n as DialectRevision) ? (n as DialectRevision) : undefined;
}

/** NEGOTIATE / SESSION_SETUP SecurityMode, [MS-SMB2] §2.2.3, §2.2.5. */
export const SecurityMode = {
  SIGNING_ENABLED: 0x0001,
  SIGNING_REQUIRED: 0x0002,
} as const;

/** Global capabilities, [MS-SMB2] §2.2.3. */
export const Capabilities = {
  DFS: 0x00000001,
  LEASING: 0x00000002,
  LARGE_MTU: 0x00000004,
  MULTI_CHANNEL: 0x00000008,
  PERSISTENT_HANDLES: 0x00000010,
  DIRECTORY_LEASING: 0x00000020,
  ENCRYPTION: 0x00000040,
  NOTIFICATIONS: 0x00000080,
} as const;

/** Negotiate context types, [MS-SMB2] §2.2.3.1. */
export const NegotiateContextType = {
  PREAUTH_INTEGRITY_CAPABILITIES: 0x0001,
  ENCRYPTION_CAPABILITIES: 0x0002,
  COMPRESSION_CAPABILITIES: 0x0003,
  NETNAME_NEGOTIATE_CONTEXT_ID: 0x0005,
  TRANSPORT_CAPABILITIES: 0x0006,
  RDMA_TRANSFORM_CAPABILITIES: 0x0007,
  SIGNING_CAPABILITIES: 0x0008,
} as const;

/** Pre-auth integrity hash algorithms, [MS-SMB2] §2.2.3.1.1. */
export const HashAlgorithm = { SHA_512: 0x0001 } as const;

/** Cipher ids, [MS-SMB2] §2.2.3.1.2. */
export const Cipher = {
  AES_128_CCM: 0x0001,
  AES_128_GCM: 0x0002,
  AES_256_CCM: 0x0003,
  AES_256_GCM: 0x0004,
} as const;
export type CipherId = 1 | 2 | 3 | 4;

export function cipherName(c: number): string {
  return ['none', 'AES-128-CCM', 'AES-128-GCM', 'AES-256-CCM', 'AES-256-GCM'][c] ?? `cipher 0x${c.toString(16)}`;
}

/** Signing algorithm ids, [MS-SMB2] §2.2.3.1.7. */
export const SigningAlgorithm = {
  HMAC_SHA256: 0x0000,
  AES_CMAC: 0x0001,
  AES_GMAC: 0x0002,
} as const;
export type SigningAlgorithmId = 0 | 1 | 2;

export function signingAlgorithmName(a: number): string {
  return ['HMAC-SHA256', 'AES-CMAC', 'AES-GMAC'][a] ?? `signing 0x${a.toString(16)}`;
}

/** SESSION_SETUP response SessionFlags, [MS-SMB2] §2.2.6. */
export const SessionFlags = {
  IS_GUEST: 0x0001,
  IS_NULL: 0x0002,
  ENCRYPT_DATA: 0x0004,
} as const;

/** TREE_CONNECT response ShareType / ShareFlags, [MS-SMB2] §2.2.10. */
export const ShareType = { DISK: 0x01, PIPE: 0x02, PRINT: 0x03 } as const;
export const ShareFlags = {
  DFS: 0x00000001,
  ENCRYPT_DATA: 0x00008000,
} as const;

/** CREATE fields, [MS-SMB2] §2.2.13. */
export const ImpersonationLevel = { Anonymous: 0, Identification: 1, Impersonation: 2, Delegate: 3 } as const;
export const ShareAccess = { READ: 0x1, WRITE: 0x2, DELETE: 0x4 } as const;
export const CreateDisposition = { SUPERSEDE: 0, OPEN: 1, CREATE: 2, OPEN_IF: 3, OVERWRITE: 4, OVERWRITE_IF: 5 } as const;
export const CreateOptions = { NON_DIRECTORY_FILE: 0x00000040 } as const;
/** READ_CONTROL|FILE_READ_DATA|WRITE_DATA|APPEND_DATA|READ_EA|WRITE_EA|READ_ATTRIBUTES|WRITE_ATTRIBUTES|SYNCHRONIZE ([MS-SMB2] §4.4). */
export const PIPE_DESIRED_ACCESS = 0x0012019f;

/** IOCTL, [MS-SMB2] §2.2.31; FSCTL codes [MS-FSCC] §2.3. */
export const IOCTL_IS_FSCTL = 0x00000001;
export const FSCTL_PIPE_TRANSCEIVE = 0x0011c017;
export const FSCTL_VALIDATE_NEGOTIATE_INFO = 0x00140204;

/** TRANSFORM_HEADER Flags (3.1.1) / EncryptionAlgorithm (3.0.x), [MS-SMB2] §2.2.41: both are 0x0001. */
export const TRANSFORM_FLAG_ENCRYPTED = 0x0001;

/** MessageId of unsolicited server messages (oplock breaks), [MS-SMB2] §3.2.5.1.2. */
export const UNSOLICITED_MESSAGE_ID = 0xffffffffffffffffn;

export const SMB2_HEADER_SIZE = 64;
export const TRANSFORM_HEADER_SIZE = 52;
