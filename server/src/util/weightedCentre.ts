/**
 * The weighted mean of points, accumulated one point at a time: a blob's heads-weighted centre, a detection's
 * evidence-weighted centre, a site's running mean of its detections (the old centre weighted by its count).
 */
export class WeightedCentre {
  private sx = 0;
  private sy = 0;
  private sw = 0;

  add(x: number, y: number, weight: number): this {
    this.sx += weight * x;
    this.sy += weight * y;
    this.sw += weight;
    return this;
  }

  /** The centre, or null while the weights sum to zero or less. */
  centre(): { x: number; y: number } | null {
    return this.sw > 0 ? { x: this.sx / this.sw, y: this.sy / this.sw } : null;
  }
}
