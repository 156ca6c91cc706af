import { sha256OfFile } from '../util/sha256.js';
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { defaultManifestPath, loadManifest, type ModelManifest } from './manifest.js';
import { closeupPixels, fillNchw, normalisationTable } from './preprocess.js';
import type { LabelScore } from '../domain/vocabulary.js';

export type { LabelScore } from '../domain/vocabulary.js';

export interface Classification {
  poppy: number;
  isPoppy: boolean;
  top: LabelScore[];
}

export interface ClassifierLoadOptions {
  manifestPath?: string;
  /** onnxruntime intra-op threads; default POPPY_ORT_THREADS or 2 */
  threads?: number;
  /** tiles per session.run; default 16 */
  batchSize?: number;
}

export type SettledClassification = { ok: true; result: Classification } | { ok: false; error: Error };

export const DEFAULT_TOP_K = 3;
export const DEFAULT_BATCH_SIZE = 16;
const DEFAULT_THREADS = 2;

export class ClassifierError extends Error {}

function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ClassifierError(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function checkPositiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ClassifierError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Numerically stable softmax, computed in float64. */
export function softmax(logits: ArrayLike<number>, offset = 0, length = logits.length - offset): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, logits[offset + i]);
  const out = new Float64Array(length);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    out[i] = Math.exp(logits[offset + i] - max);
    sum += out[i];
  }
  for (let i = 0; i < length; i++) out[i] /= sum;
  return out;
}

/** Compares the fixed dimensions the ONNX file declares with the manifest, so a mismatch fails at load. */
function checkShapes(session: ort.InferenceSession, manifest: ModelManifest): void {
  const fixed = (name: string, list: readonly ort.InferenceSession.ValueMetadata[]) => {
    const meta = list.find((m) => m.name === name);
    return meta && meta.isTensor ? meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : null)) : null;
  };
  const { size } = manifest.input;
  const input = fixed(manifest.input.name, session.inputMetadata);
  if (input && input.length === 4) {
    const expected = [null, 3, size, size];
    if (input.some((d, i) => i > 0 && d !== null && d !== expected[i])) {
      throw new ClassifierError(`model input "${manifest.input.name}" has shape [${input.map((d) => d ?? '?')}], manifest expects [N, 3, ${size}, ${size}]`);
    }
  }
  const output = fixed(manifest.output.name, session.outputMetadata);
  const classes = output?.[output.length - 1];
  if (classes && classes !== manifest.labels.length) {
    throw new ClassifierError(`model output "${manifest.output.name}" has ${classes} classes but the manifest lists ${manifest.labels.length} labels`);
  }
}

/** Full-size photos decode to hundreds of MB each; a few at a time keeps both cores busy without the memory spike. */
const DECODE_CONCURRENCY = 4;

/** Promise.allSettled over items, at most `limit` running at once, results in input order. */
async function settledPool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function describeInput(input: string | Buffer, index: number): string {
  return typeof input === 'string' ? input : `buffer #${index}`;
}

/**
 * The poppy classifier: one onnxruntime session, batched inference, poppy score = summed softmax of the
 * manifest's "poppy" group. Calls may overlap; session runs are serialised because the session already
 * uses every intra-op thread and the reusable input buffer must not be shared by two runs.
 */
export class Classifier {
  readonly manifest: ModelManifest;
  readonly batchSize: number;
  readonly threads: number;
  private readonly session: ort.InferenceSession;
  private readonly poppyIndices: number[];
  private readonly table: Float32Array;
  private readonly plane: number;
  private readonly batchBuffer: Float32Array;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(manifest: ModelManifest, session: ort.InferenceSession, threads: number, batchSize: number) {
    this.manifest = manifest;
    this.session = session;
    this.threads = threads;
    this.batchSize = batchSize;
    this.poppyIndices = manifest.labels.flatMap((l, i) => (l.group === 'poppy' ? [i] : []));
    this.table = normalisationTable(manifest);
    this.plane = manifest.input.size * manifest.input.size;
    this.batchBuffer = new Float32Array(batchSize * 3 * this.plane);
  }

