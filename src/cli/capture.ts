/**
 * `--pcap FILE` and `--pcap-overwrite` for send, listen and info. A capture holds the whole NTLM
 * exchange ([MS-NLMP] §3.3.2: an NTLMv2 response can be brute-forced offline against the password),
 * so FILE is created mode 0600 and must not exist; `--pcap-overwrite` replaces an existing file but
 * still never follows a symbolic link. Frames stream to disk as they come (src/pcap/writer.ts).
 */
import type { CaptureFile } from '../pcap/writer.js';
import { usageError } from '../status/error.js';
import type { CliIO, OptionSpec, ParsedValues } from './common.js';

const SAFETY = 'created mode 0600, refused if FILE exists or is a symlink: it holds the NTLM exchange, which can be cracked offline';

/** Option rows (merged into OPTIONS). */
export const CAPTURE_OPTIONS: OptionSpec[] = [
  { name: 'pcap', type: 'string', arg: 'FILE', help: { send: `write our own traffic to FILE as pcap (${SAFETY})`, listen: `write the traffic to FILE as pcap, as it comes (${SAFETY})`, info: `write our own traffic to FILE as pcap (${SAFETY})` }, commands: ['send', 'listen', 'info'] },
  { name: 'pcap-overwrite', type: 'boolean', help: 'let --pcap replace an existing file (still never through a symlink)', commands: ['send', 'listen', 'info'] },
];

/**
 * Opens the --pcap file, or null without one. Refusals are usage errors (exit 2) before any traffic.
 * The pcap writer loads only when a capture is asked for (issue 12: a send without --pcap reads no pcap code).
 */
export async function openCapture(values: ParsedValues, io: CliIO): Promise<CaptureFile | null> {
  const path = typeof values.pcap === 'string' ? values.pcap : undefined;
  const overwrite = values['pcap-overwrite'] === true;
  if (path === undefined) {
    if (overwrite) throw usageError('--pcap-overwrite needs --pcap FILE');
    return null;
  }
  const { CaptureFile } = await import('../pcap/writer.js');
  return new CaptureFile(path, {
    overwrite,
    // Said when it happens (a long `listen` keeps running); the exit status says it again.
    onError: (e) => io.stderr.write(`netsend: --pcap: ${e.name}: ${e.message}\n`),
  });
}

/** Closes the capture; 1 when it failed (already reported on stderr), else 0. */
export function closeCapture(capture: CaptureFile | null, io: CliIO): number {
  if (!capture) return 0;
  try {
    capture.close();
    return 0;
  } catch (e) {
    if (e !== capture.error) io.stderr.write(`netsend: --pcap: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
