// The code's shape (issue 15): no import cycles anywhere in server/src or web/src, and jobs never reach into http.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain .mjs script without types
import { importCycles, importGraph } from '../../scripts/check/importCycles.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const roots = [path.join(root, 'server/src'), path.join(root, 'web/src')];

describe('module structure', () => {
  it('has no import cycle (type-only imports included)', () => {
    const { files, cycles } = importCycles(roots) as { files: number; cycles: string[][] };
    expect(files).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  });

  it('jobs, pipeline, sites, store, snap, field, model, images, coverage and learning never import http/ or app.ts', () => {
    const graph = importGraph(roots) as Map<string, string[]>;
    const rel = (p: string) => path.relative(path.join(root, 'server/src'), p).split(path.sep).join('/');
    const offending: string[] = [];
    for (const [file, targets] of graph) {
      const from = rel(file);
      if (!/^(jobs|pipeline|sites|store|snap|field|model|domain|images|util|coverage|learning|auth)\//.test(from)) continue;
      for (const t of targets) if (/^(http\/|app\.ts$)/.test(rel(t))) offending.push(`${from} → ${rel(t)}`);
    }
    expect(offending).toEqual([]);
  });

  it('domain/ imports nothing outside domain/ and no package, so web/src can import the contract as types', async () => {
    const fs = await import('node:fs');
    const dir = path.join(root, 'server/src/domain');
    const outside: string[] = [];
    for (const name of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      for (const m of text.matchAll(/from\s+'([^']+)'/g)) if (!/^\.\/[\w.]+\.js$/.test(m[1])) outside.push(`${name} → ${m[1]}`);
    }
    expect(outside).toEqual([]);
    const webImports = [...(importGraph(roots) as Map<string, string[]>)]
      .filter(([file]) => file.includes(`${path.sep}web${path.sep}src${path.sep}`))
      .flatMap(([, targets]) => targets.filter((t) => t.includes(`${path.sep}server${path.sep}`)).map((t) => path.relative(root, t)));
    expect(new Set(webImports)).toEqual(new Set(['server/src/domain/contract.ts']));
  });
});