  static async load(opts: ClassifierLoadOptions = {}): Promise<Classifier> {
    const threads = checkPositiveInt('threads', opts.threads ?? positiveIntFromEnv('POPPY_ORT_THREADS', DEFAULT_THREADS));
    const batchSize = checkPositiveInt('batchSize', opts.batchSize ?? DEFAULT_BATCH_SIZE);
    const manifestPath = opts.manifestPath ?? defaultManifestPath();
    let manifest: ModelManifest;
    try {
      manifest = loadManifest(manifestPath);
    } catch (err) {
      throw new ClassifierError(`cannot load model manifest ${manifestPath}: ${(err as Error).message}`);
    }
    if (!fs.existsSync(manifest.onnxPath)) {
      throw new ClassifierError(`model file ${manifest.onnxPath} named by ${manifestPath} does not exist`);
    }
    const actual = await sha256OfFile(manifest.onnxPath);
    if (actual !== manifest.sha256) {
      throw new ClassifierError(
        `model file ${manifest.onnxPath} has sha256 ${actual} but manifest ${manifestPath} expects ${manifest.sha256}; ` +
          'the ONNX file and its manifest do not belong together',
      );
    }
    const session = await ort.InferenceSession.create(manifest.onnxPath, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    if (!session.inputNames.includes(manifest.input.name)) {
      throw new ClassifierError(`model has inputs [${session.inputNames}], manifest names input "${manifest.input.name}"`);
    }
    if (!session.outputNames.includes(manifest.output.name)) {
      throw new ClassifierError(`model has outputs [${session.outputNames}], manifest names output "${manifest.output.name}"`);
    }
    checkShapes(session, manifest);
    return new Classifier(manifest, session, threads, batchSize);
  }

  get inputSize(): number {
    return this.manifest.input.size;
  }

  /** Close-up photos (paths or encoded bytes): EXIF-rotated, cover-resized; isPoppy at thresholds.closeup. Rejects on the first unreadable input. */
  async classifyFiles(inputs: (string | Buffer)[], opts: { topK?: number } = {}): Promise<Classification[]> {
    const settled = await this.classifyFilesSettled(inputs, opts);
    return settled.map((s) => {
      if (!s.ok) throw s.error;
      return s.result;
    });
  }

  /** Like classifyFiles, but an unreadable input yields its own error and the others are still classified. */
  async classifyFilesSettled(inputs: (string | Buffer)[], opts: { topK?: number } = {}): Promise<SettledClassification[]> {
    if (!Array.isArray(inputs)) throw new ClassifierError('classifyFiles expects an array of file paths or Buffers');
    const out: SettledClassification[] = new Array(inputs.length);
    const good: { index: number; pixels: Buffer }[] = [];
    // Decode one chunk at a time so a long list never holds every decoded image in memory.
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const chunk = inputs.slice(start, start + this.batchSize);
      const decoded = await settledPool(chunk, DECODE_CONCURRENCY, (input, i) => {
        if (typeof input !== 'string' && !Buffer.isBuffer(input)) {
          return Promise.reject(new ClassifierError(`input #${start + i} is neither a file path nor a Buffer`));
        }
        return closeupPixels(input, this.inputSize);
      });
      for (const [i, d] of decoded.entries()) {
        const index = start + i;
        if (d.status === 'fulfilled') {
          good.push({ index, pixels: d.value });
          continue;
        }
        const reason = await this.decodeFailureReason(inputs[index], d.reason);
        out[index] = { ok: false, error: new ClassifierError(`cannot read image ${describeInput(inputs[index], index)}: ${reason}`) };
      }
      const results = await this.classifyPixels(
        good.map((g) => g.pixels),
        { topK: opts.topK, threshold: this.manifest.thresholds.closeup },
      );
      good.forEach((g, i) => (out[g.index] = { ok: true, result: results[i] }));
      good.length = 0;
    }
    return out;
  }

