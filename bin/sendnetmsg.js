#!/usr/bin/env node
import { sendnetmsgMain } from '../dist/cli/sendnetmsg.js';

sendnetmsgMain(process.argv.slice(2), { stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
