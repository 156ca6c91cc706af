/**
 * One retraining: labelled cells from the store → gate split by flight → fit of the presence row from the shipped
 * head → report (gate set and shipped synthetic evaluation, beside the version active now) → a new version file and
 * row. Nothing is promoted here.
 */
import type { AerialHead, AerialManifest } from '../model/aerialManifest.js';
import type { Store } from '../store/index.js';
import type { ModelVersionRecord } from '../store/modelVersions.js';
import { nowIso } from '../store/db.js';
import type { CellGroup } from './cells.js';
import { DEFAULT_LAMBDA, fitPresence } from './fitPresence.js';
import { gateFlights } from './gateSplit.js';
import { figuresOf, type Figures } from './headScore.js';
import { loadSyntheticEval } from './syntheticCells.js';
import { gatherTrainingData } from './trainingData.js';
import { activeVersion, headOf, LearningError, versionFileExists, writeVersionFile } from './versionFiles.js';
import { advisoryLock } from '../store/sql/advisoryLock.js';

export interface RetrainProgress {
  phase: 'gathering' | 'fitting' | 'reporting' | 'saving';
  /** 0..1 over the whole retraining */
  fraction: number;
  message: string;
}

export interface Comparison {
  candidate: Figures;
  current: Figures;
  losesRecall: boolean;
}

export interface VersionReport {
  /** the version the candidate is compared with (active when it was trained) */
  currentVersion: string;
  thresholds: { minScore: number };
  gate: ({ flights: number[]; sites: number } & Comparison) | { flights: number[]; sites: number; code: 'one_flight'; reason: string };
  synthetic: (Comparison & { plots: number; lookAlikes: number; backgrounds: number }) | { code: 'no_cells' | 'other_network'; reason: string };
  losesRecall: boolean;
}

