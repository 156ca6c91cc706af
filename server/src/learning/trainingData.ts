/**
 * Labelled cells from the store: the stored head inputs of every reviewed or field-checked drone site (confirmed or
 * eradicated = poppy, rejected or not_poppy = not; a field outcome outranks the desk review) and the background
 * sample of each frame that saw such a site (not poppy). Only features made by the same network (base version) are
 * used: a head fits the features of one network.
 */
import type { Store } from '../store/index.js';
import { concatCells, decodeCells, type CellGroup } from './cells.js';

export interface LabelledSite extends CellGroup {
  siteId: number;
  flightId: number;
  /** what decided the label */
  source: 'review' | 'field';
  decision: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface BackgroundSample extends CellGroup {
  imageId: number;
  flightId: number;
}

export interface TrainingData {
  channels: number;
  sites: LabelledSite[];
  background: BackgroundSample[];
  /** labelled sites left out: no stored features, or features of another network */
  skippedSites: number;
}

interface LabelRow {
  site_id: number;
  flight_id: number;
  status: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  field_label: 'poppy' | 'not_poppy' | null;
  outcome: string | null;
  species: string | null;
  decided_by: string | null;
  decided_at: string | null;
}

interface CellRow {
  key: number;
  flight_id: number;
  model_version: string;
  cells: number;
  channels: number;
  data: Buffer;
}

const LABELLED = `SELECT s.id AS site_id, s.flight_id, s.status, s.reviewed_by, s.reviewed_at, fl.label AS field_label, fl.outcome,
    fl.species, fl.decided_by, fl.decided_at
  FROM sites s LEFT JOIN field_labels fl ON fl.site_id = s.id
  WHERE s.source = 'drone' AND s.flight_id IS NOT NULL AND (s.status IN ('confirmed', 'rejected') OR fl.label IS NOT NULL)`;

/** model_version values whose features this base network made: `<name>-<base>` and its local heads. */
export function madeByBase(modelVersion: string, name: string, baseVersion: string): boolean {
  const plain = `${name}-${baseVersion}`;
  return modelVersion === plain || modelVersion.startsWith(`${plain}+local.`);
}

export async function gatherTrainingData(store: Store, base: { name: string; version: string; channels: number }): Promise<TrainingData> {
  const { sql } = store;
  const labels = await sql.all<LabelRow>(LABELLED);
  const ok = (r: CellRow) => r.channels === base.channels && madeByBase(r.model_version, base.name, base.version);

  const siteCells = new Map<number, Float32Array[]>();
  const siteRows = await sql.all<CellRow>(`WITH labelled AS (${LABELLED})
    SELECT d.site_id AS key, l.flight_id, cf.model_version, cf.cells, cf.channels, cf.data
    FROM cell_features cf JOIN detections d ON d.id = cf.detection_id JOIN labelled l ON l.site_id = d.site_id`);
  for (const r of siteRows) {
    if (!ok(r)) continue;
    const list = siteCells.get(r.key) ?? [];
    list.push(decodeCells(r.data, r.cells, r.channels));
    siteCells.set(r.key, list);
  }

  const sites: LabelledSite[] = [];
  for (const l of labels) {
    const parts = siteCells.get(l.site_id);
    if (!parts) continue;
    const cells = concatCells(parts);
    const field = l.field_label != null;
    sites.push({
      siteId: l.site_id,
      flightId: l.flight_id,
      label: field ? (l.field_label === 'poppy' ? 1 : 0) : l.status === 'confirmed' ? 1 : 0,
      source: field ? 'field' : 'review',
      decision: field ? (l.outcome === 'not_poppy' && l.species ? `not_poppy (${l.species})` : l.outcome!) : l.status,
      decidedBy: field ? l.decided_by : l.reviewed_by,
      decidedAt: field ? l.decided_at : l.reviewed_at,
      cells,
      count: cells.length / base.channels,
    });
  }

  const background: BackgroundSample[] = [];
  const bgRows = await sql.all<CellRow>(`WITH labelled AS (${LABELLED})
    SELECT cf.image_id AS key, i.flight_id, cf.model_version, cf.cells, cf.channels, cf.data
    FROM cell_features cf JOIN images i ON i.id = cf.image_id
    WHERE cf.detection_id IS NULL AND i.flight_id IS NOT NULL
      AND cf.image_id IN (SELECT DISTINCT d.image_id FROM detections d JOIN labelled l ON l.site_id = d.site_id)`);
  for (const r of bgRows) {
    if (!ok(r)) continue;
    background.push({ imageId: r.key, flightId: r.flight_id, label: 0, cells: decodeCells(r.data, r.cells, r.channels), count: r.cells });
  }
  return { channels: base.channels, sites, background, skippedSites: labels.length - sites.length };
}
