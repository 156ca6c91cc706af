// Review state outside React: queue, position, optimistic decisions sent in the background (one chain per site so
// versions stay in order), undo, 409 conflicts, and prefetching of neighbours' details and images.
import { ApiError } from '../api/client.js';
import { siteProps } from '../api/siteDetail.js';
import type { Decision, Id, SiteDetail, SiteDetailAnswer, SiteFeature, SiteProps } from '../api/types.js';
import { countByStatus, openingIndex, orderQueue, type StatusFilter } from './queue.js';
import { errorOf } from '../i18n/errors.js';

export interface ReviewBody {
  decision: Decision;
  note?: string;
  baseVersion?: number;
}

export interface ReviewDeps {
  fetchSites(query: string): Promise<SiteFeature[]>;
  fetchDetail(id: Id): Promise<SiteDetail>;
  sendReview(id: Id, body: ReviewBody): Promise<unknown>;
  /** Warms the browser cache for an image URL (crops, frame previews). */
  preloadImage(url: string): void;
}

export interface Conflict {
  siteId: Id;
  mine: Decision;
  myNote: string;
  current: SiteProps;
  /** who made the decision now on the site, and when (from the server's 409 answer) */
  by?: string | null;
  at?: string | null;
}

export interface SaveError {
  siteId: Id;
  decision: Decision;
  note: string;
  message: string;
}

export interface ReviewSnapshot {
  loading: boolean;
  loadError: string | null;
  all: SiteFeature[];
  queue: SiteFeature[];
  index: number;
  current: SiteFeature | null;
  counts: Record<StatusFilter, number>;
  conflicts: Conflict[];
  errors: SaveError[];
  canUndo: boolean;
  saving: number;
  /** increments with every load of the site list */
  loadId: number;
  /** the query of the site list now shown (set when a new query's sites arrived) */
  loadedQuery: string | null;
  /** the reviewer tried to go past the last site of the queue */
  atEnd: boolean;
}

interface UndoEntry {
  siteId: Id;
  before: Decision;
  beforeNote: string;
}

const PREFETCH_BEHIND = 1;
const PREFETCH_AHEAD = 4;
const key = (id: Id) => String(id);

export function imageUrlsFor(detail: SiteDetail): string[] {
  const urls = detail.detections.map((d) => d.cropUrl);
  const best = detail.detections[0];
  if (best) urls.push(best.previewUrl);
  if (detail.photoUrl) urls.push(detail.photoUrl);
  return urls;
}

export class ReviewController {
  private sites = new Map<string, SiteFeature>();
  private serverProps = new Map<string, SiteProps>();
  private order: string[] = [];
  private index = 0;
  private undoStack: UndoEntry[] = [];
  private conflicts = new Map<string, Conflict>();
  private errors = new Map<string, SaveError>();
  private chains = new Map<string, Promise<void>>();
  private inflight = new Map<string, number>();
  private details = new Map<string, SiteDetail>();
  private detailRequests = new Map<string, Promise<SiteDetail | null>>();
  private staleDetails = new Set<string>();
  private notes = new Map<string, string>();
  private loading = false;
  private loadError: string | null = null;
  private loadSeq = 0;
  private loadId = 0;
  private loadedQuery: string | null = null;
  private atEnd = false;
  private listeners = new Set<() => void>();
  private snapshot: ReviewSnapshot;
  /** bumped whenever a site or the queue order changes, so snapshots reuse the big arrays otherwise */
  private dataVersion = 0;
  private builtVersion = -1;

  constructor(private deps: ReviewDeps) {
    this.snapshot = this.buildSnapshot();
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): ReviewSnapshot => this.snapshot;

  private changed(): void {
    this.snapshot = this.buildSnapshot();
    this.listeners.forEach((fn) => fn());
  }

  private buildSnapshot(): ReviewSnapshot {
    const fresh = this.builtVersion !== this.dataVersion || !this.snapshot;
    this.builtVersion = this.dataVersion;
    const all = fresh ? [...this.sites.values()] : this.snapshot.all;
    const queue = fresh ? this.order.map((id) => this.sites.get(id)!).filter(Boolean) : this.snapshot.queue;
    return {
      loading: this.loading,
      loadError: this.loadError,
      all,
      queue,
      index: this.index,
      current: queue[this.index] ?? null,
      counts: fresh ? countByStatus(all) : this.snapshot.counts,
      conflicts: [...this.conflicts.values()],
      errors: [...this.errors.values()],
      canUndo: this.undoStack.length > 0,
      saving: [...this.inflight.values()].reduce((a, b) => a + b, 0),
      loadId: this.loadId,
      loadedQuery: this.loadedQuery,
      atEnd: this.atEnd,
    };
  }

