/**
 * The aerial model's versions as the server sees them: the shipped manifest, the retrained heads, which one is
 * active, the one retraining that may run at a time (with its progress), and promotion, which hands the new head to
 * whatever processes frames (main wires `applyHead` to the frame threads).
 */
import crypto from 'node:crypto';
import { defaultAerialManifestPath, loadAerialManifest, type AerialHead, type AerialManifest } from '../model/aerialManifest.js';
import type { Store } from '../store/index.js';
import { promoteVersion, type PromoteResult } from './promote.js';
import { retrainAerialHead, type RetrainProgress } from './retrain.js';
import { activeVersion, headOf, LearningError } from './versionFiles.js';

export interface RetrainJob {
  id: string;
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  startedBy: string | null;
  progress: RetrainProgress;
  version: string | null;
  error: { code: string; message: string } | null;
}

type Actor = { id: number | null; username: string } | null;

export class AerialModels {
  private manifestCache: AerialManifest | null = null;
  private jobs = new Map<string, RetrainJob>();
  private running: RetrainJob | null = null;
  private listeners = new Set<(job: RetrainJob) => void>();
  private applyHead: ((head: AerialHead) => Promise<void>) | null = null;
  /** the version whose head the frame processors of this process hold */
  private appliedVersion: string | null = null;

  constructor(
    private readonly store: Store,
    private readonly opts: { manifestPath?: string; lambda?: number } = {},
  ) {}

  /** Who makes new detections (the frame threads): told the head of every promotion. */
  applyHeadWith(fn: (head: AerialHead) => Promise<void>): void {
    this.applyHead = fn;
  }

  /** The shipped manifest (loaded on first use; a server without an aerial model answers 503 here). */
  manifest(): AerialManifest {
    if (!this.manifestCache) {
      try {
        this.manifestCache = loadAerialManifest(this.opts.manifestPath ?? defaultAerialManifestPath());
      } catch (err) {
        throw new LearningError(503, 'model_unavailable', `No aerial model is installed: ${(err as Error).message}`);
      }
    }
    return this.manifestCache;
  }

  activeVersion(): Promise<string> {
    return activeVersion(this.store, this.manifest());
  }

  /** The head new frames should use (the shipped one when the active version cannot be read). */
  async activeHead(): Promise<AerialHead> {
    const version = await this.activeVersion();
    const head = await headOf(this.store, this.manifest(), version);
    this.appliedVersion ??= version;
    return head;
  }

  /**
   * For a worker process: when another process (an API server, the CLI) promoted a version since this one last
   * looked, hands its head to the frame processors. One small query per frame.
   */
  async followActiveHead(): Promise<void> {
    if (!this.applyHead) return;
    const version = await this.activeVersion();
    if (version === this.appliedVersion) return;
    const head = await headOf(this.store, this.manifest(), version);
    await this.applyHead(head);
    this.appliedVersion = version;
  }

  onJob(fn: (job: RetrainJob) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  job(id: string): RetrainJob | null {
    return this.jobs.get(id) ?? null;
  }

  currentJob(): RetrainJob | null {
    return this.running;
  }

  /** Starts a retraining in the background; one at a time. Answers the job to poll. */
  startRetrain(actor: Actor): RetrainJob {
    if (this.running) throw new LearningError(409, 'retrain_running', `A retraining is already running (started ${this.running.startedAt} by ${this.running.startedBy ?? 'the server'}).`);
    const manifest = this.manifest();
    const job: RetrainJob = {
      id: crypto.randomUUID(),
      state: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      startedBy: actor?.username ?? null,
      progress: { phase: 'gathering', fraction: 0, message: 'queued' },
      version: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    this.running = job;
    const emit = () => this.listeners.forEach((fn) => fn({ ...job }));
    void retrainAerialHead({
      store: this.store,
      manifest,
      actor,
      lambda: this.opts.lambda,
      onProgress: (p) => {
        job.progress = p;
        emit();
      },
    })
      .then((rec) => {
        job.state = 'done';
        job.version = rec.version;
        job.progress = { phase: 'saving', fraction: 1, message: `${rec.version} written` };
      })
      .catch((err: unknown) => {
        job.state = 'failed';
        job.error = err instanceof LearningError ? { code: err.code, message: err.message } : { code: 'retrain_failed', message: (err as Error).message };
      })
      .finally(() => {
        job.finishedAt = new Date().toISOString();
        this.running = null;
        emit();
      });
    return { ...job };
  }

  /** Promotes (or rolls back to) a version, re-scoring pending sites, then hands its head to the frame processors. */
  async promote(version: string, actor: Actor, ip?: string | null): Promise<PromoteResult> {
    const result = await promoteVersion(this.store, this.manifest(), version, actor, ip);
    await this.applyHead?.(result.head);
    this.appliedVersion = version;
    return result;
  }
}
