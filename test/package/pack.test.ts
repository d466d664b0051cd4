/**
 * The package as a dependent project sees it: `npm pack` (which builds through `prepack`), the
 * tarball unpacked into a scratch project's node_modules, an example that type-checks under both
 * `moduleResolution: NodeNext` and the older `node` resolution, and runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

const EXAMPLE = `import { netMessageBufferSend, NetsendError, status } from 'netsend';
import { ntStatus, win32 } from 'netsend/status';
import { planDialect } from 'netsend/smb';
import { netbiosName } from 'netsend/transport';
import { parseStringBinding } from 'netsend/rpc';
import { createNtlmAuthenticator } from 'netsend/auth';
import { sendMessage } from 'netsend/messenger';

async function run(): Promise<void> {
  // A caller's mistake: 87 without any traffic.
  const code: number = await netMessageBufferSend(null, '', 'ALICE', 'hello');
  try {
    await sendMessage({ host: '127.0.0.1', to: 'BOB', text: 'x', codepage: 'no-such-codepage' });
  } catch (e) {
    if (!(e instanceof NetsendError)) throw e;
    console.log(JSON.stringify({ layer: e.layer, name: e.name }));
  }
  console.log(JSON.stringify({
    code,
    logonFailure: ntStatus(0xc000006d).name,
    nerr: win32(2273).name,
    same: status.ntStatus(0xc000006d).name === ntStatus(0xc000006d).name,
    plan: planDialect({ dialect: 'auto' }),
    nb: netbiosName('BOB', 3).suffix,
    binding: parseStringBinding('ncacn_np:HOST[\\\\pipe\\\\wkssvc]').endpoint,
    auth: typeof createNtlmAuthenticator,
  }));
}
void run();
`;

describe('npm pack: what a dependent project gets', () => {
  let tmp: string;
  let files: string[];
  let proj: string;
  beforeAll(() => {
    fs.mkdirSync(path.join(ROOT, '.test-build'), { recursive: true });
    tmp = fs.mkdtempSync(path.join(ROOT, '.test-build', 'pack-'));
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const info = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = info[0]!.files.map((f) => f.path).sort();
    proj = path.join(tmp, 'proj');
    const pkgDir = path.join(proj, 'node_modules', 'netsend');
    fs.mkdirSync(pkgDir, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(tmp, info[0]!.filename), '-C', pkgDir, '--strip-components=1']);
    // The one runtime dependency, as npm would have installed it beside the package.
    fs.symlinkSync(path.join(ROOT, 'node_modules', 'iconv-lite'), path.join(proj, 'node_modules', 'iconv-lite'));
    fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'dependent', type: 'module', private: true }));
    fs.writeFileSync(path.join(proj, 'example.ts'), EXAMPLE);
  }, 120_000);
  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('ships only dist, bin, man, README, LICENSE and package.json; source maps carry their sources', () => {
    const allowed = /^(dist\/|bin\/|man\/|README\.md$|LICENSE$|package\.json$)/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const must of ['LICENSE', 'README.md', 'bin/netsend.js', 'bin/sendnetmsg.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/sendnetmsg.js', 'man/netsend.1', 'man/sendnetmsg.1']) expect(files).toContain(must);
    const map = JSON.parse(fs.readFileSync(path.join(proj, 'node_modules/netsend/dist/index.js.map'), 'utf8')) as { sourcesContent?: unknown[] };
    expect(map.sourcesContent?.length).toBeGreaterThan(0);
  });

  it('ships the CLI bundles that npm run build makes, and the bins run from them', () => {
    for (const must of ['dist/cli.bundle.js', 'dist/sendnetmsg.bundle.js']) expect(files).toContain(must);
    const bin = path.join(proj, 'node_modules/netsend/bin');
    // Without the package's dist/cli the bins can only be running the bundles.
    fs.renameSync(path.join(proj, 'node_modules/netsend/dist/cli'), path.join(proj, 'node_modules/netsend/dist/cli-moved'));
    try {
      expect(execFileSync(process.execPath, [path.join(bin, 'netsend.js'), '--help'], { encoding: 'utf8' })).toMatch(/^Usage: netsend \[send\]/m);
      // A usage error (exit 2, naming the code page) goes through the whole send path's option parsing, without traffic.
      const bad = spawnSync(process.execPath, [path.join(bin, 'netsend.js'), '--host', '127.0.0.1', '--codepage', 'no-such', 'BOB', 'x'], { encoding: 'utf8' });
      expect({ status: bad.status, named: /no-such/.test(bad.stderr) }).toEqual({ status: 2, named: true });
      // --version finds the package's package.json from the bundle's place (dist/), not dist/cli/.
      const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
      expect(execFileSync(process.execPath, [path.join(bin, 'netsend.js'), '--version'], { encoding: 'utf8' })).toBe(`netsend ${version}\n`);
    } finally {
      fs.renameSync(path.join(proj, 'node_modules/netsend/dist/cli-moved'), path.join(proj, 'node_modules/netsend/dist/cli'));
    }
    const r = spawnSync(process.execPath, [path.join(bin, 'sendnetmsg.js')], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/Usage: sendnetmsg/);
  }, 60_000);

  for (const [resolution, module] of [['NodeNext', 'NodeNext'], ['node', 'ES2022']] as const) {
    it(`the example type-checks with moduleResolution ${resolution}`, () => {
      const args = [TSC, '--noEmit', '--strict', '--skipLibCheck', 'false', '--target', 'ES2022', '--module', module, '--moduleResolution', resolution,
        '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules/@types'), 'example.ts'];
      let out = '';
      try {
        execFileSync(process.execPath, args, { cwd: proj, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? e);
      }
      expect(out).toBe('');
    }, 120_000);
  }

  it('the example runs against the unpacked package (exports resolve at run time)', () => {
    execFileSync(process.execPath, [TSC, '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules/@types'), '--skipLibCheck', 'example.ts'], { cwd: proj });
    const lines = execFileSync(process.execPath, ['example.js'], { cwd: proj, encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ layer: 'usage', name: expect.any(String) });
    expect(lines[1]).toEqual({ code: 87, logonFailure: 'STATUS_LOGON_FAILURE', nerr: 'NERR_NameNotFound', same: true, plan: 'auto', nb: 3, binding: expect.stringMatching(/wkssvc/i), auth: 'function' });
  }, 60_000);
});
