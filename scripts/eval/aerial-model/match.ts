/** Matching detections of a synthetic frame to its truth plots, and the figures over a set. */
import type { AerialDetection } from '../../../server/src/pipeline/detectFrame.js';
import type { TruthFrame, TruthPlot } from './sets.js';

/** A detection belongs to a plot when its centre lies within this distance of one of the plot's polygons. */
export const MATCH_MARGIN_M = 1.0;

type Pt = [number, number];

function insidePolygon(poly: Pt[], [x, y]: Pt): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [x1, y1] = poly[i];
    const [x2, y2] = poly[j];
    if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) inside = !inside;
  }
  return inside;
}

function distanceToSegment([px, py]: Pt, [ax, ay]: Pt, [bx, by]: Pt): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function distanceToPlotPx(plot: TruthPlot, p: Pt): number {
  let best = Infinity;
  for (const poly of plot.polygons) {
    if (insidePolygon(poly, p)) return 0;
    for (let i = 0; i < poly.length; i++) best = Math.min(best, distanceToSegment(p, poly[i], poly[(i + 1) % poly.length]));
  }
  return best;
}

export interface FrameMatch {
  /** per eval poppy plot: found?, estimated heads (summed over its detections), truth, centre error m */
  plots: Array<{ found: boolean; estimated: number; truth: number; centreErrorM: number | null }>;
  decoys: Array<{ flagged: boolean; species: string }>;
  /** detections matching no poppy plot at all */
  falseDetections: number;
  detections: number;
}

export function matchFrame(t: TruthFrame, detections: Array<Pick<AerialDetection, 'centre' | 'estimatedHeads' | 'score'>>): FrameMatch {
  const mPerPx = t.gsdCmPerPx / 100;
  const owner = detections.map((d) => {
    let best: { i: number; dist: number } | null = null;
    t.plots.forEach((p, i) => {
      const dist = distanceToPlotPx(p, [d.centre.x, d.centre.y]) * mPerPx;
      if (dist <= MATCH_MARGIN_M && (!best || dist < best.dist || (dist === best.dist && p.kind === 'poppy'))) best = { i, dist };
    });
    return best as { i: number; dist: number } | null;
  });
  const plots: FrameMatch['plots'] = [];
  const decoys: FrameMatch['decoys'] = [];
  t.plots.forEach((p, i) => {
    const mine = detections.filter((_, k) => owner[k]?.i === i);
    if (p.kind === 'decoy') decoys.push({ flagged: mine.length > 0, species: p.species });
    else if (p.eval) {
      const bestDet = mine.reduce<(typeof mine)[number] | null>((a, b) => (!a || b.estimatedHeads > a.estimatedHeads ? b : a), null);
      plots.push({
        found: mine.length > 0,
        estimated: mine.reduce((s, d) => s + d.estimatedHeads, 0),
        truth: p.heads,
        centreErrorM: bestDet ? Math.hypot(bestDet.centre.x - p.centre[0], bestDet.centre.y - p.centre[1]) * mPerPx : null,
      });
    }
  });
  const falseDetections = owner.filter((o) => !o || t.plots[o.i].kind !== 'poppy').length;
  return { plots, decoys, falseDetections, detections: detections.length };
}

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export interface SetFigures {
  frames: number;
  plots: number;
  recall: number;
  precision: number | null;
  decoysFlagged: number;
  decoys: number;
  headsMedianAbsRelError: number | null;
  centreMedianErrorM: number | null;
}

export function figures(matches: FrameMatch[]): SetFigures {
  const plots = matches.flatMap((m) => m.plots);
  const decoys = matches.flatMap((m) => m.decoys);
  const found = plots.filter((p) => p.found);
  const dets = matches.reduce((s, m) => s + m.detections, 0);
  const falseDets = matches.reduce((s, m) => s + m.falseDetections, 0);
  return {
    frames: matches.length,
    plots: plots.length,
    recall: plots.length ? found.length / plots.length : 0,
    precision: dets ? (dets - falseDets) / dets : null,
    decoysFlagged: decoys.length ? decoys.filter((d) => d.flagged).length / decoys.length : 0,
    decoys: decoys.length,
    headsMedianAbsRelError: median(found.map((p) => Math.abs(p.estimated - p.truth) / p.truth)),
    centreMedianErrorM: median(found.map((p) => p.centreErrorM!).filter((x) => x !== null)),
  };
}
