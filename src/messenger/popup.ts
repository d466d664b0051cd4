/**
 * Text rendering of a received message the way the Windows Messenger popup shows it:
 * a "Message from X to Y on <date>" header line, a blank line, the text ([MS-MSRP] §3.2.4.3 leaves
 * the display format to the implementation). Boxed for terminals.
 */
import { sanitizeForTerminal } from '../util/sanitize.js';

/** The fields a popup shows. */
export interface PopupMessage {
  /** Sender name. */
  from: string;
  /** Recipient name. */
  to: string;
  /** The message text. */
  text: string;
  /** When the message arrived; shown in the header line. */
  receivedAt: Date;
}

function formatDate(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const h = d.getHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${d.getMonth() + 1}/${d.getDate()}/${d.getFullYear()} ${h12}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/**
 * Names and text come from the peer: controls and bidi overrides are shown as `\uXXXX` escapes
 * (util/sanitize.ts) so a sender cannot drive the terminal or disguise the text. Names stay on one
 * line; the body keeps its line breaks (LF only: CR, which could overwrite a line, is escaped).
 */
export function popupHeader(m: PopupMessage): string {
  return `Message from ${sanitizeForTerminal(m.from)} to ${sanitizeForTerminal(m.to)} on ${formatDate(m.receivedAt)}`;
}

/** A received message as a boxed terminal popup: the header line, a blank line, the text wrapped at `width`. */
export function formatPopup(m: PopupMessage, width = 72): string {
  const lines = [popupHeader(m), '', ...sanitizeForTerminal(m.text, { lineBreaks: true }).split('\n')];
  const wrapped: string[] = [];
  for (const line of lines) {
    const chars = Array.from(line);
    if (chars.length === 0) wrapped.push('');
    for (let i = 0; i < chars.length; i += width) wrapped.push(chars.slice(i, i + width).join(''));
  }
  const inner = Math.max(...wrapped.map((l) => Array.from(l).length), 20);
  const top = `┌${'─'.repeat(inner + 2)}┐`;
  const bottom = `└${'─'.repeat(inner + 2)}┘`;
  const body = wrapped.map((l) => `│ ${l}${' '.repeat(inner - Array.from(l).length)} │`);
  return [top, ...body, bottom].join('\n');
}
