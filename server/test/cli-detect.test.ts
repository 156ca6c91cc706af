import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared.js';

const DEMO = path.join(REPO_ROOT, 'samples/demo-flight');

/** Runs the CLI the way `npm run -s detect` does: in the repository root, with INIT_CWD = where the user typed it. */
function detect(args: string[], callerDir = REPO_ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [path.join(REPO_ROOT, 'server/src/cli/detect.ts'), ...args], { cwd: REPO_ROOT, env: { ...process.env, INIT_CWD: callerDir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run detect', () => {
  it('prints one JSON line per frame with located plots, and its own error line for a bad file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-detect-'));
    fs.writeFileSync(path.join(dir, 'not-a-frame.jpg'), 'hello');
    const r = await detect(['--json', path.join(DEMO, 'DJI_0028.JPG'), 'not-a-frame.jpg', 'missing.jpg'], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    const [frame, bad, missing] = lines;
    expect(frame.file).toBe(path.join(DEMO, 'DJI_0028.JPG'));
    expect(frame.located).toBe(true);
    expect(frame.gsdCmPerPx).toBeGreaterThan(1.5);
    expect(frame.detections.length).toBeGreaterThan(0);
    for (const d of frame.detections) {
      expect(Object.keys(d).sort()).toEqual(['areaM2', 'errorRadiusM', 'estimatedHeads', 'lat', 'lon', 'score'].sort());
      expect(d.lat).toBeCloseTo(24.95, 1);
      expect(d.areaM2).toBeGreaterThan(0);
      expect(d.estimatedHeads).toBeGreaterThanOrEqual(0);
    }
    expect(bad).toMatchObject({ file: 'not-a-frame.jpg' });
    expect(bad.error).toMatch(/unsupported image format/i);
    expect(missing.error).toMatch(/missing/i);
  }, 60_000);

  it('answers wrong usage with exit 2 and the usage text', async () => {
    const r = await detect(['--altitude', 'abc', 'x.jpg']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--altitude must be a positive number/);
    expect(r.stderr).toMatch(/usage: npm run -s detect/);
    expect((await detect([])).code).toBe(2);
  });
});
