/**
 * The SMB1 message commands ([MS-CIFS] §2.2.4.61-64) and the Messenger mailslot body without the
 * session clients: what a direct send and a receiver need. smb/index.ts re-exports the same names;
 * this facade (and smb/errors.ts) exists so a direct `netsend` send loads no SMB2, NTLM or RPC code
 * (issue 12, start-up).
 */
export { MAX_PIPELINED_REQUESTS, MESSAGE_PIPELINING, MessageCommandSession, groupMismatchError, replyStatusError, type FinalRequestState, type MessagePipelining, type MessageSessionOptions, type OutgoingMessage, type PipelineRecovery } from './smb1/message-client.js';
export { decodeMessageServerRequest, type MessageCommandEvent, type MessageRefusal, type MessageServerEvent } from './smb1/message-server.js';
export { MAX_NAME_BYTES as MESSAGE_MAX_NAME_BYTES, MessageCommandCode, type MessageRequest } from './smb1/message-commands.js';
export { decodeMailslotWrite, decodeMessengerBody, encodeMailslotWrite, encodeMessengerBody, isMailslot, MAILSLOT_CLASS, MESSENGER_MAILSLOT, type MailslotWrite, type MessengerBody, type MessengerBodyLimits } from './smb1/mailslot.js';