  /**
   * libvips keeps one error buffer, so concurrent failures can report "Unknown error" or each other's message
   * (a missing file called "unsupported image format"); decoding the failed input again, alone, names its own cause.
   */
  private async decodeFailureReason(input: string | Buffer, reason: unknown): Promise<string> {
    const message = reason instanceof Error ? reason.message : String(reason);
    if (typeof input !== 'string' && !Buffer.isBuffer(input)) return message;
    try {
      await closeupPixels(input, this.inputSize);
      return message;
    } catch (again) {
      const retried = again instanceof Error ? again.message : String(again);
      return /unknown error/i.test(retried) ? 'the image data is corrupt or truncated' : retried;
    }
  }

  /** Raw RGB tiles of exactly input.size² × 3 bytes, run in batches of `batchSize`; isPoppy at `threshold` (default thresholds.droneTile). */
  async classifyPixels(rgbTiles: Buffer[], opts: { topK?: number; threshold?: number } = {}): Promise<Classification[]> {
    const probs = await this.probabilities(rgbTiles);
    const threshold = opts.threshold ?? this.manifest.thresholds.droneTile;
    if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
      throw new ClassifierError(`threshold must be a number in [0, 1], got ${threshold}`);
    }
    const topK = this.checkTopK(opts.topK);
    return probs.map((p) => this.summarise(p, topK, threshold));
  }

  /** Softmax probabilities per tile, in manifest label order. */
  async probabilities(rgbTiles: Buffer[]): Promise<Float64Array[]> {
    if (!Array.isArray(rgbTiles)) throw new ClassifierError('classifyPixels expects an array of Buffers');
    const expected = this.plane * 3;
    rgbTiles.forEach((t, i) => {
      if (!Buffer.isBuffer(t)) throw new ClassifierError(`tile #${i} is not a Buffer`);
      if (t.length !== expected) {
        const s = this.inputSize;
        throw new ClassifierError(`tile #${i} has ${t.length} bytes; raw RGB ${s}×${s} tiles have ${expected}`);
      }
    });
    const out: Float64Array[] = [];
    for (let start = 0; start < rgbTiles.length; start += this.batchSize) {
      const chunk = rgbTiles.slice(start, start + this.batchSize);
      out.push(...(await this.exclusive(() => this.runBatch(chunk))));
    }
    return out;
  }

  poppyScore(probs: ArrayLike<number>): number {
    let sum = 0;
    for (const i of this.poppyIndices) sum += probs[i];
    return Math.min(1, Math.max(0, sum));
  }

  async dispose(): Promise<void> {
    await this.exclusive(() => this.session.release());
  }

  private checkTopK(topK: number | undefined): number {
    const k = topK ?? DEFAULT_TOP_K;
    if (!Number.isInteger(k) || k < 1) throw new ClassifierError(`topK must be a positive integer, got ${topK}`);
    return Math.min(k, this.manifest.labels.length);
  }

  private summarise(probs: Float64Array, topK: number, threshold: number): Classification {
    const poppy = this.poppyScore(probs);
    const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b);
    const top = order.slice(0, topK).map((i) => ({ label: this.manifest.labels[i].id, score: probs[i] }));
    return { poppy, isPoppy: poppy >= threshold, top };
  }

  private async runBatch(tiles: Buffer[]): Promise<Float64Array[]> {
    const n = tiles.length;
    const { size, name } = this.manifest.input;
    const data = this.batchBuffer.subarray(0, n * 3 * this.plane);
    fillNchw(tiles, this.table, this.plane, data);
    const result = await this.session.run({ [name]: new ort.Tensor('float32', data, [n, 3, size, size]) });
    const output = result[this.manifest.output.name];
    const classes = this.manifest.labels.length;
    if (output.data.length !== n * classes) {
      throw new ClassifierError(
        `model output "${this.manifest.output.name}" has shape [${output.dims}], expected [${n}, ${classes}] for ${classes} manifest labels`,
      );
    }
    const logits = output.data as Float32Array;
    const probs: Float64Array[] = [];
    for (let i = 0; i < n; i++) probs.push(softmax(logits, i * classes, classes));
    return probs;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
