/**
 * PoppyWatch processes for multi-process tests and bench:scale: `node --import tsx server/src/main.ts` with an env,
 * optionally run through a prefix (e.g. `ip netns exec <ns>` to put it on another "host").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface SpawnedProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** SIGKILL (a crash) or SIGTERM, resolving with the exit code when the process is gone */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}
export type SpawnedWorker = SpawnedProcess;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface SpawnMainOptions {
  env: Record<string, string>;
  /** a log message (pino `msg`) that means "ready" */
  readyMsg: string;
  /** command run in front of node, e.g. ['ip', 'netns', 'exec', 'pw-api'] */
  prefix?: string[];
  timeoutMs?: number;
}

/** Starts server/src/main.ts and resolves once it logs `readyMsg`. */
export async function spawnMain(o: SpawnMainOptions): Promise<SpawnedProcess> {
  const node = [process.execPath, '--import', 'tsx', path.join(REPO_ROOT, 'server', 'src', 'main.ts')];
  const [cmd, ...args] = [...(o.prefix ?? []), ...node];
  const child = spawn(cmd, args, {
    cwd: REPO_ROOT,
    env: { ...(process.env as Record<string, string>), POPPY_LOG_LEVEL: 'info', POPPY_DEMO: '0', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const timeoutMs = o.timeoutMs ?? 90_000;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not log "${o.readyMsg}" within ${timeoutMs} ms:\n${out.slice(-3000)}`));
    }, timeoutMs);
    const check = () => {
      if (out.includes(`"msg":"${o.readyMsg}"`)) {
        clearTimeout(t);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`process exited (${code}) before "${o.readyMsg}":\n${out.slice(-3000)}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** The port a server logged with its "listening" line (pino JSON), or null. */
export function listeningPort(output: string): number | null {
  for (const line of output.split('\n')) {
    if (!line.includes('"msg":"listening"')) continue;
    try {
      const rec = JSON.parse(line) as { msg?: string; port?: number };
      if (rec.msg === 'listening' && rec.port) return rec.port;
    } catch {
      // not a JSON log line
    }
  }
  return null;
}

/** A worker-only process (`POPPY_ROLE=worker`, as `npm run worker` starts it), ready once it logs "worker started". */
export function spawnWorker(env: Record<string, string>, opts: { prefix?: string[]; timeoutMs?: number } = {}): Promise<SpawnedWorker> {
  return spawnMain({ env: { ...env, POPPY_ROLE: 'worker' }, readyMsg: 'worker started', ...opts });
}
