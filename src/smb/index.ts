/** The SMB layer's public API: one facade over SMB1 and SMB2/3. */
export type { NamedPipe, PipeOpenEvents, PipeRead, SmbClient, SmbSessionInfo } from './types.js';
export { connectSmb, planDialect, smb2ReplyDialect, SMB_DIALECTS, type ConnectSmbOptions, type ConnectSmb2, type Smb2ConnectArgs, type SmbDialectName } from './connect.js';
export { connectSmb1, Smb1Client, Smb1Pipe, barePipeName, type Smb1ConnectOptions, type ChallengeResponse } from './smb1/client.js';
export {
  encodeNegotiateRequest,
  decodeNegotiateResponse,
  classifyNegotiateReply,
  isSmb2Message,
  DIALECT_NT_LM_012,
  DIALECT_SMB2_002,
  DIALECT_SMB2_WILDCARD,
  type NegotiateResponse,
} from './smb1/negotiate.js';
export { isPipeMissing, isSmbStatusError, smbDosForm, smbStatusToWin32 } from './errors.js';
export { MAX_PIPELINED_REQUESTS, MESSAGE_PIPELINING, MessageCommandSession, groupMismatchError, replyStatusError, type FinalRequestState, type MessagePipelining, type MessageSessionOptions, type OutgoingMessage, type PipelineRecovery } from './smb1/message-client.js';
export { decodeMessageServerRequest, type MessageCommandEvent, type MessageRefusal, type MessageServerEvent } from './smb1/message-server.js';
export { MAX_NAME_BYTES as MESSAGE_MAX_NAME_BYTES, MessageCommandCode, type MessageRequest } from './smb1/message-commands.js';
export type { Smb1Status } from './smb1/header.js';
export { decodeMailslotWrite, decodeMessengerBody, encodeMailslotWrite, encodeMessengerBody, isMailslot, MAILSLOT_CLASS, MESSENGER_MAILSLOT, type MailslotWrite, type MessengerBody, type MessengerBodyLimits } from './smb1/mailslot.js';
