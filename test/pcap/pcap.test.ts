import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCapture, tcpStreams, splitNbssFrames } from '../../src/pcap/reader.js';
import { CaptureFile } from '../../src/pcap/writer.js';
import { NetsendError } from '../../src/status/error.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tsharkAvailable, tsharkDecode } from '../helpers/tshark.js';
import { INTEROP_REQUIRED } from '../harness/samba.js';

// Frame counts and TCP-payload frame counts, pinned from `tshark -r F | wc -l` and `-Y tcp.len>0`.
const FIXTURES: [string, number, number][] = [
  ['raw-SMBsends-0xD0-with-negotiate-port139.pcap', 14, 6],
  ['raw-SMBsends-0xD0-without-negotiate-port445.pcap', 9, 1],
  ['raw-SMBsendstrt-multiblock-port445.pcap', 16, 8],
  ['rpcclient-wkssvc-messagebuffersend.pcap', 26, 18],
  ['smbclient-M-port139-no-message-command.pcap', 12, 4],
  ['smbclient-M-port139-nonascii.pcap', 16, 8],
  ['smbclient-M-port139.pcap', 16, 8],
  ['smbclient-M-port445.pcap', 14, 6],
  ['smbclient-open-pipe-msgsvc-smb1.pcap', 33, 20],
  ['smbclient-open-pipe-msgsvc-smb3.pcap', 37, 26],
];

const withTshark = tsharkAvailable() || INTEROP_REQUIRED;

describe('pcap reader on the shared captures', () => {
  for (const [name, frames, dataFrames] of FIXTURES) {
    it(`parses ${name}`, () => {
      const cap = readCapture(fs.readFileSync(fixturePath(name)));
      expect(cap.packets.length + cap.skipped).toBe(frames);
      expect(cap.packets.filter((p) => p.payload.length > 0).length).toBe(dataFrames);
      const streams = tcpStreams(cap.packets);
      expect(streams.length).toBeGreaterThan(0);
      for (const s of streams) {
        expect(s.gaps).toBe(false);
        // Every byte of both directions splits cleanly into NBSS/Direct-TCP frames.
        expect(() => splitNbssFrames(s.clientData)).not.toThrow();
        expect(() => splitNbssFrames(s.serverData)).not.toThrow();
      }
    });
  }

  it('finds the NBSS session request and SMB messages of smbclient -M on 139', () => {
    const [s] = tcpStreams(readCapture(fs.readFileSync(fixturePath('smbclient-M-port139.pcap'))).packets);
    expect(s!.server.port).toBe(139);
    const frames = splitNbssFrames(s!.clientData);
    expect(frames[0]!.type).toBe(0x81);
    expect(frames[0]!.body.length).toBe(68);
    const smb = frames.filter((f) => f.type === 0).map((f) => f.body[4]);
    expect(smb).toEqual([0xd5, 0xd7, 0xd6]);
  });

  it.runIf(withTshark)('reassembles the same client bytes as tshark follow', () => {
    const file = fixturePath('rpcclient-wkssvc-messagebuffersend.pcap');
    const out = execFileSync('tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    // Lines of hex; server data is indented with a tab.
    const lines = out.split('\n').filter((l) => /^\t?[0-9a-f]+$/.test(l));
    const client = Buffer.from(lines.filter((l) => !l.startsWith('\t')).join(''), 'hex');
    const server = Buffer.from(lines.filter((l) => l.startsWith('\t')).map((l) => l.trim()).join(''), 'hex');
    const [s] = tcpStreams(readCapture(fs.readFileSync(file)).packets);
    expect(s!.clientData.equals(client)).toBe(true);
    expect(s!.serverData.equals(server)).toBe(true);
  });

  it.runIf(withTshark)('reads a pcapng conversion identically', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-pcapng-'));
    const ng = path.join(dir, 'x.pcapng');
    const src = fixturePath('smbclient-open-pipe-msgsvc-smb3.pcap');
    execFileSync('editcap', ['-F', 'pcapng', src, ng]);
    const a = readCapture(fs.readFileSync(src));
    const b = readCapture(fs.readFileSync(ng));
    expect(b.packets.map((p) => p.payload.toString('hex'))).toEqual(a.packets.map((p) => p.payload.toString('hex')));
    expect(b.packets.map((p) => p.timestampUs)).toEqual(a.packets.map((p) => p.timestampUs));
    fs.rmSync(dir, { recursive: true });
  });

  it('rejects hostile input with MalformedError only', () => {
    const base = fs.readFileSync(fixturePath('smbclient-M-port445.pcap'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.integer({ min: 0, max: base.length - 1 }), fc.integer({ min: 0, max: 255 }), (cut, pos, val) => {
        const b = Buffer.from(base.subarray(0, cut));
        if (pos < b.length) b[pos] = val;
        try {
          tcpStreams(readCapture(b).packets);
        } catch (e) {
          expect(e).toBeInstanceOf(NetsendError);
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          readCapture(Buffer.from(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(NetsendError);
        }
      }),
    );
  });
});

describe('pcap writer', () => {
  it('round-trips arbitrary exchanges through the reader', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 1, maxLength: 5000 })), { maxLength: 12 }),
        (exchange) => {
          const file = new CaptureFile();
          const rec = file.tcp({ address: '127.0.0.1', port: 40000 }, { address: '127.0.0.2', port: 445 });
          for (const [out, bytes] of exchange) (out ? rec.outbound : rec.inbound).call(rec, Buffer.from(bytes));
          rec.closed();
          const [s] = tcpStreams(readCapture(file.toBuffer()).packets);
          const sent = Buffer.concat(exchange.filter(([o]) => o).map(([, b]) => Buffer.from(b)));
          const recv = Buffer.concat(exchange.filter(([o]) => !o).map(([, b]) => Buffer.from(b)));
          expect(s!.clientData.equals(sent)).toBe(true);
          expect(s!.serverData.equals(recv)).toBe(true);
          expect(s!.client).toEqual({ address: '127.0.0.1', port: 40000 });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('records UDP datagrams over IPv4 and IPv6', () => {
    const file = new CaptureFile();
    file.addUdp({ address: '127.0.0.1', port: 5000 }, { address: '127.0.0.3', port: 137 }, Buffer.from('abc'));
    file.addUdp({ address: '::1', port: 5000 }, { address: '::1', port: 135 }, Buffer.from('defg'));
    const cap = readCapture(file.toBuffer());
    expect(cap.packets.map((p) => [p.protocol, p.dst, p.dstPort, p.payload.toString()])).toEqual([
      ['udp', '127.0.0.3', 137, 'abc'],
      ['udp', '::1', 135, 'defg'],
    ]);
  });

  it.runIf(withTshark)('writes files tshark decodes with good checksums and nothing malformed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-pcapw-'));
    const out = path.join(dir, 'w.pcap');
    const file = new CaptureFile(out);
    const rec = file.tcp({ address: '127.0.0.1', port: 40001 }, { address: '127.0.0.1', port: 445 });
    // A real SMB1 NEGOTIATE request and 3000 bytes back, split over MSS-sized segments.
    const neg = Buffer.from('000000230ff534d4272000000000801c800000000000000000000000000000000000000000000', 'hex');
    rec.outbound(neg.subarray(0, 4));
    rec.inbound(Buffer.alloc(3000, 0x41));
    rec.closed();
    file.close();
    const r = await tsharkDecode(out);
    expect(r.expertErrors).toEqual([]);
    expect(r.text).toContain('Transmission Control Protocol');
    fs.rmSync(dir, { recursive: true });
  });
});
