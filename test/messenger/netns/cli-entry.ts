/** The netsend CLI as a plain entry point, transpiled by buildNsClient and run inside test namespaces. */
import { main } from '../../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
