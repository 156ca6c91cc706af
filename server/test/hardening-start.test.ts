// Issue 10, item 18: stopping `npm start` stops the server too; no orphaned child keeps the port and the database.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared.js';
import { tempDataDir } from './helpers/server.js';

const started: ChildProcess[] = [];
const dirs: string[] = [];
const allPids = new Set<number>();

afterAll(() => {
  for (const pid of allPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

function descendants(pid: number): number[] {
  const all: number[] = [];
  for (const c of childrenOf(pid)) all.push(c, ...descendants(c));
  return all;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').slice(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2)[0];
    return state !== 'Z';
  } catch {
    return false;
  }
};

async function startAndWait(command: string, args: string[]): Promise<{ child: ChildProcess; port: number; tree: number[]; output: () => string }> {
  const dataDir = tempDataDir('poppy-start-');
  dirs.push(dataDir);
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      POPPY_DATA_DIR: dataDir,
      POPPY_DEMO: '0',
      POPPY_SKIP_WEB_BUILD: '1',
      POPPY_LOG_LEVEL: 'info',
      // no model to load: the server starts in a second and still serves
      POPPY_MODEL: path.join(dataDir, 'no-model.json'),
      POPPY_AERIAL_MODEL: path.join(dataDir, 'no-aerial-model.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" within 60 s:\n${out.slice(-3000)}`)), 60_000);
    const check = () => {
      const m = /"port":(\d+)[^\n]*"msg":"listening"|"msg":"listening"[^\n]*"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1] ?? m[2]));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before listening:\n${out.slice(-3000)}`)));
  });
  const tree = descendants(child.pid!);
  for (const p of [child.pid!, ...tree]) allPids.add(p);
  return { child, port, tree, output: () => out };
}

async function gone(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const answers = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
};

describe('npm start and signals (item 18)', () => {
  it('SIGTERM to npm stops the whole tree, server included', async () => {
    const s = await startAndWait('npm', ['start', '--silent']);
    expect(await answers(s.port)).toBe(true);
    expect(s.tree.length).toBeGreaterThanOrEqual(2); // (shell →) start.mjs → server
    process.kill(s.child.pid!, 'SIGTERM');
    expect(await gone([s.child.pid!, ...s.tree], 15_000)).toEqual([]);
    expect(await answers(s.port)).toBe(false);
  }, 90_000);

  it('SIGINT to start.mjs stops the server, which shuts down cleanly', async () => {
    const s = await startAndWait(process.execPath, ['scripts/start.mjs']);
    process.kill(s.child.pid!, 'SIGINT');
    expect(await gone([s.child.pid!, ...s.tree], 15_000)).toEqual([]);
    expect(s.output()).toMatch(/"msg":"stopped"/);
  }, 90_000);

  it('even a SIGKILL of start.mjs does not leave the server running', async () => {
    const s = await startAndWait(process.execPath, ['scripts/start.mjs']);
    const server = s.tree[0];
    expect(alive(server)).toBe(true);
    process.kill(s.child.pid!, 'SIGKILL');
    expect(await gone([server], 15_000)).toEqual([]);
    expect(await answers(s.port)).toBe(false);
  }, 90_000);
});
