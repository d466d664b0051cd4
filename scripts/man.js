#!/usr/bin/env node
// Writes man/netsend.1 and man/sendnetmsg.1 from the CLI's option table (src/cli/man.ts renders
// them). Run after a build: `npm run man`. `--check` exits 1 when a checked-in page is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, OPTIONS, packageVersion } from '../dist/cli/main.js';
import { netsendManPage, sendnetmsgManPage } from '../dist/cli/man.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = packageVersion();
const pages = { 'netsend.1': netsendManPage(OPTIONS, COMMANDS, version), 'sendnetmsg.1': sendnetmsgManPage(version) };
const check = process.argv.includes('--check');
let stale = 0;
fs.mkdirSync(path.join(root, 'man'), { recursive: true });
for (const [name, text] of Object.entries(pages)) {
  const file = path.join(root, 'man', name);
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (old === text) continue;
  if (check) {
    console.error(`man/${name} is out of date: run npm run man`);
    stale++;
  } else {
    fs.writeFileSync(file, text);
    console.log(`wrote man/${name}`);
  }
}
process.exitCode = stale ? 1 : 0;
