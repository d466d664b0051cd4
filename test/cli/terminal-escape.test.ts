/**
 * Terminal-escape peers (issue 11 item 5): strings from the network carrying ESC/CSI/OSC, DEL, C1
 * controls and bidi overrides must reach neither the terminal (human output) nor --json raw; the
 * escaped forms are shown instead, and --json still decodes to the exact strings.
 *
 * Peers: Samba whose `netbios name` and `workgroup` hold the escapes (it accepts them in smb.conf
 * and returns them from NetrWkstaGetInfo as they are), our own sender feeding `netsend listen`,
 * and a scripted NetBIOS name server answering a node status with a hostile name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { main } from '../../src/cli/main.js';
import { sendMessage, type SendMessageOptions } from '../../src/messenger/send.js';
import { startReceiver, type ReceivedMessage, type Receiver } from '../../src/messenger/receiver.js';
import { decodeNsPacket, encodeNodeStatusRdata, encodeNsPacket, NM_FLAG, NS_CLASS_IN, NS_TYPE } from '../../src/transport/nameservice.js';
import { interopEnabled, startSamba, type SambaInstance } from '../harness/samba.js';
import { cliIO as io } from '../helpers/cli-io.js';

const BIDI = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];

/** Raw code points no output may contain: C0 but LF, DEL, C1, bidi controls, U+2028/9. */
function rawControls(s: string): string[] {
  return Array.from(s)
    .map((c) => c.codePointAt(0)!)
    .filter((cp) => (cp <= 0x1f && cp !== 0x0a) || (cp >= 0x7f && cp <= 0x9f) || BIDI.includes(cp) || cp === 0x2028 || cp === 0x2029)
    .map((cp) => `U+${cp.toString(16).padStart(4, '0')}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(interopEnabled())('netsend info against a Samba whose names carry terminal escapes', () => {
  // OSC (set title) and CSI (clear screen) sequences, BEL and DEL in the computer name; a C1 CSI,
  // a right-to-left override and a left-to-right isolate in the workgroup. Samba upper-cases the
  // workgroup ('1m' -> '1M') and returns both through wkssvc unchanged otherwise (observed, 4.17).
  const computer = 'N\x1b[2J\x1b]0;T\x07\x7f';
  const workgroup = 'W\u009b1m\u202eX\u2066';
  let samba: SambaInstance;
  let user: string;
  beforeAll(async () => {
    samba = await startSamba({ netbiosName: computer, workgroup });
    user = `${samba.user.name}%${samba.user.password}`;
  });
  afterAll(async () => {
    await samba?.stop();
  });

  for (const dialect of [[], ['--smb1']]) {
    it(`human output shows the names escaped, no raw control ${dialect.join(' ') || '(SMB 3.1.1)'}`, async () => {
      const t = io();
      expect(await main(['info', '--server', samba.host, '-U', user, ...dialect], t.io)).toBe(0);
      const out = t.text();
      expect(rawControls(out)).toEqual([]);
      expect(out).toContain('computer name: N\\u001b[2J\\u001b]0;T\\u0007\\u007f\n');
      expect(out).toContain('domain:        W\\u009b1M\\u202eX\\u2066\n');
    });
  }

  it('--json escapes C1 and bidi too, and decodes to the exact names', async () => {
    const t = io();
    expect(await main(['info', '--server', samba.host, '-U', user, '--json'], t.io)).toBe(0);
    const line = t.out.join('');
    expect(rawControls(line)).toEqual([]);
    expect(line).toContain('"lanGroup":"W\\u009b1M\\u202eX\\u2066"');
    const o = JSON.parse(line);
    expect(o.info.computerName).toBe(computer);
    expect(o.info.lanGroup).toBe(workgroup.toUpperCase());
  });
});

/** Runs `netsend listen --port 0 ...args`, feeds it the messages, returns what it printed. */
async function listen(args: string[], sends: Array<Omit<SendMessageOptions, 'host' | 'port'>>): Promise<{ out: string; err: string }> {
  const t = io();
  const ac = new AbortController();
  const done = main(['listen', '--port', '0', ...args], { ...t.io, signal: ac.signal });
  let port = 0;
  for (let i = 0; i < 500 && !port; i++) {
    const m = /listening on 127\.0\.0\.1:(\d+)/.exec(t.err.join(''));
    if (m) port = Number(m[1]);
    else await sleep(20);
  }
  try {
    expect(port).toBeGreaterThan(0);
    for (const s of sends) expect((await sendMessage({ ...s, host: '127.0.0.1', port })).ok).toBe(true);
    for (let i = 0; i < 500 && t.out.length < sends.length; i++) await sleep(20);
  } finally {
    ac.abort();
  }
  expect(await done).toBe(0);
  return { out: t.out.join(''), err: t.err.join('') };
}

describe('netsend listen fed by a sender of terminal escapes', () => {
  const escText = 'title\x1b]0;PWNED\x07 clear\x1b[2J del\x7f bell\x07';
  const escFrom = 'E\x1b[31mVIL';
  // ISO 8859-1 (cp28591) maps bytes 0x80-0x9F to the C1 controls; cp1255 maps 0xFD/0xFE to LRM/RLM.
  const c1Text = 'csi\u009b2J osc\u009d0;T\u009c nel\u0085';
  const bidiText = 'abc\u200fdef\u200eghi';

  it('the popup (human form) shows ESC, DEL and BEL escaped, in the names too', async () => {
    const { out } = await listen([], [{ to: 'eve', from: escFrom, text: escText, lineEndings: 'raw' }]);
    expect(rawControls(out)).toEqual([]);
    expect(out).toContain('Message from E\\u001b[31mVIL to EVE on ');
    expect(out).toContain('title\\u001b]0;PWNED\\u0007 clear\\u001b[2J del\\u007f bell\\u0007');
  });

  it('C1 controls (cp28591) and bidi marks (cp1255) are escaped in the popup', async () => {
    const c1 = await listen(['--codepage', 'cp28591'], [{ to: 'eve', from: 'X\u009bY', text: c1Text, codepage: 'cp28591' }]);
    expect(rawControls(c1.out)).toEqual([]);
    expect(c1.out).toContain('csi\\u009b2J osc\\u009d0;T\\u009c nel\\u0085');
    expect(c1.out).toContain('Message from X\\u009bY to EVE');
    const bidi = await listen(['--codepage', 'cp1255'], [{ to: 'eve', from: 'ALICE', text: bidiText, codepage: 'cp1255' }]);
    expect(rawControls(bidi.out)).toEqual([]);
    expect(bidi.out).toContain('abc\\u200fdef\\u200eghi');
  });

  it('--json escapes DEL, C1 and bidi (not only C0) and decodes to the exact text', async () => {
    const esc = await listen(['--json'], [{ to: 'eve', from: escFrom, text: escText, lineEndings: 'raw' }]);
    expect(rawControls(esc.out)).toEqual([]);
    expect(JSON.parse(esc.out)).toMatchObject({ from: escFrom, to: 'EVE', text: escText });

    const c1 = await listen(['--json', '--codepage', 'cp28591'], [{ to: 'eve', from: 'X\u009bY', text: c1Text, codepage: 'cp28591' }]);
    expect(rawControls(c1.out)).toEqual([]);
    expect(c1.out).toContain('"text":"csi\\u009b2J osc\\u009d0;T\\u009c nel\\u0085"');
    expect(JSON.parse(c1.out)).toMatchObject({ from: 'X\u009bY', text: c1Text });

    const bidi = await listen(['--json', '--codepage', 'cp1255'], [{ to: 'eve', from: 'ALICE', text: bidiText, codepage: 'cp1255' }]);
    expect(rawControls(bidi.out)).toEqual([]);
    expect(JSON.parse(bidi.out)).toMatchObject({ text: bidiText });
  });

  it('a multi-line message keeps its line breaks; a bare CR cannot overwrite a line', async () => {
    const { out } = await listen([], [{ to: 'eve', from: 'ALICE', text: 'line one\nline two', lineEndings: 'lf' }]);
    expect(out).toMatch(/│ line one\s+│\n│ line two\s+│/);
    // The receiver turns a bare CR into a line break before display ([MS-MSRP] line breaks), so
    // "safe\rEVIL" shows as two lines, never as "EVIL" printed over "safe".
    const cr = await listen(['--json'], [{ to: 'eve', from: 'ALICE', text: 'safe\rEVIL', lineEndings: 'raw' }]);
    expect(JSON.parse(cr.out).text).toBe('safe\nEVIL');
  });
});

// Node status goes to <ip>:137, which needs root to bind.
const rootOk = typeof process.getuid === 'function' && process.getuid() === 0;

describe.runIf(rootOk)('a node status answer with a hostile messenger name', () => {
  let rx: Receiver;
  let ns: dgram.Socket;
  const got: ReceivedMessage[] = [];
  const nsHost = `127.83.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
  /** The names the next node status lists. */
  let names: Array<{ name: string; suffix: number; flags: number }> = [];
  beforeAll(async () => {
    rx = await startReceiver({ host: nsHost, port: 0, onMessage: (m) => got.push(m) });
    ns = dgram.createSocket('udp4');
    ns.on('message', (msg, rinfo) => {
      let q;
      try {
        q = decodeNsPacket(msg);
      } catch {
        return;
      }
      const question = q.questions[0];
      if (!question || question.type !== NS_TYPE.NBSTAT) return;
      const rdata = encodeNodeStatusRdata({ names });
      const reply = { id: q.id, response: true, opcode: 0, nmFlags: NM_FLAG.AA, rcode: 0, questions: [], authority: [], additional: [], answers: [{ name: question.name, type: NS_TYPE.NBSTAT, class: NS_CLASS_IN, ttl: 0, rdata }] };
      ns.send(encodeNsPacket(reply), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => ns.bind(137, nsHost, () => r()));
  });
  afterAll(async () => {
    await rx?.close();
    ns?.close();
  });

  it('a name of escapes is not used: exit 1 (not a usage error), the name shown escaped', async () => {
    names = [{ name: '\x1b]0;PWN\x07', suffix: 0x03, flags: 0x0400 }];
    const t = io();
    expect(await main(['--port', String(rx.port), nsHost, 'hello'], t.io)).toBe(1);
    const err = t.err.join('');
    expect(rawControls(err)).toEqual([]);
    expect(err).toMatch(/NAME_NOT_FOUND/);
    expect(err).toContain('\\x1b]0;PWN\\x07<03>');
    expect(err).not.toContain('--help');
    const j = io();
    expect(await main(['--json', '--port', String(rx.port), nsHost, 'hello'], j.io)).toBe(1);
    expect(JSON.parse(j.out[0]!)).toMatchObject({ ok: false, status: { layer: 'netbios', name: 'NAME_NOT_FOUND' }, netApiStatus: 2273 });
  });

  it('a usable name listed after hostile ones is chosen and the message delivered', async () => {
    // 0x9B is 'ø' in cp850: lower case, so it cannot be sent back as the (upper-cased) recipient.
    names = [
      { name: 'E\x1b[2JX', suffix: 0x03, flags: 0x0400 },
      { name: 'B\x9bB', suffix: 0x03, flags: 0x0400 },
      { name: 'BOB', suffix: 0x03, flags: 0x0400 },
    ];
    const n = got.length;
    const t = io();
    expect(await main(['--port', String(rx.port), nsHost, 'to', 'bob'], t.io)).toBe(0);
    expect(t.out.join('')).toMatch(new RegExp(`^BOB@${nsHost.replace(/\./g, '\\.')}: message sent`));
    expect(got.length).toBe(n + 1);
    expect(got.at(-1)).toMatchObject({ to: 'BOB', text: 'to bob' });
  });
});
