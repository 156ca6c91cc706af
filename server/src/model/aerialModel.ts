import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { defaultAerialManifestPath, loadAerialManifest, type AerialHead, type AerialManifest } from './aerialManifest.js';
import { sha256OfFile } from '../util/sha256.js';
import { planWindows, type CellMaps, type DenseModel, type RawRgb, type Window } from '../pipeline/denseModel.js';

export class AerialModelError extends Error {}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Applies a head to stored per-cell features (also what retraining evaluates). */
export function applyHead(head: AerialHead, f: ArrayLike<number>, offset: number, channels: number): { presence: number; poppyHeads: number; otherHeads: number } {
  let a = head.bias[0];
  let b = head.bias[1];
  let c = head.bias[2];
  const [w0, w1, w2] = head.weights;
  for (let k = 0; k < channels; k++) {
    const v = f[offset + k];
    a += w0[k] * v;
    b += w1[k] * v;
    c += w2[k] * v;
  }
  return { presence: sigmoid(a), poppyHeads: Math.max(0, b), otherHeads: Math.max(0, c) };
}

/**
 * The aerial model: one onnxruntime session over windows of a resampled frame; the head is applied here from the
 * manifest so that a head retrained on the server needs no new graph. Runs are serialised (one session, its
 * threads already busy).
 */
export class AerialModel implements DenseModel {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly manifest: AerialManifest,
    private readonly session: ort.InferenceSession,
    public head: AerialHead,
  ) {}

  static async load(opts: { manifestPath?: string; threads?: number; head?: AerialHead } = {}): Promise<AerialModel> {
    const manifestPath = opts.manifestPath ?? defaultAerialManifestPath();
    let manifest: AerialManifest;
    try {
      manifest = loadAerialManifest(manifestPath);
    } catch (err) {
      throw new AerialModelError(`cannot load aerial model manifest ${manifestPath}: ${(err as Error).message}`);
    }
    if (!fs.existsSync(manifest.onnxPath)) throw new AerialModelError(`model file ${manifest.onnxPath} named by ${manifestPath} does not exist`);
    const actual = await sha256OfFile(manifest.onnxPath);
    if (actual !== manifest.sha256) {
      throw new AerialModelError(`model file ${manifest.onnxPath} has sha256 ${actual} but manifest ${manifestPath} expects ${manifest.sha256}`);
    }
    const session = await ort.InferenceSession.create(manifest.onnxPath, {
      intraOpNumThreads: opts.threads ?? 2,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    for (const name of [manifest.outputs.features]) {
      if (!session.outputNames.includes(name)) throw new AerialModelError(`model has outputs [${session.outputNames}], manifest names "${name}"`);
    }
    return new AerialModel(manifest, session, opts.head ?? manifest.head);
  }

  get version(): string {
    return this.head.version;
  }

  /** Cell maps of a whole frame; windows for which `gate` answers false are not run (no flowers there). */
  infer(frame: RawRgb, gate: (w: Window) => boolean = () => true): Promise<CellMaps & { windows: number; gatedWindows: number }> {
    const run = this.queue.then(() => this.inferNow(frame, gate));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async inferNow(frame: RawRgb, gate: (w: Window) => boolean): Promise<CellMaps & { windows: number; gatedWindows: number }> {
    const { stride, featureChannels: channels } = this.manifest;
    const cols = Math.ceil(frame.width / stride);
    const rows = Math.ceil(frame.height / stride);
    const n = cols * rows;
    const maps: CellMaps = {
      cols, rows, stride, channels,
      presence: new Float32Array(n),
      poppyHeads: new Float32Array(n),
      otherHeads: new Float32Array(n),
      features: new Float32Array(n * channels),
      scanned: new Uint8Array(n),
    };
    const windows = planWindows(frame.width, frame.height, stride);
    let gatedWindows = 0;
    for (const w of windows) {
      if (!gate(w)) {
        gatedWindows++;
        continue;
      }
      const feats = await this.runWindow(frame, w.input);
      this.copyCore(maps, feats, w);
    }
    for (let i = 0; i < n; i++) {
      if (!maps.scanned[i]) continue;
      const h = applyHead(this.head, maps.features, i * channels, channels);
      maps.presence[i] = h.presence;
      maps.poppyHeads[i] = h.poppyHeads;
      maps.otherHeads[i] = h.otherHeads;
    }
    return { ...maps, windows: windows.length, gatedWindows };
  }

  /** Features of one window: the input padded (edge pixels repeated) to a multiple of the stride. */
  private async runWindow(frame: RawRgb, r: Window['input']): Promise<{ data: Float32Array; fw: number; fh: number; x: number; y: number }> {
    const m = this.manifest.input.multipleOf;
    const W = Math.ceil(r.w / m) * m;
    const H = Math.ceil(r.h / m) * m;
    const plane = W * H;
    const x = new Float32Array(3 * plane);
    const src = frame.data;
    for (let yy = 0; yy < H; yy++) {
      const sy = r.y + Math.min(yy, r.h - 1);
      for (let xx = 0; xx < W; xx++) {
        const sx = r.x + Math.min(xx, r.w - 1);
        const s = (sy * frame.width + sx) * 3;
        const d = yy * W + xx;
        x[d] = src[s];
        x[plane + d] = src[s + 1];
        x[2 * plane + d] = src[s + 2];
      }
    }
    const input = new ort.Tensor('float32', x, [1, 3, H, W]);
    const out = await this.session.run({ [this.manifest.input.name]: input }, [this.manifest.outputs.features]);
    const t = out[this.manifest.outputs.features];
    const [, , fh, fw] = t.dims as number[];
    return { data: t.data as Float32Array, fw, fh, x: r.x, y: r.y };
  }

  private copyCore(maps: CellMaps, f: { data: Float32Array; fw: number; fh: number; x: number; y: number }, w: Window): void {
    const { stride, channels, cols, rows } = maps;
    const c0 = w.core.x / stride;
    const r0 = w.core.y / stride;
    const c1 = Math.min(cols, Math.ceil((w.core.x + w.core.w) / stride));
    const r1 = Math.min(rows, Math.ceil((w.core.y + w.core.h) / stride));
    const dc = (w.core.x - f.x) / stride;
    const dr = (w.core.y - f.y) / stride;
    const fplane = f.fw * f.fh;
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        const fr = r - r0 + dr;
        const fc = c - c0 + dc;
        if (fr >= f.fh || fc >= f.fw) continue;
        const cell = r * cols + c;
        maps.scanned[cell] = 1;
        const o = cell * channels;
        for (let k = 0; k < channels; k++) maps.features[o + k] = f.data[k * fplane + fr * f.fw + fc];
      }
    }
  }
}
