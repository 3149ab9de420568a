// `npm run dist`: packages the app with electron-builder, which needs Electron's real binary.
import { spawnSync } from 'node:child_process';
import { electronStatus } from './electron-status.mjs';

const status = electronStatus();
if (!status.ok && status.why.includes('binary')) {
  console.error(`eGPU Wizard: cannot package: ${status.why}. Run "npm run dist" on a machine that can download Electron.`);
  process.exit(1);
}
for (const [command, args] of [
  ['npx', ['electron-vite', 'build']],
  ['npx', ['electron-builder', '--config', 'electron-builder.yml', ...process.argv.slice(2)]],
]) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
