/**
 * Cheap pre-filter before inference: a flowering poppy plot always shows petal colours (red/orange, pink, mauve,
 * purple or white), while most farmland tiles (foliage, soil, water, tarmac) show none. Tiles without at least
 * `minPixels` petal-coloured pixels are not sent to the model. Measured before adopting it: 650/650 synthetic
 * poppy-plot tiles of the training set pass; 6 % of real caliterra farmland tiles and 77 % of the busy
 * Brighton beach tiles pass (they go to the model as before).
 */
export const GATE_MIN_PIXELS = 4;

export function isPetalColour(r: number, g: number, b: number): boolean {
  if (r > 100 && r - g > 0.45 * r) return true; // red, scarlet, orange
  if (b - g > 15 && r - g > 15) return true; // pink, mauve, purple (soil and foliage have b < g or r ≈ g)
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  return min > 190 && max - min < 40; // white
}

/** True when a raw RGB tile has at least `minPixels` petal-coloured pixels. */
export function hasPetalColours(rgb: Buffer, minPixels = GATE_MIN_PIXELS): boolean {
  let n = 0;
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    if (isPetalColour(rgb[i], rgb[i + 1], rgb[i + 2]) && ++n >= minPixels) return true;
  }
  return false;
}

/**
 * Petal-coloured pixel count of every rectangle of a raw RGB frame, from one pass over the frame and an
 * integral image, so overlapping tiles are not scanned twice and gated tiles are never cut out.
 */
export function petalCounts(raw: Buffer, width: number, height: number, rects: Array<{ x: number; y: number; w: number; h: number }>): number[] {
  const stride = width + 1;
  const integral = new Uint32Array(stride * (height + 1));
  for (let y = 0, p = 0; y < height; y++) {
    let rowSum = 0;
    const above = y * stride;
    const here = above + stride;
    for (let x = 0; x < width; x++, p += 3) {
      if (isPetalColour(raw[p], raw[p + 1], raw[p + 2])) rowSum++;
      integral[here + x + 1] = integral[above + x + 1] + rowSum;
    }
  }
  return rects.map((r) => {
    const x0 = Math.max(0, Math.min(width, r.x));
    const y0 = Math.max(0, Math.min(height, r.y));
    const x1 = Math.max(0, Math.min(width, r.x + r.w));
    const y1 = Math.max(0, Math.min(height, r.y + r.h));
    return integral[y1 * stride + x1] - integral[y0 * stride + x1] - integral[y1 * stride + x0] + integral[y0 * stride + x0];
  });
}
