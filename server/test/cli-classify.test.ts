import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeTile, syntheticTiles, testManifestPath } from './helpers/model.js';
import { REPO_ROOT } from './helpers/shared.js';
import { loadManifest } from '../src/model/manifest.js';

const manifestPath = testManifestPath();
if (!manifestPath) console.warn('[skip] classify CLI tests: no models/*.json and no ../shared backbone to test with');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI the way `npm run -s classify` does: in the repository root, with INIT_CWD = where the user typed it. */
function classify(args: string[], callerDir = REPO_ROOT): Promise<Run> {
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [path.join(REPO_ROOT, 'server/src/cli/classify.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, POPPY_MODEL: manifestPath ?? '', INIT_CWD: callerDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!manifestPath)('npm run classify', () => {
  let dir: string;
  let good: string[];
  let labelIds: string[];

  beforeAll(async () => {
    const manifest = loadManifest(manifestPath!);
    labelIds = manifest.labels.map((l) => l.id);
    const size = manifest.input.size;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-cli-'));
    const tiles = syntheticTiles(2, size, 11);
    good = [];
    for (const [i, t] of tiles.entries()) {
      const file = path.join(dir, `good-${i}.${i === 0 ? 'png' : 'jpg'}`);
      fs.writeFileSync(file, await encodeTile(t, size, i === 0 ? 'png' : 'jpeg'));
      good.push(file);
    }
    fs.writeFileSync(path.join(dir, 'notes.jpg'), 'this is text, not a JPEG');
    const jpeg = fs.readFileSync(good[1]);
    fs.writeFileSync(path.join(dir, 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
  });

  it('prints one JSON line per image, with an error line for each bad file, and goes on', async () => {
    const files = [good[0], 'notes.jpg', 'missing.jpg', 'truncated.jpg', good[1]];
    const run = await classify(['--json', '--top', '2', ...files], dir);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(files);
    for (const ok of [lines[0], lines[4]]) {
      expect(Object.keys(ok).sort()).toEqual(['file', 'isPoppy', 'poppy', 'top']);
      expect(ok.poppy).toBeGreaterThanOrEqual(0);
      expect(ok.poppy).toBeLessThanOrEqual(1);
      expect(typeof ok.isPoppy).toBe('boolean');
      expect(ok.top).toHaveLength(2);
      expect(labelIds).toContain(ok.top[0].label);
      expect(ok.top[0].score).toBeGreaterThanOrEqual(ok.top[1].score);
    }
    expect(lines[1]).toEqual({ file: 'notes.jpg', error: expect.stringMatching(/unsupported image format/) });
    expect(lines[2]).toEqual({ file: 'missing.jpg', error: expect.stringMatching(/missing/) });
    expect(lines[3]).toEqual({ file: 'truncated.jpg', error: expect.stringMatching(/premature end|truncated|corrupt/i) });
  });

  it('prints readable text lines by default', async () => {
    const run = await classify([good[0], path.join(dir, 'notes.jpg')]);
    expect(run.code).toBe(0);
    const [ok, bad] = run.stdout.trim().split('\n');
    expect(ok).toMatch(new RegExp(`^${good[0]}\\t(POPPY|uncertain|not poppy)\\tpoppy=\\d\\.\\d{3}\\t.+ \\d\\.\\d{3}, `));
    expect(bad).toMatch(/notes\.jpg\terror: .*unsupported image format/);
  });

  it('exits non-zero only when every file failed or the usage is wrong', async () => {
    const allBad = await classify(['--json', path.join(dir, 'notes.jpg'), path.join(dir, 'missing.jpg')]);
    expect(allBad.code).toBe(1);
    expect(allBad.stdout.trim().split('\n')).toHaveLength(2);
    const noFiles = await classify(['--json']);
    expect(noFiles.code).toBe(2);
    expect(noFiles.stderr).toMatch(/no image given/);
    const badTop = await classify(['--top', 'x', good[0]]);
    expect(badTop.code).toBe(2);
    expect(badTop.stderr).toMatch(/--top must be a positive integer/);
    const unknown = await classify(['--frobnicate', good[0]]);
    expect(unknown.code).toBe(2);
  });

  it('uses the manifest given by --model and fails clearly when it is wrong', async () => {
    const run = await classify(['--json', '--model', manifestPath!, good[0]]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).file).toBe(good[0]);
    const missing = await classify(['--model', path.join(dir, 'nope.json'), good[0]]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot load model manifest .*nope\.json/);
  });
});
