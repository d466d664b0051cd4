/**
 * The sending side of the SMB1 message commands ([MS-MSRP] §3.2.4.4, §2.2.3): over an open
 * NBSS or Direct TCP stream, an optional NEGOTIATE ([MS-CIFS] §2.2.4.52; Samba answers 0xD0 only
 * after one), then one 0xD0 or the 0xD5 / 0xD7... / 0xD6 sequence, in lock-step or pipelined
 * (MessagePipelining). What to send and what an outcome means is the messenger's policy; the
 * frames, their order and the reply checks are here.
 */
import { NetsendError, MalformedError } from '../../status/error.js';
import type { WaitOptions } from '../../util/abort.js';
import type { FramedMessageStream } from '../../transport/nbss.js';
import { decodeSmb1Message, Smb1Command, SMB1Flags, SMB1Flags2, smb1Status, type Smb1Status } from './header.js';
import { DIALECT_NT_LM_012, decodeNegotiateResponse, encodeNegotiateRequest } from './negotiate.js';
import { decodeMessageResponse, encodeMessageRequest, type MessageCommand, type MessageRequest, type MessageResponse } from './message-commands.js';
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

/**
 * How the 0xD5 / 0xD7... / 0xD6 requests share the wire.
 * - 'off': lock-step, one request, then its reply (smbclient's way); Mid 0 as [MS-MSRP] §2.2.3 asks.
 * - 'after-start': 0xD5 alone; once its reply gave the MessageGroupId ([MS-MSRP] §2.2.3.2.2) every
 *   0xD7 and the 0xD6 are written before any of their replies is read. Correct for any server.
 * - 'full': 0xD5, the 0xD7s and the 0xD6 written at once, the later ones with group id 0 (what
 *   Samba's WordCount-0 reply to 0xD5 means). When the 0xD5 reply names another group the id-0
 *   requests were sent under the wrong id: refused ones are sent again with the right id; accepted
 *   ones leave the message unconfirmed (GROUP_ID_MISMATCH).
 * Every request keeps Mid 0, pipelined or not: [MS-MSRP] §2.2.3 says all header fields but Command
 * MUST be zero. A server answers the message commands of one connection in the order they came
 * (each is synchronous, and a server that ran them out of order would scramble the text anyway), so
 * each reply belongs to the oldest request not yet answered: it must carry Mid 0 and that request's
 * command, else it is a MalformedError.
 */
export type MessagePipelining = 'off' | 'after-start' | 'full';

/** Every MessagePipelining value, for option parsing and documentation. */
export const MESSAGE_PIPELINING: readonly MessagePipelining[] = ['off', 'after-start', 'full'];

/**
 * Requests in flight at once. Without a NEGOTIATE the client knows no MaxMpxCount
 * ([MS-CIFS] §2.2.4.52.2; Samba and Windows announce 50), so stay well below it. The default
 * 652-byte message ([MS-MSRP] §3.2.4.4) is 0xD5 + 6 blocks + 0xD6 = 8 requests: one batch.
 * Longer texts (maxBytes up to 65,024) slide through this window.
 */
export const MAX_PIPELINED_REQUESTS = 16;

/**
 * How a pipelined send went on after a refusal: 'group-resend' ('full': the id-0 blocks were refused
 * because the server opened a non-zero group; they went again with its id), 'lock-step' (a request
 * written while others were outstanding was refused and the 0xD6 was not accepted, so nothing was
 * shown: the message went again in lock-step on the same connection, starting with a new 0xD5).
 */
export type PipelineRecovery = 'group-resend' | 'lock-step';

