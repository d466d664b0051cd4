import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture, tcpStreams, splitNbssFrames, type TcpStream } from '../../src/pcap/reader.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function fixturePath(name: string): string {
  return path.join(root, 'fixtures', 'captures', name);
}

export function loadCaptureStreams(name: string): TcpStream[] {
  return tcpStreams(readCapture(fs.readFileSync(fixturePath(name))).packets);
}

/** The NBSS/Direct-TCP session messages (type 0 frames) each side sent on the first TCP stream. */
export function captureMessages(name: string, streamIndex = 0): { client: Buffer[]; server: Buffer[]; stream: TcpStream } {
  const stream = loadCaptureStreams(name)[streamIndex];
  if (!stream) throw new Error(`${name} has no TCP stream ${streamIndex}`);
  const pick = (b: Buffer): Buffer[] => splitNbssFrames(b).filter((f) => f.type === 0).map((f) => f.body);
  return { client: pick(stream.clientData), server: pick(stream.serverData), stream };
}
