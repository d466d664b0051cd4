/**
 * Issue 11 item 4: a CaptureFile with a path streams to disk. Its memory stays bounded however much
 * passes through the tap, the file is a complete pcap after every flush() and after close(), and a
 * failing write is a named error that never reaches the connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCapture, tcpStreams } from '../../src/pcap/reader.js';
import { CaptureFile } from '../../src/pcap/writer.js';
import { NetsendError } from '../../src/status/error.js';
import { tsharkAvailable } from '../helpers/tshark.js';
import { INTEROP_REQUIRED } from '../harness/samba.js';

/** One frame's worst case: record header 16 + Ethernet 14 + IPv4 20 + TCP 20 + MSS 1460. */
const MAX_FRAME = 16 + 14 + 20 + 20 + 1460;
const CLIENT = { address: '127.0.0.1', port: 40001 };
const SERVER = { address: '127.0.0.2', port: 40002 };

function sha256(...parts: Buffer[]): string {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

describe('pcap writer streaming to disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-pcap-stream-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps at most bufferBytes + one frame in memory over 24 MB through a tap; the file reads back intact after flush() and close()', () => {
    const f = path.join(dir, 'big.pcap');
    const bufferBytes = 64 * 1024;
    const file = new CaptureFile(f, { bufferBytes, flushIntervalMs: 0 });
    const rec = file.tcp(CLIENT, SERVER);
    const sent = crypto.createHash('sha256');
    const received = crypto.createHash('sha256');
    let maxBuffered = 0;
    let sentBytes = 0;
    let halfway: { client: string; server: string } | null = null;
    const rounds = 24 * 16; // 24 MB in 64 KiB chunks, both directions
    for (let i = 0; i < rounds; i++) {
      const chunk = crypto.randomBytes(64 * 1024 - (i % 7) * 100);
      if (i % 3 === 2) {
        rec.inbound(chunk);
        received.update(chunk);
      } else {
        rec.outbound(chunk);
        sent.update(chunk);
        sentBytes += chunk.length;
      }
      maxBuffered = Math.max(maxBuffered, file.bufferedBytes);
      if (i === rounds / 2) {
        file.flush();
        expect(file.bufferedBytes).toBe(0);
        // A complete pcap while the capture goes on: everything so far, nothing torn.
        const [s] = tcpStreams(readCapture(fs.readFileSync(f)).packets);
        halfway = { client: sha256(s!.clientData), server: sha256(s!.serverData) };
        expect(halfway.client).toBe(sent.copy().digest('hex'));
        expect(halfway.server).toBe(received.copy().digest('hex'));
      }
    }
    expect(maxBuffered).toBeLessThanOrEqual(bufferBytes + 2 * MAX_FRAME);
    // The frames went to disk as they came, not at close().
    expect(fs.statSync(f).size).toBe(file.writtenBytes);
    expect(file.writtenBytes).toBeGreaterThan(sentBytes);
    rec.closed();
    file.close();
    expect(file.bufferedBytes).toBe(0);
    const cap = readCapture(fs.readFileSync(f));
    expect(cap.skipped).toBe(0);
    const [s] = tcpStreams(cap.packets);
    expect(s!.gaps).toBe(false);
    expect(sha256(s!.clientData)).toBe(sent.digest('hex'));
    expect(sha256(s!.serverData)).toBe(received.digest('hex'));
    if (tsharkAvailable() || INTEROP_REQUIRED) {
      // capinfos reads every record of the file: the count must match ours exactly.
      const info = execFileSync('capinfos', ['-c', '-M', f]).toString();
      expect(info).toMatch(new RegExp(`Number of packets:\\s+${cap.packets.length}\\b`));
    }
  });

  it.runIf(tsharkAvailable() || INTEROP_REQUIRED)('tshark reads a streamed file written across several flushes with good checksums and the right byte counts', () => {
    const f = path.join(dir, 'tshark.pcap');
    const file = new CaptureFile(f, { bufferBytes: 8 * 1024, flushIntervalMs: 0 });
    const rec = file.tcp(CLIENT, SERVER);
    let total = 0;
    for (let i = 0; i < 200; i++) {
      const b = Buffer.alloc(3000 + i, i & 0xff);
      rec.outbound(b);
      total += b.length;
      if (i % 50 === 0) file.flush();
    }
    rec.closed();
    file.close();
    const out = execFileSync('tshark', ['-r', f, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-e', 'tcp.len', '-e', 'tcp.checksum.status', '-e', 'ip.checksum.status', '-e', '_ws.malformed'], { maxBuffer: 64 << 20 }).toString();
    const rows = out.trim().split('\n').map((l) => l.split('\t'));
    expect(rows.reduce((n, r) => n + Number(r[0]), 0)).toBe(total);
    expect(rows.filter((r) => r[1] !== '1' || r[2] !== '1' || (r[3] ?? '') !== '')).toEqual([]); // checksum status 1 = good
  });

  it('a failing write mid-capture (EPIPE: the FIFO reader went away) is reported once, kept, thrown by flush()/close(), never by the tap', () => {
    const fifo = path.join(dir, 'gone.fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader must exist for the writer's open not to block; it reads nothing and then leaves.
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const errors: NetsendError[] = [];
    const file = new CaptureFile(fifo, { overwrite: true, bufferBytes: 1024, flushIntervalMs: 0, onError: (e) => errors.push(e) });
    fs.closeSync(reader);
    const tap = file.tap('client');
    tap.opened?.({ address: '127.0.0.1', port: 1234 }, { address: '127.0.0.1', port: 445 });
    for (let i = 0; i < 10; i++) expect(() => tap.outbound(Buffer.alloc(4000, i))).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(NetsendError);
    expect(errors[0]).toMatchObject({ layer: 'file', name: 'EPIPE' });
    expect(errors[0]!.message).toMatch(/capture stopped after 24 bytes/);
    expect(file.error).toBe(errors[0]);
    // Dropped, not piled up in memory.
    expect(file.bufferedBytes).toBeLessThanOrEqual(1024 + 2 * MAX_FRAME);
    expect(() => file.flush()).toThrow(errors[0]!);
    expect(() => file.close()).toThrow(errors[0]!);
    expect(errors).toHaveLength(1);
  });

  it('a capture that cannot even write its header (ENOSPC on /dev/full) fails at creation with a named error', () => {
    let err: unknown;
    try {
      new CaptureFile('/dev/full', { overwrite: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NetsendError);
    expect(err).toMatchObject({ layer: 'file', name: 'ENOSPC' });
  });

  it('creates mode 0600 with O_EXCL: an existing file or any symlink is refused (usage), and overwrite never follows a link', () => {
    const saved = process.umask(0);
    try {
      const f = path.join(dir, 'mode.pcap');
      new CaptureFile(f, { flushIntervalMs: 0 }).close();
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
      expect(readCapture(fs.readFileSync(f)).packets).toEqual([]);
      expect(() => new CaptureFile(f)).toThrow(expect.objectContaining({ layer: 'usage', name: 'EEXIST' }));
      const target = path.join(dir, 'target');
      fs.writeFileSync(target, 'x');
      const link = path.join(dir, 'link.pcap');
      fs.symlinkSync(target, link);
      expect(() => new CaptureFile(link)).toThrow(/symbolic link/);
      expect(() => new CaptureFile(link, { overwrite: true })).toThrow(expect.objectContaining({ layer: 'usage', name: 'ELOOP' }));
      expect(fs.readFileSync(target, 'utf8')).toBe('x');
      fs.chmodSync(f, 0o644);
      new CaptureFile(f, { overwrite: true, flushIntervalMs: 0 }).close();
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(saved);
    }
  });
});