/** How a client sends the SMB1 message commands on a connection ([MS-MSRP] §3.2.4.4). */
export interface MessageSessionOptions {
  /** How the multi-block requests share the wire; default 'off' (lock-step). */
  pipelining?: MessagePipelining;
  /** A pipelined send recovered from a refusal (see PipelineRecovery). */
  onRecovery?: (how: PipelineRecovery) => void;
  /** Wait options of one step ('negotiate', 'SMB 0xD0', ...): the caller's deadline names the step. */
  wait: (step: string) => WaitOptions;
  /**
   * Each round trip: a request/response pair in lock-step; a pipelined batch counts once (and a
   * request written only after a reply of the batch came back counts another).
   */
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

/** The replies of one pipelined batch, by request index. */
interface Batch {
  /** undefined: not written, or (when `broken`) not answered. */
  replies: (MessageResponse | undefined)[];
  /** The first refused request and its typed error. */
  firstRefusal: { index: number; error: NetsendError } | null;
  /** Reading failed after a refusal: the connection is no longer in step. */
  broken: boolean;
}

function accepted(r: MessageResponse | undefined): boolean {
  return r !== undefined && r.header.status >>> 0 === 0;
}

function hexCommand(c: number): string {
  return `0x${c.toString(16).toUpperCase()}`;
}

/**
 * 'full' mode, a server that named group `groupId` in its 0xD5 reply yet accepted the blocks and
 * 0xD6 sent under group 0: per [MS-MSRP] §2.2.3.3.1 they belong to no open group, so its
 * acknowledgement says nothing certain about this message. Shown or not, it is not sent again.
 */
export function groupMismatchError(groupId: number): NetsendError {
  return new NetsendError(
    'protocol',
    0,
    'GROUP_ID_MISMATCH',
    `message server opened group ${groupId} but accepted the text blocks sent under group 0 ([MS-MSRP] §2.2.3.3.1): the message may or may not have been shown`,
  );
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
    switch (this.opts.pipelining ?? 'off') {
      case 'off':
        return this.sendLockStep(m);
      case 'after-start': {
        const b = await this.pipeline([startRequest(m)]);
        if (b.firstRefusal) throw b.firstRefusal.error;
        return this.sendTextPipelined(m, b.replies[0]!.groupId ?? 0);
      }
      case 'full':
        return this.sendFull(m);
    }
  }

  private async sendLockStep(m: OutgoingMessage): Promise<void> {
    const groupId = (await this.exchange(startRequest(m))) ?? 0;
    for (const data of m.blocks) {
      await this.exchange({ command: 0xd7, groupId, data });
      this.opts.onBlock?.();
    }
    await this.exchange({ command: 0xd6, groupId }, true);
  }

  /** Every 0xD7 and the 0xD6 of group `groupId` pipelined, after an accepted 0xD5. */
  private async sendTextPipelined(m: OutgoingMessage, groupId: number): Promise<void> {
    await this.settleText(m, await this.pipeline(textRequests(m, groupId)));
  }

  /** 0xD5, 0xD7... and 0xD6 at once, the text under group 0 (see MessagePipelining). */
  private async sendFull(m: OutgoingMessage): Promise<void> {
    const reqs: MessageRequest[] = [startRequest(m), ...textRequests(m, 0)];
    // Once the 0xD5 reply names another group, writing more id-0 requests is pointless.
    const b = await this.pipeline(reqs, (index, r) => index === 0 && (r.groupId ?? 0) !== 0);
    const start = b.replies[0];
    if (!accepted(start)) throw b.firstRefusal!.error;
    const groupId = start!.groupId ?? 0;
    if (groupId === 0) return this.settleText(m, b);
    if (!b.broken && !b.replies.slice(1).some(accepted)) {
      // Nothing of the text was taken under the wrong id, so nothing can show twice.
      this.opts.onRecovery?.('group-resend');
      return this.sendTextPipelined(m, groupId);
    }
    throw b.firstRefusal?.error ?? groupMismatchError(groupId);
  }

  /**
   * After a pipelined batch that ends with the 0xD6 (its 0xD5, if any, accepted): success, a
   * lock-step fallback, or the first refusal. Falling back is safe only when the 0xD6 was refused
   * or never written (the message was not completed, so nothing was shown: [MS-MSRP] §3.2.4.5 shows
   * it at the end) and the refused request was not the batch's first, i.e. it came while another
   * was outstanding (a server that takes one request at a time). A refused first request is the
   * server's answer to the message itself, which lock-step would only repeat.
   */
  private async settleText(m: OutgoingMessage, b: Batch): Promise<void> {
    const refusal = b.firstRefusal;
    if (refusal === null) return;
    const end = b.replies[b.replies.length - 1];
    const endNotTaken = end === undefined ? !b.broken : !accepted(end);
    if (refusal.index > 0 && endNotTaken && !b.broken && !this.stream.closed) {
      this.opts.onRecovery?.('lock-step');
      return this.sendLockStep(m);
    }
    throw refusal.error;
  }

