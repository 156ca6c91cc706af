// Finds import cycles among the relative imports of TypeScript sources (type-only imports count too: a cycle of
// types is still two files that cannot be read apart). Usage: node scripts/check/importCycles.mjs server/src web/src
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') sourceFiles(p, out);
    } else if (/\.(ts|tsx|mts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(resolve(p));
  }
  return out;
}

/** The import graph of every source file under `roots`: file → files it imports. */
export function importGraph(roots) {
  const files = roots.flatMap((r) => sourceFiles(r));
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const targets = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const base = resolve(dirname(file), m[1] ?? m[2]);
      const stem = base.replace(/\.(m?js|jsx)$/, '');
      const hit = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, join(base, 'index.ts')].find((c) => known.has(c));
      if (hit) targets.push(hit);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected groups of more than one file (or a file importing itself), each a list of paths (Tarjan). */
export function importCycles(roots) {
  const graph = importGraph(roots);
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const groups = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const group = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v).includes(v)) groups.push(group.map((p) => relative(process.cwd(), p)).sort());
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  return { files: graph.size, cycles: groups };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const roots = process.argv.slice(2);
  const { files, cycles } = importCycles(roots.length ? roots : ['server/src', 'web/src']);
  for (const c of cycles) console.log(`cycle: ${c.join(' ⇄ ')}`);
  console.log(`${files} files, ${cycles.length} import cycles`);
  process.exitCode = cycles.length ? 1 : 0;
}
