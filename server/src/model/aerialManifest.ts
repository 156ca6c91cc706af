import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MODELS_DIR } from './manifest.js';

/** The head: a 1×1 layer over the per-cell features; rows = presence logit, poppy heads, other heads. */
export const AerialHeadSchema = z.object({
  version: z.string(),
  weights: z.array(z.array(z.number())).length(3),
  bias: z.array(z.number()).length(3),
});

export const AerialThresholdsSchema = z.object({
  /** cell presence probability at or above which a cell belongs to a poppy blob */
  presence: z.number().min(0).max(1),
  /** a blob must hold at least this many estimated poppy heads */
  minHeads: z.number().min(0),
  /** a blob's score (its highest cell presence) must reach this */
  minScore: z.number().min(0).max(1),
});

export const AerialManifestSchema = z.object({
  kind: z.literal('aerial'),
  name: z.string(),
  version: z.string(),
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string().optional(),
  input: z.object({
    name: z.string(),
    layout: z.literal('NCHW'),
    channelOrder: z.literal('RGB'),
    dtype: z.literal('float32'),
    /** height and width must be multiples of this */
    multipleOf: z.number().int().positive(),
  }),
  outputs: z.object({ features: z.string(), maps: z.string(), channels: z.array(z.string()).length(3) }),
  /** frames are resampled to this before inference */
  groundResolutionCmPerPx: z.number().positive(),
  /** input pixels per output cell */
  stride: z.number().int().positive(),
  featureChannels: z.number().int().positive(),
  labels: z.array(z.object({ id: z.string(), en: z.string(), zh: z.string() })),
  head: AerialHeadSchema,
  thresholds: AerialThresholdsSchema,
  metrics: z.unknown().optional(),
  provenance: z.unknown().optional(),
});

export type AerialHead = z.infer<typeof AerialHeadSchema>;
export type AerialThresholds = z.infer<typeof AerialThresholdsSchema>;
export type AerialManifest = z.infer<typeof AerialManifestSchema> & { manifestPath: string; onnxPath: string };

function parses(file: string): boolean {
  try {
    return AerialManifestSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8'))).success;
  } catch {
    return false;
  }
}

/** The manifest named by POPPY_AERIAL_MODEL, else the newest version of models/*.json that is an aerial manifest. */
export function defaultAerialManifestPath(): string {
  if (process.env.POPPY_AERIAL_MODEL) return path.resolve(process.env.POPPY_AERIAL_MODEL);
  const candidates = fs
    .readdirSync(MODELS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(MODELS_DIR, f))
    .filter(parses)
    .sort();
  if (candidates.length === 0) throw new Error(`no aerial model manifest in ${MODELS_DIR}; run npm run train:aerial or set POPPY_AERIAL_MODEL`);
  return candidates[candidates.length - 1];
}

export function loadAerialManifest(manifestPath = defaultAerialManifestPath()): AerialManifest {
  const parsed = AerialManifestSchema.parse(JSON.parse(fs.readFileSync(manifestPath, 'utf8')));
  const width = parsed.featureChannels;
  if (parsed.head.weights.some((row) => row.length !== width)) throw new Error(`head rows must have ${width} weights (featureChannels)`);
  return { ...parsed, manifestPath, onnxPath: path.resolve(path.dirname(manifestPath), parsed.file) };
}
