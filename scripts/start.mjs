// `npm start`: the Electron app where it can run; browser mode, with the reason in one line, where it cannot.
import { spawn } from 'node:child_process';
import { electronStatus } from './electron-status.mjs';

const passThrough = process.argv.slice(2);
const status = electronStatus();
const run = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });

let code;
if (status.ok) {
  code = await run('npx', ['electron-vite', 'build']);
  if (code === 0) code = await run(status.binary, ['.', ...passThrough]);
} else {
  console.log(`eGPU Wizard: cannot start the desktop app: ${status.why}. Starting browser mode instead.`);
  code = await run('npm', ['run', '--silent', 'serve', '--', ...passThrough]);
}
process.exit(code);
