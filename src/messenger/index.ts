/**
 * Direct Messenger delivery (SMB1 message commands, [MS-MSRP] §2.2.3): sender, receiver,
 * NetMessageBufferSend. Decisions, each documented where it lives:
 * - mode 'auto' = 0xD5/0xD7/0xD6, which both Windows and Samba accept without NEGOTIATE; 'single'
 *   (0xD0) sends an SMB1 NEGOTIATE first because Samba drops a 0xD0 that comes first (send.ts).
 * - 128 text bytes per block, as [MS-MSRP] §3.2.4.4 says; Samba accepts it too (text.ts).
 * - line endings 'crlf' by default: Samba strips the CR; Windows message boxes break lines on
 *   CR LF (inferred: no Windows peer here). MS-MSRP's 0x14 is stored raw by Samba (verified), so
 *   it is an option only (text.ts).
 * - text limit 652 bytes ([MS-MSRP] §3.2.4.4) unless maxBytes raises it (text.ts).
 * - failures map to NET_API_STATUS through one table (status-map.ts).
 * - only single- and double-byte OEM/ANSI code pages; text with NUL is refused, not cut (text.ts).
 * - received names and text are shown through the terminal sanitiser (popup.ts, util/sanitize.ts).
 */
export { sendMessage, prepareMessage, replyStatusError, AUTO_PIPELINING, SEND_PIPELINING, type PreparedMessage, type SendMessageOptions, type SendResult, type SendStatus, type SendMode, type SendPipelining } from './send.js';
export { withRetries, checkRetryOptions, DELIVERIES, MAX_RETRIES, DEFAULT_RETRY_DELAY_MS, type Delivery, type RetryOptions } from './outcome.js';
export { UNCONFIRMED_NET_API_STATUS } from './send.js';
export { netMessageBufferSend, netMessageBufferSendRemote, type NetMessageBufferSendOptions, type RemoteSend, type NameResolver } from './api.js';
export { startReceiver, RECEIVER_LIMIT_DEFAULTS, type Receiver, type ReceiverOptions, type ReceivedMessage, type ReceiverLimits, type ReceiverStats } from './receiver.js';
export { netApiStatusFor, netApiStatusName, NetApiStatus } from './status-map.js';
export {
  DEFAULT_CODEPAGE,
  DEFAULT_MAX_BYTES,
  BLOCK_BYTES,
  LINE_ENDINGS,
  type LineEndings,
  resolveCodepage,
  applyLineEndings,
  encodeOem,
  decodeOemText,
  unmappableChars,
  unmappableWarning,
  supportedCodepages,
  checkMessageText,
  defaultFromName,
} from './text.js';
export { resolveMessengerName, resolveMessengerTarget, type ResolveOptions, type MessengerTarget } from './resolve.js';
export { formatPopup, popupHeader, type PopupMessage } from './popup.js';
export {
  sendViaWorkstation,
  workstationInfo,
  remoteNetApiStatusFor,
  type RemoteConnectOptions,
  type RemoteSendOptions,
  type RemoteSendResult,
  type WorkstationInfoResult,
} from './remote.js';
export { sendBroadcast, sendMailslotMessage, subnetBroadcastAddresses, mailslotUnmappable, BROADCAST_MAX_CHARS, DEFAULT_WORKGROUP, MAILSLOT_DEFAULT_MAX_BYTES, type BroadcastOptions, type DirectedMailslotOptions, type MailslotSendOptions, type MailslotSendResult } from './mailslot.js';
export { startMailslotReceiver, type MailslotReceiver, type MailslotReceiverOptions, type MailslotReceiverStats } from './mailslot-receiver.js';
export { startMessengerNames, type MessengerNames, type MessengerNamesOptions, type NameClaim } from './message-names.js';
export { addMessageName, deleteMessageName, enumMessageNames, getMessageNameInfo, type MessageNameInfo } from './msgsvc.js';
export {
  sendSessionMessage,
  listSessions,
  parseSessionSelector,
  isStarTarget,
  remoteApiDisabledError,
  adminNeededError,
  DEFAULT_SESSION_TIMEOUT_MS,
  DEFAULT_WAIT_SEC,
  type SessionSelector,
  type SessionConnectOptions,
  type SessionMessageOptions,
  type SessionMessageResult,
  type SendSessionMessageResult,
  type ListSessionsResult,
  type SessionInfo,
  type SessionPath,
} from './session-message.js';
export { sendViaUdpRpc, UDP_MAX_TEXT_BYTES, type UdpRpcSendOptions, type UdpRpcSendResult } from './udp-rpc.js';
export { startUdpRpcReceiver, type UdpRpcReceiver, type UdpRpcReceiverOptions } from './udp-receiver.js';
