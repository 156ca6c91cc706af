import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { defaultManifestPath } from '../../src/model/manifest.js';
import { HAS_SHARED, sharedPath } from './shared.js';

/**
 * The manifest model tests run against: POPPY_MODEL, else the newest models/*.json, else (before any model
 * is trained) a throwaway manifest around the ImageNet backbone in ../shared. Null when none of these exists.
 */
export function testManifestPath(): string | null {
  try {
    return defaultManifestPath();
  } catch {
    return HAS_SHARED ? backboneManifest() : null;
  }
}

let backbonePath: string | null = null;

function backboneManifest(): string {
  if (backbonePath) return backbonePath;
  const onnx = sharedPath('backbones', 'mobilenetv2-12-int8.onnx');
  const names: string[] = JSON.parse(fs.readFileSync(sharedPath('backbones', 'imagenet-classes.json'), 'utf8'));
  const poppyish = new Set(['daisy', 'bee']);
  const manifest = {
    name: 'imagenet-backbone-test',
    version: '0.0.0',
    file: onnx,
    sha256: crypto.createHash('sha256').update(fs.readFileSync(onnx)).digest('hex'),
    input: {
      name: 'input', size: 224, layout: 'NCHW', channelOrder: 'RGB', scale: 255,
      mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
      resize: { library: 'sharp', fit: 'cover', kernel: 'lanczos3' },
    },
    output: { name: 'output', activation: 'softmax' },
    labels: names.map((n, i) => ({ id: `${i}_${n}`, en: n, zh: n, group: poppyish.has(n) ? 'poppy' : 'other', kind: 'closeup' })),
    thresholds: { closeup: 0.5, closeupUncertainLow: 0.2, droneTile: 0.5 },
    drone: { groundResolutionCmPerPx: 2, tileSize: 224, tileOverlap: 0.25 },
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-model-'));
  backbonePath = path.join(dir, 'backbone.json');
  fs.writeFileSync(backbonePath, JSON.stringify(manifest));
  return backbonePath;
}

/** Copy of a manifest in a temp dir with fields replaced; `file` is made absolute so it still finds the ONNX. */
export function alteredManifest(manifestPath: string, change: (m: Record<string, unknown>) => void): string {
  const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  m.file = path.resolve(path.dirname(manifestPath), m.file);
  change(m);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-manifest-'));
  const out = path.join(dir, 'manifest.json');
  fs.writeFileSync(out, JSON.stringify(m));
  return out;
}

/** Deterministic pseudo-random RGB tiles with some structure (gradients + noise), size×size×3 bytes each. */
export function syntheticTiles(count: number, size: number, seed = 1): Buffer[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return s / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const buf = Buffer.alloc(size * size * 3);
    const base = [rand() * 255, rand() * 255, rand() * 255];
    const slope = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          const v = base[c] + slope[c] * (x + y) + (rand() - 0.5) * 60;
          buf[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
        }
      }
    }
    return buf;
  });
}

/** A tile encoded as an image file format, e.g. for classifyFiles / the CLI. */
export function encodeTile(rgb: Buffer, size: number, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const img = sharp(rgb, { raw: { width: size, height: size, channels: 3 } });
  return (format === 'png' ? img.png() : img.jpeg({ quality: 92 })).toBuffer();
}
