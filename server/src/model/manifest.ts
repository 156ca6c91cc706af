import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** One output class of the model. `group` is "poppy" for every label that counts towards the poppy score. */
export const LabelSchema = z.object({
  id: z.string(),
  en: z.string(),
  zh: z.string(),
  group: z.enum(['poppy', 'other']),
  /** what the label stands for: a real close-up species, a synthetic drone plot, aerial background... */
  kind: z.enum(['closeup', 'drone', 'background']).default('closeup'),
});

export const ManifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** ONNX file name, relative to the manifest */
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string().optional(),
  input: z.object({
    name: z.string(),
    size: z.number().int().positive(),
    layout: z.literal('NCHW'),
    channelOrder: z.literal('RGB'),
    /** pixel / scale, then (x - mean) / std per channel */
    scale: z.number().positive(),
    mean: z.array(z.number()).length(3),
    std: z.array(z.number()).length(3),
    /** how close-ups are brought to size: sharp, EXIF-rotated, resize fit=cover, centre, lanczos3 */
    resize: z.object({ library: z.literal('sharp'), fit: z.literal('cover'), kernel: z.string() }),
  }),
  output: z.object({ name: z.string(), activation: z.literal('softmax') }),
  labels: z.array(LabelSchema).min(2),
  thresholds: z.object({
    /** close-up poppy score at or above which a photo is called poppy */
    closeup: z.number().min(0).max(1),
    /** close-up scores in [uncertainLow, closeup) are "uncertain" */
    closeupUncertainLow: z.number().min(0).max(1),
    /** drone tile poppy score at or above which a tile is a hit */
    droneTile: z.number().min(0).max(1),
  }),
  drone: z.object({
    /** ground resolution drone frames must be resampled to before tiling */
    groundResolutionCmPerPx: z.number().positive(),
    tileSize: z.number().int().positive(),
    /** fraction of a tile shared with its neighbour */
    tileOverlap: z.number().min(0).max(0.9),
  }),
  data: z.unknown().optional(),
  metrics: z.unknown().optional(),
  provenance: z.unknown().optional(),
});

export type ModelLabel = z.infer<typeof LabelSchema>;
export type ModelManifest = z.infer<typeof ManifestSchema> & { manifestPath: string; onnxPath: string };

export const MODELS_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../models');

/** The manifest named by POPPY_MODEL, else the newest models/*.json that parses as a manifest. */
export function defaultManifestPath(): string {
  if (process.env.POPPY_MODEL) return path.resolve(process.env.POPPY_MODEL);
  const candidates = fs
    .readdirSync(MODELS_DIR)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.reference.json'))
    .map((f) => path.join(MODELS_DIR, f))
    .filter((p) => ManifestSchema.safeParse(JSON.parse(fs.readFileSync(p, 'utf8'))).success)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (candidates.length === 0) throw new Error(`no model manifest in ${MODELS_DIR}; run npm run train or set POPPY_MODEL`);
  return candidates[0];
}

export function loadManifest(manifestPath = defaultManifestPath()): ModelManifest {
  const raw = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const parsed = ManifestSchema.parse(raw);
  return { ...parsed, manifestPath, onnxPath: path.resolve(path.dirname(manifestPath), parsed.file) };
}

export function poppyLabelIds(manifest: Pick<ModelManifest, 'labels'>): string[] {
  return manifest.labels.filter((l) => l.group === 'poppy').map((l) => l.id);
}
