// Shapes of the API answers the review app reads (docs/architecture.md, HTTP API).
export type Id = number | string;
export type SiteStatus = 'pending' | 'confirmed' | 'rejected';
export type Decision = SiteStatus;

export interface SiteProps {
  id: Id;
  score: number;
  status: SiteStatus;
  errorRadiusM: number;
  frames: number;
  modelVersion: string;
  flightId: Id | null;
  source: 'drone' | 'phone';
  topLabel?: string | null;
  firstSeenAt?: string | null;
  version: number;
  note?: string | null;
  /** aerial plots: the largest view of the plot any frame had (null for phone snaps and old models) */
  areaM2?: number | null;
  estimatedHeads?: number | null;
  outline?: { type: 'Polygon'; coordinates: number[][][] } | null;
}

export interface SiteFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: SiteProps;
}

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

export interface Flight {
  id: Id;
  name: string;
  status: 'empty' | 'queued' | 'processing' | 'done' | 'failed';
  createdAt: string;
  altitudeAglM?: number | null;
  groundElevationM?: number | null;
  sensorWidthMm?: number | null;
  isDemo?: boolean;
  images: { total: number; processed: number; failed: number; pending?: number };
  sites?: number;
  etaS?: number | null;
}

export interface FlightProgress {
  flightId: Id;
  status: Flight['status'];
  total: number;
  processed: number;
  failed: number;
  etaS: number | null;
}

export interface FrameSummary {
  id: Id;
  name: string;
  status: string;
  error?: string | null;
  sha256?: string;
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

export interface LabelScore {
  label: string;
  score: number;
}

/** One detection of a site, normalised by normaliseSiteDetail (the server may name fields slightly differently). */
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
  cropUrl?: string;
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
