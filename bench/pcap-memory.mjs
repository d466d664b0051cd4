#!/usr/bin/env node
// Benchmark (issue 11 item 4): memory of a pcap capture under MB of traffic.
//  1. Tap level, each in a fresh process: MB through CaptureFile.tap() streaming to a file, and the
//     in-memory CaptureFile (what --pcap did before: every frame held until close) for comparison.
//     Prints peak RSS (getrusage maxrss), peak bufferedBytes and the time taken.
//  2. End to end: the real `netsend listen --port 0 --pcap FILE` and a peer sending MB of 60 KB (or PCAP_BENCH_REQ bytes)
//     SMB1 requests over Direct TCP (each answered STATUS_NOT_SUPPORTED, so the peer's bytes all pass
//     the tap). Prints the listener's peak RSS (VmHWM) and the file it left.
// Usage: npm run build && [PCAP_BENCH_REQ=60000] node bench/pcap-memory.mjs [MB=40] [path/to/bin/netsend.js]
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

if (process.argv[2] === '--child') {
  // Child: push MB through one tap ('server' role, as listen does) and report.
  const { CaptureFile } = await import(process.argv[5] ?? '../dist/pcap/writer.js');
  const mode = process.argv[3];
  const mb = Number(process.argv[4]);
  const file = mode === 'stream' ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-bench-pcap-')), 'x.pcap') : null;
  const t0 = process.hrtime.bigint();
  const cap = new CaptureFile(file);
  const tap = cap.tap('server');
  tap.opened({ address: '127.0.0.1', port: 445 }, { address: '127.0.0.2', port: 50000 });
  const chunk = crypto.randomBytes(60_000);
  let peakBuffered = 0;
  for (let sent = 0; sent < mb * 1e6; sent += chunk.length) {
    tap.inbound(chunk);
    tap.outbound(chunk.subarray(0, 39)); // the small reply to each request
    peakBuffered = Math.max(peakBuffered, cap.bufferedBytes ?? 0);
  }
  tap.closed();
  const inMemory = mode === 'memory' ? cap.toBuffer().length : 0;
  cap.close();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const size = file ? fs.statSync(file).size : inMemory;
  if (file) fs.rmSync(path.dirname(file), { recursive: true });
  console.log(JSON.stringify({ mode, mb, maxRssMB: process.resourceUsage().maxRSS / 1024, peakBufferedKB: peakBuffered / 1024, captureMB: size / 1e6, ms }));
  process.exit(0);
}

const MB = Number(process.argv[2] ?? 40);
/** Bytes of each peer request (env PCAP_BENCH_REQ; small requests mean more frames per MB). */
const REQ = Number(process.env.PCAP_BENCH_REQ ?? 60_000);
const BIN = path.resolve(process.argv[3] ?? path.join(here, '../bin/netsend.js'));

function runChild(mode) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, String(MB)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${mode} child exited ${code}`))));
  });
}

function vmHwmMB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** SMB1 request ([MS-CIFS] §2.2.3.1 header) for a command the receiver does not serve, carrying `n` bytes. */
function smb1Request(n, mid) {
  const body = Buffer.alloc(32 + 3 + n);
  body.write('\xffSMB', 0, 'latin1');
  body[4] = 0x2f; // SMB_COM_WRITE_ANDX: answered STATUS_NOT_SUPPORTED
  body.writeUInt16LE(0xc803, 10); // flags2: unicode, NT status, long names
  body.writeUInt16LE(mid & 0xffff, 30);
  body[32] = 0; // WordCount
  body.writeUInt16LE(n, 33); // ByteCount
  crypto.randomFillSync(body, 35);
  const hdr = Buffer.alloc(4);
  hdr.writeUInt32BE(body.length, 0); // Direct TCP: zero byte + 24-bit length ([MS-SMB2] §2.1)
  return Buffer.concat([hdr, body]);
}

async function endToEnd() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsend-bench-listen-'));
  const pcap = path.join(dir, 'listen.pcap');
  const child = spawn(process.execPath, [BIN, 'listen', '--host', '127.0.0.1', '--port', '0', '--pcap', pcap], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const port = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`listener did not start: ${err}`)), 20_000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on [^\s]+:(\d+)/.exec(err);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
  });
  const rssBefore = vmHwmMB(child.pid);
  const t0 = process.hrtime.bigint();
  const sock = net.connect({ host: '127.0.0.1', port });
  await new Promise((r, j) => sock.once('connect', r).once('error', j));
  let pending = Buffer.alloc(0);
  let waiting = null;
  sock.on('data', (d) => {
    pending = Buffer.concat([pending, d]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
      pending = pending.subarray(4 + pending.readUInt32BE(0));
      waiting?.();
    }
  });
  const reply = () =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no reply within 10 s')), 10_000);
      waiting = () => {
        clearTimeout(t);
        waiting = null;
        resolve();
      };
    });
  let sent = 0;
  for (let mid = 1; sent < MB * 1e6; mid++) {
    const req = smb1Request(REQ, mid);
    const r = reply();
    sock.write(req);
    await r;
    sent += req.length;
  }
  sock.end();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await new Promise((r) => setTimeout(r, 200));
  const peak = vmHwmMB(child.pid);
  const exited = new Promise((r) => child.on('close', r));
  child.kill('SIGTERM');
  const code = await exited;
  const size = fs.existsSync(pcap) ? fs.statSync(pcap).size : 0;
  fs.rmSync(dir, { recursive: true });
  return { peerMB: sent / 1e6, listenerPeakRssMB: peak, listenerRssAtStartMB: rssBefore, pcapMB: size / 1e6, exit: code, ms };
}

console.log(`pcap capture memory, ${MB} MB of traffic (node ${process.version}, ${os.cpus().length} cpus)`);
for (const mode of ['stream', 'memory']) {
  const r = await runChild(mode);
  console.log(`tap ${mode.padEnd(6)}: peak RSS ${r.maxRssMB.toFixed(1)} MB, peak buffered ${r.peakBufferedKB.toFixed(1)} KB, capture ${r.captureMB.toFixed(1)} MB, ${r.ms.toFixed(0)} ms`);
}
const e = await endToEnd();
console.log(`netsend listen --pcap (${BIN}): peer sent ${e.peerMB.toFixed(1)} MB, listener peak RSS ${e.listenerPeakRssMB.toFixed(1)} MB (at start ${e.listenerRssAtStartMB.toFixed(1)} MB), pcap ${e.pcapMB.toFixed(1)} MB, exit ${e.exit}, ${e.ms.toFixed(0)} ms`);
