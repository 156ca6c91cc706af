/**
 * The shipped synthetic evaluation in cell form: head inputs of held-out synthetic frames (poppy plots, look-alike
 * plots, background), written by scripts/learning/make-eval-cells.ts next to the model as
 * models/<name>-<version>.cells.json (index) + .cells.bin (little-endian float32). A new head is scored on it
 * without decoding a frame.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AerialManifest } from '../model/aerialManifest.js';
import type { CellGroup } from './cells.js';

export const SyntheticIndexSchema = z.object({
  model: z.object({ name: z.string(), version: z.string(), sha256: z.string() }),
  channels: z.number().int().positive(),
  createdAt: z.string(),
  source: z.unknown(),
  groups: z.array(
    z.object({
      set: z.string(),
      frame: z.string(),
      kind: z.enum(['poppy', 'decoy', 'background']),
      species: z.string().nullable(),
      /** a poppy plot that counts towards recall (≥ 1 m², ≥ 15 heads/m²); others are left out of the figures */
      eval: z.boolean(),
      /** first cell and number of cells in the .bin */
      offset: z.number().int().nonnegative(),
      count: z.number().int().nonnegative(),
    }),
  ),
});
export type SyntheticIndex = z.infer<typeof SyntheticIndexSchema>;

export const syntheticCellsPaths = (m: Pick<AerialManifest, 'manifestPath' | 'name' | 'version'>) => {
  const base = path.join(path.dirname(m.manifestPath), `${m.name}-${m.version}.cells`);
  return { index: `${base}.json`, data: `${base}.bin` };
};

export type SyntheticEval = { available: true; groups: CellGroup[]; index: SyntheticIndex } | { available: false; code: 'no_cells' | 'other_network'; reason: string };

/** The groups that count: eval poppy plots (1), look-alike plots and frame backgrounds (0). */
export function loadSyntheticEval(m: Pick<AerialManifest, 'manifestPath' | 'name' | 'version' | 'sha256' | 'featureChannels'>): SyntheticEval {
  const p = syntheticCellsPaths(m);
  if (!fs.existsSync(p.index) || !fs.existsSync(p.data)) return { available: false, code: 'no_cells', reason: `no synthetic evaluation cells beside the model (${path.basename(p.index)}; npm run eval:cells)` };
  const index = SyntheticIndexSchema.parse(JSON.parse(fs.readFileSync(p.index, 'utf8')));
  if (index.model.sha256 !== m.sha256) return { available: false, code: 'other_network', reason: `${path.basename(p.index)} was made with another network (sha256 ${index.model.sha256.slice(0, 12)}…); run npm run eval:cells` };
  if (index.channels !== m.featureChannels) return { available: false, code: 'other_network', reason: `${path.basename(p.index)} has ${index.channels} channels, the model ${m.featureChannels}` };
  const buf = fs.readFileSync(p.data);
  const all = new Float32Array(buf.byteLength / 4);
  for (let i = 0; i < all.length; i++) all[i] = buf.readFloatLE(i * 4);
  const groups: CellGroup[] = index.groups
    .filter((g) => g.kind !== 'poppy' || g.eval)
    .map((g) => ({ label: g.kind === 'poppy' ? 1 : 0, count: g.count, cells: all.subarray(g.offset * index.channels, (g.offset + g.count) * index.channels) }));
  return { available: true, groups, index };
}
