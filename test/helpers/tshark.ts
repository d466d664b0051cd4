import { execFile } from 'node:child_process';
import fs from 'node:fs';

export function tsharkAvailable(): boolean {
  return ['/usr/bin/tshark', '/usr/local/bin/tshark'].some((p) => fs.existsSync(p));
}

export interface TsharkResult {
  text: string;
  /** True when any frame was flagged malformed or carries an expert error. */
  malformed: boolean;
  expertErrors: string[];
}

/** Decodes a capture with `tshark -V` and reports malformed frames and expert errors. */
export function tsharkDecode(pcapPath: string, opts: { decodeAs?: string[]; display?: string; prefs?: string[] } = {}): Promise<TsharkResult> {
  const args = ['-r', pcapPath, '-V', '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];
  for (const d of opts.decodeAs ?? []) args.push('-d', d);
  for (const p of opts.prefs ?? []) args.push('-o', p);
  if (opts.display) args.push('-Y', opts.display);
  return new Promise((resolve, reject) => {
    execFile('tshark', args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`tshark failed: ${err.message}\n${stderr}`));
      const expertErrors = stdout
        .split('\n')
        .filter((l) => /Malformed|\[Expert Info \(Error|checksum.*incorrect|Bad checksum/i.test(l))
        .map((l) => l.trim());
      resolve({ text: stdout, malformed: expertErrors.length > 0, expertErrors });
    });
  });
}
