#!/usr/bin/env node
// Probe for issue 12 goal 3 (not a feature): does Samba accept the SMB1 message blocks pipelined
// (0xD5, 0xD7..., 0xD6 written before reading any reply), and what does it save? Compares lock-step
// (what sendMessage does) with pipelined writes on one NBSS session (port 139), N messages each,
// interleaved; checks every reply's status and what smbd's `message command` stored.
// Pipelining has to assume the message group id before the 0xD5 reply gives it (Samba: 0).
// Usage (root): npm run build && node bench/pipeline-probe.mjs [N] [--blocks K]
import fs from 'node:fs';
import path from 'node:path';
import { connectSmbTransport } from '../dist/transport/nbss.js';
import { netbiosName } from '../dist/transport/names.js';
import { encodeMessageRequest, decodeMessageResponse } from '../dist/smb/smb1/message-commands.js';
import { startBenchSamba, median } from './lib/samba.mjs';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
const K = args.includes('--blocks') ? Number(args[args.indexOf('--blocks') + 1]) : 2;
const samba = await startBenchSamba({}, { messageCommand: true });
const wait = { timeoutMs: 5000 };

function requests(tag) {
  const text = Buffer.from(`${tag} `.padEnd(K * 128, 'x').slice(0, K * 128), 'latin1');
  const blocks = [];
  for (let i = 0; i < text.length; i += 128) blocks.push(text.subarray(i, i + 128));
  return [
    { command: 0xd5, from: Buffer.from('BENCH'), to: Buffer.from('BENCHSRV') },
    ...blocks.map((data) => ({ command: 0xd7, groupId: 0, data })),
    { command: 0xd6, groupId: 0 },
  ];
}

async function once(tag, pipelined) {
  const t0 = performance.now();
  const s = await connectSmbTransport({ host: samba.host, port: 139, calledName: netbiosName('BENCHSRV', 0x03), callingName: netbiosName('BENCH', 0x00), ...wait });
  const reqs = requests(tag);
  const statuses = [];
  let groupId = null;
  try {
    if (pipelined) {
      // One write: concatenated frames reach smbd in one segment.
      await Promise.all(reqs.map((r) => s.send(encodeMessageRequest(r), wait)));
      for (const r of reqs) {
        const reply = decodeMessageResponse(await s.receive(wait), r.command);
        statuses.push(reply.header.status >>> 0);
        if (r.command === 0xd5) groupId = reply.groupId;
      }
    } else {
      for (const r of reqs) {
        await s.send(encodeMessageRequest(r), wait);
        const reply = decodeMessageResponse(await s.receive(wait), r.command);
        statuses.push(reply.header.status >>> 0);
        if (r.command === 0xd5) groupId = reply.groupId;
      }
    }
  } finally {
    s.close();
  }
  return { ms: performance.now() - t0, ok: statuses.every((x) => x === 0) && statuses.length === reqs.length, groupId };
}

try {
  for (let i = 0; i < 3; i++) await once(`warm${i}`, false);
  const rows = { 'lock-step': [], pipelined: [] };
  const bad = { 'lock-step': 0, pipelined: 0 };
  const groups = new Set();
  for (let i = 0; i < N; i++) {
    for (const [label, p] of [['lock-step', false], ['pipelined', true]]) {
      const r = await once(`${label}-${i}`, p);
      rows[label].push(r.ms);
      if (!r.ok) bad[label]++;
      groups.add(r.groupId);
    }
  }
  await new Promise((r) => setTimeout(r, 1000)); // the message command runs after the reply
  const stored = fs.readdirSync(path.join(samba.dir, 'msgs')).map((f) => fs.readFileSync(path.join(samba.dir, 'msgs', f), 'latin1'));
  const intact = (label) => stored.filter((m) => m.startsWith(label + '-') && m.length === K * 128).length;
  console.table(Object.keys(rows).map((label) => ({ mode: label, round_trips_after_session: label === 'pipelined' ? 1 : K + 2, median_ms: +median(rows[label]).toFixed(2), refused: bad[label], stored_intact: `${intact(label)}/${N}` })));
  console.log(`N=${N}, ${K} text blocks; group ids Samba returned: ${[...groups].join(', ')}`);
} finally {
  await samba.stop();
}