  /**
   * Writes `reqs` with up to MAX_PIPELINED_REQUESTS outstanding and reads every reply, matching it to
   * the oldest unanswered request (Mid 0 and that request's command). A refusal (or `stop`) ends the writing; the replies
   * already due are still read, so the caller knows whether the 0xD6 was taken and the stream is in
   * step for whatever follows. A reply to no outstanding request is a MalformedError.
   */
  private async pipeline(reqs: readonly MessageRequest[], stop?: (index: number, r: MessageResponse) => boolean): Promise<Batch> {
    const frames = reqs.map((req) => encodeMessageRequest(req));
    const batch: Batch = { replies: new Array<MessageResponse | undefined>(reqs.length).fill(undefined), firstRefusal: null, broken: false };
    const outstanding: number[] = []; // request indexes written and not yet answered, oldest first
    const generation: number[] = [];
    let written = 0;
    let writing = true;
    let roundTrips = 0;
    const step = (): string => {
      const oldest = outstanding[0] ?? written;
      return `SMB ${hexCommand(reqs[Math.min(oldest, reqs.length - 1)]!.command)}`;
    };
    const refill = async (gen: number): Promise<void> => {
      const end = Math.min(reqs.length, written + MAX_PIPELINED_REQUESTS - outstanding.length);
      if (end <= written) return;
      const carriesFinal = reqs.slice(written, end).some((r) => r.command === 0xd6);
      if (carriesFinal) this.opts.onFinal?.('writing');
      await this.stream.sendMany(frames.slice(written, end), this.opts.wait(`SMB ${hexCommand(reqs[written]!.command)}`));
      if (carriesFinal) this.opts.onFinal?.('written');
      for (let i = written; i < end; i++) {
        outstanding.push(i);
        generation[i] = gen;
      }
      written = end;
    };
    await refill(1);
    while (outstanding.length > 0) {
      let r: MessageResponse;
      let index: number;
      try {
        r = decodeMessageResponse(await this.stream.receive(this.opts.wait(step())));
        const found = outstanding[0]!;
        if (r.header.mid !== 0) {
          throw new MalformedError('SMB1 message reply', `Mid ${r.header.mid} answers no outstanding request (command ${hexCommand(r.command)}; every request went with Mid 0)`);
        }
        if (r.command !== reqs[found]!.command) {
          throw new MalformedError('SMB1 message reply', `reply answers command ${hexCommand(r.command)}, the request was ${hexCommand(reqs[found]!.command)}`);
        }
        index = found;
      } catch (e) {
        // After a refusal the refusal is the answer; the rest only tells how far the peer got.
        if (batch.firstRefusal === null) throw e;
        batch.broken = true;
        break;
      }
      outstanding.shift();
      batch.replies[index] = r;
      if (generation[index]! > roundTrips) {
        roundTrips = generation[index]!;
        this.opts.onRoundTrip?.();
      }
      const command = reqs[index]!.command;
      if (!accepted(r)) {
        if (command === 0xd6) this.opts.onFinal?.('refused');
        batch.firstRefusal ??= { index, error: replyStatusError(r.status, command) };
        writing = false;
      } else {
        if (command === 0xd7) this.opts.onBlock?.();
        if (stop?.(index, r)) writing = false;
      }
      if (writing) await refill(generation[index]! + 1);
    }
    return batch;
  }

  /** One request/response pair; `isFinal` marks the request that completes the message. */
  private async exchange(req: MessageRequest, isFinal = false): Promise<number | null> {
    const step = `SMB ${hexCommand(req.command)}`;
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

function startRequest(m: OutgoingMessage): MessageRequest {
  return { command: 0xd5, from: m.from, to: m.to };
}

/** The 0xD7 per block and the closing 0xD6, all under `groupId`. */
function textRequests(m: OutgoingMessage, groupId: number): MessageRequest[] {
  return [...m.blocks.map((data): MessageRequest => ({ command: 0xd7, groupId, data })), { command: 0xd6, groupId }];
}
