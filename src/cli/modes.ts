/**
 * Options that do nothing in the chosen mode are usage errors (issue 13 item 6): `-U` without
 * `--server` would silently send an unauthenticated direct message, `--host` with `--server` would
 * silently be ignored. `send` has two modes: direct (SMB1 message commands to NAME<03>) and remote
 * (`--server`: the server's Workstation service sends it).
 */
import { UsageError, type ParsedValues } from './common.js';

/** Options of `send` that only the remote (`--server`) path reads. */
export const REMOTE_ONLY = ['user', 'workgroup', 'hashes', 'authentication-file', 'password-fd', 'anonymous', 'smb1', 'smb-min', 'smb-max', 'sign', 'encrypt', 'allow-guest', 'allow-unsigned', 'binding', 'auth-level'] as const;

/** Options of `send` that only direct delivery reads (the remote path sends UTF-16 text through RPC). */
export const DIRECT_ONLY = ['host', 'targets', 'hosts-file', 'wins', 'broadcast', 'lmhosts', 'no-dns', 'codepage', 'single-block', 'no-negotiate', 'pipeline', 'line-endings', 'max-bytes'] as const;

const SHORT: Readonly<Record<string, string>> = { user: '-U', workgroup: '-W', 'authentication-file': '-A' };

function given(values: ParsedValues, name: string): boolean {
  const v = values[name];
  return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
}

function flag(name: string): string {
  return SHORT[name] ? `${SHORT[name]}/--${name}` : `--${name}`;
}

/** Throws a UsageError naming the first option that the chosen `send` mode would ignore. */
export function checkSendMode(values: ParsedValues): void {
  const remote = given(values, 'server');
  if (remote) {
    const stray = DIRECT_ONLY.find((n) => given(values, n));
    if (stray) throw new UsageError(`${flag(stray)} does nothing with --server (the server's Workstation service delivers the message; ${stray === 'host' ? 'give the server with --server' : 'it applies to direct delivery only'})`);
    return;
  }
  const stray = REMOTE_ONLY.find((n) => given(values, n));
  if (stray) throw new UsageError(`${flag(stray)} does nothing without --server (direct delivery has no logon)`);
}
