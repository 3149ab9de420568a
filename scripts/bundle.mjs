// `npm run bundle`: dist/egpu-wizard-<version>-portable.tar.gz, the wizard for a machine with Node alone
// (`pkg install node` on a desktop-less FreeBSD): the built interface, the CLI and the browser-mode server with
// every npm dependency bundled in, the licences of what is bundled, and a README. Unpacked anywhere, it runs as
//   node egpu-wizard-<version>/bin/egpu-wizard.mjs serve|diagnose|parse|…
// Its layout is the checkout's (bin/, out/cli/, out/renderer/), so the same bin/egpu-wizard.mjs starts it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { buildCli, projectRoot } from './build-cli.mjs';

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
const name = `egpu-wizard-${manifest.version}`;
const distDir = join(projectRoot, 'dist');
const tarball = join(distDir, `${name}-portable.tar.gz`);

/** The package folder of a module path inside node_modules (`…/node_modules/@scope/name/…` or `…/node_modules/name/…`). */
function packageDirOf(path) {
  const parts = resolve(projectRoot, path).split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  const length = parts[at + 1]?.startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + length).join(sep);
}

const LICENCE_FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i;

/** Name, version, licence and its full text for each package folder; a package without its licence text stops the build. */
function licences(packageDirs) {
  const entries = [...packageDirs].map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => LICENCE_FILE.test(f));
    if (!file) throw new Error(`${pkg.name}: no licence file in ${dir}; its licence text must ship with the bundle`);
    return { name: pkg.name, version: pkg.version, licence: pkg.license ?? 'see text', text: readFileSync(join(dir, file), 'utf8').trim() };
  });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const rule = '-'.repeat(78);
  return [
    `Third-party software bundled in eGPU Wizard ${manifest.version}, with its licences.`,
    'They are compiled into out/cli/ (the command line and the browser-mode server) and out/renderer/ (the interface).',
    '',
    ...entries.flatMap((e) => [rule, `${e.name} ${e.version} — ${e.licence}`, rule, '', e.text, '']),
  ].join('\n');
}

function readme() {
  return `eGPU Wizard ${manifest.version} — portable bundle

Sets up an external NVIDIA GPU (the reference build: a Tesla P4 in an ExpressCard adapter on a ThinkPad X220)
on FreeBSD, step by step. This bundle needs Node.js ${manifest.engines.node} and nothing else: no npm, no
node_modules, no build. On FreeBSD: pkg install node

Run it where you unpacked it:

  node ${name}/bin/egpu-wizard.mjs serve            the wizard in browser mode, on 127.0.0.1
  node ${name}/bin/egpu-wizard.mjs diagnose         what is wrong, with evidence (add --password-stdin for
                                                      the checks that need root; the sudo password is read
                                                      from standard input)
  node ${name}/bin/egpu-wizard.mjs --help           every command

Without a desktop on the X220, open the wizard from another computer through an SSH tunnel:

  on the X220:        node ${name}/bin/egpu-wizard.mjs serve --port 5999
  on your computer:   ssh -L 5999:127.0.0.1:5999 you@x220
  then open the address serve printed (it carries the session token) in your computer's browser.

Progress, settings and the audit log go to ~/.local/share/egpu-wizard (or $EGPU_WIZARD_DATA, or --data DIR).
Licence: eGPU Wizard is ${manifest.license}; the software bundled with it and its licences are listed in
THIRD-PARTY-LICENSES.txt.
`;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: projectRoot, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

async function buildInterface(outDir) {
  const { build } = await import('vite');
  // Its own outDir: the checkout's out/renderer may be in use (serve, the end-to-end tests) while this runs.
  const output = await build({
    configFile: join(projectRoot, 'vite.renderer.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  const results = Array.isArray(output) ? output : [output];
  const modules = results.flatMap((r) => (r.output ?? []).flatMap((o) => (o.type === 'chunk' ? o.moduleIds ?? Object.keys(o.modules ?? {}) : [])));
  if (modules.length === 0) throw new Error('vite reported no modules for the interface; cannot list what it bundles');
  return modules;
}

const staging = mkdtempSync(join(tmpdir(), 'egpu-bundle-'));
try {
  const top = join(staging, name);
  mkdirSync(join(top, 'bin'), { recursive: true });
  copyFileSync(join(projectRoot, 'bin', 'egpu-wizard.mjs'), join(top, 'bin', 'egpu-wizard.mjs'));
  const metafile = await buildCli(join(top, 'out', 'cli'));
  const interfaceModules = await buildInterface(join(top, 'out', 'renderer'));
  const packageDirs = new Set(
    [...Object.keys(metafile.inputs), ...interfaceModules.map((id) => id.replace(/^\0/, '').split('?')[0])]
      .map(packageDirOf)
      .filter((dir) => dir !== null && existsSync(join(dir, 'package.json'))),
  );
  writeFileSync(join(top, 'THIRD-PARTY-LICENSES.txt'), licences(packageDirs));
  writeFileSync(join(top, 'README.txt'), readme());
  mkdirSync(distDir, { recursive: true });
  rmSync(tarball, { force: true });
  run('tar', ['-czf', tarball, '-C', staging, name]);
  const mb = (statSync(tarball).size / 1e6).toFixed(2);
  console.log(`${relative(process.cwd(), tarball) || tarball}: ${mb} MB, ${packageDirs.size} bundled packages with their licences`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
