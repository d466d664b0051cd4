/**
 * The sending side of the SMB1 message commands ([MS-MSRP] §3.2.4.4, §2.2.3): over an open
 * NBSS or Direct TCP stream, an optional NEGOTIATE ([MS-CIFS] §2.2.4.52; Samba answers 0xD0 only
 * after one), then one 0xD0 or the 0xD5 / 0xD7... / 0xD6 sequence. What to send and what an
 * outcome means is the messenger's policy; the frames, their order and the reply checks are here.
 */
import { NetsendError, MalformedError } from '../../status/error.js';
import type { WaitOptions } from '../../util/abort.js';
import type { FramedMessageStream } from '../../transport/nbss.js';
import { decodeSmb1Message, Smb1Command, SMB1Flags, SMB1Flags2, smb1Status, type Smb1Status } from './header.js';
import { DIALECT_NT_LM_012, decodeNegotiateResponse, encodeNegotiateRequest } from './negotiate.js';
import { decodeMessageResponse, encodeMessageRequest, type MessageCommand, type MessageRequest } from './message-commands.js';
import { smb1StatusError } from './errors.js';

/** A non-success reply status as a NetsendError on the 'dos' or 'ntstatus' layer, named by the catalogue. */
export function replyStatusError(status: Smb1Status, command: number): NetsendError {
  return smb1StatusError(status, `message server refused SMB 0x${command.toString(16).toUpperCase()}`);
}

/**
 * How far the request that completes the message (0xD0, or 0xD6) got: 'writing' before it is
 * handed to the socket, 'written' once it was, 'refused' when the peer answered it with an error
 * status (an answer: the message was refused, not lost).
 */
export type FinalRequestState = 'writing' | 'written' | 'refused';

/** How a client sends the SMB1 message commands on a connection ([MS-MSRP] §3.2.4.4). */
export interface MessageSessionOptions {
  /** Wait options of one step ('negotiate', 'SMB 0xD0', ...): the caller's deadline names the step. */
  wait: (step: string) => WaitOptions;
  /** Each request/response pair read back. */
  onRoundTrip?: () => void;
  /** Each text block the peer accepted (a 0xD7, or the one 0xD0). */
  onBlock?: () => void;
  /** Progress of the final request (see FinalRequestState). */
  onFinal?: (state: FinalRequestState) => void;
}

/** The text of one message as OEM bytes: one block for 0xD0, the 0xD7 blocks otherwise. */
export interface OutgoingMessage {
  from: Buffer;
  to: Buffer;
  mode: 'single' | 'multi';
  blocks: readonly Buffer[];
}

/** [MS-CIFS] §2.2.4.52.1: NEGOTIATE offering only "NT LM 0.12" (all a 0xD0 needs on Samba). */
function negotiateRequest(): Buffer {
  return encodeNegotiateRequest([DIALECT_NT_LM_012], { flags2: SMB1Flags2.NT_STATUS | SMB1Flags2.LONG_NAMES });
}

function checkNegotiateResponse(buf: Buffer): void {
  const msg = decodeSmb1Message(buf);
  const { header } = msg;
  if (header.command !== Smb1Command.NEGOTIATE || !(header.flags & SMB1Flags.REPLY)) {
    throw new MalformedError('SMB1 NEGOTIATE reply', `command 0x${header.command.toString(16)} flags 0x${header.flags.toString(16)}`);
  }
  if (header.status >>> 0 !== 0) throw replyStatusError(smb1Status(header), Smb1Command.NEGOTIATE);
  if (decodeNegotiateResponse(msg).kind === 'none') {
    throw new NetsendError('protocol', 0, 'NO_COMMON_DIALECT', 'server accepts none of the offered SMB1 dialects');
  }
}

/** Message commands over one stream. The stream stays the caller's to close. */
export class MessageCommandSession {
  constructor(
    private readonly stream: FramedMessageStream,
    private readonly opts: MessageSessionOptions,
  ) {}

  /** SMB1 NEGOTIATE for "NT LM 0.12"; throws a typed error on a refusal or no common dialect. */
  async negotiate(): Promise<void> {
    await this.stream.send(negotiateRequest(), this.opts.wait('negotiate'));
    const reply = await this.stream.receive(this.opts.wait('negotiate'));
    this.opts.onRoundTrip?.();
    checkNegotiateResponse(reply);
  }

  /** Sends `m` (0xD0, or 0xD5/0xD7.../0xD6); resolves once the peer acknowledged the final request. */
  async send(m: OutgoingMessage): Promise<void> {
    if (m.mode === 'single') {
      await this.exchange({ command: 0xd0, from: m.from, to: m.to, data: m.blocks[0] ?? Buffer.alloc(0) }, true);
      this.opts.onBlock?.();
      return;
    }
    const groupId = (await this.exchange({ command: 0xd5, from: m.from, to: m.to })) ?? 0;
    for (const data of m.blocks) {
      await this.exchange({ command: 0xd7, groupId, data });
      this.opts.onBlock?.();
    }
    await this.exchange({ command: 0xd6, groupId }, true);
  }

  /** One request/response pair; `isFinal` marks the request that completes the message. */
  private async exchange(req: MessageRequest, isFinal = false): Promise<number | null> {
    const step = `SMB 0x${req.command.toString(16).toUpperCase()}`;
    const bytes = encodeMessageRequest(req);
    if (isFinal) this.opts.onFinal?.('writing');
    await this.stream.send(bytes, this.opts.wait(step));
    if (isFinal) this.opts.onFinal?.('written');
    const reply = await this.stream.receive(this.opts.wait(step));
    this.opts.onRoundTrip?.();
    const r = decodeMessageResponse(reply, req.command as MessageCommand);
    if (r.header.status >>> 0 !== 0) {
      if (isFinal) this.opts.onFinal?.('refused');
      throw replyStatusError(r.status, req.command);
    }
    return r.groupId;
  }
}
