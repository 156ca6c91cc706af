#!/usr/bin/env node
// `npm start`: build the web app only when its sources are newer than the last build, then serve.
// `npm run worker`: the same with POPPY_ROLE=worker (frame processing only; no HTTP).
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const webDir = path.join(root, 'web');

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

const distIndex = path.join(webDir, 'dist', 'index.html');
const sourcesTime = Math.max(
  newestMtime(path.join(webDir, 'src')),
  ...['index.html', 'snap.html', 'vite.config.ts'].map((f) => (fs.existsSync(path.join(webDir, f)) ? fs.statSync(path.join(webDir, f)).mtimeMs : 0)),
);
// `npm run worker` (POPPY_ROLE=worker) serves no pages: nothing to build
const servesPages = (process.env.POPPY_ROLE ?? 'all') !== 'worker';
// POPPY_SKIP_WEB_BUILD=1: serve whatever web/dist holds (a deployment that ships a built app, or none: pages answer 503)
if (servesPages && process.env.POPPY_SKIP_WEB_BUILD !== '1' && (!fs.existsSync(distIndex) || fs.statSync(distIndex).mtimeMs < sourcesTime)) {
  console.log('[start] building the web app…');
  const b = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

// `node --import tsx`, not the tsx CLI: the CLI is one more process between us and the server. The IPC channel lets
// the server notice when this process is gone, however it went (main.ts exits on 'disconnect').
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server', 'src', 'main.ts')], {
  cwd: root,
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  env: process.env,
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// npm runs this through a shell; if npm or that shell dies without passing a signal on, we are re-parented: stop
// the server rather than leave it running unattended.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 1000).unref();