export interface RetrainOptions {
  store: Store;
  manifest: AerialManifest;
  actor: { id: number | null; username: string } | null;
  lambda?: number;
  onProgress?: (p: RetrainProgress) => void;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

function compare(candidate: Pick<AerialHead, 'weights' | 'bias'>, current: AerialHead, groups: CellGroup[], m: AerialManifest): Comparison {
  const a = figuresOf(candidate, groups, m.featureChannels, m.thresholds);
  const b = figuresOf(current, groups, m.featureChannels, m.thresholds);
  return { candidate: a, current: b, losesRecall: a.recall !== null && b.recall !== null && a.recall < b.recall };
}

export async function retrainAerialHead(o: RetrainOptions): Promise<ModelVersionRecord> {
  const { store, manifest } = o;
  const t0 = performance.now();
  const progress = (p: RetrainProgress) => o.onProgress?.(p);
  progress({ phase: 'gathering', fraction: 0, message: 'reading reviewed sites and their stored cell features' });
  await yieldToEventLoop();
  const data = await gatherTrainingData(store, { name: manifest.name, version: manifest.version, channels: manifest.featureChannels });
  if (data.sites.length === 0) {
    throw new LearningError(409, 'nothing_to_learn', 'No reviewed or field-checked drone site has stored cell features from this network yet: review some sites first.');
  }
  const perFlight = new Map<number, number>();
  for (const s of data.sites) perFlight.set(s.flightId, (perFlight.get(s.flightId) ?? 0) + 1);
  const gate = gateFlights(perFlight);
  const trainSites = data.sites.filter((s) => !gate.has(s.flightId));
  const gateSites = data.sites.filter((s) => gate.has(s.flightId));
  const trainGroups: CellGroup[] = [...trainSites, ...data.background.filter((b) => !gate.has(b.flightId))];
  progress({ phase: 'fitting', fraction: 0.2, message: `fitting on ${trainSites.length} sites and ${trainGroups.length - trainSites.length} frame backgrounds; ${gateSites.length} sites held back` });
  await yieldToEventLoop();

  const lambda = o.lambda ?? DEFAULT_LAMBDA;
  const shipped = manifest.head;
  const minScore = Math.min(0.999, Math.max(0.001, manifest.thresholds.minScore));
  const fit = await fitPresence(trainGroups, manifest.featureChannels, { weights: shipped.weights[0], bias: shipped.bias[0] }, {
    lambda,
    offset: Math.log(minScore / (1 - minScore)),
    onIteration: async (i, max, objective) => {
      progress({ phase: 'fitting', fraction: 0.2 + 0.6 * (i / max), message: `iteration ${i}, objective ${objective.toFixed(4)}` });
      await yieldToEventLoop();
    },
  });
  const fitted: Pick<AerialHead, 'weights' | 'bias'> = { weights: [fit.weights, shipped.weights[1], shipped.weights[2]], bias: [fit.bias, shipped.bias[1], shipped.bias[2]] };

  progress({ phase: 'reporting', fraction: 0.85, message: 'scoring the gate set and the synthetic evaluation' });
  await yieldToEventLoop();
  const currentVersion = await activeVersion(store, manifest);
  const current = await headOf(store, manifest, currentVersion);
  const gateFlightIds = [...gate].sort((a, b) => a - b);
  const gateReport: VersionReport['gate'] = gateSites.length
    ? { flights: gateFlightIds, sites: gateSites.length, ...compare(fitted, current, gateSites, manifest) }
    : { flights: [], sites: 0, code: 'one_flight', reason: `all ${data.sites.length} labelled sites come from one flight: no flight could be held back` };
  const synthetic = loadSyntheticEval(manifest);
  const syntheticReport: VersionReport['synthetic'] = synthetic.available
    ? {
        ...compare(fitted, current, synthetic.groups, manifest),
        plots: synthetic.index.groups.filter((g) => g.kind === 'poppy' && g.eval).length,
        lookAlikes: synthetic.index.groups.filter((g) => g.kind === 'decoy').length,
        backgrounds: synthetic.index.groups.filter((g) => g.kind === 'background').length,
      }
    : { code: synthetic.code, reason: synthetic.reason };
  const losesRecall = ('losesRecall' in gateReport && gateReport.losesRecall) || ('losesRecall' in syntheticReport && syntheticReport.losesRecall);
  const report: VersionReport = { currentVersion, thresholds: { minScore: manifest.thresholds.minScore }, gate: gateReport, synthetic: syntheticReport, losesRecall };

  progress({ phase: 'saving', fraction: 0.95, message: 'writing the new version' });
  const createdAt = nowIso();
  const reviewers = [...new Set(data.sites.map((s) => s.decidedBy).filter((x): x is string => !!x))].sort();
  const decided = data.sites.map((s) => s.decidedAt).filter((x): x is string => !!x).sort();
  const summary = {
    trainSites: { poppy: trainSites.filter((s) => s.label === 1).length, notPoppy: trainSites.filter((s) => s.label === 0).length },
    gateSites: { poppy: gateSites.filter((s) => s.label === 1).length, notPoppy: gateSites.filter((s) => s.label === 0).length },
    fieldChecked: data.sites.filter((s) => s.source === 'field').length,
    backgroundFrames: trainGroups.length - trainSites.length,
    skippedSites: data.skippedSites,
    flights: [...perFlight.keys()].sort((a, b) => a - b),
    reviewers,
    decisionsFrom: decided[0] ?? null,
    decisionsTo: decided[decided.length - 1] ?? null,
    fit: { cells: fit.cells, iterations: fit.iterations, converged: fit.converged, lambda, seconds: Math.round((performance.now() - t0) / 10) / 100 },
  };
  const provenance = {
    sites: data.sites.map((s) => ({
      siteId: s.siteId,
      flightId: s.flightId,
      label: s.label === 1 ? 'poppy' : 'not_poppy',
      source: s.source,
      decision: s.decision,
      decidedBy: s.decidedBy,
      decidedAt: s.decidedAt,
      cells: s.count,
      use: gate.has(s.flightId) ? 'gate' : 'train',
    })),
    backgroundFrames: data.background.map((b) => ({ imageId: b.imageId, flightId: b.flightId, cells: b.count, use: gate.has(b.flightId) ? 'gate' : 'train' })),
  };
  const createdBy = o.actor?.username ?? null;
  const base = { name: manifest.name, version: manifest.version, sha256: manifest.sha256 };
  // The number, its file and its row together, one retraining at a time (several API processes on PostgreSQL share
  // the numbers and the blob directory); a file without a row, left by a crash, keeps its number and is skipped.
  const { rec, version } = await store.tx(async () => {
    await advisoryLock(store.sql, 'newModelVersion');
    const version = await store.modelVersions.nextLocalVersion(manifest.version, (v) => versionFileExists(store, v));
    const head: AerialHead = { version, ...fitted };
    const written = writeVersionFile(store, { kind: 'aerial', version, base, parentVersion: currentVersion, createdAt, createdBy, head, thresholds: manifest.thresholds, summary, report, provenance });
    const rec = await store.modelVersions.add({
      version,
      baseVersion: manifest.version,
      baseSha256: manifest.sha256,
      parentVersion: currentVersion,
      file: written.file,
      fileSha256: written.sha256,
      createdAt,
      createdBy,
      summary,
      report,
      losesRecall,
    });
    return { rec, version };
  });
  await store.audit.append({ action: 'model_retrained', user: o.actor?.id != null ? { id: o.actor.id, username: o.actor.username } : null, username: o.actor?.username, details: { version, parentVersion: currentVersion, summary, losesRecall } });
  return rec;
}
