import type { Rect, TilePlan } from './tilePlan.js';
import { toOriginal } from './tilePlan.js';
import { WeightedCentre } from '../util/weightedCentre.js';
import type { LabelScore } from '../domain/vocabulary.js';

export type { LabelScore } from '../domain/vocabulary.js';

/** What the classifier said about one tile (structurally the model's Classification). */
export interface TileScore {
  poppy: number;
  isPoppy: boolean;
  top: LabelScore[];
}

/**
 * One merged group of positive tiles. Coordinates are ORIGINAL STORED pixels (before EXIF orientation), the
 * pixels of the file as uploaded; crops are cut there and then turned the right way up.
 */
export interface FrameDetection {
  box: Rect;
  /** score-weighted centre of the positive tiles: a better plant position than the box centre */
  centre: { x: number; y: number };
  /** max poppy score of its tiles */
  score: number;
  /** top labels of the best tile */
  top: LabelScore[];
  tileCount: number;
}

function touches(a: Rect, b: Rect): boolean {
  return a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;
}

/** Positive tiles (score ≥ threshold) → boxes: tiles that overlap or touch are one detection. */
export function mergeDetections(
  plan: Pick<TilePlan, 'tiles' | 'scaleX' | 'scaleY'>,
  scores: TileScore[],
  threshold: number,
  frame: { width: number; height: number },
): FrameDetection[] {
  if (scores.length !== plan.tiles.length) throw new Error(`${scores.length} scores for ${plan.tiles.length} tiles`);
  const positive = plan.tiles.map((t, i) => ({ tile: t, s: scores[i] })).filter((p) => p.s.poppy >= threshold);
  const parent = positive.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < positive.length; i++) {
    for (let j = i + 1; j < positive.length; j++) {
      if (touches(positive[i].tile.rect, positive[j].tile.rect)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, typeof positive>();
  positive.forEach((p, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), p]);
  });
  const out: FrameDetection[] = [];
  for (const members of groups.values()) {
    const x0 = Math.min(...members.map((m) => m.tile.rect.x));
    const y0 = Math.min(...members.map((m) => m.tile.rect.y));
    const x1 = Math.max(...members.map((m) => m.tile.rect.x + m.tile.rect.w));
    const y1 = Math.max(...members.map((m) => m.tile.rect.y + m.tile.rect.h));
    const box = toOriginal({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, plan.scaleX, plan.scaleY, frame.width, frame.height);
    // weight by how far above the threshold a tile is, so a plot's edge tiles pull the centre less
    const weighted = new WeightedCentre();
    for (const m of members) weighted.add(m.tile.rect.x + m.tile.rect.w / 2, m.tile.rect.y + m.tile.rect.h / 2, m.s.poppy - threshold + 1e-3);
    const c = weighted.centre()!;
    const best = members.reduce((a, b) => (b.s.poppy > a.s.poppy ? b : a));
    out.push({
      box,
      centre: {
        x: Math.min(frame.width, Math.max(0, c.x / plan.scaleX)),
        y: Math.min(frame.height, Math.max(0, c.y / plan.scaleY)),
      },
      score: best.s.poppy,
      top: best.s.top,
      tileCount: members.length,
    });
  }
  return out.sort((a, b) => b.score - a.score);
}