  /**
   * Loads the sites matching the query and builds the queue. With `keepPosition` (a refresh) the current site stays
   * selected and the order of sites already in the queue is kept; otherwise the queue opens on the top pending site.
   */
  async load(query: string, status: StatusFilter, opts: { keepPosition?: boolean } = {}): Promise<void> {
    const seq = ++this.loadSeq;
    this.loading = true;
    this.loadError = null;
    this.changed();
    try {
      const features = await this.deps.fetchSites(query);
      if (seq !== this.loadSeq) return;
      globalThis.performance?.mark?.('poppy:sites-parsed');
      this.dataVersion++;
      this.loadId++;
      this.loadedQuery = query;
      if (!opts.keepPosition) this.atEnd = false;
      const currentId = this.order[this.index];
      this.sites.clear();
      // detections may have been added while frames were processed: refetch details as they are shown
      for (const k of this.details.keys()) this.staleDetails.add(k);
      for (const f of features) {
        const k = key(f.properties.id);
        const local = opts.keepPosition ? this.localOverride(k, f) : f;
        this.sites.set(k, local);
        this.serverProps.set(k, f.properties);
      }
      const queue = orderQueue([...this.sites.values()], status).map((f) => key(f.properties.id));
      if (opts.keepPosition && currentId !== undefined) {
        const kept = this.order.filter((id) => this.sites.has(id));
        const keptSet = new Set(kept);
        const added = queue.filter((id) => !keptSet.has(id));
        this.order = [...kept, ...added];
        const i = this.order.indexOf(currentId);
        this.index = i >= 0 ? i : Math.min(this.index, Math.max(0, this.order.length - 1));
      } else {
        this.order = queue;
        this.index = openingIndex(queue.map((id) => this.sites.get(id)!));
      }
      this.loading = false;
      globalThis.performance?.mark?.('poppy:queue-built');
      this.changed();
      globalThis.performance?.mark?.('poppy:queue-rendered');
      this.prefetchAround();
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.loading = false;
      this.loadError = errorOf(err);
      this.changed();
    }
  }

  /** While a decision is still on its way, a refresh must not flip the site back to the server's older state. */
  private localOverride(k: string, fresh: SiteFeature): SiteFeature {
    const mine = this.sites.get(k);
    if (mine && (this.inflight.get(k) ?? 0) > 0) return { ...fresh, properties: { ...fresh.properties, status: mine.properties.status } };
    return fresh;
  }

  current(): SiteFeature | null {
    return this.snapshot.current;
  }

  detail(id: Id): SiteDetail | null {
    const k = key(id);
    if (!this.details.has(k) || this.staleDetails.has(k)) void this.fetchDetail(id);
    return this.details.get(k) ?? null;
  }

  noteFor(id: Id): string {
    return this.notes.get(key(id)) ?? this.sites.get(key(id))?.properties.note ?? '';
  }

  setNote(id: Id, note: string): void {
    this.notes.set(key(id), note);
    this.changed();
  }

  select(id: Id): void {
    this.atEnd = false;
    const k = key(id);
    let i = this.order.indexOf(k);
    if (i < 0) {
      if (!this.sites.has(k)) return;
      // A site outside the current status filter (clicked on the map): slot it in where its score puts it.
      const site = this.sites.get(k)!;
      i = this.order.findIndex((o) => (this.sites.get(o)?.properties.score ?? 0) < site.properties.score);
      if (i < 0) i = this.order.length;
      this.order.splice(i, 0, k);
      this.dataVersion++;
    }
    this.move(i);
  }

  next(): void {
    if (this.order.length > 0 && this.index >= this.order.length - 1) {
      this.atEnd = true;
      this.changed();
      return;
    }
    this.move(this.index + 1);
  }

  previous(): void {
    this.move(this.index - 1);
  }

  private move(i: number): void {
    const clamped = Math.max(0, Math.min(this.order.length - 1, i));
    this.atEnd = false;
    if (clamped === this.index && this.snapshot.current) return;
    this.index = clamped;
    this.changed();
    this.prefetchAround();
  }

  /** Y / N: applied at once, sent in the background, then on to the next site. */
  decide(decision: Decision): void {
    const site = this.current();
    if (!site) return;
    const k = key(site.properties.id);
    if (this.conflicts.has(k)) return; // the reviewer must resolve the conflict first
    const note = this.noteFor(site.properties.id);
    this.undoStack.push({ siteId: site.properties.id, before: site.properties.status, beforeNote: site.properties.note ?? '' });
    this.applyLocal(k, decision, note);
    this.send(site.properties.id, { decision, note });
    // deciding the last site of the queue: say so rather than staying silently on it
    this.atEnd = this.index >= this.order.length - 1;
    this.index = Math.min(this.index + 1, this.order.length - 1);
    this.changed();
    this.prefetchAround();
  }

  undo(): void {
    const entry = this.undoStack.pop();
    if (!entry) return;
    const k = key(entry.siteId);
    const i = this.order.indexOf(k);
    if (i >= 0) this.index = i;
    if (!this.conflicts.has(k)) {
      this.applyLocal(k, entry.before, entry.beforeNote);
      this.notes.set(k, entry.beforeNote);
      this.send(entry.siteId, { decision: entry.before, note: entry.beforeNote });
    }
    this.changed();
    this.prefetchAround();
  }

