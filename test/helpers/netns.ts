/**
 * Network-namespace plumbing shared by the tests that build their own subnets (nmbd, mailslot
 * broadcasts, message names): the `ip` command, clean-up of namespaces a crashed earlier run left
 * behind, and a dumpcap capture started inside a namespace.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** Runs `ip ARGS...`; throws with its stderr on failure. */
export function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/**
 * Namespaces an earlier, crashed run left behind: `pattern` matches a namespace name with the creating
 * run's pid (process.pid % 100000) as its second group. A namespace is removed only when its run is gone
 * and no process lives in it any more.
 */
export function removeStaleNamespaces(pattern: RegExp): void {
  let list = '';
  try {
    list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const m of list.matchAll(pattern)) {
    const [, name, pid] = m;
    if (Number(pid) === process.pid % 100000 || fs.existsSync(`/proc/${pid}`)) continue;
    try {
      if (execFileSync('ip', ['netns', 'pids', name!], { encoding: 'utf8' }).trim() === '') ip('netns', 'del', name!);
    } catch {
      /* already gone */
    }
  }
}

/**
 * dumpcap on `iface` inside namespace `ns`, writing `file`; resolves once it says it is capturing (or
 * after 15 s), or with null when it exited first (no capture then).
 */
export async function startDumpcap(ns: string, iface: string, filter: string, file: string): Promise<ChildProcess | null> {
  const child = spawn('ip', ['netns', 'exec', ns, 'dumpcap', '-q', '-i', iface, '-f', filter, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let capErr = '';
  return new Promise<ChildProcess | null>((resolve) => {
    const t = setTimeout(() => resolve(child), 15_000);
    child.stderr!.on('data', (d: Buffer) => {
      capErr += d.toString();
      if (/Capturing on|File:/.test(capErr)) {
        clearTimeout(t);
        resolve(child);
      }
    });
    child.once('exit', () => {
      clearTimeout(t);
      resolve(null);
    });
  });
}
