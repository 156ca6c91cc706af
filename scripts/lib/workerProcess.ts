/** A worker-only process (`POPPY_ROLE=worker`, as `npm run worker` starts it) for multi-process tests and bench:scale. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface SpawnedWorker {
  child: ChildProcess;
  pid: number;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Starts `node --import tsx server/src/main.ts` with POPPY_ROLE=worker and resolves once it logs "worker started". */
export async function spawnWorker(env: Record<string, string>, timeoutMs = 90_000): Promise<SpawnedWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server', 'src', 'main.ts')], {
    cwd: REPO_ROOT,
    env: { ...(process.env as Record<string, string>), POPPY_LOG_LEVEL: 'info', POPPY_DEMO: '0', ...env, POPPY_ROLE: 'worker' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker did not start within ${timeoutMs} ms:\n${out.slice(-3000)}`)), timeoutMs);
    const check = () => {
      if (out.includes('"worker started"')) {
        clearTimeout(t);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(t);
      reject(new Error(`worker exited before starting:\n${out.slice(-3000)}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
