// Shapes of the API answers the review app reads: the server's typed contract (server/src/domain/contract.ts,
// imported as types only), plus the view shapes the review panel builds from them.
import type { Flight, LabelScore, SiteProperties, SiteStatus } from '../../../server/src/domain/contract.js';

export type {
  AuditRecord,
  Flight,
  FlightCoverage,
  FrameCoverage,
  FrameSummary,
  HeadFigures,
  LabelScore,
  SeasonFigures,
  SiteCollection,
  SiteDetail as SiteDetailAnswer,
  SiteDetection,
  SiteFeature,
  SiteStatus,
  Visibility,
} from '../../../server/src/domain/contract.js';

export type Id = number | string;
export type Decision = SiteStatus;

export type SiteProps = SiteProperties;

export interface FeatureCollection<F = GeoFeature> {
  type: 'FeatureCollection';
  features: F[];
}

export interface GeoFeature {
  type: 'Feature';
  geometry:
    | { type: 'Point'; coordinates: [number, number] }
    | { type: 'LineString'; coordinates: [number, number][] }
    | { type: 'Polygon'; coordinates: [number, number][][] };
  properties: Record<string, unknown> | null;
}

export interface FlightProgress {
  flightId: Id;
  status: Flight['status'];
  total: number;
  processed: number;
  failed: number;
  etaS: number | null;
}

export interface UploadAnswer {
  accepted: { id: Id; name: string; sha256: string; duplicate: boolean }[];
  rejected: { name: string; error: string; code?: string; message?: string }[];
}

export interface ModelLabel {
  id: string;
  en: string;
  zh: string;
  group: 'poppy' | 'other';
  kind?: string;
}

export interface AppConfig {
  basemap: { url: string | null; gcj02: boolean; attribution?: string | null; pmtiles?: string | null };
  map?: { attributionPrefix: string };
  /** null while no model is loaded */
  model: { name: string; version: string; labels: ModelLabel[]; thresholds?: Record<string, number> } | null;
}

/** One detection of a site as the review panel shows it (normaliseSiteDetail, from the contract's SiteDetection). */
export interface DetectionView {
  id: Id;
  imageId: Id | null;
  score: number;
  box: { x: number; y: number; w: number; h: number } | null;
  imageWidth: number | null;
  imageHeight: number | null;
  top: LabelScore[];
  modelVersion: string | null;
  capturedAt: string | null;
  imageName: string | null;
  /** EXIF orientation of the frame; the box is in unrotated pixels, the preview is right way up */
  orientation?: number | null;
  /** ground [lon, lat] under the stored pixel corners TL, TR, BR, BL (precisely placed frames only) */
  footprint?: [number, number][] | null;
  /** the crop's address (versioned by the server) */
  cropUrl: string;
  /** the frame's preview, right way up (the server's address) */
  previewUrl: string;
}

export interface HistoryEntry {
  at: string;
  user: string | null;
  decision: string;
  from?: string | null;
  note?: string | null;
}

export interface SiteDetail {
  site: SiteProps;
  lat: number;
  lon: number;
  detections: DetectionView[];
  history: HistoryEntry[];
  top: LabelScore[];
  photoUrl: string | null;
  snapNote: string | null;
  flightName: string | null;
  /** the site's outline on the ground ([lon, lat] ring), when the pipeline measured one */
  outline?: [number, number][] | null;
}
