/** The real aerial frames held out of training (scripts/train/model.json), with the flight values they need. */
import fs from 'node:fs';
import path from 'node:path';
import type { FlightOverrides } from '../../../server/src/pipeline/camera.js';
import { REPO } from './sets.js';

export interface RealFrame {
  file: string;
  name: string;
  overrides: FlightOverrides;
}

export function heldOutRealFrames(split: 'val' | 'test' | 'all', sharedDir = process.env.POPPY_SHARED_DIR ?? path.join(REPO, '..', 'shared')): RealFrame[] {
  const cfg = JSON.parse(fs.readFileSync(path.join(REPO, 'scripts/train/model.json'), 'utf8')) as {
    aerialHoldout: { test: string[]; val: string[] };
    caliterraAssumedHeightM: number;
  };
  const names = split === 'all' ? [...cfg.aerialHoldout.val, ...cfg.aerialHoldout.test] : cfg.aerialHoldout[split];
  const dirs = ['brighton-beach-dji-fc300s', 'caliterra'].map((d) => path.join(sharedDir, 'data', 'aerial', d));
  return names.map((name) => {
    const dir = dirs.find((d) => fs.existsSync(path.join(d, name)));
    if (!dir) throw new Error(`held-out frame ${name} not found under ${sharedDir}/data/aerial`);
    // the Canon frames carry no height above ground: the flight would give it (training assumed the same height)
    const overrides = dir.endsWith('caliterra') ? { altitudeAglM: cfg.caliterraAssumedHeightM } : {};
    return { file: path.join(dir, name), name, overrides };
  });
}
