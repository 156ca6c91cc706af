// The shipped synthetic evaluation in cell form: groups with their labels (eval poppy plots = 1, look-alikes and
// backgrounds = 0, poppy plots too small to count left out), and a file made with another network is not used.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSyntheticEval, syntheticCellsPaths, type SyntheticIndex } from '../src/learning/syntheticCells.js';
import { tempDataDir } from './helpers/server.js';

const C = 2;
const m = (dir: string, sha256 = 'c'.repeat(64)) => ({ manifestPath: path.join(dir, 'toy-1.0.0.json'), name: 'toy', version: '1.0.0', sha256, featureChannels: C });

function write(dir: string) {
  const groups: SyntheticIndex['groups'] = [
    { set: 's', frame: 'f0', kind: 'poppy', species: 'papaver', eval: true, offset: 0, count: 2 },
    { set: 's', frame: 'f0', kind: 'poppy', species: 'papaver', eval: false, offset: 2, count: 1 },
    { set: 's', frame: 'f0', kind: 'decoy', species: 'cosmos', eval: false, offset: 3, count: 1 },
    { set: 's', frame: 'f0', kind: 'background', species: null, eval: false, offset: 4, count: 2 },
  ];
  const p = syntheticCellsPaths(m(dir));
  const buf = Buffer.alloc(6 * C * 4);
  for (let i = 0; i < 6 * C; i++) buf.writeFloatLE(i, i * 4);
  fs.writeFileSync(p.data, buf);
  fs.writeFileSync(p.index, JSON.stringify({ model: { name: 'toy', version: '1.0.0', sha256: 'c'.repeat(64) }, channels: C, createdAt: 'now', source: {}, groups }));
}

describe('loadSyntheticEval', () => {
  it('reads the groups with their labels', () => {
    const dir = tempDataDir();
    write(dir);
    const s = loadSyntheticEval(m(dir));
    if (!s.available) throw new Error(s.reason);
    expect(s.groups.map((g) => [g.label, g.count, Array.from(g.cells)])).toEqual([
      [1, 2, [0, 1, 2, 3]],
      [0, 1, [6, 7]],
      [0, 2, [8, 9, 10, 11]],
    ]);
  });

  it('refuses a file made with another network, and says when there is none', () => {
    const dir = tempDataDir();
    expect(loadSyntheticEval(m(dir))).toMatchObject({ available: false, code: 'no_cells' });
    write(dir);
    expect(loadSyntheticEval(m(dir, 'd'.repeat(64)))).toMatchObject({ available: false, code: 'other_network', reason: expect.stringMatching(/another network/) });
  });
});
