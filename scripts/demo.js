#!/usr/bin/env node
// Demo: our receiver on 127.0.0.1 (ephemeral port, Direct TCP, no root needed) and our sender,
// through the real stack (TCP, framing, SMB1 message commands, OEM code page). Prints the popup.
import { startReceiver } from '../dist/messenger/receiver.js';
import { sendMessage } from '../dist/messenger/send.js';
import { formatPopup } from '../dist/messenger/popup.js';

let deliver;
const received = new Promise((resolve) => {
  deliver = resolve;
});
const rx = await startReceiver({ host: '127.0.0.1', port: 0, onMessage: (m) => deliver(m) });
try {
  const result = await sendMessage({ host: rx.host, port: rx.port, to: 'DEMO', from: 'NETSEND', text: 'Hello from netsend', timeoutMs: 5_000 });
  if (!result.ok) {
    console.error(`send failed: ${result.status?.name} (${result.netApiStatus}): ${result.status?.message}`);
    process.exitCode = 1;
  } else {
    const m = await Promise.race([received, new Promise((_, rej) => setTimeout(() => rej(new Error('no message within 5 s')), 5_000).unref())]);
    console.log(formatPopup(m));
    console.log(`(${result.transport} to ${rx.host}:${rx.port}, ${result.blocks} block, ${result.roundTrips} round trips, NET_API_STATUS ${result.netApiStatus})`);
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
} finally {
  await rx.close();
}
