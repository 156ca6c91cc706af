/** Stored head inputs (cell_features.data: little-endian float32, cells × channels) and groups of them. */

/** Cells that share one label: a reviewed site's cells, one frame's background sample, a synthetic plot. */
export interface CellGroup {
  label: 0 | 1;
  /** cells × channels */
  cells: Float32Array;
  count: number;
}

/** A stored BLOB as float32 (copied: SQLite buffers need not be 4-byte aligned). */
export function decodeCells(blob: Buffer, cells: number, channels: number): Float32Array {
  const n = cells * channels;
  if (blob.byteLength !== n * 4) throw new Error(`cell feature blob has ${blob.byteLength} bytes, expected ${n * 4} (${cells} cells × ${channels} channels)`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = blob.readFloatLE(i * 4);
  return out;
}

/** Concatenates rows of several arrays (each a multiple of `channels` long). */
export function concatCells(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
