import { rng } from '../lib/rng.js';

export { rng };
/**
 * Procedural farm/village scene in local metres (x east, y north) around the demo origin. Deterministic from a
 * seed. Everything is vector shapes; render.ts draws them through each frame's camera.
 */

export type Pt = [number, number];

export type Shape =
  | { kind: 'poly'; points: Pt[]; fill: string; opacity?: number }
  | { kind: 'circle'; x: number; y: number; r: number; fill: string; opacity?: number }
  | { kind: 'ellipse'; x: number; y: number; rx: number; ry: number; angle: number; fill: string; opacity?: number }
  | { kind: 'line'; points: Pt[]; width: number; stroke: string; opacity?: number }
  /** parallel stripes clipped to a polygon: crop rows, furrows, beds */
  | { kind: 'rows'; clip: Pt[]; angle: number; spacing: number; width: number; stroke: string; opacity?: number };

export interface TruthTarget {
  id: string;
  kind: 'poppy' | 'decoy';
  x: number;
  y: number;
  radiusM: number;
  description: string;
  headsPerM2?: number;
  heads?: number;
}

export interface Scene {
  extent: { minX: number; minY: number; maxX: number; maxY: number };
  background: string;
  shapes: Shape[];
  targets: TruthTarget[];
}

const rect = (x0: number, y0: number, x1: number, y1: number): Pt[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

function shade(hex: string, factor: number): string {
  const n = parseInt(hex.slice(1), 16);
  const c = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => Math.max(0, Math.min(255, Math.round(v * factor))));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Points uniformly inside a disc. */
function inDisc(rand: () => number, cx: number, cy: number, r: number): Pt {
  const a = rand() * Math.PI * 2;
  const d = r * Math.sqrt(rand());
  return [cx + d * Math.cos(a), cy + d * Math.sin(a)];
}

function blobPolygon(rand: () => number, cx: number, cy: number, r: number, n = 18): Pt[] {
  return Array.from({ length: n }, (_, i) => {
    const a = (i / n) * Math.PI * 2;
    const rr = r * (0.85 + 0.3 * rand());
    return [cx + rr * Math.cos(a), cy + rr * Math.sin(a)] as Pt;
  });
}

/** Soft blotches that break up a flat field colour. */
function blotches(rand: () => number, area: Pt[], colour: string, count: number, rMin: number, rMax: number, opacity: number): Shape[] {
  const xs = area.map((p) => p[0]);
  const ys = area.map((p) => p[1]);
  const out: Shape[] = [];
  for (let i = 0; i < count; i++) {
    const x = Math.min(...xs) + rand() * (Math.max(...xs) - Math.min(...xs));
    const y = Math.min(...ys) + rand() * (Math.max(...ys) - Math.min(...ys));
    out.push({ kind: 'circle', x, y, r: rMin + rand() * (rMax - rMin), fill: shade(colour, 0.8 + rand() * 0.4), opacity });
  }
  return out;
}

function tree(rand: () => number, x: number, y: number, r: number): Shape[] {
  const out: Shape[] = [
    // sun from the south-east: shadows fall north-west
    { kind: 'ellipse', x: x - 0.7 * r, y: y + 0.5 * r, rx: r * 1.05, ry: r * 0.9, angle: 30, fill: '#1f2a18', opacity: 0.45 },
    { kind: 'circle', x, y, r, fill: shade('#2f5a26', 0.85 + rand() * 0.3) },
  ];
  for (let i = 0; i < 7; i++) {
    const [px, py] = inDisc(rand, x, y, r * 0.7);
    out.push({ kind: 'circle', x: px, y: py, r: r * (0.25 + rand() * 0.25), fill: shade('#4a7a34', 0.8 + rand() * 0.4), opacity: 0.7 });
  }
  out.push({ kind: 'circle', x: x + 0.25 * r, y: y - 0.25 * r, r: r * 0.35, fill: '#6f9a4a', opacity: 0.35 });
  return out;
}

function house(rand: () => number, x: number, y: number, w: number, h: number, angle: number, roof: string): Shape[] {
  const a = (angle * Math.PI) / 180;
  const rot = (dx: number, dy: number): Pt => [x + dx * Math.cos(a) - dy * Math.sin(a), y + dx * Math.sin(a) + dy * Math.cos(a)];
  const body = [rot(-w / 2, -h / 2), rot(w / 2, -h / 2), rot(w / 2, h / 2), rot(-w / 2, h / 2)];
  const shadow = body.map(([px, py]) => [px - 2.2, py + 1.5] as Pt);
  return [
    { kind: 'poly', points: shadow, fill: '#222018', opacity: 0.45 },
    { kind: 'poly', points: body, fill: roof },
    { kind: 'poly', points: [rot(-w / 2, 0), rot(w / 2, 0), rot(w / 2, h / 2), rot(-w / 2, h / 2)], fill: shade(roof, 0.8) },
    { kind: 'line', points: [rot(-w / 2, 0), rot(w / 2, 0)], width: 0.25, stroke: shade(roof, 1.25) },
    ...(rand() < 0.5 ? [{ kind: 'poly' as const, points: [rot(w / 4, -h / 4), rot(w / 4 + 1, -h / 4), rot(w / 4 + 1, -h / 4 + 1), rot(w / 4, -h / 4 + 1)], fill: '#3a3a3a' }] : []),
  ];
}

const POPPY_PALETTES: Record<string, string[]> = {
  red: ['#c8161d', '#d42a1e', '#b3121a', '#e0342a'],
  pinkMauve: ['#e58bb4', '#d16fa5', '#b07cc6', '#c994d4', '#f0a6c8'],
  whiteMauve: ['#f4f1ee', '#ebe6ef', '#c9a6d9', '#b589c9', '#fafafa'],
  redPink: ['#cf1f2a', '#e0608a', '#d83a4c', '#f08fb0'],
};

const PALETTE_NAMES: Record<keyof typeof POPPY_PALETTES, string> = {
  red: 'red',
  pinkMauve: 'pink and mauve',
  whiteMauve: 'white and mauve',
  redPink: 'red and pink',
};

/** Poppy plot: glaucous foliage, leaf clumps, buds and open heads 5–12 cm with dark basal blotches. */
function poppyPlot(rand: () => number, cx: number, cy: number, r: number, headsPerM2: number, palette: string[]): { shapes: Shape[]; heads: number } {
  const shapes: Shape[] = [{ kind: 'poly', points: blobPolygon(rand, cx, cy, r + 0.35, 24), fill: '#4a7342' }];
  const area = Math.PI * r * r;
  for (let i = 0; i < area * 70; i++) {
    const [x, y] = inDisc(rand, cx, cy, r + 0.2);
    const fill = ['#3d6838', '#5c8a52', '#44703f', '#6f9a62', '#2f5530'][Math.floor(rand() * 5)];
    shapes.push({ kind: 'ellipse', x, y, rx: 0.06 + rand() * 0.08, ry: 0.03 + rand() * 0.04, angle: rand() * 180, fill, opacity: 0.85 });
  }
  for (let i = 0; i < area * 12; i++) {
    const [x, y] = inDisc(rand, cx, cy, r);
    shapes.push({ kind: 'ellipse', x, y, rx: 0.018, ry: 0.012, angle: rand() * 180, fill: '#8fa58a' });
  }
  const heads = Math.round(area * headsPerM2);
  for (let i = 0; i < heads; i++) {
    const [x, y] = inDisc(rand, cx, cy, r);
    const d = 0.05 + rand() * 0.07; // head diameter 5–12 cm
    const colour = palette[Math.floor(rand() * palette.length)];
    shapes.push({ kind: 'ellipse', x, y, rx: d / 2, ry: (d / 2) * (0.8 + rand() * 0.2), angle: rand() * 180, fill: colour });
    shapes.push({ kind: 'circle', x: x + d * 0.08, y: y - d * 0.08, r: d * 0.18, fill: shade(colour, 1.15), opacity: 0.6 });
    shapes.push({ kind: 'circle', x, y, r: d * 0.17, fill: '#2a1024' });
    shapes.push({ kind: 'circle', x, y, r: d * 0.07, fill: '#9aa86a' });
  }
  return { shapes, heads };
}

function flowerShrub(rand: () => number, cx: number, cy: number, r: number, perM2: number, colours: string[], size: [number, number]): Shape[] {
  const shapes: Shape[] = [
    { kind: 'ellipse', x: cx - 0.5 * r, y: cy + 0.35 * r, rx: r, ry: r * 0.8, angle: 30, fill: '#1f2a18', opacity: 0.4 },
    { kind: 'poly', points: blobPolygon(rand, cx, cy, r, 20), fill: '#2e5327' },
  ];
  for (let i = 0; i < Math.PI * r * r * 40; i++) {
    const [x, y] = inDisc(rand, cx, cy, r);
    shapes.push({ kind: 'circle', x, y, r: 0.05 + rand() * 0.06, fill: shade('#3f6a30', 0.8 + rand() * 0.4), opacity: 0.8 });
  }
  for (let i = 0; i < Math.PI * r * r * perM2; i++) {
    const [x, y] = inDisc(rand, cx, cy, r * 0.95);
    const d = size[0] + rand() * (size[1] - size[0]);
    shapes.push({ kind: 'circle', x, y, r: d / 2, fill: colours[Math.floor(rand() * colours.length)] });
  }
  return shapes;
}

/** Red chilli drying on a mat in a courtyard: red, fine-grained, a classic look-alike from the air. */
function chilliMat(rand: () => number, x0: number, y0: number, w: number, h: number): Shape[] {
  const shapes: Shape[] = [{ kind: 'poly', points: rect(x0, y0, x0 + w, y0 + h), fill: '#9a2a1c' }];
  for (let i = 0; i < w * h * 180; i++) {
    const x = x0 + rand() * w;
    const y = y0 + rand() * h;
    shapes.push({ kind: 'ellipse', x, y, rx: 0.035 + rand() * 0.02, ry: 0.01, angle: rand() * 180, fill: ['#c0301e', '#7d1a10', '#d8452a'][Math.floor(rand() * 3)] });
  }
  return shapes;
}

export function buildScene(seed: number): Scene {
  const rand = rng(seed);
  const shapes: Shape[] = [];
  const targets: TruthTarget[] = [];
  const extent = { minX: -70, minY: -70, maxX: 150, maxY: 110 };

  // South of the dirt road: maize (west) and vegetable beds (east)
  const maize = rect(-70, -70, 34, 18);
  shapes.push({ kind: 'poly', points: maize, fill: '#6e5a3c' });
  shapes.push({ kind: 'rows', clip: maize, angle: 90, spacing: 0.75, width: 0.5, stroke: '#2f5a22' });
  shapes.push(...blotches(rand, maize, '#3f6e2a', 140, 0.8, 2.5, 0.35));
  for (let x = -69.6; x < 34; x += 0.75) {
    for (let y = -45; y < 17.6; y += 0.3 + rand() * 0.1) {
      const fill = ['#3d6b2a', '#2a5220', '#4f7d34'][Math.floor(rand() * 3)];
      shapes.push({ kind: 'ellipse', x: x + (rand() - 0.5) * 0.15, y, rx: 0.35, ry: 0.08, angle: rand() * 180, fill, opacity: 0.8 });
    }
  }
  const veg = rect(37, -70, 97, 18);
  shapes.push({ kind: 'poly', points: veg, fill: '#7a5c40' });
  shapes.push({ kind: 'rows', clip: veg, angle: 0, spacing: 1.3, width: 0.3, stroke: '#5e452f' });
  for (let y = -69.4; y < 17.5; y += 1.3) {
    for (let x = 37.4; x < 96.7; x += 0.45 + rand() * 0.1) {
      if (Math.hypot(x - 62, y + 18) < 3.2) continue; // the poppy plot replaces the cabbages there
      shapes.push({ kind: 'circle', x: x + (rand() - 0.5) * 0.1, y: y + 0.65 + (rand() - 0.5) * 0.1, r: 0.16 + rand() * 0.07, fill: shade('#86ad62', 0.85 + rand() * 0.3) });
    }
  }

  // North of the road: village (west), tilled soil, wheat, rapeseed, pasture
  const village = rect(-70, 22, -24, 110);
  shapes.push({ kind: 'poly', points: village, fill: '#8c8270' });
  shapes.push(...blotches(rand, village, '#6f7d4e', 60, 1, 3, 0.5));
  const tilled = rect(-24, 22, 30, 60);
  shapes.push({ kind: 'poly', points: tilled, fill: '#8a6a4a' });
  shapes.push({ kind: 'rows', clip: tilled, angle: 0, spacing: 0.3, width: 0.1, stroke: '#6b4f35' });
  const wheat = rect(30, 22, 55, 110);
  shapes.push({ kind: 'poly', points: wheat, fill: '#a2a85c' });
  shapes.push({ kind: 'rows', clip: wheat, angle: 90, spacing: 0.22, width: 0.07, stroke: '#8f9a4c' });
  shapes.push(...blotches(rand, wheat, '#b8b26a', 80, 1, 3, 0.3));
  const rapeseed = rect(55, 22, 98, 110);
  shapes.push({ kind: 'poly', points: rapeseed, fill: '#d6c23a' });
  shapes.push(...blotches(rand, rapeseed, '#9fae3a', 70, 0.5, 2, 0.4));
  const pasture = rect(-24, 60, 30, 110);
  shapes.push({ kind: 'poly', points: pasture, fill: '#78984c' });
  shapes.push(...blotches(rand, pasture, '#5f8040', 120, 0.5, 2.5, 0.35));

  // East of the concrete road: orchard
  const orchard = rect(104, -70, 150, 110);
  shapes.push({ kind: 'poly', points: orchard, fill: '#7f8d52' });
  for (let x = 107; x < 150; x += 6) for (let y = -67; y < 110; y += 6) shapes.push(...tree(rand, x + rand() - 0.5, y + rand() - 0.5, 1.8 + rand() * 0.6));

  // Roads
  shapes.push({ kind: 'line', points: [[-70, 20], [150, 20]], width: 4.2, stroke: '#b29c7c' });
  shapes.push({ kind: 'line', points: [[-70, 19.2], [100, 19.2]], width: 0.5, stroke: '#9a8566', opacity: 0.6 });
  shapes.push({ kind: 'line', points: [[-70, 20.8], [100, 20.8]], width: 0.5, stroke: '#9a8566', opacity: 0.6 });
  shapes.push({ kind: 'line', points: [[101, -70], [101, 110]], width: 6, stroke: '#c8c5bc' });
  shapes.push({ kind: 'line', points: [[101, -70], [101, 110]], width: 0.15, stroke: '#efefe8' });
  shapes.push({ kind: 'line', points: [[35.5, -70], [35.5, 18]], width: 1.6, stroke: '#a8906e' });

  // Village houses and trees
  const roofs = ['#6b6b6b', '#3d5d8a', '#9c3b2a', '#d8d4c8', '#7a7670'];
  for (const [x, y] of [[-60, 30], [-47, 33], [-34, 30], [-62, 48], [-48, 50], [-36, 46], [-58, 68], [-42, 70], [-30, 64], [-55, 88], [-38, 90]] as Pt[]) {
    shapes.push(...house(rand, x + rand() * 2, y + rand() * 2, 7 + rand() * 4, 5 + rand() * 3, (rand() - 0.5) * 12, roofs[Math.floor(rand() * roofs.length)]));
  }
  for (let i = 0; i < 26; i++) shapes.push(...tree(rand, -70 + rand() * 46, 24 + rand() * 86, 1.5 + rand() * 2.2));
  for (let i = 0; i < 14; i++) shapes.push(...tree(rand, -22 + rand() * 50, 63 + rand() * 45, 1.5 + rand() * 2.5));
  for (let x = -68; x < 34; x += 7 + rand() * 5) shapes.push(...tree(rand, x, 23 + rand() * 0.6, 1.2 + rand()));

  // Poppy plots, hidden in gaps of ordinary fields
  const plots: Array<{ id: string; x: number; y: number; r: number; density: number; palette: keyof typeof POPPY_PALETTES; where: string }> = [
    { id: 'P1', x: 12, y: 4, r: 3, density: 40, palette: 'red', where: 'clearing in the maize' },
    { id: 'P2', x: 62, y: -18, r: 2.5, density: 35, palette: 'pinkMauve', where: 'among vegetable beds' },
    { id: 'P3', x: 45, y: 42, r: 2.5, density: 45, palette: 'whiteMauve', where: 'gap in the wheat' },
    { id: 'P4', x: 66, y: 55, r: 1.8, density: 30, palette: 'redPink', where: 'corner of the rapeseed' },
    { id: 'P5', x: 2, y: 40, r: 2, density: 25, palette: 'redPink', where: 'on tilled soil, sparse' },
  ];
  for (const p of plots) {
    if (p.id === 'P1') shapes.push({ kind: 'poly', points: blobPolygon(rand, p.x, p.y, p.r + 1.2, 20), fill: '#6e5a3c' });
    const { shapes: s, heads } = poppyPlot(rand, p.x, p.y, p.r, p.density, POPPY_PALETTES[p.palette]);
    shapes.push(...s);
    targets.push({ id: p.id, kind: 'poppy', x: p.x, y: p.y, radiusM: p.r, headsPerM2: p.density, heads, description: `opium poppy plot, ${PALETTE_NAMES[p.palette]} flowers, ${p.where}` });
  }

  // Look-alike decoys
  shapes.push(...chilliMat(rand, -45, 38, 4, 3));
  targets.push({ id: 'D1', kind: 'decoy', x: -43, y: 39.5, radiusM: 2.5, description: 'red chilli drying on a mat in a courtyard' });
  shapes.push(...flowerShrub(rand, 14, 52, 1.4, 25, ['#c21830', '#a8102a', '#d63040'], [0.06, 0.09]));
  targets.push({ id: 'D2', kind: 'decoy', x: 14, y: 52, radiusM: 1.4, description: 'red rose shrub' });
  shapes.push(...flowerShrub(rand, -28, 55, 1.8, 60, ['#d23c8c', '#e055a0', '#c02a7a'], [0.03, 0.05]));
  targets.push({ id: 'D3', kind: 'decoy', x: -28, y: 55, radiusM: 1.8, description: 'pink bougainvillea bush' });
  for (let i = 0; i < 40; i++) {
    const [x, y] = inDisc(rand, 50, -2, 3);
    shapes.push({ kind: 'circle', x, y, r: 0.2 + rand() * 0.1, fill: '#c8322c' });
  }
  targets.push({ id: 'D4', kind: 'decoy', x: 50, y: -2, radiusM: 3, description: 'ripe tomatoes among vegetable beds' });

  return { extent, background: '#7a7a5a', shapes, targets };
}
