import type { FlightStatus, GeoJsonPolygon, ImageStatus, LabelScore, SiteSource, SiteStatus } from '../domain/vocabulary.js';

export type { FlightStatus, GeoJsonPolygon, ImageStatus, JobStatus, LabelScore, SiteSource, SiteStatus } from '../domain/vocabulary.js';
export type { Detection } from '../domain/contract.js';
import type { FrameSummary } from '../domain/contract.js';

/** Who did something; the auth middleware's req.user reduced to what the store records. */
export interface Actor {
  id: string | number | null;
  username: string;
}

/** a flight as the store reads it is exactly the API's Flight */
export type { Flight } from '../domain/contract.js';

/** An images row: the API's FrameSummary without its counts and coverage, plus what only the server reads. */
export interface ImageRecord extends Omit<FrameSummary, 'detections' | 'coverage'> {
  uploadedBy: string | null;
  orientation: number | null;
  /** GeoJSON Polygon of the ground the frame covers */
  footprint: GeoJsonPolygon | null;
  metadata: unknown;
  camera: unknown;
  modelVersion: string | null;
  detections?: number;
}

export interface Site {
  id: number;
  flightId: number | null;
  source: SiteSource;
  lat: number;
  lon: number;
  errorRadiusM: number;
  score: number;
  frames: number;
  bestDetectionId: number | null;
  modelVersion: string | null;
  topLabel: string | null;
  status: SiteStatus;
  version: number;
  note: string | null;
  firstSeenAt: string;
  createdAt: string;
  reviewedAt: string | null;
  reviewedBy: string | null;
  /** the largest plot any of its detections saw (overlapping frames are not added up) */
  areaM2: number | null;
  estimatedHeads: number | null;
  outline: GeoJsonPolygon | null;
  detectionCount: number;
}

/** one decision in a site's history, as the API answers it */
export type { ReviewEntry as Review } from '../domain/contract.js';