  /** After a 409: send my decision again on top of the current version, or keep the other reviewer's. */
  resolveConflict(id: Id, choice: 'mine' | 'theirs'): void {
    const k = key(id);
    const conflict = this.conflicts.get(k);
    if (!conflict) return;
    this.conflicts.delete(k);
    if (choice === 'mine') {
      this.applyLocal(k, conflict.mine, conflict.myNote);
      this.send(id, { decision: conflict.mine, note: conflict.myNote });
    }
    this.changed();
  }

  retry(id: Id): void {
    const k = key(id);
    const failed = this.errors.get(k);
    if (!failed) return;
    this.errors.delete(k);
    this.applyLocal(k, failed.decision, failed.note);
    this.send(id, { decision: failed.decision, note: failed.note });
    this.changed();
  }

  dismissError(id: Id): void {
    this.errors.delete(key(id));
    this.changed();
  }

  private applyLocal(k: string, status: Decision, note: string): void {
    const site = this.sites.get(k);
    if (!site) return;
    this.sites.set(k, { ...site, properties: { ...site.properties, status, note } });
    this.dataVersion++;
  }

  private send(id: Id, body: ReviewBody): void {
    const k = key(id);
    this.inflight.set(k, (this.inflight.get(k) ?? 0) + 1);
    const run = async () => {
      try {
        if (this.conflicts.has(k)) return; // never stack more changes on a site someone else changed
        const baseVersion = this.serverProps.get(k)?.version ?? this.sites.get(k)?.properties.version;
        const answer = await this.deps.sendReview(id, { ...body, baseVersion });
        const fresh = siteProps(answer as SiteDetailAnswer);
        const known = this.serverProps.get(k);
        const next: SiteProps =
          fresh && fresh.version !== undefined
            ? { ...known, ...fresh }
            : ({ ...known, status: body.decision, note: body.note, version: (known?.version ?? 0) + 1 } as SiteProps);
        this.serverProps.set(k, next);
        this.staleDetails.add(k);
      } catch (err) {
        this.undoStack = this.undoStack.filter((u) => key(u.siteId) !== k);
        if (err instanceof ApiError && err.status === 409) {
          const current = siteProps((err.body as { current?: SiteDetailAnswer })?.current);
          if (current && current.version !== undefined) this.serverProps.set(k, { ...this.serverProps.get(k), ...current });
          const raw = (err.body as { current?: { reviewedBy?: unknown; reviewedAt?: unknown } })?.current;
          this.conflicts.set(k, {
            siteId: id,
            mine: body.decision,
            myNote: body.note ?? '',
            current: this.serverProps.get(k)!,
            by: typeof raw?.reviewedBy === 'string' ? raw.reviewedBy : null,
            at: typeof raw?.reviewedAt === 'string' ? raw.reviewedAt : null,
          });
          this.staleDetails.add(k);
        } else {
          this.errors.set(k, {
            siteId: id,
            decision: body.decision,
            note: body.note ?? '',
            message: errorOf(err),
          });
        }
        this.revertToServer(k);
      } finally {
        const left = (this.inflight.get(k) ?? 1) - 1;
        if (left <= 0) this.inflight.delete(k);
        else this.inflight.set(k, left);
        if (left <= 0 && !this.conflicts.has(k) && !this.errors.has(k)) this.revertToServer(k);
        this.changed();
      }
    };
    const chain = (this.chains.get(k) ?? Promise.resolve()).then(run);
    this.chains.set(k, chain);
  }

  /** Show what the server holds (after the last send settles, or after a failure). */
  private revertToServer(k: string): void {
    const site = this.sites.get(k);
    const server = this.serverProps.get(k);
    if (site && server) {
      this.sites.set(k, { ...site, properties: { ...site.properties, ...server } });
      this.dataVersion++;
    }
  }

  /** Resolves when every queued review has been answered (tests, page unload). */
  async settled(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  private async fetchDetail(id: Id): Promise<SiteDetail | null> {
    const k = key(id);
    const pending = this.detailRequests.get(k);
    if (pending) return pending;
    const req = this.deps
      .fetchDetail(id)
      .then((d) => {
        this.details.set(k, d);
        this.staleDetails.delete(k);
        for (const url of imageUrlsFor(d)) this.deps.preloadImage(url);
        this.changed();
        return d;
      })
      .catch(() => null)
      .finally(() => this.detailRequests.delete(k));
    this.detailRequests.set(k, req);
    return req;
  }

  private prefetchAround(): void {
    for (let i = this.index - PREFETCH_BEHIND; i <= this.index + PREFETCH_AHEAD; i++) {
      const k = this.order[i];
      if (k !== undefined && !this.details.has(k)) void this.fetchDetail(this.sites.get(k)!.properties.id);
    }
  }
}
