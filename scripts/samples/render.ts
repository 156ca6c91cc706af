import sharp from 'sharp';
import type { CameraResult } from '../../server/src/pipeline/camera.js';
import { offsetToPixel } from '../../server/src/pipeline/groundPosition.js';
import { rng, type Pt, type Scene, type Shape } from './scene.js';

/**
 * World (scene metres) → pixel affine matrix of a nadir camera at world (cx, cy): exact for a straight-down
 * pinhole over flat ground, and derived from the pipeline's own projection so renderer and pipeline agree.
 */
export function worldToPixelMatrix(camera: CameraResult, cx: number, cy: number): [number, number, number, number, number, number] {
  if (camera.pitchDeg !== -90) throw new Error('the renderer draws straight-down (pitch −90°) frames only');
  const p0 = offsetToPixel(camera, 0, 0)!;
  const pe = offsetToPixel(camera, 1, 0)!;
  const pn = offsetToPixel(camera, 0, 1)!;
  const a = pe.x - p0.x;
  const b = pe.y - p0.y;
  const c = pn.x - p0.x;
  const d = pn.y - p0.y;
  return [a, b, c, d, p0.x - a * cx - c * cy, p0.y - b * cx - d * cy];
}

const f = (n: number) => (Math.round(n * 1000) / 1000).toString();

function pointsAttr(points: Pt[]): string {
  return points.map(([x, y]) => `${f(x)},${f(y)}`).join(' ');
}

function rowsSvg(s: Extract<Shape, { kind: 'rows' }>, id: number): string {
  const xs = s.clip.map((p) => p[0]);
  const ys = s.clip.map((p) => p[1]);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const half = Math.hypot(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / 2;
  const a = (s.angle * Math.PI) / 180;
  const [dx, dy] = [Math.cos(a), Math.sin(a)];
  const [nx, ny] = [-dy, dx];
  let path = '';
  for (let o = -half; o <= half; o += s.spacing) {
    const px = cx + nx * o;
    const py = cy + ny * o;
    path += `M${f(px - dx * half)} ${f(py - dy * half)}L${f(px + dx * half)} ${f(py + dy * half)}`;
  }
  const op = s.opacity === undefined ? '' : ` stroke-opacity="${s.opacity}"`;
  return `<clipPath id="c${id}"><polygon points="${pointsAttr(s.clip)}"/></clipPath><path clip-path="url(#c${id})" d="${path}" stroke="${s.stroke}" stroke-width="${f(s.width)}" fill="none"${op}/>`;
}

function shapeSvg(s: Shape, id: number): string {
  // fill-/stroke-opacity, not opacity: librsvg gives every `opacity` element its own full-size offscreen surface
  const alpha = 'opacity' in s && s.opacity !== undefined ? s.opacity : undefined;
  const op = alpha === undefined ? '' : s.kind === 'line' ? ` stroke-opacity="${alpha}"` : ` fill-opacity="${alpha}"`;
  switch (s.kind) {
    case 'poly':
      return `<polygon points="${pointsAttr(s.points)}" fill="${s.fill}"${op}/>`;
    case 'circle':
      return `<circle cx="${f(s.x)}" cy="${f(s.y)}" r="${f(s.r)}" fill="${s.fill}"${op}/>`;
    case 'ellipse':
      return `<ellipse transform="translate(${f(s.x)} ${f(s.y)}) rotate(${f(s.angle)})" rx="${f(s.rx)}" ry="${f(s.ry)}" fill="${s.fill}"${op}/>`;
    case 'line':
      return `<polyline points="${pointsAttr(s.points)}" stroke="${s.stroke}" stroke-width="${f(s.width)}" fill="none"${op}/>`;
    case 'rows':
      return rowsSvg(s, id);
  }
}

function visible(s: Shape, box: { minX: number; minY: number; maxX: number; maxY: number }): boolean {
  if (s.kind === 'circle' || s.kind === 'ellipse') {
    const r = s.kind === 'circle' ? s.r : Math.max(s.rx, s.ry);
    return s.x + r >= box.minX && s.x - r <= box.maxX && s.y + r >= box.minY && s.y - r <= box.maxY;
  }
  return true;
}

/** The scene as an SVG of width × height pixels seen through `matrix`; small shapes outside the view are culled. */
export function sceneSvg(scene: Scene, matrix: number[], width: number, height: number): string {
  const [a, b, c, d, e, g] = matrix;
  const det = a * d - b * c;
  const toWorld = (x: number, y: number): Pt => [(d * (x - e) - c * (y - g)) / det, (-b * (x - e) + a * (y - g)) / det];
  const corners = [toWorld(0, 0), toWorld(width, 0), toWorld(width, height), toWorld(0, height)];
  const box = {
    minX: Math.min(...corners.map((p) => p[0])) - 1,
    maxX: Math.max(...corners.map((p) => p[0])) + 1,
    minY: Math.min(...corners.map((p) => p[1])) - 1,
    maxY: Math.max(...corners.map((p) => p[1])) + 1,
  };
  const parts = scene.shapes.filter((s) => visible(s, box)).map((s, i) => shapeSvg(s, i));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" fill="${scene.background}"/>` +
    `<g transform="matrix(${matrix.map((v) => v.toPrecision(12)).join(' ')})">${parts.join('')}</g></svg>`
  );
}

/** Rasterises the SVG and adds camera-like softness, low-frequency light variation and sensor noise. */
export async function rasterise(svg: string, width: number, height: number, seed: number): Promise<Buffer> {
  const { data } = await sharp(Buffer.from(svg), { limitInputPixels: false, density: 72 })
    .removeAlpha()
    .blur(0.6)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rand = rng(seed);
  const cw = Math.ceil(width / 16);
  const ch = Math.ceil(height / 16);
  const coarse = Buffer.alloc(cw * ch);
  for (let i = 0; i < coarse.length; i++) coarse[i] = Math.round(128 + (rand() - 0.5) * 60);
  const light = await sharp(coarse, { raw: { width: cw, height: ch, channels: 1 } }).resize(width, height, { kernel: 'cubic' }).raw().toBuffer();
  for (let p = 0, i = 0; p < width * height; p++, i += 3) {
    const gain = 1 + (light[p] - 128) / 600;
    const n = (rand() - 0.5) * 10;
    for (let k = 0; k < 3; k++) {
      const v = data[i + k] * gain + n;
      data[i + k] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return data;
}
