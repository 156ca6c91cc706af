// `npm run user` (server/src/cli/user.ts) and the demo start's accounts, run as real processes.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROLES } from '../src/auth/roles.js';
import { REPO_ROOT } from './helpers/shared.js';
import { spawnServer, tempDataDir, type SpawnedServer } from './helpers/server.js';

const run = promisify(execFile);
const dirs: string[] = [];
const servers: SpawnedServer[] = [];

afterAll(async () => {
  for (const s of servers) await s.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function cli(dataDir: string, args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/src/cli/user.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, POPPY_DATA_DIR: dataDir, ...env },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

async function login(url: string, username: string, password: string) {
  return fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
}

describe('npm run user', () => {
  it('adds users (password from --password or POPPY_USER_PASSWORD), lists them, issues tokens; refuses bad input', async () => {
    const dir = tempDataDir('poppy-cli-');
    dirs.push(dir);
    const add = await cli(dir, ['add', 'olga', '--role', 'operator', '--password', 'Steppe-wind-2026']);
    expect(add).toMatchObject({ code: 0 });
    expect(add.stdout).toMatch(/created user olga .*role operator/);
    expect((await cli(dir, ['add', 'rui', '--role', 'reviewer'], { POPPY_USER_PASSWORD: 'Harbour-lights-77' })).code).toBe(0);
    const badRole = await cli(dir, ['add', 'x', '--role', 'chief', '--password', 'whatever-123']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/--role must be one of admin, operator, officer, reviewer/);
    const list = await cli(dir, ['list']);
    expect(list.stdout).toMatch(/olga\s+operator/);
    expect(list.stdout).toMatch(/rui\s+reviewer/);
    expect(list.stdout).not.toMatch(/scrypt|password/);
    const tok = await cli(dir, ['token', 'olga', '--name', 'uploader']);
    const token = tok.stdout.trim();
    expect(token).toMatch(/^pwt_[\w-]{40,}$/);

    const srv = await spawnServer({ dataDir: dir, env: { POPPY_MODEL: path.join(dir, 'no-model.json') } });
    servers.push(srv);
    expect((await login(srv.url, 'olga', 'Steppe-wind-2026')).status).toBe(200);
    expect((await login(srv.url, 'rui', 'Harbour-lights-77')).status).toBe(200);
    const me = await fetch(`${srv.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { user: { username: string; role: string } }).user).toMatchObject({ username: 'olga', role: 'operator' });
    await srv.kill('SIGKILL');
  });
});

describe('demo start', () => {
  it('prints its demo users, one per role, and they can log in', async () => {
    const dir = tempDataDir('poppy-demo-users-');
    dirs.push(dir);
    // no model: the demo flight is queued but not processed, which keeps this test light
    const srv = await spawnServer({ dataDir: dir, env: { POPPY_DEMO: '1', POPPY_DEMO_PASSWORD: 'demo-password-42', POPPY_MODEL: path.join(dir, 'no-model.json') } });
    servers.push(srv);
    const out = srv.output();
    expect(out).toMatch(/Demo users:/);
    for (const role of ROLES) {
      expect(out).toMatch(new RegExp(`${role}\\s+role ${role}\\s+password demo-password-42`));
      const r = await login(srv.url, role, 'demo-password-42');
      expect(r.status).toBe(200);
      expect(((await r.json()) as { user: { role: string } }).user.role).toBe(role);
    }
    await srv.kill('SIGKILL');
  });
});
